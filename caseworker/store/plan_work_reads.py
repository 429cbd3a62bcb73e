"""Which maintained plans may have work on My day: a test the plans' read applies in its one statement.

A large council holds 20,000 plans; most have nothing to do this week (a review decided in the last
ten months, no amendment, transfer or cease under way). Reading only the others keeps the whole team's
My day quick. The test here is wider than My day's own (a superset): the plan clocks decide the rest.

It is written as one list of cases (a UNION of plain selects, each a join the database does once), not as
a test with subqueries run for each case: PostgreSQL costed the per-case form at a million and compiled the
statement with JIT each time, 1.9 s of a 2 s statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from caseworker.store.models import Case, Child
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview

# A test on ``ehc_case`` with the values of its bound parameters, as the plans' read takes it.
Among = tuple[ColumnElement[bool], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class DueBy:
    """What under way may have work today (My day's lines, worked out from the plan clocks' own rows): a review
    whose meeting is held by ``meeting_by`` (its decision is then due), an amendment whose notice was sent
    by ``notice_sent_by`` (its final plan due within the window) or served by ``notice_served_by`` (the
    family's days to comment over); and a move coming by the child's date of birth only when no transfer
    recorded is still shown (done since ``transfer_shown_since``, or not done)."""

    meeting_by: date
    notice_sent_by: date
    notice_served_by: date
    transfer_shown_since: date


def _review_may_be_due() -> Any:
    """The review clock started on or before the day: the plan issued by then, no review decided after it."""
    issued, decided = aliased(Case, name="i"), aliased(PlanReview, name="d")
    started_by = bindparam("review_started_by", type_=Date)
    later = select(decided.id).where(decided.case_id == issued.id, decided.notified_on > started_by).exists()
    return select(issued.id).where(issued.final_issued_on <= started_by, ~later)


def _under_way(narrowed: bool) -> list[Any]:
    """A review met and not decided, an amendment not answered, a transfer not done, a cease decided but
    neither ceased nor withdrawn. ``narrowed`` (My day's): only a review whose meeting is held by
    ``:meeting_by``, and only an amendment whose notice was sent by ``:notice_sent_by`` or served (else sent)
    by ``:notice_served_by``; others are under way with nothing yet to do (the Team page counts them)."""
    r, a, t, p = (aliased(PlanReview, name="r"), aliased(PlanAmendment, name="a"),
                  aliased(PhaseTransfer, name="t"), aliased(PlanCease, name="p"))
    met: list[ColumnElement[bool]] = [r.meeting_on.is_not(None), r.notified_on.is_(None)]
    # A final plan or a decision dated before the notice does not answer it (the plan clocks' own rule).
    unanswered: list[ColumnElement[bool]] = [
        or_(a.final_issued_on.is_(None), a.final_issued_on < a.notice_sent_on),
        or_(a.not_amended_on.is_(None), a.not_amended_on < a.notice_sent_on)]
    if narrowed:
        met.append(r.meeting_on <= bindparam("meeting_by", type_=Date))
        unanswered.append(or_(a.notice_sent_on <= bindparam("notice_sent_by", type_=Date),
                              func.coalesce(a.notice_served_on, a.notice_sent_on)
                              <= bindparam("notice_served_by", type_=Date)))
    return [
        select(r.case_id).where(*met),
        select(a.case_id).where(*unanswered),
        select(t.case_id).where(t.done_on.is_(None)),
        select(p.case_id).where(p.decided_on.is_not(None), p.ceased_on.is_(None), p.withdrawn_on.is_(None)),
    ]


# The year groups whose births are narrowed to their own school year; a child further out of year (rare) is
# read whatever their date of birth, and the plan clocks decide.
NARROWED_OFFSETS = (-1, 0, 1)


@lru_cache(maxsize=8)
def _test(born_offsets: tuple[int, ...], narrowed: bool) -> ColumnElement[bool]:
    """The test with its days as bound parameters, built once for each shape of the ranges of birth (the
    year group of each range; My day and the Team page are read again on every change the team makes)."""
    selects = [_review_may_be_due(), *_under_way(narrowed)]
    if born_offsets:
        i, h = aliased(Case, name="i"), aliased(Child, name="h")
        born = [and_(h.year_group_offset == offset, h.date_of_birth.between(
                    bindparam(f"born_{n}_from", type_=Date), bindparam(f"born_{n}_to", type_=Date)))
                for n, offset in enumerate(born_offsets)]
        born.append(h.year_group_offset.not_in(NARROWED_OFFSETS))
        moving = select(i.id).join(h, h.id == i.child_id).where(or_(*born))
        selects.append(moving.where(i.id.not_in(_transfer_shown())) if narrowed else moving)
    return Case.id.in_(union(*selects))


def _transfer_shown() -> Any:
    """The cases whose latest phase transfer (by its date, then as recorded) is not done, or was done on or
    after ``:transfer_shown_since``: the plan clocks then show it, and only a transfer not done can be at risk
    (read through its own test), so the move the date of birth says is coming is not looked for. One list,
    worked out once (as a test on each case it ran for every case before the child's birth was looked at)."""
    t, later = aliased(PhaseTransfer, name="s"), aliased(PhaseTransfer, name="l")
    newer = select(later.id).where(later.case_id == t.case_id, or_(
        later.transfer_date > t.transfer_date, and_(later.transfer_date == t.transfer_date, later.id > t.id)))
    return select(t.case_id).where(~newer.exists(), or_(
        t.done_on.is_(None), t.done_on >= bindparam("transfer_shown_since", type_=Date)))


def maybe_with_work(review_started_by: date, born: Sequence[tuple[int, date, date]] = (),
                    due_by: DueBy | None = None) -> Among:
    """The test, on a case (``ehc_case``), that its plan's review clock started on or before
    ``review_started_by`` (issued then, and no review decided since: so its review may be due soon or
    overdue), or that a review, amendment, transfer or cease is under way, for the plans' read to apply in
    its own statement (``plan_selects``), with its parameters. ``born``: the year group offset and first and
    last dates of birth of children whose phase transfer may be at risk before it is recorded on the plan
    (``cohort.born_to_move_soon``, for each of ``NARROWED_OFFSETS``). ``due_by``: My day's narrowing of what
    is under way to what may be due today (``DueBy``)."""
    params: dict[str, Any] = {"review_started_by": review_started_by}
    for n, (_, first, last) in enumerate(born):
        params.update({f"born_{n}_from": first, f"born_{n}_to": last})
    if due_by is not None:
        params.update(meeting_by=due_by.meeting_by, notice_sent_by=due_by.notice_sent_by,
                      notice_served_by=due_by.notice_served_by, transfer_shown_since=due_by.transfer_shown_since)
    return _test(tuple(offset for offset, _, _ in born), due_by is not None), params
