"""What is known of one maintained plan: dates recorded, nothing derived.

The plan's own clocks (annual review, amendments, phase transfer, ceasing) are worked out from these by
the engine (``caseworker.statutory.plans``); the store fills them (``caseworker.store``), as it fills
``RequestFacts`` for the 20 weeks. Plain dataclasses so the engine stays free of I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# What a review can decide (CFA s44; reg 20(10)).
MAINTAIN = "maintain"
AMEND = "amend"
CEASE = "cease"
REVIEW_DECISIONS = (MAINTAIN, AMEND, CEASE)

# Phase transfers (reg 18): between school phases, school to post-16, one post-16 institution to another.
TRANSFER_SCHOOL = "school"
TRANSFER_POST16 = "post16"
TRANSFER_POST16_MOVE = "post16_move"
TRANSFER_KINDS = (TRANSFER_SCHOOL, TRANSFER_POST16, TRANSFER_POST16_MOVE)


@dataclass(frozen=True, slots=True)
class SettingFacts:
    """The school, college or setting named in section I."""

    urn: str | None
    name: str
    kind: str


@dataclass(slots=True)
class ReviewFacts:
    """One annual review: its meeting and the decision notified after it (either may be still to come)."""

    meeting: date | None = None
    invitations_sent: date | None = None  # invitations and advice to the reg 20(2) list
    report_sent: date | None = None
    decision: str | None = None  # maintain, amend or cease
    notified: date | None = None  # the day the decision was notified: it starts the next 12 months
    id: int | None = None


@dataclass(slots=True)
class AmendmentFacts:
    """Proposed amendments (reg 22): the notice, the family's 15 days, the final amended plan."""

    notice_sent: date
    notice_served: date | None = None  # recorded only when service differs from sending
    final_issued: date | None = None  # the final amended plan
    not_amended: date | None = None  # or the decision, notified, not to amend after all
    id: int | None = None

    @property
    def done(self) -> date | None:
        return self.final_issued or self.not_amended


@dataclass(slots=True)
class TransferFacts:
    """The next phase transfer recorded on the plan and how far it has got."""

    kind: str  # school, post16 or post16_move
    transfer_date: date  # the day the move happens
    consultation_sent: date | None = None  # the next setting consulted
    setting_replied: date | None = None
    done: date | None = None  # the plan, amended to name the next setting, issued
    id: int | None = None


@dataclass(slots=True)
class CeaseFacts:
    """Ceasing the plan (CFA s45; regs 29-31): the plan is kept while an appeal is possible or pending."""

    proposed: date | None = None  # the family and the setting consulted on the proposal
    decided: date | None = None  # the decision to cease notified (appealable)
    appeal_lodged: date | None = None
    appeal_concluded: date | None = None
    ceased: date | None = None  # the day the plan stopped being maintained
    reason: int | None = None  # SEN2 cease reason, 1-9
    withdrawn: date | None = None  # the proposal dropped: the plan goes on
    id: int | None = None


@dataclass(slots=True)
class PlanFacts:
    """One maintained plan and what has happened to it since it was issued."""

    reference: str
    plan_issued: date
    date_of_birth: date
    child: str = ""
    caseworker: str | None = None
    named_setting: SettingFacts | None = None
    reviews: list[ReviewFacts] = field(default_factory=list)  # oldest first
    amendments: list[AmendmentFacts] = field(default_factory=list)  # oldest first
    transfer: TransferFacts | None = None
    cease: CeaseFacts | None = None
    # A child taught out of their year group: + a year behind, - a year ahead (moves the transfer cohort).
    year_group_offset: int = 0
    case_id: int | None = None
