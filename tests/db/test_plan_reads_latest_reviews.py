"""My day reads of each plan only the reviews the plan clocks' schedule reads (``latest_reviews``: those not
decided, and those decided last): every plan's schedule is the one its whole history of reviews gives, for
plans with no review, reviews decided on different days and on the same day, and reviews met or booked and
not decided behind them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from caseworker.statutory.plan_facts import AMEND, MAINTAIN
from caseworker.statutory.plans import PlanSchedule, clocks_for
from caseworker.store.case_select import reading
from caseworker.store.database import Database
from caseworker.store.models import Case
from caseworker.store.plan_models import PlanReview
from caseworker.store.plan_reads import plan_facts
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)


def reviews_of(k: int, case_id: int, issued: date) -> list[PlanReview]:
    """Plan ``k``'s reviews: up to three decided a year apart (the last two on one day for some), then one
    met, booked or merely begun and not decided (for some)."""
    reviews = []
    decided = issued
    for n in range(k % 4):
        decided = decided + timedelta(days=330 + 7 * n)
        reviews.append(PlanReview(case_id=case_id, meeting_on=decided - timedelta(days=20), notified_on=decided,
                                  decision=(MAINTAIN, AMEND)[n % 2]))
    if k % 5 == 3 and reviews:
        reviews.append(PlanReview(case_id=case_id, meeting_on=decided - timedelta(days=10), notified_on=decided,
                                  decision=MAINTAIN))
    if k % 3 == 1:
        meeting = None if k % 9 == 1 else decided + timedelta(days=300 + k % 60)
        reviews.append(PlanReview(case_id=case_id, meeting_on=meeting))
    return reviews


def schedules(db: Database, today: date, latest_reviews: bool) -> dict[str, PlanSchedule]:
    with reading(db) as s:
        plans = plan_facts(s, latest_reviews=latest_reviews)
    clocks = clocks_for()
    # The facts differ (fewer reviews): the schedule worked out from them is what must not.
    return {p.reference: replace(clocks.schedule(p, today), facts=None) for p in plans}  # type: ignore[arg-type]


def test_the_schedule_is_the_whole_history_s(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    n = 90
    issued = [TODAY - timedelta(days=300 + 17 * k) for k in range(n)]
    records = [CaseRecord(reference=f"EHC-{k:04d}", forename="Amelia", surname="Jones",
                          date_of_birth=date(2012, 1, 1) + timedelta(days=40 * k), final_issued=issued[k],
                          caseworker="jsmith") for k in range(n)]
    with db.session() as s:
        write_cases(s, records, actor_id=None, today=TODAY)
        for k, case_id in enumerate(s.scalars(select(Case.id).order_by(Case.reference))):
            s.add_all(reviews_of(k, case_id, issued[k]))
    with reading(db) as s:
        every, fewer = (plan_facts(s, latest_reviews=flag) for flag in (False, True))
    kept = {p.reference: [r for r in p.reviews if r.notified is None or r.notified == max(
        d.notified for d in p.reviews if d.notified is not None)] for p in every}
    assert {p.reference: p.reviews for p in fewer} == kept  # the history is left out, and no more
    assert sum(map(len, kept.values())) < sum(len(p.reviews) for p in every)
    for today in (TODAY, TODAY + timedelta(days=45), TODAY + timedelta(days=200)):
        assert schedules(db, today, latest_reviews=True) == schedules(db, today, latest_reviews=False), today
