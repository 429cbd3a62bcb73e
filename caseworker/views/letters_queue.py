"""Letters to send: the statutory letters a recent step calls for that nobody has made yet.

Derived, not stored. A recorded step (request received, decision, advice asked for, draft, final,
exception, a reallocation with the family letter asked for) within the last ``RECENT`` days whose
letter is not in the log (void letters do not count), and every late advice request that has not
been chased in the last ``CHASE_AGAIN`` days (never one excused under reg 8(2)). Making the letter
takes it off the list. A decision not to issue a plan is also copied to the health commissioner and the
child's school or setting (reg 10(2)), and the final plan to the setting named in section I and the
health commissioner: each copy is listed on its own, and a letter to the family counts only for the family.
A plan in place's letters (review, amendments, ceasing, phase transfer) come from letters_queue_plans.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.letters.errors import LetterError
from caseworker.letters.request import LetterRequest
from caseworker.statutory.engine import LATE, RequestDeadlines
from caseworker.statutory.plans import clocks_for
from caseworker.store.models import (
    Allocation,
    Case,
    CaseOrganisation,
    Child,
    LetterRecord,
    Organisation,
    School,
    Staff,
    StatutoryException,
)
from caseworker.store.queries import load_request_facts
from caseworker.vocabulary import ADVICE_SHORT

if TYPE_CHECKING:
    from caseworker.letters.templates import TemplateSet

RECENT = timedelta(days=28)
CHASE_AGAIN = timedelta(days=14)
NEEDS_REASONS = frozenset({"decision_not_to_assess", "decision_not_to_issue", "cease_decision"})
NEEDS_TYPING = NEEDS_REASONS | {"annual_review_invitation"}
CASEWORKER_FACT = "case.caseworker_name"
ALLOCATE_FIRST = "allocate a caseworker first"


@dataclass(frozen=True, slots=True)
class QueuedLetter:
    case_id: int
    reference: str
    child: str
    caseworker: str  # username
    template_id: str
    since: date  # the step's date (for a chase: the advice's due date)
    why: str
    request: LetterRequest
    days_late: int = 0
    blocked: str = ""  # what must happen before it can be made ("allocate a caseworker first")
    due: date | None = None  # a plan letter: the day the plan's clock says it is due by
    days_left: int | None = None  # to ``due`` (negative: late)

    @property
    def needs_reasons(self) -> bool:
        """A decision letter cannot be made from the queue alone: the caseworker writes the reasons."""
        return self.template_id in NEEDS_REASONS

    @property
    def needs_typing(self) -> bool:
        """Made from the case's Letters tab, where the caseworker types what the letter needs (a refusal's
        reasons, a review meeting's time and place)."""
        return self.template_id in NEEDS_TYPING

    @property
    def ready(self) -> bool:
        """Can be made with the others selected, from the queue alone."""
        return not self.needs_typing and not self.blocked

    @property
    def key(self) -> tuple[int, str, str]:
        return self.case_id, self.template_id, self.request.about or ""


@dataclass(frozen=True, slots=True)
class _Made:
    """What the log already holds: (case, template, about) -> the latest letter date, for letters to the
    family or about something (an advice request, an exception); and (case, template, recipient) for copies."""

    latest: dict[tuple[int, str, str], date]
    copies: frozenset[tuple[int, str, str]] = frozenset()

    def has(self, case_id: int, template: str, about: str = "", since: date | None = None) -> bool:
        made = self.latest.get((case_id, template, about))
        return made is not None and (since is None or made >= since)

    def has_copy(self, case_id: int, template: str, recipient_id: str) -> bool:
        return (case_id, template, recipient_id) in self.copies


# The copies a step's letter has besides the family's (reg 10(2); the final plan to its named setting).
COPIED = frozenset({"decision_not_to_issue", "final_plan_cover"})


def _made(s: Session, today: date) -> _Made:
    latest: dict[tuple[int, str, str], date] = {}
    copies: set[tuple[int, str, str]] = set()
    for c, t, a, to, d in s.execute(
            select(LetterRecord.case_id, LetterRecord.template_id, LetterRecord.about, LetterRecord.recipient_id,
                   LetterRecord.letter_date)
            .where(LetterRecord.status != "void", LetterRecord.letter_date >= today - RECENT - RECENT)
            .order_by(LetterRecord.letter_date)):
        if a or to.startswith("contact:"):
            latest[(c, t, a or "")] = d
        else:
            copies.add((c, t, to))
    return _Made(latest, frozenset(copies))


def letters_to_send(ctx: AppContext, today: date, caseworker: str | None = None) -> list[QueuedLetter]:
    """Everything waiting to be sent (for one caseworker, or the whole team), chases first, oldest first."""
    with ctx.db.sessions() as s:
        facts = load_request_facts(s, open_only=True, caseworker=caseworker)
        # A refusal closes the request, but its letter is still to be sent.
        refused = sorted(set(_recent_refusals(s, today, caseworker)) - {f.reference for f in facts})
        if refused:
            facts += load_request_facts(s, open_only=False, references=refused)
        made = _made(s, today)
        extra = list(_recent_finals(s, today, caseworker)) + list(_recent_moves(s, today, caseworker)) + \
            list(_recent_exceptions(s, today, caseworker))
        deadlines = ctx.engine.evaluate_all(facts, today)
        steps = [q for d in deadlines for q in _step_letters(d, today)] + extra
        queue = [q for d in deadlines for q in _chases(d, made, today)]
        queue += [q for q in steps if not made.has(q.case_id, q.template_id, q.request.about or "")]
        queue += [q for q in _copies(s, [q for q in steps if q.template_id in COPIED])
                  if not made.has_copy(q.case_id, q.template_id, q.request.recipient_id or "")]
        queue += _plan_letters(ctx, s, today, caseworker)
    # A stable sort: a step's copies follow the family's letter, in the order _copies gives them.
    return sorted(queue, key=lambda q: (q.template_id != "advice_chase", q.since, q.reference, q.template_id))


def _plan_letters(ctx: AppContext, s: Session, today: date, caseworker: str | None) -> list[QueuedLetter]:
    from caseworker.views.letters_queue_plans import plan_letters  # it builds on this module's QueuedLetter

    return plan_letters(s, clocks_for(ctx.engine.rules, ctx.engine.calendar), today, caseworker)


def mark_blocked(items: list[QueuedLetter], templates: TemplateSet) -> list[QueuedLetter]:
    """A letter that names the family's caseworker waits until the case has one, saying so, rather
    than being offered as ready and failing in the batch."""
    def names_caseworker(template_id: str) -> bool:
        try:
            return CASEWORKER_FACT in templates.get(template_id).needs
        except LetterError:
            return False

    return [replace(q, blocked=ALLOCATE_FIRST) if not q.caseworker and names_caseworker(q.template_id) else q
            for q in items]


def letters_due_for_case(ctx: AppContext, case_id: int, today: date) -> list[QueuedLetter]:
    """What "Letters to send" lists for this one case (its caseworker's list, filtered)."""
    with ctx.db.sessions() as s:
        owner = s.scalar(select(Staff.username).join(Case, Case.caseworker_id == Staff.id).where(Case.id == case_id))
    return [q for q in letters_to_send(ctx, today, owner) if q.case_id == case_id]


def _item(d: RequestDeadlines, template: str, since: date, why: str, request: LetterRequest | None = None,
          days_late: int = 0) -> QueuedLetter:
    f = d.facts
    return QueuedLetter(f.id or 0, f.reference, f.child, f.caseworker or "", template, since, why,
                        request or LetterRequest(template), days_late)


def _chases(d: RequestDeadlines, made: _Made, today: date) -> Iterable[QueuedLetter]:
    for a in d.advice:
        if a.status != LATE or a.id is None:  # an excused request (reg 8(2)) is never late, so never chased
            continue
        about = f"advice:{a.id}"
        if made.has(d.facts.id or 0, "advice_chase", about, since=today - CHASE_AGAIN):
            continue
        kind = ADVICE_SHORT.get(a.kind, a.kind)
        yield _item(d, "advice_chase", a.due, f"{kind} advice {a.days_late} days late ({a.service or 'no service'})",
                    LetterRequest("advice_chase", advice_id=a.id), a.days_late)


def _step_letters(d: RequestDeadlines, today: date) -> Iterable[QueuedLetter]:
    """The family's letters for the steps recorded recently (whether made yet is checked by the caller)."""
    f, since = d.facts, today - RECENT
    if f.received >= since:
        yield _item(d, "acknowledgement", f.received, "request received")
    on = f.decision_to_assess_on
    if on is not None and on >= since and f.decision_to_assess is not None:
        template = "decision_to_assess" if f.decision_to_assess else "decision_not_to_assess"
        yield _item(d, template, on, "decided to assess" if f.decision_to_assess else "decided not to assess")
    for a in d.advice:
        if a.id is not None and a.requested >= since and a.received is None:
            kind = ADVICE_SHORT.get(a.kind, a.kind)
            yield _item(d, "advice_request", a.requested, f"{kind} advice asked for ({a.service or 'no service'})",
                        LetterRequest("advice_request", advice_id=a.id))
    on = f.decision_to_issue_on
    if on is not None and on >= since and f.decision_to_issue is False:
        yield _item(d, "decision_not_to_issue", on, "decided not to issue a plan")
    if f.draft_sent is not None and f.draft_sent >= since:
        yield _item(d, "draft_plan_cover", f.draft_sent, "draft plan sent")


def _copies(s: Session, family: list[QueuedLetter]) -> Iterable[QueuedLetter]:
    """The copies of a decision not to issue (the health commissioner, the child's school: reg 10(2)) and
    of a final plan (the setting named in section I, the health commissioner)."""
    ids = list({q.case_id for q in family})
    if not ids:
        return
    schools = {cid: (sid, name) for cid, sid, name in s.execute(
        select(Case.id, School.id, School.name).join(Child, Child.id == Case.child_id)
        .join(School, School.id == Child.school_id).where(Case.id.in_(ids)))}
    named = {cid: (sid, name) for cid, sid, name in s.execute(
        select(Case.id, School.id, School.name).join(School, School.id == Case.named_setting_id)
        .where(Case.id.in_(ids)))}
    icbs: dict[int, list[tuple[int, str]]] = {}
    for cid, oid, name in s.execute(
            select(CaseOrganisation.case_id, Organisation.id, Organisation.name)
            .join(Organisation, Organisation.id == CaseOrganisation.organisation_id)
            .where(CaseOrganisation.case_id.in_(ids), Organisation.kind == "health_commissioner")
            .order_by(Organisation.id)):
        icbs.setdefault(cid, []).append((oid, name))
    for q in family:
        to = [(f"commissioner:{oid}", name) for oid, name in icbs.get(q.case_id, [])]
        if q.template_id == "decision_not_to_issue" and q.case_id in schools:
            to.insert(0, (f"school:{schools[q.case_id][0]}", schools[q.case_id][1]))
        if q.template_id == "final_plan_cover" and q.case_id in named:
            to.insert(0, (f"setting:{named[q.case_id][0]}", named[q.case_id][1]))
        for rid, name in to:
            yield replace(q, why=f"{q.why}: copy to {name}", request=replace(q.request, recipient_id=rid))


def _owner_filter(caseworker: str | None) -> list[ColumnElement[bool]]:
    return [Staff.username == caseworker] if caseworker else []


def _recent_finals(s: Session, today: date, caseworker: str | None) -> Iterable[QueuedLetter]:
    """Plans issued recently (no longer open, so not in the open-request facts)."""
    rows = s.execute(
        select(Case.id, Case.reference, Child.forename, Child.surname, Staff.username, Case.final_issued_on)
        .join(Child, Child.id == Case.child_id).outerjoin(Staff, Staff.id == Case.caseworker_id)
        .where(Case.final_issued_on >= today - RECENT, Case.final_issued_on <= today, *_owner_filter(caseworker)))
    for cid, ref, fore, sur, user, on in rows:
        yield QueuedLetter(cid, ref, f"{fore} {sur}", user or "", "final_plan_cover", on or today, "final plan issued",
                           LetterRequest("final_plan_cover"))


def _recent_refusals(s: Session, today: date, caseworker: str | None) -> list[str]:
    """References of requests closed in the last ``RECENT`` days by a decision not to assess or not to issue."""
    since = today - RECENT
    refused = or_(and_(Case.decision_to_assess.is_(False), Case.decision_to_assess_on >= since),
                  and_(Case.decision_to_issue.is_(False), Case.decision_to_issue_on >= since))
    stmt = select(Case.reference).outerjoin(Staff, Staff.id == Case.caseworker_id).where(
        refused, Case.withdrawn_on.is_(None), *_owner_filter(caseworker))
    return list(s.scalars(stmt))


def _recent_moves(s: Session, today: date, caseworker: str | None) -> Iterable[QueuedLetter]:
    """Reallocations where the team lead asked for the family's change-of-caseworker letter."""
    rows = s.execute(
        select(Allocation.id, Case.id, Case.reference, Child.forename, Child.surname, Staff.username,
               Allocation.from_on, Staff.display_name)
        .join(Case, Case.id == Allocation.case_id).join(Child, Child.id == Case.child_id)
        .join(Staff, Staff.id == Allocation.staff_id)
        .where(Allocation.family_letter.is_(True), Allocation.from_on >= today - RECENT,
               Allocation.to_on.is_(None), *_owner_filter(caseworker)))
    for aid, cid, ref, fore, sur, user, on, name in rows:
        yield QueuedLetter(cid, ref, f"{fore} {sur}", user or "", "change_of_caseworker", on,
                           f"case moved to {name}", LetterRequest("change_of_caseworker", allocation_id=aid))


def _recent_exceptions(s: Session, today: date, caseworker: str | None) -> Iterable[QueuedLetter]:
    rows = s.execute(
        select(StatutoryException.id, Case.id, Case.reference, Child.forename, Child.surname, Staff.username,
               StatutoryException.recorded_on, StatutoryException.ground)
        .join(Case, Case.id == StatutoryException.case_id).join(Child, Child.id == Case.child_id)
        .outerjoin(Staff, Staff.id == Case.caseworker_id)
        .where(StatutoryException.recorded_on >= today - RECENT, Case.final_issued_on.is_(None),
               Case.withdrawn_on.is_(None), *_owner_filter(caseworker)))
    for eid, cid, ref, fore, sur, user, on, ground in rows:
        yield QueuedLetter(cid, ref, f"{fore} {sur}", user or "", "exception_notice", on,
                           f"exception recorded (ground {ground})", LetterRequest("exception_notice", exception_id=eid))
