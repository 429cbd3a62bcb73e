"""My day's plans in place, read from the database for one caseworker or the whole team: a review overdue
shows for its own caseworker and not another's; each kind of plan work lands in its own section."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.reports.my_day import (
    AMENDMENTS_DUE,
    CEASE_WAITING,
    PLAN_SECTIONS,
    REVIEW_DECISIONS,
    REVIEWS_DUE,
    REVIEWS_OVERDUE,
    TRANSFERS_AT_RISK,
)
from caseworker.store.database import Database
from caseworker.store.models import Case
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.my_day import load_my_day
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)


def add_plan(db: Database, reference: str, issued: date, caseworker: str | None,
             born: date = date(2016, 3, 2)) -> int:
    """A plan for a child moving into Year 7 in September 2027 (by default): no transfer near on TODAY."""
    with db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename="Amelia", surname="Jones",
                                   date_of_birth=born, final_issued=issued, caseworker=caseworker)],
                    actor_id=None, today=TODAY)
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
    assert case_id is not None
    return case_id


def refs(app: AppContext, section: str, caseworker: str | None) -> list[str]:
    return [i.reference for i in load_my_day(app, TODAY, caseworker).sections[section]]


def test_a_review_overdue_shows_for_its_caseworker_only(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_staff(db, "pjones", "caseworker")
    add_plan(db, "EHC-0001", TODAY - timedelta(days=400), "jsmith")  # 12 months ran out weeks ago
    add_plan(db, "EHC-0002", TODAY - timedelta(days=330), "jsmith")  # due within 8 weeks
    add_plan(db, "EHC-0003", TODAY - timedelta(days=100), "jsmith")  # months away
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    assert refs(app, REVIEWS_OVERDUE, "jsmith") == ["EHC-0001"]
    assert refs(app, REVIEWS_DUE, "jsmith") == ["EHC-0002"]
    assert refs(app, REVIEWS_OVERDUE, "pjones") == [] and refs(app, REVIEWS_DUE, "pjones") == []
    team = load_my_day(app, TODAY, None)
    assert team.count(REVIEWS_OVERDUE) == 1 and team.count(REVIEWS_DUE) == 1
    late = team.sections[REVIEWS_OVERDUE][0]
    assert late.days_late == (TODAY - late.due).days > 0 and late.caseworker == "jsmith"


def test_a_review_decided_recently_is_not_due(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    case_id = add_plan(db, "EHC-0001", TODAY - timedelta(days=500), "jsmith")
    with db.session() as s:
        s.add(PlanReview(case_id=case_id, meeting_on=TODAY - timedelta(days=70), decision="maintain",
                         notified_on=TODAY - timedelta(days=60)))
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    day = load_my_day(app, TODAY, "jsmith")
    assert sum(day.count(k) for k in PLAN_SECTIONS) == 0


def test_each_kind_of_plan_work_has_its_section(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    recent = TODAY - timedelta(days=100)  # the annual review is months away on each of these
    meeting = add_plan(db, "EHC-0001", recent, "jsmith")
    amended = add_plan(db, "EHC-0002", recent, "jsmith")
    moving = add_plan(db, "EHC-0003", recent, "jsmith")
    ceasing = add_plan(db, "EHC-0004", recent, "jsmith")
    quiet_amendment = add_plan(db, "EHC-0005", recent, "jsmith")
    with db.session() as s:
        s.add(PlanReview(case_id=meeting, meeting_on=TODAY - timedelta(days=10)))
        s.add(PlanAmendment(case_id=amended, notice_sent_on=TODAY - timedelta(days=40)))
        s.add(PlanAmendment(case_id=quiet_amendment, notice_sent_on=TODAY - timedelta(days=2)))
        s.add(PhaseTransfer(case_id=moving, kind="school", transfer_date=date(2026, 9, 1)))
        s.add(PlanCease(case_id=ceasing, proposed_on=TODAY - timedelta(days=90),
                        decided_on=TODAY - timedelta(days=75)))
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    day = load_my_day(app, TODAY, "jsmith")
    assert [i.reference for i in day.sections[REVIEW_DECISIONS]] == ["EHC-0001"]
    decision = day.sections[REVIEW_DECISIONS][0]
    assert decision.due == TODAY - timedelta(days=10) + timedelta(weeks=4)
    assert [i.reference for i in day.sections[AMENDMENTS_DUE]] == ["EHC-0002"]  # the new one has weeks to go
    assert [i.reference for i in day.sections[TRANSFERS_AT_RISK]] == ["EHC-0003"]  # due 15 February: late
    assert day.sections[TRANSFERS_AT_RISK][0].days_late > 0
    [cease] = day.sections[CEASE_WAITING]
    assert cease.reference == "EHC-0004" and cease.due > TODAY - timedelta(days=75)
    assert (cease.what == "Cease the plan") == (cease.due <= TODAY)
    assert day.count(REVIEWS_OVERDUE) == day.count(REVIEWS_DUE) == 0


def test_a_review_meeting_booked_ahead_is_not_called_held(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    booked = add_plan(db, "EHC-0001", TODAY - timedelta(days=400), "jsmith")
    held = add_plan(db, "EHC-0002", TODAY - timedelta(days=400), "jsmith")
    with db.session() as s:
        s.add(PlanReview(case_id=booked, meeting_on=TODAY + timedelta(days=5)))
        s.add(PlanReview(case_id=held, meeting_on=TODAY - timedelta(days=5)))
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    notes = {i.reference: i.note for i in load_my_day(app, TODAY, "jsmith").sections[REVIEWS_OVERDUE]}
    assert notes["EHC-0001"].endswith("meeting booked for 7 Mar 2026")
    assert notes["EHC-0002"].endswith("meeting held 25 Feb 2026")
    # Only the meeting already held waits for its decision.
    assert refs(app, REVIEW_DECISIONS, "jsmith") == ["EHC-0002"]


def test_a_transfer_is_at_risk_earlier_the_more_steps_it_has_left(db: Database) -> None:
    """The amended plan for a move on 1 September 2026 is due by 14 February 2026. With no setting consulted
    it is at risk from 12 weeks before (22 Nov 2025), awaiting the setting's reply from 8 weeks (20 Dec
    2025), and once the setting has replied from 6 weeks (3 Jan 2026); a transfer done is never at risk."""
    add_staff(db, "jsmith", "caseworker")
    issued = date(2025, 6, 2)
    stages = {"EHC-0001": {}, "EHC-0002": {"consultation_sent_on": date(2025, 11, 3)},
              "EHC-0003": {"consultation_sent_on": date(2025, 11, 3), "setting_replied_on": date(2025, 11, 17)},
              "EHC-0004": {"consultation_sent_on": date(2025, 11, 3), "setting_replied_on": date(2025, 11, 17),
                           "done_on": date(2025, 12, 1)}}
    for reference, recorded in stages.items():
        case_id = add_plan(db, reference, issued, "jsmith")
        with db.session() as s:
            s.add(PhaseTransfer(case_id=case_id, kind="school", transfer_date=date(2026, 9, 1), **recorded))

    def at_risk(on: date) -> list[str]:
        app = AppContext(db=db, clock=fixed_clock(on))
        return [i.reference for i in load_my_day(app, on, "jsmith").sections[TRANSFERS_AT_RISK]]

    assert at_risk(date(2025, 11, 21)) == []
    assert at_risk(date(2025, 11, 22)) == ["EHC-0001"]
    assert at_risk(date(2025, 12, 19)) == ["EHC-0001"]
    assert sorted(at_risk(date(2025, 12, 20))) == ["EHC-0001", "EHC-0002"]
    assert sorted(at_risk(date(2026, 1, 2))) == ["EHC-0001", "EHC-0002"]
    assert sorted(at_risk(date(2026, 1, 3))) == ["EHC-0001", "EHC-0002", "EHC-0003"]


def test_a_move_not_yet_recorded_on_the_plan_is_at_risk_from_twelve_weeks(db: Database) -> None:
    """Born 2 March 2015, the child moves into Year 7 on 1 September 2026 (amended plan by 14 February 2026)
    with nothing recorded: listed from 22 November 2025, with where the move came from."""
    add_staff(db, "jsmith", "caseworker")
    add_plan(db, "EHC-0001", date(2025, 6, 2), "jsmith", born=date(2015, 3, 2))

    def moving(on: date) -> list[str]:
        app = AppContext(db=db, clock=fixed_clock(on))
        items = load_my_day(app, on, "jsmith").sections[TRANSFERS_AT_RISK]
        return [f"{i.reference}: {i.what}; {i.note}" for i in items]

    assert moving(date(2025, 11, 21)) == []
    assert moving(date(2025, 11, 22)) == ["EHC-0001: Name the next school; moves 1 Sep 2026 into Year 7 (from the "
                                          "date of birth); not recorded on the plan yet"]
