"""The whole team's My day reads only the plans that may have work (``plan_work_reads.maybe_with_work``:
a review clock started early enough to be due within its window, a review meeting held and not decided,
an amendment noticed early enough to be due, a transfer or cease under way, or a child born to move soon
for their year group). Whatever it leaves out, the plan clocks would have found nothing on: the page
matches the one read from every plan, over plans issued on every few days of two years, children of every
age taught in, behind, ahead of and two years behind their year group, review meetings held and booked,
and amendments noticed (served later, answered, answered too early, dropped) on every few days."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select, update

from caseworker.context import AppContext, fixed_clock
from caseworker.reports.my_day import AMENDMENTS_DUE, PLAN_SECTIONS, REVIEW_DECISIONS, TRANSFERS_AT_RISK
from caseworker.reports.my_day_plans import TRANSFER_UNCONSULTED_DAYS
from caseworker.statutory.cohort import born_to_move_soon
from caseworker.statutory.plan_facts import MAINTAIN
from caseworker.statutory.plans import TRANSFER_SHOWN_AFTER_DONE
from caseworker.store.case_select import reading
from caseworker.store.database import Database
from caseworker.store.models import Case, Child
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanReview
from caseworker.store.plan_reads import plan_facts
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.my_day import may_have_work, read_my_day
from tests.db.conftest import add_staff

OFFSETS = (0, 1, -1, 2)


def add_plans(db: Database, today: date, n: int) -> None:
    """``n`` plans issued every 5 days back from ``today``, the children born every 23 days over 20 years,
    each third plan with a review decided 9 to 14 months after its issue, each third a review whose meeting
    is held or booked (not decided) and each second an amendment noticed on one of 400 days around ``today``."""
    records = [CaseRecord(reference=f"EHC-{k:04d}", forename="Amelia", surname="Jones",
                          date_of_birth=today - timedelta(days=400 + 23 * k % 7300),
                          final_issued=today - timedelta(days=5 * k), caseworker="jsmith") for k in range(n)]
    with db.session() as s:
        write_cases(s, records, actor_id=None, today=today)
        cases = list(s.execute(select(Case.id, Case.child_id).order_by(Case.reference)))
        for k, (case_id, child_id) in enumerate(cases):
            s.execute(update(Child).where(Child.id == child_id).values(year_group_offset=OFFSETS[k % 4]))
            decided = today - timedelta(days=5 * k) + timedelta(days=270 + 11 * k % 150)
            if k % 3 == 0 and decided < today:
                s.add(PlanReview(case_id=case_id, meeting_on=decided - timedelta(days=20), notified_on=decided,
                                  decision=MAINTAIN))
            if k % 3 == 1:
                s.add(PlanReview(case_id=case_id, meeting_on=today + timedelta(days=7 * k % 360 - 60)))
            if k % 2 == 0:
                s.add(amendment(case_id, today + timedelta(days=7 * k % 400 - 100), k))


def amendment(case_id: int, sent: date, k: int) -> PlanAmendment:
    """Proposed amendments sent on ``sent``: served then or up to 2 months later; left unanswered, answered
    by a final plan, answered by one dated before the notice (no answer), or dropped."""
    served = None if k % 3 == 0 else sent + timedelta(days=11 * k % 60)
    answer = k % 7
    return PlanAmendment(case_id=case_id, notice_sent_on=sent, notice_served_on=served,
                         final_issued_on=sent + timedelta(days=40) if answer == 1 else
                         sent - timedelta(days=3) if answer == 2 else None,
                         not_amended_on=sent + timedelta(days=20) if answer == 3 else None)


def plan_work(ctx: AppContext, today: date, every_plan: bool) -> dict[str, list[tuple[str, str, str]]]:
    with reading(ctx.db) as s:
        only = None
        if every_plan:
            ids = set(s.scalars(select(Case.id)))
            only = (ids, list(s.scalars(select(Case.reference))))
        day = read_my_day(s, ctx, today, None, only=only)
    return {k: sorted((i.reference, i.what, i.note) for i in day.sections[k]) for k in PLAN_SECTIONS}


def test_the_plans_left_out_have_no_work_on_any_day(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    first = date(2026, 3, 2)
    add_plans(db, first, 150)
    seen: Counter[str] = Counter()
    for today in (first + timedelta(days=d) for d in (0, 5, 13, 29, 61, 75, 97, 150, 191, 222, 260, 300)):
        ctx = AppContext(db=db, clock=fixed_clock(today))
        everything = plan_work(ctx, today, every_plan=True)
        assert plan_work(ctx, today, every_plan=False) == everything, today
        seen.update({k: len(v) for k, v in everything.items()})
    # The days chosen do meet reviews, decisions, amendments and transfers.
    assert seen.total() > 50
    assert seen[REVIEW_DECISIONS] > 5 and seen[AMENDMENTS_DUE] > 5 and seen[TRANSFERS_AT_RISK] > 5, seen


def born_not_moving(today: date) -> date:
    """A date of birth (year group offset 0) with no phase transfer near ``today``: outside every range of
    births My day reads for a move."""
    ranges = born_to_move_soon(today, TRANSFER_UNCONSULTED_DAYS, None, 0)
    born = today - timedelta(days=6 * 365)
    while any(first <= born <= last for first, last in ranges):
        born -= timedelta(days=30)
    return born


def read_exactly_the_plans_with_a_line(db: Database, today: date) -> tuple[dict[str, list[tuple[str, str, str]]],
                                                                          set[str]]:
    """Every plan's lines (from reading every plan) and the references with one, having checked that My
    day's narrow read takes exactly those plans."""
    ctx = AppContext(db=db, clock=fixed_clock(today))
    everything = plan_work(ctx, today, every_plan=True)
    with_lines = {ref for items in everything.values() for ref, _, _ in items}
    with reading(db) as s:
        read = {p.reference for p in plan_facts(s, among=may_have_work(ctx.engine.rules, today))}
    assert read == with_lines
    return everything, with_lines


def test_meetings_and_amendments_are_read_from_the_clocks_own_days(db: Database) -> None:
    """Plans with nothing else to do (issued a month ago, the child not moving soon): a review meeting held
    five days before to five days after ``today``, and amendments noticed on each of 70 days before it, sent
    alone or served a month later, unanswered or answered. Exactly the plans with a line are read."""
    add_staff(db, "jsmith", "caseworker")
    today = date(2026, 3, 2)
    meetings = [today + timedelta(days=d) for d in range(-5, 6)]
    notices = [(today - timedelta(days=d), served, answered) for d in range(70) for served in (0, 50)
               for answered in (False, True)]
    born = born_not_moving(today)
    records = [CaseRecord(reference=f"EHC-{k:04d}", forename="Amelia", surname="Jones", date_of_birth=born,
                          final_issued=today - timedelta(days=30), caseworker="jsmith")
               for k in range(len(meetings) + len(notices))]
    with db.session() as s:
        write_cases(s, records, actor_id=None, today=today)
        ids = list(s.scalars(select(Case.id).order_by(Case.reference)))
        for case_id, meeting in zip(ids, meetings, strict=False):
            s.add(PlanReview(case_id=case_id, meeting_on=meeting))
        for case_id, (sent, served, answered) in zip(ids[len(meetings):], notices, strict=True):
            s.add(PlanAmendment(case_id=case_id, notice_sent_on=sent,
                                notice_served_on=sent + timedelta(days=served) if served else None,
                                final_issued_on=sent + timedelta(days=20) if answered else None))
    everything, _ = read_exactly_the_plans_with_a_line(db, today)
    assert len(everything[REVIEW_DECISIONS]) == 6  # the meetings held up to today
    assert 0 < len(everything[AMENDMENTS_DUE]) < len(notices) // 2  # only some unanswered notices are due


def test_a_move_by_date_of_birth_is_read_while_no_recorded_transfer_is_shown(db: Database) -> None:
    """Children born to move soon (plans issued a month ago): no transfer recorded, one not done, one done a
    year and a day ago (still shown) or a day longer (no longer shown: the move the date of birth says is
    coming is looked for again), and one done recently behind a later one done long ago. Exactly the plans
    with a line are read."""
    add_staff(db, "jsmith", "caseworker")
    today = date(2026, 3, 2)
    first, _ = born_to_move_soon(today, TRANSFER_UNCONSULTED_DAYS, None, 0)[0]
    shown_since = today - TRANSFER_SHOWN_AFTER_DONE
    moved = date(2025, 9, 1)
    transfers: list[list[tuple[date, date | None]]] = [
        [], [(moved, None)], [(moved, shown_since)], [(moved, shown_since - timedelta(days=1))],
        [(moved - timedelta(days=400), today - timedelta(days=30)), (moved, shown_since - timedelta(days=5))]]
    records = [CaseRecord(reference=f"EHC-{k:04d}", forename="Amelia", surname="Jones",
                          date_of_birth=first + timedelta(days=k), final_issued=today - timedelta(days=30),
                          caseworker="jsmith") for k in range(len(transfers))]
    with db.session() as s:
        write_cases(s, records, actor_id=None, today=today)
        ids = list(s.scalars(select(Case.id).order_by(Case.reference)))
        for case_id, recorded in zip(ids, transfers, strict=True):
            s.add_all(PhaseTransfer(case_id=case_id, kind="school", transfer_date=on, done_on=done)
                      for on, done in recorded)
    _, with_lines = read_exactly_the_plans_with_a_line(db, today)
    # Lines: none recorded, not done (at risk), done too long ago, the latest done too long ago.
    assert with_lines == {"EHC-0000", "EHC-0001", "EHC-0003", "EHC-0004"}
