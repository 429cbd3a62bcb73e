"""The plain data a letter may use. No database: the caller passes these (or builds them from a CaseDetail).

A template reads them as ``case.final_due``, ``advice.days_late``, ``recipient.name`` and so on; a
field left as None is "not recorded", and a template that uses it is refused with the field's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING

from caseworker.letters.errors import LetterError
from caseworker.letters.settings import CouncilSettings

if TYPE_CHECKING:  # types only: the letters never touch the database or the views' queries
    from caseworker.statutory.engine import DeadlineEngine
    from caseworker.views.case_detail import AdviceView, CaseDetail, ContactView

RECIPIENT_KINDS = ("main_correspondent", "parent", "carer", "young_person", "school", "school_consulted",
                   "advice_service", "health_commissioner", "social_care", "other_la")
FAMILY_KINDS = frozenset({"main_correspondent", "parent", "carer", "young_person"})
_RECIPIENT_ID = re.compile(r"^(contact|school|service|commissioner|social_care|la):[1-9][0-9]*$")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone linked to the case, with the address the letter goes to (never typed in for the letter)."""

    id: str  # "contact:12", "school:3", "service:5", "commissioner:1", "social_care:2", "la:4"
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
    def greeting(self) -> str:
        return self.salutation.strip() or f"Dear {self.name}"


@dataclass(frozen=True, slots=True)
class ChildFacts:
    name: str
    date_of_birth: date
    first_name: str | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The request's recorded dates and the statutory dates derived from them (None: not recorded)."""

    reference: str
    stage: str
    received: date | None = None
    caseworker_name: str | None = None
    caseworker_phone: str | None = None
    caseworker_email: str | None = None
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


@dataclass(frozen=True, slots=True)
class AdviceLetterFacts:
    """One advice request, for the request and chase letters."""

    kind: str
    kind_title: str
    service: str
    requested: date
    due: date
    days_late: int | None = None  # None when it is not late (so a chase cannot be made)
    received: date | None = None
    original_request: date | None = None  # when a request was re-sent: the first one

    @property
    def first_requested(self) -> date:
        return self.original_request or self.requested


@dataclass(frozen=True, slots=True)
class ExceptionLetterFacts:
    ground: str
    title: str
    text: str
    recorded: date


@dataclass(frozen=True, slots=True)
class LetterFacts:
    council: CouncilSettings
    recipient: Recipient
    child: ChildFacts
    case: CaseFacts
    today: date
    our_reference: str
    advice: AdviceLetterFacts | None = None
    exception: ExceptionLetterFacts | None = None
    reasons: tuple[str, ...] = ()  # the decision's reasons, as the caseworker wrote them (one per point)


# What a template may read, by namespace: the names ``needs`` and ``{{ ... }}`` are checked against.
COUNCIL_FIELDS = frozenset({"name", "address_lines", "postcode", "phone", "email", "website", "team_name",
                            "local_offer", "signatory_role", "mediation_adviser", "la_mediation",
                            "disagreement_resolution", "sendiass", "tribunal"})
CONTACT_POINTS = frozenset({"mediation_adviser", "la_mediation", "disagreement_resolution", "sendiass", "tribunal"})
NAMESPACES: dict[str, frozenset[str]] = {
    "recipient": frozenset({"id", "kind", "name", "address_lines", "postcode", "greeting", "addressee"}),
    "child": frozenset(f.name for f in fields(ChildFacts)),
    "case": frozenset(f.name for f in fields(CaseFacts)),
    "advice": frozenset({*(f.name for f in fields(AdviceLetterFacts)), "first_requested"}),
    "exception": frozenset(f.name for f in fields(ExceptionLetterFacts)),
}
# Dates every letter has, derived from its own date with the timescales table.
LETTER_DATES = ("appeal_by", "mediation_contact_by", "reply_by")
TOP_LEVEL = frozenset({"council", *NAMESPACES, "today", "our_reference", "reasons", *LETTER_DATES})


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


# --- Building facts from a case as the record screen holds it -------------------------------------

CONTACT_KINDS = {"parent": "parent", "carer": "carer", "young_person": "young_person"}


def split_address(address: str) -> tuple[str, ...]:
    """A stored address (lines, or one line with commas) as envelope lines."""
    parts = address.splitlines() if "\n" in address else address.split(",")
    return tuple(p.strip() for p in parts if p.strip())


def contact_recipient(contact: ContactView, main: bool | None = None) -> Recipient | None:
    """The recipient a case contact is, or None when they cannot be written to (no address, or role 'other'
    without being the main correspondent). ``main`` overrides the recorded main-correspondent mark."""
    is_main = contact.main_correspondent if main is None else main
    kind = CONTACT_KINDS.get(contact.role)
    if kind is None and is_main:
        kind = "main_correspondent"
    lines = split_address(contact.address)
    if kind is None or not lines:
        return None
    return Recipient(id=f"contact:{contact.id}", kind=kind, name=contact.name, address_lines=lines,
                     postcode=contact.postcode.strip(), main_correspondent=is_main)


def _is_main(detail: CaseDetail, contact: ContactView) -> bool:
    if detail.main_correspondent_id is None:
        return contact.main_correspondent
    return contact.id == detail.main_correspondent_id


def contact_recipients(detail: CaseDetail) -> tuple[Recipient, ...]:
    """The case's own contacts who can be sent a letter, main correspondent first."""
    found = [r for c in detail.contacts if (r := contact_recipient(c, _is_main(detail, c))) is not None]
    return tuple(sorted(found, key=lambda r: not r.main_correspondent))


def check_linked(detail: CaseDetail, recipient: Recipient, advice: AdviceView | None) -> None:
    """Refuse a recipient who is not linked to this case, or whose address is not the one on record.

    A contact must be one of the case's contacts, with exactly the recorded name and address; the
    school must be the case's school; an advice service must be the one the advice was asked of.
    """
    where = f"case {detail.reference}"
    if recipient.id.startswith("contact:"):
        cid = int(recipient.id.partition(":")[2])
        contact = next((c for c in detail.contacts if c.id == cid), None)
        if contact is None:
            raise LetterError(f"{where}: {recipient.id} is not a contact of this case")
        expected = contact_recipient(contact, _is_main(detail, contact))
        if expected is None:
            raise LetterError(f"{where}: {recipient.id} has no postal address on record or cannot receive letters")
        if (recipient.kind, recipient.name, recipient.address_lines, recipient.postcode, recipient.addressee) != (
                expected.kind, expected.name, expected.address_lines, expected.postcode, expected.addressee):
            raise LetterError(f"{where}: the name or address given for {recipient.id} is not the one on record")
        return
    if recipient.kind in FAMILY_KINDS:
        raise LetterError(f"{where}: a family member must be one of the case's contacts, not {recipient.id}")
    if recipient.kind == "school" and recipient.name != detail.school:
        raise LetterError(f"{where}: {recipient.name} is not the school recorded for the child")
    if recipient.kind == "advice_service" and advice is not None and recipient.name != advice.service:
        raise LetterError(f"{where}: the advice was asked of {advice.service or 'no recorded service'}, "
                          f"not {recipient.name}")


def _still_late(advice: AdviceView) -> int | None:
    """Days late while the advice is still awaited; None once it has arrived (so it cannot be chased)."""
    return advice.days_late if advice.received is None and advice.days_late > 0 else None


def facts_from_detail(detail: CaseDetail, recipient: Recipient, council: CouncilSettings, today: date,
                      engine: DeadlineEngine, advice_id: int | None = None, exception_index: int | None = None,
                      *, our_reference: str | None = None, caseworker_phone: str | None = None,
                      caseworker_email: str | None = None, reasons: tuple[str, ...] = ()) -> LetterFacts:
    """The facts for one letter about ``detail`` to ``recipient``, dated ``today``.

    ``advice_id`` picks the advice request a request or chase letter is about; ``exception_index`` the
    exception an exception notice is about (its position in ``detail.exceptions``).
    """
    advice_view = None
    if advice_id is not None:
        advice_view = next((a for a in detail.advice if a.id == advice_id), None)
        if advice_view is None:
            raise LetterError(f"case {detail.reference}: there is no advice request {advice_id}")
    check_linked(detail, recipient, advice_view)
    rules = engine.rules
    d = detail.deadlines
    case = CaseFacts(reference=detail.reference, stage=detail.stage, received=detail.received,
                     caseworker_name=detail.caseworker_name or None,
                     caseworker_phone=caseworker_phone or detail.caseworker_phone or None,
                     caseworker_email=caseworker_email or detail.caseworker_email or None,
                     school=detail.school or None,
                     final_issued=detail.final_issued)
    if d is not None:
        f = d.facts
        served = d.served
        case = replace(
            case,
            decision_due=d.milestone("decision_to_assess").due, decision_to_assess_on=f.decision_to_assess_on,
            issue_decision_due=d.milestone("issue_decision").due, decision_to_issue_on=f.decision_to_issue_on,
            draft_latest_safe=d.milestone("draft_latest_safe").due, draft_sent=f.draft_sent, draft_served=served,
            family_comment_end=engine.family_comment_ends(served) if served else None,
            earliest_final=d.earliest_final, final_due=d.milestone("final_plan").due)
    advice = None
    if advice_view is not None:
        advice = AdviceLetterFacts(kind=advice_view.kind, kind_title=rules.advice_kinds.get(advice_view.kind,
                                                                                           advice_view.kind),
                                   service=advice_view.service, requested=advice_view.requested, due=advice_view.due,
                                   days_late=_still_late(advice_view), received=advice_view.received)
    exception = None
    if exception_index is not None:
        if not 0 <= exception_index < len(detail.exceptions):
            raise LetterError(f"case {detail.reference}: there is no exception number {exception_index}")
        e = detail.exceptions[exception_index]
        ground = rules.exception_grounds.get(e.ground, {})
        exception = ExceptionLetterFacts(ground=e.ground, title=ground.get("title", e.title),
                                         text=ground.get("text", e.title), recorded=e.recorded)
    return LetterFacts(council=council, recipient=recipient,
                       child=ChildFacts(name=detail.child, date_of_birth=detail.date_of_birth,
                                        first_name=detail.child_forename or None),
                       case=case, today=today, our_reference=our_reference or detail.reference,
                       advice=advice, exception=exception, reasons=tuple(r.strip() for r in reasons if r.strip()))
