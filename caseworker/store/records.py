"""Plain, validated records of a case as it arrives from outside (a tracker row, the demo builder).

``None`` means "not given": a new case stores nothing there, an existing case keeps what it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class ContactRecord:
    name: str
    role: str = "parent"
    address: str | None = None
    postcode: str | None = None
    email: str | None = None
    phone: str | None = None
    main_correspondent: bool = True


@dataclass(slots=True)
class AdviceRecord:
    kind: str
    requested: date | None = None
    received: date | None = None
    service: str | None = None


@dataclass(slots=True)
class ExceptionRecord:
    ground: str
    recorded: date
    note: str = ""


@dataclass(slots=True)
class PlanRecord:
    """What a maintained plan has been through since it was issued, as a tracker row gives it: its last
    review, its latest amendment and its next phase transfer."""

    review_meeting: date | None = None
    review_decision: str | None = None  # maintain, amend or cease
    review_notified: date | None = None  # the day the decision was notified
    amendment_notice_sent: date | None = None
    amended_plan_issued: date | None = None
    transfer_kind: str | None = None  # school, post16 or post16_move
    transfer_date: date | None = None
    transfer_done: date | None = None  # the plan, amended to name the next setting, issued

    @property
    def has_review(self) -> bool:
        return self.review_meeting is not None or self.review_notified is not None

    @property
    def has_amendment(self) -> bool:
        return self.amendment_notice_sent is not None or self.amended_plan_issued is not None

    @property
    def has_transfer(self) -> bool:
        return self.transfer_date is not None or self.transfer_done is not None


@dataclass(slots=True)
class CaseRecord:
    reference: str
    forename: str | None = None
    surname: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    upn: str | None = None
    nhs_number: str | None = None
    uln: str | None = None
    postcode: str | None = None
    primary_need: str | None = None
    school_urn: str | None = None
    school_name: str | None = None
    caseworker: str | None = None
    contacts: list[ContactRecord] = field(default_factory=list)
    received: date | None = None
    request_source: str | None = None
    decision_to_assess: bool | None = None
    decision_to_assess_on: date | None = None
    decision_to_issue: bool | None = None
    decision_to_issue_on: date | None = None
    draft_sent: date | None = None
    draft_served: date | None = None
    final_issued: date | None = None
    withdrawn: date | None = None
    withdrawn_reason: str | None = None
    advice: list[AdviceRecord] = field(default_factory=list)
    exceptions: list[ExceptionRecord] = field(default_factory=list)
    plan: PlanRecord | None = None  # written beside the case by the service that imports it

    @property
    def is_plan_in_place(self) -> bool:
        """A plan issued before the tracker's history: no request date, only the final plan."""
        return self.received is None and self.final_issued is not None


@dataclass(slots=True)
class StaffRecord:
    username: str
    display_name: str
    role: str = "caseworker"
    team: str | None = None
    email: str | None = None
    phone: str | None = None
    fte: float = 1.0
    capacity_points: float | None = None
    active: bool = True


@dataclass(slots=True)
class ServiceRecord:
    name: str
    kind: str
    address: str | None = None
    postcode: str | None = None
    email: str | None = None
    lead_name: str | None = None


@dataclass(slots=True)
class SchoolRecord:
    name: str
    urn: str | None = None
    address: str | None = None
    postcode: str | None = None
    email: str | None = None
