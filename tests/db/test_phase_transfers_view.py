"""The Phase transfers page's data read from the database (SQLite and PostgreSQL): the cohort from dates of
birth and year groups, moves recorded through the services, ceased plans left out, one caseworker's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.services import plan_cease, plan_transfers, plans
from caseworker.services.actor import Actor
from caseworker.store.database import Database
from caseworker.store.models import Case, School
from caseworker.store.records import CaseRecord
from caseworker.store.transfer_reads import plans_to_move
from caseworker.store.writer import write_cases
from caseworker.views.phase_transfers import (
    CONSULTED,
    DONE,
    NOT_STARTED,
    RECORDED,
    REPLIED,
    cohort_rows,
    load_phase_transfers,
)

TODAY = date(2026, 12, 2)
ISSUED = date(2023, 5, 20)


def add_plans(db: Database, *children: tuple[str, date, str | None]) -> dict[str, int]:
    """Plans in place (reference, date of birth, caseworker), as the tracker import writes them."""
    with db.session() as s:
        write_cases(s, [CaseRecord(reference=ref, forename="Child", surname=ref[-2:], date_of_birth=born,
                                   caseworker=who, final_issued=ISSUED) for ref, born, who in children],
                    actor_id=None, today=TODAY)
        return {ref: cid for cid, ref in s.execute(select(Case.id, Case.reference))}


def add_school(db: Database, name: str) -> int:
    with db.session() as s:
        school = School(name=name, kind="academy")
        s.add(school)
        s.flush()
        return school.id


def test_the_cohort_as_the_page_reads_it(db: Database, caseworker: Actor, lead: Actor) -> None:
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    ids = add_plans(db, ("EHC-01", date(2015, 10, 1), "jsmith"),  # Year 7 in September 2027
                    ("EHC-02", date(2015, 12, 1), "jsmith"),
                    ("EHC-03", date(2016, 2, 1), "alead"),
                    ("EHC-04", date(2014, 10, 1), "jsmith"),  # moved in 2026; taught a year behind: 2027
                    ("EHC-05", date(2015, 11, 1), "jsmith"),  # ceased
                    ("EHC-06", date(2012, 1, 1), "jsmith"),  # Year 10: no move this year
                    ("EHC-07", date(2006, 4, 1), "jsmith"))  # changes college in January
    academy = add_school(db, "Wye Valley Academy")
    plans.set_year_group_offset(app, caseworker, ids["EHC-04"], 1)
    plan_transfers.record_transfer(app, caseworker, ids["EHC-02"], "school", date(2027, 9, 1))
    plan_transfers.record_transfer_consultation(app, caseworker, ids["EHC-02"], academy, date(2026, 10, 12))
    plan_transfers.record_transfer(app, lead, ids["EHC-03"], "school", date(2027, 9, 1))
    plan_transfers.record_transfer_consultation(app, lead, ids["EHC-03"], academy, date(2026, 10, 12))
    plan_transfers.record_transfer_reply(app, lead, ids["EHC-03"], date(2026, 10, 20), "agrees")
    plan_cease.propose_cease(app, caseworker, ids["EHC-05"], date(2026, 6, 1))
    plan_cease.decide_cease(app, caseworker, ids["EHC-05"], date(2026, 6, 20))
    plan_cease.cease_plan(app, caseworker, ids["EHC-05"], date(2026, 9, 1), 4)
    plan_transfers.record_transfer(app, caseworker, ids["EHC-07"], "post16_move", date(2027, 1, 4))

    cohort = load_phase_transfers(app)  # the year being worked on 2 December 2026
    assert (cohort.year, cohort.today) == (2027, TODAY)
    rows = {r.reference: r for r in cohort.rows}
    assert sorted(rows) == ["EHC-01", "EHC-02", "EHC-03", "EHC-04", "EHC-07"]
    assert [rows[r].state for r in ("EHC-01", "EHC-02", "EHC-03", "EHC-04", "EHC-07")] == [
        NOT_STARTED, CONSULTED, REPLIED, NOT_STARTED, RECORDED]
    assert cohort.rows[0].reference == "EHC-07"  # due 4 August: overdue
    with db.sessions() as s:  # the read narrowed to who may move that year leaves no one out
        assert cohort_rows(plans_to_move(s), 2027, TODAY) == cohort.rows
    assert rows["EHC-02"].consulted == "Wye Valley Academy" and rows["EHC-02"].consulted_id == academy
    assert (rows["EHC-03"].reply, rows["EHC-03"].caseworker_name) == ("agrees", "Alead")
    assert rows["EHC-04"].year_group_offset == 1 and rows["EHC-04"].year_group == "Year 7"
    assert cohort.counts() == {"children": 5, "done": 0, "consulted": 2, "overdue": 1}

    mine = load_phase_transfers(app, caseworker="jsmith")
    assert sorted(r.reference for r in mine.rows) == ["EHC-01", "EHC-02", "EHC-04", "EHC-07"]
    assert load_phase_transfers(app, caseworker="nobody").rows == []

    # The plan naming the academy, issued: the move is done and the plan names it.
    version = rows["EHC-03"].version
    plan_transfers.record_transfer_done(app, lead, ids["EHC-03"], date(2026, 11, 30), academy,
                                        expected_version=version)
    done = next(r for r in load_phase_transfers(app).rows if r.reference == "EHC-03")
    assert (done.state, done.done, done.named_setting, done.status) == (DONE, date(2026, 11, 30),
                                                                        "Wye Valley Academy", "met")
    assert done.version > version
    assert [r.reference for r in load_phase_transfers(app, 2026).rows] == []  # EHC-04 is a year behind
