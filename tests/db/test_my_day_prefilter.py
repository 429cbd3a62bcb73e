"""The whole team's My day reads only the plans that may have work (``plan_work_reads.maybe_with_work``:
a review clock started early enough to be due within its window, something under way, or a child born to
move soon for their year group). Whatever it leaves out, the plan clocks would have found nothing on:
the page matches the one read from every plan, over plans issued on every few days of two years and
children of every age taught in, behind, ahead of and two years behind their year group."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from caseworker.context import AppContext, fixed_clock
from caseworker.reports.my_day import PLAN_SECTIONS
from caseworker.statutory.plan_facts import MAINTAIN
from caseworker.store.case_select import reading
from caseworker.store.database import Database
from caseworker.store.models import Case, Child
from caseworker.store.plan_models import PlanReview
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.my_day import read_my_day
from tests.db.conftest import add_staff

OFFSETS = (0, 1, -1, 2)


def add_plans(db: Database, today: date, n: int) -> None:
    """``n`` plans issued every 5 days back from ``today``, the children born every 23 days over 20 years,
    each third plan with a review decided 9 to 14 months after its issue."""
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
    seen = 0
    for today in (first + timedelta(days=d) for d in (0, 13, 61, 97, 150, 191, 260, 300)):
        ctx = AppContext(db=db, clock=fixed_clock(today))
        everything = plan_work(ctx, today, every_plan=True)
        assert plan_work(ctx, today, every_plan=False) == everything, today
        seen += sum(map(len, everything.values()))
    assert seen > 50  # the days chosen do meet reviews and transfers
