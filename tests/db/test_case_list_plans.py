"""The Cases list's plan columns read from the database: each plan's next annual review and its status, and
its next phase transfer (the one recorded, else the cohort from the date of birth and any year-group
offset). The filters over these rows are tested with the panel (tests/gui/test_cases_plans.py)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.store.database import Database
from caseworker.store.models import Case, Child
from caseworker.store.plan_models import PhaseTransfer, PlanReview
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.case_list import CaseRow, load_case_rows
from caseworker.views.case_list_plans import transfer_words
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)
# Born in March 2015: Reception in September 2019, Year 7 in September 2026 (this coming September).
YEAR_7_THIS_SEPTEMBER = date(2015, 3, 2)
# Born in January 2016: Reception in September 2020, Year 7 in September 2027.
YEAR_7_NEXT_YEAR = date(2016, 1, 10)


def add_plan(db: Database, reference: str, issued: date, born: date, *, offset: int = 0) -> int:
    with db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename="Child", surname=reference[-4:],
                                   date_of_birth=born, final_issued=issued, caseworker="jsmith")],
                    actor_id=None, today=TODAY)
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        if offset:
            child = s.get(Child, case.child_id)
            assert child is not None
            child.year_group_offset = offset
        return case.id


def rows(db: Database) -> dict[str, CaseRow]:
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    return {r.reference: r for r in load_case_rows(app, TODAY)}


def transfer_text(row: CaseRow) -> str:
    return transfer_words(row.transfer_on, row.transfer_to)


def cohort(all_rows: dict[str, CaseRow], year: int) -> list[str]:
    return sorted(ref for ref, r in all_rows.items() if r.transfer_on is not None and r.transfer_on.year == year)


def test_each_plans_review_shows_its_due_day_and_where_it_stands(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_plan(db, "EHC-0001", TODAY - timedelta(days=400), YEAR_7_NEXT_YEAR)  # 12 months ran out weeks ago
    add_plan(db, "EHC-0002", TODAY - timedelta(days=330), YEAR_7_NEXT_YEAR)  # due within 8 weeks
    add_plan(db, "EHC-0003", TODAY - timedelta(days=100), YEAR_7_NEXT_YEAR)  # months away
    reviewed = add_plan(db, "EHC-0004", TODAY - timedelta(days=500), YEAR_7_NEXT_YEAR)
    with db.session() as s:  # its review decided 60 days ago starts the next 12 months
        s.add(PlanReview(case_id=reviewed, meeting_on=TODAY - timedelta(days=70), decision="maintain",
                         notified_on=TODAY - timedelta(days=60)))
    got = rows(db)
    assert {ref: r.review for ref, r in got.items()} == {
        "EHC-0001": "overdue", "EHC-0002": "due_soon", "EHC-0003": "pending", "EHC-0004": "pending"}
    overdue = got["EHC-0001"]
    assert overdue.next_review is not None and overdue.next_review < TODAY
    assert got["EHC-0004"].next_review is not None and got["EHC-0004"].next_review > TODAY + timedelta(days=200)


def test_each_plan_is_in_the_cohort_of_its_next_transfer(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    recent = TODAY - timedelta(days=100)
    add_plan(db, "EHC-0001", recent, YEAR_7_THIS_SEPTEMBER)
    add_plan(db, "EHC-0002", recent, YEAR_7_NEXT_YEAR)
    add_plan(db, "EHC-0003", recent, date(2010, 5, 1))  # Year 12 in September 2026
    got = rows(db)
    assert transfer_text(got["EHC-0001"]) == "Sep 2026 to secondary"
    assert transfer_text(got["EHC-0002"]) == "Sep 2027 to secondary"
    assert transfer_text(got["EHC-0003"]) == "Sep 2026 to post-16"
    assert cohort(got, 2026) == ["EHC-0001", "EHC-0003"] and cohort(got, 2027) == ["EHC-0002"]


def test_a_year_group_offset_moves_the_child_to_the_next_cohort(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    recent = TODAY - timedelta(days=100)
    add_plan(db, "EHC-0001", recent, YEAR_7_THIS_SEPTEMBER)
    add_plan(db, "EHC-0002", recent, YEAR_7_THIS_SEPTEMBER, offset=1)  # taught a year behind
    got = rows(db)
    assert got["EHC-0001"].transfer_on == date(2026, 9, 1)
    assert got["EHC-0002"].transfer_on == date(2027, 9, 1)
    assert cohort(got, 2026) == ["EHC-0001"] and cohort(got, 2027) == ["EHC-0002"]


def test_a_recorded_transfer_is_shown_until_done_and_past(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    recent = TODAY - timedelta(days=100)
    moving = add_plan(db, "EHC-0001", recent, YEAR_7_NEXT_YEAR)
    moved = add_plan(db, "EHC-0002", recent, date(2014, 3, 2))  # Year 7 in September 2025
    with db.session() as s:
        # Recorded for this September although the cohort says next year (the family chose an early move).
        s.add(PhaseTransfer(case_id=moving, kind="school", transfer_date=date(2026, 9, 1)))
        # Last September's move, its plan amended: the next one shown is the cohort's (Year 12, 2030).
        s.add(PhaseTransfer(case_id=moved, kind="school", transfer_date=date(2025, 9, 1),
                            done_on=date(2025, 2, 10)))
    got = rows(db)
    assert got["EHC-0001"].transfer_on == date(2026, 9, 1)
    assert transfer_text(got["EHC-0002"]) == "Sep 2030 to post-16"


def test_a_request_without_a_plan_has_no_review_or_transfer(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    with db.session() as s:
        write_cases(s, [CaseRecord(reference="EHC-0009", forename="New", surname="Request",
                                   date_of_birth=YEAR_7_NEXT_YEAR, received=TODAY - timedelta(days=10),
                                   caseworker="jsmith")], actor_id=None, today=TODAY)
    row = rows(db)["EHC-0009"]
    assert (row.review, row.next_review, row.transfer_on, transfer_text(row)) == ("", None, None, "")
