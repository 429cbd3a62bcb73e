"""Caseloads through the services and views, on SQLite and PostgreSQL: the team's load, a proposal, moves
(with their allocation history and audit), covering an absence, pins, absences and who may do what.

``build_team`` is shared with the command-line and window tests.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from caseworker.services.actor import Actor
from caseworker.services.caseload import PlannedMove, pin_case, reallocate_cases, record_absence, unpin_case
from caseworker.store.database import Database
from caseworker.store.models import Allocation, AuditEvent, Case, Staff, StaffAbsence
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.case_detail import load_case_detail
from caseworker.views.caseload import TeamCaseload, load_team_caseload, propose
from caseworker.views.team import cover_plan, proposal_moves
from tests.db.conftest import TODAY

ABSENCE = (TODAY - timedelta(days=3), TODAY + timedelta(days=17))  # 12 working days left: a long absence


def build_team(db: Database, today: date = TODAY) -> None:
    """Sam (North) is critical at 123%; Jo (North) at 50% has room; Kim (South) at 10% is in another team;
    Ali (North) is absent with two fresh requests, five plans and one request whose decision falls due
    inside the absence. Every capacity is 100 points."""
    with db.session() as s:
        for username, name, team in (("sam", "Sam Patel", "North"), ("jo", "Jo Khan", "North"),
                                     ("kim", "Kim Lee", "South"), ("ali", "Ali Away", "North")):
            s.add(Staff(username=username, display_name=name, role="caseworker", team=team, fte=1.0,
                        capacity_points=100, active=True))
        s.flush()
        ali = s.scalar(select(Staff.id).where(Staff.username == "ali"))
        s.add(StaffAbsence(staff_id=ali, from_on=ABSENCE[0], to_on=ABSENCE[1], reason="Annual leave"))
    records: list[CaseRecord] = []

    def add(owner: str, n: int, *, plan: bool = False, days_ago: int = 5) -> None:
        for _ in range(n):
            k = len(records) + 1
            rec = CaseRecord(reference=f"EHC-{k:04d}", forename="Child", surname=f"No{k}",
                             date_of_birth=date(2015, 1, 1), caseworker=owner)
            if plan:
                # Issued 100 days ago: its annual review months away, so a plan here is its 1 point alone
                # (a review due adds more: test_a_plan_with_its_review_due_carries_its_extra_points).
                rec.final_issued = today - timedelta(days=100)
            else:
                rec.received = today - timedelta(days=days_ago)
            records.append(rec)

    add("sam", 30, plan=True)
    add("sam", 30)  # requests: 3 points each, decision due in 37 days
    add("sam", 1, days_ago=35)  # decision due in 7 days: protected
    add("jo", 50, plan=True)
    add("kim", 10, plan=True)
    add("ali", 2)
    add("ali", 1, days_ago=35)
    add("ali", 5, plan=True)
    with db.session() as s:
        write_cases(s, records, actor_id=None, today=today, action="test")


def case_id(db: Database, reference: str) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(Case.id).where(Case.reference == reference)) or 0)


def holder(db: Database, reference: str) -> str | None:
    with db.sessions() as s:
        return s.scalar(select(Staff.username).join(Case, Case.caseworker_id == Staff.id)
                        .where(Case.reference == reference))


def count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def team(ctx: AppContext) -> TeamCaseload:
    build_team(ctx.db)
    return load_team_caseload(ctx, TODAY)


def test_each_persons_load_capacity_and_band(team: TeamCaseload) -> None:
    got = {p.username: (p.cases, p.points, p.capacity, p.band) for p in team.people}
    assert got == {"sam": (61, 123, 100, "critical"), "jo": (50, 50, 100, "under"), "kim": (10, 10, 100, "under"),
                   "ali": (8, 14, 0, "critical")}
    ali = team.person("ali")
    assert math.isinf(ali.utilisation) and ali.absence is not None and ali.unavailable == "absent until 18 Mar 2025"
    assert [c.protected for c in team.cases_of("ali") if c.protected] == ["decision whether to assess due 8 Mar 2025"]
    assert team.person("sam").protected_points == 3


def test_the_proposal_moves_only_movable_cases_within_the_team(team: TeamCaseload) -> None:
    p = propose(team)
    moved = {m.reference: m for m in p.moves}
    protected = {c.reference for c in team.cases if c.protected}
    assert not protected & set(moved)
    assert {m.to_user for m in p.moves} == {"jo"}  # Kim is in the South team
    assert {c.reference for c in team.cases_of("ali") if not c.protected} <= set(moved)  # absent: all movable go
    assert p.load_after["jo"] <= 100 and math.isclose(p.largest_available_after, 0.92)
    assert math.isinf(p.largest_after)  # Ali keeps the protected request while away
    wider = propose(team, across_teams=True)
    assert "kim" in {m.to_user for m in wider.moves} and wider.largest_available_after < 0.92


def test_a_team_lead_moves_cases_with_history_and_audit(ctx: AppContext, team: TeamCaseload, lead: Actor) -> None:
    refs = ["EHC-0031", "EHC-0032"]
    moves = [PlannedMove(case_id(ctx.db, r), "jo", "Sam is over capacity", "sam") for r in refs]
    assert reallocate_cases(ctx, lead, moves, family_letter=True) == 2
    assert [holder(ctx.db, r) for r in refs] == ["jo", "jo"]
    cid = case_id(ctx.db, "EHC-0031")
    with ctx.db.sessions() as s:
        spells = s.execute(select(Staff.username, Allocation.from_on, Allocation.to_on, Allocation.reason,
                                  Allocation.family_letter).join(Staff, Staff.id == Allocation.staff_id)
                           .where(Allocation.case_id == cid).order_by(Allocation.id)).all()
        audits = s.scalars(select(AuditEvent.after).where(AuditEvent.case_id == cid,
                                                          AuditEvent.action == "reallocate")).all()
    assert [tuple(r) for r in spells] == [("sam", TODAY - timedelta(days=5), TODAY, "test: first allocation", False),
                                          ("jo", TODAY, None, "Sam is over capacity", True)]
    assert len(audits) == 1 and audits[0]["reason"] == "Sam is over capacity" and audits[0]["family_letter"] is True
    history = load_case_detail(ctx, cid, TODAY).history
    assert history[0].action == "reallocate" and "Sam Patel → Jo Khan" in history[0].summary
    # A case moved this recently is protected from the next proposal.
    again = load_team_caseload(ctx, TODAY)
    assert next(c for c in again.cases if c.reference == "EHC-0031").protected == "reallocated on 1 Mar 2025"


@pytest.mark.parametrize("who", ["caseworker", "reader"])
def test_only_team_leads_and_admins_may_move_cases(ctx: AppContext, team: TeamCaseload, who: str,
                                                   request: pytest.FixtureRequest) -> None:
    actor: Actor = request.getfixturevalue(who)
    before = count(ctx.db, Allocation)
    with pytest.raises(PermissionDenied, match="only a team lead or admin"):
        reallocate_cases(ctx, actor, [PlannedMove(case_id(ctx.db, "EHC-0031"), "jo", "why not")])
    with pytest.raises(PermissionDenied):
        pin_case(ctx, actor, case_id(ctx.db, "EHC-0031"))
    with pytest.raises(PermissionDenied):
        record_absence(ctx, actor, "jo", TODAY, TODAY)
    assert count(ctx.db, Allocation) == before and holder(ctx.db, "EHC-0031") == "sam"


def test_a_bad_batch_moves_nothing(ctx: AppContext, team: TeamCaseload, lead: Actor, reader: Actor) -> None:
    a, b = case_id(ctx.db, "EHC-0031"), case_id(ctx.db, "EHC-0032")
    before = count(ctx.db, Allocation), count(ctx.db, AuditEvent)
    cases = [
        ([PlannedMove(a, "jo", "ok"), PlannedMove(b, "jo", "  ")], ValidationError, "say why"),
        ([PlannedMove(a, "jo", "ok"), PlannedMove(b, "viewer", "ok")], ValidationError, "read-only role"),
        ([PlannedMove(a, "jo", "ok"), PlannedMove(b, "nobody", "ok")], ValidationError, "not on the staff list"),
        ([PlannedMove(a, "jo", "ok"), PlannedMove(b, "sam", "ok")], ValidationError, "already with sam"),
        ([PlannedMove(a, "jo", "ok"), PlannedMove(a, "kim", "ok")], ValidationError, "only move once"),
        ([PlannedMove(a, "jo", "ok"), PlannedMove(b, "jo", "ok", "kim")], ConflictError, "now with sam, not kim"),
        ([PlannedMove(a, "jo", "ok"), PlannedMove(999_999, "jo", "ok")], NotFound, "no case with id 999999"),
        ([], ValidationError, "at least one case"),
    ]
    for moves, error, message in cases:
        with pytest.raises(error, match=message):
            reallocate_cases(ctx, lead, moves)
    assert (count(ctx.db, Allocation), count(ctx.db, AuditEvent)) == before
    assert holder(ctx.db, "EHC-0031") == "sam"


def test_covering_an_absence_moves_the_urgent_cases_to_named_colleagues(ctx: AppContext, team: TeamCaseload,
                                                                       lead: Actor) -> None:
    plan = cover_plan(team, "ali", ["jo", "kim"])
    assert [(m.to_username, m.from_username) for m in plan] == [("kim", "ali")]  # Kim is the least loaded
    assert plan[0].reason == ("Cover for Ali Away (annual leave, 26 Feb to 18 Mar 2025): decision whether to "
                              "assess due 8 Mar 2025")
    reallocate_cases(ctx, lead, plan)
    assert [c.reference for c in load_team_caseload(ctx, TODAY).cases_of("kim")][-1] == "EHC-0124"
    with pytest.raises(ValidationError, match="has no absence"):
        cover_plan(team, "jo", ["kim"])
    with pytest.raises(ValidationError, match="at work and has capacity"):
        cover_plan(team, "ali", ["ali"])


def test_pinned_cases_stay_and_pins_are_audited(ctx: AppContext, team: TeamCaseload, lead: Actor) -> None:
    cid = case_id(ctx.db, "EHC-0040")
    pin_case(ctx, lead, cid, "family asked to keep Sam")
    pinned = load_team_caseload(ctx, TODAY)
    assert next(c for c in pinned.cases if c.case_id == cid).protected == "pinned by the team lead"
    assert cid not in {m.case_id for m in propose(pinned).moves}
    unpin_case(ctx, lead, cid)
    assert next(c for c in load_team_caseload(ctx, TODAY).cases if c.case_id == cid).protected is None
    with ctx.db.sessions() as s:
        assert list(s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == cid)
                              .order_by(AuditEvent.id)))[-2:] == ["pin_case", "unpin_case"]


def test_an_absence_takes_capacity_to_zero_on_its_days(ctx: AppContext, team: TeamCaseload, lead: Actor) -> None:
    record_absence(ctx, lead, "jo", TODAY + timedelta(days=1), TODAY + timedelta(days=2), "Training")
    assert load_team_caseload(ctx, TODAY).person("jo").capacity == 100
    assert load_team_caseload(ctx, TODAY + timedelta(days=1)).person("jo").capacity == 0
    assert load_team_caseload(ctx, TODAY).person("jo").next_absence is not None
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        record_absence(ctx, lead, "jo", TODAY, TODAY - timedelta(days=1))


def test_balancing_proposal_applied_leaves_the_team_as_proposed(ctx: AppContext, team: TeamCaseload,
                                                                lead: Actor) -> None:
    p = propose(team)
    reallocate_cases(ctx, lead, proposal_moves(p.moves))
    after = load_team_caseload(ctx, TODAY)
    assert {x.username: x.points for x in after.people} == p.load_after


def test_a_database_at_0003_with_cases_upgrades_and_keeps_them(db_url: str) -> None:
    from sqlalchemy import create_engine

    from caseworker.store.database import normalise_url, open_database
    from caseworker.store.migrate import upgrade

    engine = create_engine(normalise_url(db_url))
    upgrade(engine, "0003_letter_queue")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff (id, username, display_name, role, fte, active, version) "
                          "VALUES (1, 'jsmith', 'Jo Smith', 'caseworker', 1.0, TRUE, 1)"))
        conn.execute(text("INSERT INTO child (id, forename, surname, date_of_birth, letters_to_parent, version) "
                          "VALUES (1, 'Amelia', 'Jones', '2017-09-01', FALSE, 1)"))
        conn.execute(text("INSERT INTO ehc_case (id, reference, child_id, caseworker_id, keyed_on, "
                          "final_issued_on, version) VALUES (1, 'EHC-1', 1, 1, '2025-01-01', '2024-01-01', 1)"))
    engine.dispose()
    db = open_database(db_url)
    try:
        with db.sessions() as s:
            assert s.scalar(select(Staff.started_on)) is None
            assert s.scalar(select(Case.caseworker_id).where(Case.reference == "EHC-1")) == 1
        ctx = AppContext(db=db)
        # The plan (1 point) issued 1 Jan 2024 and never reviewed: its review is overdue (2 more).
        assert load_team_caseload(ctx, TODAY).person("jsmith").points == 1 + 2
    finally:
        db.dispose()
