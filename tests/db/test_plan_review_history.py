"""A plan whose earlier reviews are not on record (a tracker import brings only the last one): its first
review on record is shown as such, not as a review years late; reviews after it are judged as usual, and
a first review only months late is still called late."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.statutory.rules import default_rules
from caseworker.store.database import Database
from caseworker.store.models import Case
from caseworker.store.plan_models import PlanReview
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.plan_detail import PlanDetail, load_plan_detail
from ui.panels._plan_rows import timeline_rows

TODAY = date(2026, 12, 3)


def plan_with_reviews(db: Database, issued: date, notified: list[date]) -> PlanDetail:
    with db.session() as s:
        write_cases(s, [CaseRecord(reference="EHC-H", forename="Amelia", surname="Hall", date_of_birth=date(2015, 9, 6),
                                   final_issued=issued)], actor_id=None, today=TODAY)
        case_id = s.scalars(select(Case.id).where(Case.reference == "EHC-H")).one()
        for day in notified:
            s.add(PlanReview(case_id=case_id, meeting_on=day.replace(day=1), decision="maintain", notified_on=day))
    with db.sessions() as s:
        case = s.scalars(select(Case).where(Case.reference == "EHC-H")).one()
        detail = load_plan_detail(s, AppContext(db=db, clock=fixed_clock(TODAY)), case, TODAY)
    assert detail is not None
    return detail


def review_rows(detail: PlanDetail) -> list[tuple[str, str]]:
    return [(r.status, r.details) for r in timeline_rows(detail, default_rules()) if r.step == "Annual review"
            and r.done is not None]


def test_a_first_review_on_record_years_after_the_issue_is_not_called_late(db: Database) -> None:
    detail = plan_with_reviews(db, date(2018, 6, 28), [date(2024, 9, 9), date(2025, 8, 1)])
    first, second = detail.reviews_held
    assert first.earlier_not_on_record and not second.earlier_not_on_record
    (status, details), (later_status, _) = review_rows(detail)
    assert status == "First review on record" and "Earlier reviews are not on record" in details
    assert later_status == "Done on time"  # within 12 months starting with 9 September 2024


def test_a_first_review_months_late_is_still_late(db: Database) -> None:
    detail = plan_with_reviews(db, date(2023, 6, 28), [date(2024, 10, 1)])  # due by 27 June 2024
    [held] = detail.reviews_held
    assert not held.earlier_not_on_record and held.days_late == 96
    [(status, _)] = review_rows(detail)
    assert status == "Done late by 96 days"
