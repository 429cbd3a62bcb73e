"""The plain data a letter may use. No database: the caller passes these (or builds them from a CaseDetail
with caseworker.letters.from_case).

A template reads them as ``case.final_due``, ``advice.days_late``, ``recipient.name`` and so on; a
field left as None is "not recorded", and a template that uses it is refused with the field's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

from caseworker.letters.errors import LetterError
from caseworker.letters.settings import CouncilSettings

RECIPIENT_KINDS = ("main_correspondent", "parent", "carer", "young_person", "school", "school_consulted",
                   "named_setting", "advice_service", "health_commissioner", "social_care", "other_la")
FAMILY_KINDS = frozenset({"main_correspondent", "parent", "carer", "young_person"})
# Bodies reg 8 binds to give advice within 6 weeks, whatever service the advice was asked of.
REG8_KINDS = frozenset({"health_commissioner", "other_la"})
_RECIPIENT_ID = re.compile(r"^(contact|school|setting|service|commissioner|social_care|la):[1-9][0-9]*$")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone linked to the case, with the address the letter goes to (never typed in for the letter)."""

    id: str  # "contact:12", "school:3", "setting:3", "service:5", "commissioner:1", "social_care:2", "la:4"
    kind: str  # one of RECIPIENT_KINDS; for a contact, their role (parent, carer, young_person)
    name: str
    address_lines: tuple[str, ...]
    postcode: str
    salutation: str = ""
    main_correspondent: bool = False
    addressee: str = ""  # an organisation's officer, printed above its name: "The Headteacher"

    def __post_init__(self) -> None:
        if not _RECIPIENT_ID.match(self.id):
            raise LetterError(f"recipient id {self.id!r} is not a case contact or organisation (e.g. 'contact:12')")
        if self.kind not in RECIPIENT_KINDS:
            raise LetterError(f"recipient {self.id}: unknown kind {self.kind!r}; "
                              f"use one of {', '.join(RECIPIENT_KINDS)}")
        if not self.name.strip():
            raise LetterError(f"recipient {self.id}: the name is empty")
        object.__setattr__(self, "address_lines", tuple(a.strip() for a in self.address_lines if a.strip()))

    @property
    def kinds(self) -> frozenset[str]:
        """Every kind this recipient counts as (a main correspondent is also a parent, carer or young person)."""
        return frozenset({self.kind, "main_correspondent"} if self.main_correspondent else {self.kind})

    @property
    def family(self) -> bool:
        """The parent or young person: the only recipients who may appeal (CFA s51), so the only ones
        whose letters carry the rights paragraphs."""
        return bool(self.kinds & FAMILY_KINDS)

    @property
    def greeting(self) -> str:
        return self.salutation.strip() or f"Dear {self.name}"


@dataclass(frozen=True, slots=True)
class ChildFacts:
    name: str
    date_of_birth: date
    first_name: str | None = None

    @property
    def forename(self) -> str:
        """What a letter calls the child after naming them in full once."""
        return (self.first_name or "").strip() or self.name


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The request's recorded dates and the statutory dates derived from them (None: not recorded)."""

    reference: str
    stage: str
    received: date | None = None
    caseworker_name: str | None = None
    caseworker_phone: str | None = None
    caseworker_email: str | None = None
    caseworker_job_title: str | None = None  # signs the letter under their name; else the council's words
    school: str | None = None
    decision_due: date | None = None  # decide whether to assess (week 6)
    decision_to_assess_on: date | None = None
    issue_decision_due: date | None = None  # a "no" to issuing must be notified by week 16
    decision_to_issue_on: date | None = None
    draft_latest_safe: date | None = None
    draft_sent: date | None = None
    draft_served: date | None = None
    family_comment_end: date | None = None  # the last of the family's 15 days on the draft
    earliest_final: date | None = None
    final_due: date | None = None  # week 20
    final_issued: date | None = None
    # Set when week 20 can no longer be met: the earliest day the final plan may lawfully be issued.
    final_cannot_be_met: date | None = None
    # The title of an exception on record that excuses the decision to assess, a "no" to issuing, the final plan
    # should it be (or have been) late.
    decision_exception: str | None = None
    issue_exception: str | None = None
    final_exception: str | None = None


@dataclass(frozen=True, slots=True)
class AdviceLetterFacts:
    """One advice request, for the request and chase letters."""

    kind: str
    kind_title: str
    service: str
    requested: date
    due: date  # 6 weeks from the adviser's receipt of the request (reg 8(1))
    days_late: int | None = None  # None when it is not late (so a chase cannot be made)
    received: date | None = None
    original_request: date | None = None  # when a request was re-sent: the first one
    sent_by: str = "email"
    delivered: date | None = None  # the day the adviser received the request (post: 2nd working day)
    bound_by_reg8: bool = False  # the law sets the 6 weeks (a health body, another council, a YOT)
    excused: str | None = None  # the reg 8(2) excuse on record, in words

    @property
    def first_requested(self) -> date:
        return self.original_request or self.requested

    @property
    def by_post(self) -> bool:
        return self.sent_by == "post"


@dataclass(frozen=True, slots=True)
class ExceptionLetterFacts:
    ground: str
    title: str
    text: str
    recorded: date
    began: date | None = None  # when the circumstances began (None: the day it was recorded)
    ended: date | None = None  # None while they continue
    excuses: tuple[str, ...] = ()  # the time limits still to come it can excuse, in words with their dates

    @property
    def start(self) -> date:
        return self.began or self.recorded


@dataclass(frozen=True, slots=True)
class SettingFacts:
    """The school, college or setting named in section I of the plan."""

    name: str
    kind: str
    kind_title: str
    admission_duty: bool  # CFA s43 applies to its kind: it must admit the child


@dataclass(frozen=True, slots=True)
class PlanLetterFacts:
    """A plan in place: what is recorded of it and the dates the plan clocks work out (None: not recorded).

    A review "under way" has its meeting recorded and its decision not yet notified; the "last" review is
    the one whose decision was notified last. The amendment is the latest notice of proposed amendments.
    """

    issued: date
    next_review_due: date | None = None  # the last day of the 12 months the next review falls in
    review_meeting: date | None = None  # the meeting of the review under way (it may be arranged ahead)
    invitations_sent: date | None = None
    advice_by: date | None = None  # advice and information circulated at least 2 weeks before the meeting
    review_report_due: date | None = None  # 2 weeks after the meeting
    review_decision_due: date | None = None  # 4 weeks after the meeting
    last_review_meeting: date | None = None
    review_decision: str | None = None  # maintain, amend or cease
    review_decision_notified: date | None = None
    last_review_decision_due: date | None = None  # 4 weeks after the last review's meeting
    amendment_notice_sent: date | None = None
    amendment_served: date | None = None  # the family's 15 days begin with it
    amendment_comments_until: date | None = None
    amended_plan_due: date | None = None  # 8 weeks from the notice
    amended_plan_issued: date | None = None
    amendment_follows_review: bool | None = None  # the notice carries the last review's decision to amend
    transfer_kind: str | None = None  # school, post16 or post16_move
    transfer_date: date | None = None  # the day the child moves
    transfer_due: date | None = None  # the amended plan naming the next setting
    transfer_consulted: date | None = None  # the next setting consulted on being named
    transfer_school: str | None = None  # the setting consulted
    cease_proposed: date | None = None
    cease_decided: date | None = None  # the decision to cease notified
    appeal_until: date | None = None  # the last day the family may appeal the decision to cease
    cease_appeal_lodged: date | None = None  # an appeal waiting for the Tribunal
    cease_follows_review: bool | None = None  # the decision to cease was the last review's decision


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """What the caseworker types when making a review invitation: the meeting's time and place."""

    time: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class LetterFacts:
    council: CouncilSettings
    recipient: Recipient
    child: ChildFacts
    case: CaseFacts
    today: date  # the day the letter is made: "has this date passed?" is judged against it
    our_reference: str
    advice: AdviceLetterFacts | None = None
    exception: ExceptionLetterFacts | None = None
    reasons: tuple[str, ...] = ()  # the decision's reasons, as the caseworker wrote them (one per point)
    setting: SettingFacts | None = None
    letter_date: date | None = None  # the date printed (a decision's notification date); None: today
    plan: PlanLetterFacts | None = None  # a plan in place
    meeting: MeetingFacts | None = None  # typed with the letter (a review invitation)

    @property
    def dated(self) -> date:
        """The letter's date: the appeal window and reply dates count from it."""
        return self.letter_date or self.today


# What a template may read, by namespace: the names ``needs`` and ``{{ ... }}`` are checked against.
COUNCIL_FIELDS = frozenset({"name", "address_lines", "postcode", "phone", "email", "website", "team_name",
                            "local_offer", "signatory_role", "mediation_adviser", "la_mediation",
                            "disagreement_resolution", "sendiass", "tribunal"})
CONTACT_POINTS = frozenset({"mediation_adviser", "la_mediation", "disagreement_resolution", "sendiass", "tribunal"})
NAMESPACES: dict[str, frozenset[str]] = {
    "recipient": frozenset({"id", "kind", "name", "address_lines", "postcode", "greeting", "addressee", "family"}),
    "child": frozenset({*(f.name for f in fields(ChildFacts)), "forename", "under_five"}),
    "case": frozenset(f.name for f in fields(CaseFacts)),
    "advice": frozenset({*(f.name for f in fields(AdviceLetterFacts)), "first_requested", "by_post"}),
    "exception": frozenset(f.name for f in fields(ExceptionLetterFacts)),
    "setting": frozenset(f.name for f in fields(SettingFacts)),
    "plan": frozenset(f.name for f in fields(PlanLetterFacts)),
    "meeting": frozenset(f.name for f in fields(MeetingFacts)),
}
# Dates every letter has, derived from its own date with the timescales table.
LETTER_DATES = ("appeal_by", "mediation_contact_by", "reply_by")
# The appealable decision a letter notifies (its template's ``decision``), for the rights paragraphs.
# "plan": a final plan or final amended plan; "review": a review decision to keep the plan as it is;
# "cease": a decision to cease the plan.
DECISIONS = ("not_to_assess", "not_to_issue", "plan", "review", "cease")
TOP_LEVEL = frozenset({"council", *NAMESPACES, "today", "letter_date", "our_reference", "reasons", "decision",
                       *LETTER_DATES})
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]|[-\u2022*])\s+")


def clean_reasons(reasons: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The reasons as points: blank ones dropped, and any numbering or bullet typed in front removed
    (the letter numbers them itself)."""
    return tuple(_NUMBERING.sub("", r).strip() for r in reasons if _NUMBERING.sub("", r).strip())


def known_fact(path: str) -> bool:
    """Whether ``path`` (e.g. "case.final_due", "advice", "today") names something a letter can use."""
    head, _, rest = path.partition(".")
    if head not in TOP_LEVEL:
        return False
    if not rest:
        return True
    if head == "council":
        first, _, tail = rest.partition(".")
        return first in COUNCIL_FIELDS and (not tail or (first in CONTACT_POINTS and tail in
                                                         {"name", "phone", "email", "website", "address"}))
    return head in NAMESPACES and rest in NAMESPACES[head]
