"""A balancing proposal on the shared team (tests/db/test_caseload_services.build_team), through the
views and services, on SQLite and PostgreSQL: the short-absence setting, settling a proposal (the ticked
moves and the kept cases in one transaction), and a kept case never proposed again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseworker.caseload.settings import settings_from
from caseworker.context import AppContext
from caseworker.errors import NotFound, PermissionDenied, ValidationError
from caseworker.services.actor import Actor
from caseworker.services.caseload import settle_proposal
from caseworker.store.models import Allocation, AuditEvent, CasePin
from caseworker.views.caseload import TeamCaseload, load_team_caseload, propose
from caseworker.views.team import proposal_moves
from tests.db.conftest import TODAY
from tests.db.test_caseload_services import build_team, count, holder


@pytest.fixture
def team(ctx: AppContext) -> TeamCaseload:
    build_team(ctx.db)
    return load_team_caseload(ctx, TODAY)


def test_ali_back_in_twelve_working_days_is_a_long_absence_by_default(team: TeamCaseload) -> None:
    off_ali = {m.reference: m.rule for m in propose(team).moves if m.from_user == "ali"}
    # Every movable case goes; the one due while away stays protected as before.
    assert set(off_ali) == {c.reference for c in team.cases_of("ali") if c.protected is None}
    assert set(off_ali.values()) == {"long absence"}


def test_as_a_short_absence_only_the_case_due_before_return_moves(ctx: AppContext, team: TeamCaseload) -> None:
    wider = settings_from({"balance": {"short_absence_working_days": 13}}, "council.toml")
    short = load_team_caseload(ctx, TODAY, wider)
    p = propose(short)
    off_ali = [m for m in p.moves if m.from_user == "ali"]
    due = [c for c in short.cases_of("ali") if c.next_due is not None and c.next_due <= TODAY.replace(day=18)]
    assert [m.reference for m in off_ali] == [c.reference for c in due] == ["EHC-0124"]
    assert off_ali[0].rule == "short absence: due before return" and off_ali[0].child == "Child No124"
    assert p.load_after["ali"] == 14 - 3  # two fresh requests and five plans stay with Ali


def test_settling_moves_the_ticked_and_pins_the_kept(ctx: AppContext, team: TeamCaseload, lead: Actor) -> None:
    p = propose(team)
    keep, *rest = p.moves
    moved, pinned = settle_proposal(ctx, lead, proposal_moves(rest), [keep.case_id], note="family asked")
    assert (moved, pinned) == (len(rest), 1)
    assert holder(ctx.db, keep.reference) == keep.from_user
    assert all(holder(ctx.db, m.reference) == m.to_user for m in rest)
    with ctx.db.sessions() as s:
        assert s.get(CasePin, keep.case_id) is not None
        assert list(s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == keep.case_id)))[-1] == "pin_case"
    again = propose(load_team_caseload(ctx, TODAY))
    assert keep.case_id not in {m.case_id for m in again.moves}


def test_an_unticked_move_not_kept_may_be_proposed_again(ctx: AppContext, team: TeamCaseload, lead: Actor) -> None:
    p = propose(team)
    skipped, *rest = p.moves
    settle_proposal(ctx, lead, proposal_moves(rest), [])
    assert skipped.case_id in {m.case_id for m in propose(load_team_caseload(ctx, TODAY)).moves}


def test_a_bad_settlement_changes_nothing(ctx: AppContext, team: TeamCaseload, lead: Actor,
                                          caseworker: Actor) -> None:
    p = propose(team)
    moves = proposal_moves(p.moves)
    before = count(ctx.db, Allocation), count(ctx.db, CasePin)
    with pytest.raises(NotFound, match="no case with id 999999"):
        settle_proposal(ctx, lead, moves, [999999])
    with pytest.raises(ValidationError, match="both move and be kept"):
        settle_proposal(ctx, lead, moves, [moves[0].case_id])
    with pytest.raises(ValidationError, match="tick a move or keep a case"):
        settle_proposal(ctx, lead, [], [])
    with pytest.raises(PermissionDenied):
        settle_proposal(ctx, caseworker, moves, [])
    assert (count(ctx.db, Allocation), count(ctx.db, CasePin)) == before
