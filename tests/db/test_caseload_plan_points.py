"""The team's weighted caseload counts plan work: a plan in place carries its own point, and more while its
annual review is due or overdue, an amendment runs or a phase transfer is in progress (docs/caseload.md)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseworker.caseload.settings import default_settings, settings_from
from caseworker.context import AppContext, fixed_clock
from caseworker.store.database import Database
from caseworker.store.models import Case
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.caseload import load_team_caseload
from tests.db.conftest import add_staff

TODAY = date(2026, 3, 2)


def add_plan(db: Database, reference: str, issued: date, caseworker: str) -> int:
    with db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename="Child", surname=reference[-4:],
                                   date_of_birth=date(2016, 1, 10), final_issued=issued, caseworker=caseworker)],
                    actor_id=None, today=TODAY)
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
    assert case_id is not None
    return case_id


def points(db: Database, **settings: object) -> dict[str, float]:
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    chosen = settings_from({"points": settings}) if settings else None
    return {c.reference: c.points for c in load_team_caseload(app, TODAY, chosen).cases}


def test_a_plan_with_its_review_due_carries_its_extra_points(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_staff(db, "pjones", "caseworker")
    add_plan(db, "EHC-0001", TODAY - timedelta(days=330), "jsmith")  # review due within 8 weeks
    add_plan(db, "EHC-0002", TODAY - timedelta(days=400), "jsmith")  # review overdue
    add_plan(db, "EHC-0003", TODAY - timedelta(days=100), "pjones")  # review months away
    reviewed = add_plan(db, "EHC-0004", TODAY - timedelta(days=500), "pjones")
    with db.session() as s:  # decided 60 days ago: the next review is months away
        s.add(PlanReview(case_id=reviewed, meeting_on=TODAY - timedelta(days=70), decision="maintain",
                         notified_on=TODAY - timedelta(days=60)))
    settings = default_settings()
    plan, review = settings.points_for("plan"), settings.points_for("review_due")
    assert review > 0
    assert points(db) == {"EHC-0001": plan + review, "EHC-0002": plan + review, "EHC-0003": plan,
                          "EHC-0004": plan}
    app = AppContext(db=db, clock=fixed_clock(TODAY))
    team = load_team_caseload(app, TODAY)
    assert team.person("jsmith").points == 2 * (plan + review) and team.person("pjones").points == 2 * plan
    # A council's own weight is the one counted.
    assert points(db, review_due=5)["EHC-0002"] == plan + 5


def test_an_amendment_and_a_transfer_under_way_add_theirs(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    amending = add_plan(db, "EHC-0001", TODAY - timedelta(days=100), "jsmith")
    moving = add_plan(db, "EHC-0002", TODAY - timedelta(days=100), "jsmith")
    done = add_plan(db, "EHC-0003", TODAY - timedelta(days=100), "jsmith")
    with db.session() as s:
        s.add(PlanAmendment(case_id=amending, notice_sent_on=TODAY - timedelta(days=10)))
        s.add(PhaseTransfer(case_id=moving, kind="school", transfer_date=date(2026, 9, 1)))
        s.add(PhaseTransfer(case_id=done, kind="school", transfer_date=date(2026, 9, 1),
                            done_on=TODAY - timedelta(days=5)))
    got = points(db, amendment=4, phase_transfer=1.5)
    plan = default_settings().points_for("plan")
    assert got == {"EHC-0001": plan + 4, "EHC-0002": plan + 1.5, "EHC-0003": plan}


def test_a_ceased_plan_carries_nothing(db: Database) -> None:
    add_staff(db, "jsmith", "caseworker")
    add_plan(db, "EHC-0001", TODAY - timedelta(days=100), "jsmith")
    ceased = add_plan(db, "EHC-0002", TODAY - timedelta(days=400), "jsmith")
    proposed = add_plan(db, "EHC-0003", TODAY - timedelta(days=100), "jsmith")
    with db.session() as s:
        s.add(PlanCease(case_id=ceased, proposed_on=TODAY - timedelta(days=90), decided_on=TODAY - timedelta(days=80),
                        ceased_on=TODAY - timedelta(days=20), reason=1))
        s.add(PlanCease(case_id=proposed, proposed_on=TODAY - timedelta(days=5)))  # still maintained
    plan = default_settings().points_for("plan")
    assert points(db) == {"EHC-0001": plan, "EHC-0003": plan}
    team = load_team_caseload(AppContext(db=db, clock=fixed_clock(TODAY)), TODAY)
    assert team.person("jsmith").cases == 2
