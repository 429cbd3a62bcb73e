"""My day's "Cases not allocated", read on its own (``views.my_day_unallocated``): the requests and plans
nobody holds, each described as the Team page's caseloads describe it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from caseworker.context import AppContext, fixed_clock
from caseworker.store.database import Database
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.caseload import load_team_caseload
from caseworker.views.my_day_unallocated import waiting_cases
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)


def add_cases(db: Database, *records: CaseRecord) -> None:
    with db.session() as s:
        write_cases(s, list(records), actor_id=None, today=TODAY)


def child(reference: str, **facts: object) -> CaseRecord:
    return CaseRecord(reference=reference, forename="Amelia", surname=reference[-1], date_of_birth=date(2015, 3, 2),
                      **facts)  # type: ignore[arg-type]


def test_the_cases_nobody_holds_are_the_team_pages_unallocated_cases(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_cases(db,
              child("EHC-A", received=date(2026, 1, 5)),  # deciding whether to assess: 6 weeks, overdue now
              child("EHC-B", received=date(2026, 2, 23)),  # deciding, not due yet
              child("EHC-C", final_issued=date(2025, 6, 1)),  # a plan brought over from a tracker
              child("EHC-D", received=date(2026, 1, 5), withdrawn=date(2026, 1, 20)),  # no work: not listed
              child("EHC-E", received=date(2026, 2, 23), caseworker="jsmith"),  # held: not listed
              child("EHC-F", final_issued=date(2025, 6, 1), caseworker="jsmith"))
    app = AppContext(db=db, clock=fixed_clock(TODAY))

    waiting = waiting_cases(app, TODAY)

    assert [(c.reference, c.state_words, c.next_due, c.overdue) for c in waiting] == [
        ("EHC-A", "request (deciding whether to assess)", date(2026, 2, 16), True),
        ("EHC-B", "request (deciding whether to assess)", date(2026, 4, 6), False),
        ("EHC-C", "plan in place", None, False)]
    team = load_team_caseload(app, TODAY).unallocated
    assert [(c.case_id, c.reference, c.child, c.state, c.next_due, c.next_what, c.overdue) for c in waiting] == [
        (c.case_id, c.reference, c.child, c.state, c.next_due, c.next_what, c.overdue) for c in team]
