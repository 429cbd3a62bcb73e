"""A change to a few cases reloads only them into My day (``reload_cases``, what a live update does): the
page comes out as a full reload would make it, for the whole team and for one caseworker."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.reports.my_day import REVIEW_DECISIONS, REVIEWS_DUE, REVIEWS_OVERDUE
from caseworker.store.database import Database
from caseworker.store.models import Case, Staff
from caseworker.store.plan_models import PlanReview
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.my_day import load_my_day_page, reload_cases
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)


def add_case(db: Database, reference: str, caseworker: str | None, **facts: object) -> int:
    with db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename="Amelia", surname=reference[-1],
                                   date_of_birth=date(2015, 3, 2), caseworker=caseworker,
                                   **facts)],  # type: ignore[arg-type]
                    actor_id=None, today=TODAY)
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
    assert case_id is not None
    return case_id


@pytest.mark.parametrize("whose", [None, "jsmith"])
def test_reloading_the_changed_cases_gives_what_a_full_reload_gives(db: Database, whose: str | None) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_staff(db, "pjones", "caseworker")
    overdue = add_case(db, "EHC-0001", "jsmith", final_issued=TODAY - timedelta(days=400))
    due = add_case(db, "EHC-0002", "jsmith", final_issued=TODAY - timedelta(days=330))
    met = add_case(db, "EHC-0003", "jsmith", final_issued=TODAY - timedelta(days=100))
    add_case(db, "EHC-0004", "jsmith", final_issued=TODAY - timedelta(days=390))  # not changed
    waiting = add_case(db, "EHC-0005", None, received=TODAY - timedelta(days=50))  # nobody's: overdue decision
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    before = load_my_day_page(app, TODAY, whose, unallocated=True)
    assert {i.reference for i in before.day.sections[REVIEWS_OVERDUE]} == {"EHC-0001", "EHC-0004"}
    assert [c.reference for c in before.unallocated or []] == ["EHC-0005"]

    with db.session() as s:
        s.add(PlanReview(case_id=overdue, meeting_on=TODAY - timedelta(days=20), decision="maintain",
                         notified_on=TODAY - timedelta(days=3)))  # decided: no longer overdue
        s.add(PlanReview(case_id=met, meeting_on=TODAY - timedelta(days=5)))  # a decision now due
        moved = s.get(Case, due)
        held = s.get(Case, waiting)
        assert moved is not None and held is not None
        moved.caseworker_id = s.scalar(select(Staff.id).where(Staff.username == "pjones"))  # someone else's
        held.caseworker_id = s.scalar(select(Staff.id).where(Staff.username == "jsmith"))  # allocated
    after = reload_cases(app, before, TODAY, whose, {overdue, due, met, waiting})

    full = load_my_day_page(app, TODAY, whose, unallocated=True)
    assert after.day.sections == full.day.sections
    assert after.unallocated == full.unallocated == []
    assert [i.reference for i in after.day.sections[REVIEWS_OVERDUE]] == ["EHC-0004"]
    assert [i.reference for i in after.day.sections[REVIEW_DECISIONS]] == ["EHC-0003"]
    assert [i.reference for i in after.day.sections[REVIEWS_DUE]] == ([] if whose else ["EHC-0002"])
    # The unchanged case's line is the one already read, not read again.
    kept = next(i for i in before.day.sections[REVIEWS_OVERDUE] if i.reference == "EHC-0004")
    assert any(i is kept for i in after.day.sections[REVIEWS_OVERDUE])
