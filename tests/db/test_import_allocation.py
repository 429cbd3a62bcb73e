"""The tracker's ``caseworker`` column moves cases only by the reallocation rules (issue 10, item 3).

The probe's findings, each the other way round: a caseworker's import moved a team lead's case; cases
went to a read-only and an inactive user; pins were ignored; the allocation history contradicted the
case. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from caseworker.context import AppContext
from caseworker.errors import ConflictError
from caseworker.services.actor import Actor
from caseworker.services.caseload import PlannedMove, pin_case, reallocate_cases, record_absence
from caseworker.services.import_allocation import Allocations
from caseworker.services.importing import ImportReport, import_tracker
from caseworker.store.database import Database
from caseworker.store.models import Allocation, AuditEvent, Case, Staff
from tests.db.conftest import TODAY, add_staff

ROW = {"forename": "Amelia", "surname": "Jones", "date_of_birth": "2015-03-02", "request_received": "2025-01-06"}


def tracker(path: Path, holders: dict[str, str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["reference", *ROW, "caseworker"])
        writer.writeheader()
        writer.writerows({"reference": ref, **ROW, "caseworker": who} for ref, who in holders.items())
    return path


def run(ctx: AppContext, actor: Actor, tmp: Path, holders: dict[str, str], name: str = "t.csv") -> ImportReport:
    return import_tracker(ctx, actor, tracker(tmp / name, holders))


def holder(db: Database, reference: str) -> str | None:
    with db.sessions() as s:
        return s.scalar(select(Staff.username).join(Case, Case.caseworker_id == Staff.id)
                        .where(Case.reference == reference))


def history(db: Database, reference: str) -> list[tuple[Any, ...]]:
    with db.sessions() as s:
        return [tuple(r) for r in s.execute(
            select(Staff.username, Allocation.from_on, Allocation.to_on, Allocation.reason)
            .join(Staff, Staff.id == Allocation.staff_id).join(Case, Case.id == Allocation.case_id)
            .where(Case.reference == reference).order_by(Allocation.id))]


@pytest.fixture
def team(db: Database) -> dict[str, Actor]:
    people = {"alead": add_staff(db, "alead", "team_lead"), "jsmith": add_staff(db, "jsmith", "caseworker"),
              "bpatel": add_staff(db, "bpatel", "caseworker"), "viewer": add_staff(db, "viewer", "read_only"),
              "gone": add_staff(db, "gone", "caseworker")}
    with db.session() as s:
        s.scalars(select(Staff).where(Staff.username == "gone")).one().active = False
    return people


def test_a_new_case_goes_to_whoever_is_named_and_the_history_says_so(
        ctx: AppContext, team: dict[str, Actor], tmp_path: Path) -> None:
    report = run(ctx, team["jsmith"], tmp_path, {"EHC-1": "bpatel"})
    assert (report.added, report.warnings) == (1, [])
    assert holder(ctx.db, "EHC-1") == "bpatel"
    assert history(ctx.db, "EHC-1") == [("bpatel", date(2025, 1, 6), None, "import: first allocation")]


@pytest.mark.parametrize(("who", "why"), [
    ("viewer", "viewer has a read-only role and cannot hold cases"),
    ("gone", "gone is not an active member of staff"),
    ("nobody", "'nobody' is not on the staff list (an admin can add them)"),
])
def test_a_new_case_is_never_given_to_someone_who_cannot_hold_it(
        ctx: AppContext, team: dict[str, Actor], tmp_path: Path, who: str, why: str) -> None:
    report = run(ctx, team["alead"], tmp_path, {"EHC-1": who})
    assert report.added == 1
    assert report.warnings == [f"row 2, column caseworker: {why}, so the case was left unallocated"]
    assert holder(ctx.db, "EHC-1") is None and history(ctx.db, "EHC-1") == []
    with ctx.db.sessions() as s:
        assert s.scalar(select(Staff.id).where(Staff.username == "nobody")) is None


def test_a_team_lead_moves_a_stored_case_by_the_reallocation_rules(
        ctx: AppContext, team: dict[str, Actor], tmp_path: Path) -> None:
    run(ctx, team["alead"], tmp_path, {"EHC-1": "jsmith", "EHC-2": "jsmith"}, "first.csv")
    report = run(ctx, team["alead"], tmp_path, {"EHC-1": "bpatel", "EHC-2": "jsmith"}, "second.csv")
    assert (report.added, report.updated, report.unchanged, report.warnings) == (0, 1, 1, [])
    assert holder(ctx.db, "EHC-1") == "bpatel"
    # The open spell closes today and the new one starts today: the history agrees with the case.
    assert history(ctx.db, "EHC-1") == [
        ("jsmith", date(2025, 1, 6), TODAY, "import: first allocation"),
        ("bpatel", TODAY, None, "import of second.csv, row 2")]
    with ctx.db.sessions() as s:
        moves = s.execute(select(AuditEvent.actor_id, AuditEvent.before, AuditEvent.after)
                          .where(AuditEvent.action == "reallocate")).all()
    assert [(a, b["caseworker_id"], c["reason"]) for a, b, c in moves] == [
        (team["alead"].id, team["jsmith"].id, "import of second.csv, row 2")]


def test_a_caseworker_importing_moves_nobody(ctx: AppContext, team: dict[str, Actor], tmp_path: Path) -> None:
    run(ctx, team["alead"], tmp_path, {"EHC-1": "alead"}, "first.csv")
    before = history(ctx.db, "EHC-1")
    report = run(ctx, team["jsmith"], tmp_path, {"EHC-1": "jsmith"}, "second.csv")
    assert report.warnings == ["row 2, column caseworker: only a team lead or admin can move a case, and jsmith has "
                               "the caseworker role: it stays with alead"]
    assert (report.updated, report.unchanged) == (0, 1)
    assert holder(ctx.db, "EHC-1") == "alead" and history(ctx.db, "EHC-1") == before


def test_a_pinned_case_stays_with_its_caseworker(ctx: AppContext, team: dict[str, Actor], tmp_path: Path) -> None:
    run(ctx, team["alead"], tmp_path, {"EHC-1": "jsmith"}, "first.csv")
    with ctx.db.sessions() as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == "EHC-1"))
    assert case_id is not None
    pin_case(ctx, team["alead"], case_id, "family asked for continuity")
    report = run(ctx, team["alead"], tmp_path, {"EHC-1": "bpatel"}, "second.csv")
    assert report.warnings == ["row 2, column caseworker: a team lead has pinned the case to its caseworker (family "
                               "asked for continuity): it stays with jsmith (unpin it to move it)"]
    assert holder(ctx.db, "EHC-1") == "jsmith"


@pytest.mark.parametrize(("who", "why"), [
    ("viewer", "viewer has a read-only role and cannot hold cases"),
    ("gone", "gone is not an active member of staff"),
    ("nobody", "'nobody' is not on the staff list (an admin can add them)"),
    ("bpatel", "bpatel is away until 6 Mar 2025 (Annual leave)"),
])
def test_a_stored_case_never_moves_to_someone_who_cannot_take_it(
        ctx: AppContext, team: dict[str, Actor], tmp_path: Path, who: str, why: str) -> None:
    record_absence(ctx, team["alead"], "bpatel", date(2025, 2, 24), date(2025, 3, 6), "Annual leave")
    run(ctx, team["alead"], tmp_path, {"EHC-1": "jsmith"}, "first.csv")
    report = run(ctx, team["alead"], tmp_path, {"EHC-1": who}, "second.csv")
    assert report.warnings == [f"row 2, column caseworker: {why}: it stays with jsmith"]
    assert holder(ctx.db, "EHC-1") == "jsmith" and len(history(ctx.db, "EHC-1")) == 1


def test_a_move_made_while_the_import_runs_is_not_overwritten(
        ctx: AppContext, team: dict[str, Actor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(ctx, team["alead"], tmp_path, {"EHC-1": "jsmith"}, "first.csv")
    with ctx.db.sessions() as s:
        case_id = s.scalars(select(Case.id).where(Case.reference == "EHC-1")).one()
    decided = Allocations.stored_cases

    def lead_moves_it_meanwhile(self: Allocations, rows: Any) -> None:
        decided(self, rows)  # the import has read who holds the case; now a team lead moves it elsewhere
        reallocate_cases(ctx, team["alead"], [PlannedMove(case_id, "alead", "cover", "jsmith")])

    monkeypatch.setattr(Allocations, "stored_cases", lead_moves_it_meanwhile)
    # PostgreSQL: the import sees the case has moved and gives up. SQLite: the import's snapshot is stale,
    # so the database refuses its write. Either way nothing is imported and the lead's move stands.
    with pytest.raises((ConflictError, OperationalError)) as failed:
        run(ctx, team["alead"], tmp_path, {"EHC-1": "bpatel"}, "second.csv")
    if isinstance(failed.value, ConflictError):
        assert str(failed.value) == ("nothing was imported: case EHC-1 was reallocated by someone else while the "
                                     "import ran; import the file again")
    assert holder(ctx.db, "EHC-1") == "alead"
    assert [h[0] for h in history(ctx.db, "EHC-1")] == ["jsmith", "alead"]
