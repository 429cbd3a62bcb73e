"""Letters to send about plans in place: the review invitation, the review decision, the proposed
amendments, the final amended plan's cover, the decision to cease and the phase transfer consultation.

Derived, like the 20 weeks' letters: the plan's clocks (statutory/plans.py) say what each letter is due
by, and a letter of that kind in the log (not void) made on or after the step that calls for it takes it
off the list. A letter whose step is recorded in the last ``RECENT`` days is ready; a letter the plan
calls for before its step can be recorded (the review decision after the meeting, the final amended
plan nearing its 8 weeks, a consultation nearing the transfer) is listed as waiting for that step, so
the caseworker sees it coming. An invitation needs the meeting's time and place typed, so it is made
from the case's Letters tab.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from caseworker.services.letters import LetterRequest
from caseworker.statutory.plan_facts import CEASE, MAINTAIN
from caseworker.statutory.plans import REVIEW_STEPS, PlanClocks, PlanSchedule, review_events
from caseworker.store.models import LetterRecord
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview
from caseworker.store.plan_reads import plan_facts
from caseworker.views.letters_queue import RECENT, QueuedLetter
from caseworker.vocabulary import short_date

PLAN_TEMPLATES = ("annual_review_invitation", "review_decision", "amendment_notice", "amended_plan_cover",
                  "cease_decision", "phase_transfer_consultation")
# A final amended plan not issued yet is listed from this long before its 8 weeks end.
FINAL_AHEAD = timedelta(days=28)
# A phase transfer with no setting consulted yet is listed from this long before its amended plan is due
# (a February deadline: the consultation goes out in the autumn term).
CONSULT_AHEAD = timedelta(weeks=20)

RECORD_DECISION = "record the review decision first"
ISSUE_FINAL = "record the final amended plan first"
RECORD_CONSULTED = "record the setting consulted first"


@dataclass(frozen=True, slots=True)
class _Due:
    """A plan letter the plan calls for, and the day from which one in the log counts as made."""

    letter: QueuedLetter
    made_since: date


def plan_letters(s: Session, clocks: PlanClocks, today: date, caseworker: str | None = None) -> list[QueuedLetter]:
    """The plan letters due and not yet made (one caseworker's, or the whole team's)."""
    ids = _plans_with_letters(s, today, caseworker)
    if not ids:
        return []
    plans = plan_facts(s, caseworker=caseworker, case_ids=ids)
    made = _made(s, ids)
    consulted = _consulted(s, ids)
    out = []
    for schedule in clocks.schedule_all(plans, today):
        for due in _due(schedule, clocks, today, consulted.get(schedule.facts.case_id or 0)):
            q = due.letter
            last = made.get((q.case_id, q.template_id))
            if last is None or last < due.made_since:
                out.append(q)
    return out


def _plans_with_letters(s: Session, today: date, caseworker: str | None) -> list[int]:
    """The cases whose plan may call for a letter: a review under way or decided lately, an amendment
    open or lately issued, a transfer still ahead, a decision to cease lately notified (a superset: the
    clocks decide)."""
    since = today - RECENT
    reviews = select(PlanReview.case_id).where(or_(
        and_(PlanReview.meeting_on.is_not(None), PlanReview.notified_on.is_(None)), PlanReview.notified_on >= since))
    amendments = select(PlanAmendment.case_id).where(or_(
        PlanAmendment.notice_sent_on >= since, PlanAmendment.final_issued_on >= since,
        and_(PlanAmendment.final_issued_on.is_(None), PlanAmendment.not_amended_on.is_(None))))
    transfers = select(PhaseTransfer.case_id).where(PhaseTransfer.done_on.is_(None),
                                                    PhaseTransfer.transfer_date >= today)
    ceases = select(PlanCease.case_id).where(PlanCease.decided_on >= since, PlanCease.withdrawn_on.is_(None))
    ids: set[int] = set()
    for stmt in (reviews, amendments, transfers, ceases):
        ids.update(s.scalars(stmt))
    return sorted(ids)


def _made(s: Session, ids: Sequence[int]) -> dict[tuple[int, str], date]:
    """(case, plan letter) -> the latest such letter in the log, to anyone, void ones left out."""
    rows = s.execute(select(LetterRecord.case_id, LetterRecord.template_id, func.max(LetterRecord.letter_date))
                     .where(LetterRecord.case_id.in_(ids), LetterRecord.template_id.in_(PLAN_TEMPLATES),
                            LetterRecord.status != "void")
                     .group_by(LetterRecord.case_id, LetterRecord.template_id))
    return {(c, t): d for c, t, d in rows}


def _consulted(s: Session, ids: Sequence[int]) -> dict[int, int]:
    """case -> the setting consulted about the transfer under way."""
    rows = s.execute(select(PhaseTransfer.case_id, PhaseTransfer.consulted_school_id)
                     .where(PhaseTransfer.case_id.in_(ids), PhaseTransfer.done_on.is_(None),
                            PhaseTransfer.consulted_school_id.is_not(None)))
    return {c: school for c, school in rows if school is not None}


def _letter(schedule: PlanSchedule, template: str, since: date, due: date, today: date, why: str, *,
            blocked: str = "", recipient_id: str | None = None) -> QueuedLetter:
    f = schedule.facts
    left = (due - today).days
    return QueuedLetter(f.case_id or 0, f.reference, f.child, f.caseworker or "", template, since, why,
                        LetterRequest(template, recipient_id=recipient_id), max(0, -left), blocked, due, left)


def _due(schedule: PlanSchedule, clocks: PlanClocks, today: date, consulted: int | None) -> Iterable[_Due]:
    yield from _review_letters(schedule, clocks, today)
    yield from _amendment_letters(schedule, today)
    yield from _cease_letter(schedule, today)
    yield from _consultation(schedule, today, consulted)


def _review_letters(schedule: PlanSchedule, clocks: PlanClocks, today: date) -> Iterable[_Due]:
    review = schedule.review
    steps = {m.name: m for m in review.steps}
    meeting = review.meeting
    invite = steps.get("review_invitations")
    if meeting is not None and meeting >= today and invite is not None and invite.done is None:
        yield _Due(_letter(schedule, "annual_review_invitation", invite.due, invite.due, today,
                           f"review meeting on {short_date(meeting)}: invite at least 2 weeks before"),
                   review.clock_started)
    decide = steps.get("review_decision")
    if meeting is not None and meeting <= today and decide is not None and decide.done is None:
        yield _Due(_letter(schedule, "review_decision", meeting, decide.due, today,
                           f"review meeting held {short_date(meeting)}: decision within 4 weeks",
                           blocked=RECORD_DECISION), meeting)
    last = review.last_decision
    if last is None or last.notified is None or last.notified < today - RECENT or last.decision != MAINTAIN:
        return  # amend and cease are told in the amendment notice and the cease decision
    decision_row = clocks.step_rows[REVIEW_STEPS.index("review_decision")]
    clock = clocks.clock(decision_row, review_events(last))
    due = clock.due if clock is not None else last.notified
    yield _Due(_letter(schedule, "review_decision", last.notified, due, today,
                       f"review decided {short_date(last.notified)}: maintain the plan"), last.notified)


def _amendment_letters(schedule: PlanSchedule, today: date) -> Iterable[_Due]:
    a = schedule.amendment
    if a is None:
        return
    since = today - RECENT
    if a.notice_sent >= since:
        yield _Due(_letter(schedule, "amendment_notice", a.notice_sent, a.notice_sent, today,
                           f"amendments proposed {short_date(a.notice_sent)}: the family have until "
                           f"{short_date(a.comments_until)} to comment"), a.notice_sent)
    if a.final_issued is not None and a.final_issued >= since:
        yield _Due(_letter(schedule, "amended_plan_cover", a.final_issued, a.final_issued, today,
                           f"final amended plan issued {short_date(a.final_issued)}"), a.final_issued)
    elif a.done is None and a.final_due - today <= FINAL_AHEAD:
        yield _Due(_letter(schedule, "amended_plan_cover", a.notice_sent, a.final_due, today,
                           f"amendments proposed {short_date(a.notice_sent)}: final amended plan within 8 weeks",
                           blocked=ISSUE_FINAL), a.notice_sent)


def _cease_letter(schedule: PlanSchedule, today: date) -> Iterable[_Due]:
    c = schedule.cease
    if c is None or c.decided is None or c.decided < today - RECENT or c.state in ("withdrawn", "ceased"):
        return
    last = schedule.review.last_decision
    why = "review decided to cease the plan" if last is not None and last.decision == CEASE else "decided to cease"
    yield _Due(_letter(schedule, "cease_decision", c.decided, c.decided, today,
                       f"{why} {short_date(c.decided)}"), c.decided)


def _consultation(schedule: PlanSchedule, today: date, consulted: int | None) -> Iterable[_Due]:
    t = schedule.transfer
    if t is None or t.done is not None or t.transfer_date < today:
        return
    moves = f"moves {short_date(t.transfer_date)}; plan naming the next setting by {short_date(t.due)}"
    if t.consultation_sent is not None and consulted is not None:
        if t.consultation_sent >= today - RECENT:
            yield _Due(_letter(schedule, "phase_transfer_consultation", t.consultation_sent, t.due, today,
                               f"next setting consulted {short_date(t.consultation_sent)}: {moves}",
                               recipient_id=f"school:{consulted}"), t.consultation_sent)
    elif t.due - today <= CONSULT_AHEAD:
        yield _Due(_letter(schedule, "phase_transfer_consultation", t.due - CONSULT_AHEAD, t.due, today,
                           f"no setting consulted yet: {moves}", blocked=RECORD_CONSULTED), t.due - CONSULT_AHEAD)
