"""``caseworker caseload`` and ``caseworker balance`` as a script runs them: JSON, --apply, refusals."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseworker.store.database import open_database
from caseworker.store.models import AuditEvent, Staff
from tests.db.test_caseload_services import build_team
from tests.e2e.in_process import run_cli

TODAY = "2025-03-01"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


@pytest.fixture
def team_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    db = open_database(url)
    build_team(db)
    with db.session() as s:
        s.add_all([Staff(username="alead", display_name="Alex Lead", role="team_lead", fte=1.0, active=True),
                   Staff(username="viewer", display_name="Vic Viewer", role="read_only", fte=1.0, active=True)])
    db.dispose()
    return url


def reallocations(url: str) -> int:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "reallocate")) or 0)
    finally:
        db.dispose()


def test_caseload_json_gives_each_persons_load_and_band(team_url: str) -> None:
    out = run("--database", team_url, "caseload", "--json", "--today", TODAY)
    assert out.returncode == 0, out.stderr
    people = {p["username"]: p for p in json.loads(out.stdout)["people"]}
    assert set(people) == {"sam", "jo", "kim", "ali"}  # the team lead holds no cases and has no capacity
    assert {k: people["sam"][k] for k in ("cases", "points", "capacity", "utilisation", "band")} == {
        "cases": 61, "points": 123, "capacity": 100, "utilisation": 1.23, "band": "critical"}
    assert people["ali"]["utilisation"] is None and people["ali"]["no_capacity"] is True
    assert people["ali"]["absent"] == {"from": "2025-02-26", "to": "2025-03-18", "reason": "Annual leave"}


def test_caseload_table_reads_as_text(team_url: str) -> None:
    out = run("--database", team_url, "caseload", "--today", TODAY)
    assert out.returncode == 0, out.stderr
    sam = next(line for line in out.stdout.splitlines() if line.startswith("Sam Patel"))
    assert sam.split()[2:9] == ["North", "61", "123", "100", "123%", "critical", "0"]
    assert "no capacity" in next(line for line in out.stdout.splitlines() if line.startswith("Ali Away"))


def test_balance_json_proposes_and_changes_nothing(team_url: str) -> None:
    out = run("--database", team_url, "balance", "--json", "--today", TODAY)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["applied"] is False and report["move_count"] == len(report["moves"]) > 0
    assert set(report["moves"][0]) >= {"reference", "from", "to", "points", "reason"}
    assert report["largest_utilisation_before"] is None and report["no_capacity_before"] == ["ali"]
    assert report["largest_utilisation_after"] is None and report["no_capacity_after"] == ["ali"]
    assert report["bound"] is None  # Ali keeps a protected case while away
    assert report["largest_available_utilisation_before"] == 1.23
    assert report["largest_available_utilisation_after"] == 0.92 == report["bound_with_constraints"]
    assert reallocations(team_url) == 0


def test_balance_apply_as_team_lead_makes_the_moves_audited(team_url: str) -> None:
    proposed = json.loads(run("--database", team_url, "balance", "--json", "--today", TODAY).stdout)
    out = run("--database", team_url, "--as", "alead", "balance", "--apply", "--today", TODAY)
    assert out.returncode == 0, out.stderr
    assert f"Moved {proposed['move_count']} moves." in out.stdout
    assert out.stdout.startswith("Moves within teams\n")
    first = proposed["moves"][0]
    assert f"{first['reference']:<12} {first['child']}, {first['points']:g} pts: " in out.stdout
    assert f"[{first['rule']}]" in out.stdout and first["rule"] == "long absence"
    assert reallocations(team_url) == proposed["move_count"]
    again = json.loads(run("--database", team_url, "caseload", "--json", "--today", TODAY).stdout)
    assert max(p["utilisation"] or 0 for p in again["people"]) == 0.92


@pytest.mark.parametrize("user", ["viewer", "sam"])
def test_balance_apply_is_refused_for_anyone_but_a_lead(team_url: str, user: str) -> None:
    out = run("--database", team_url, "--as", user, "balance", "--apply", "--today", TODAY)
    assert out.returncode == 1
    assert out.stderr.strip().endswith("only a team lead or admin can reallocate cases")
    assert len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""
    assert reallocations(team_url) == 0


def test_a_bad_settings_file_is_one_line_and_reads_nothing(team_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "caseload.toml"
    bad.write_text("[points]\ndrafting = -1\n")
    out = run("--database", team_url, "caseload", "--settings", str(bad))
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr == f"caseworker: {bad}: [points] drafting cannot be negative (-1)\n"


def test_council_settings_change_the_points(team_url: str, tmp_path: Path) -> None:
    f = tmp_path / "caseload.toml"
    f.write_text("[points]\nrequest = 1\n")
    out = run("--database", team_url, "caseload", "--json", "--today", TODAY, "--settings", str(f))
    people = {p["username"]: p for p in json.loads(out.stdout)["people"]}
    assert people["sam"]["points"] == 30 + 31 and json.loads(out.stdout)["settings"] == str(f)


def test_absence_and_pin_are_recorded_by_a_team_lead_and_respected_by_balance(team_url: str) -> None:
    refused = run("--database", team_url, "--as", "viewer", "absence", "--staff", "jo", "--from", "2025-03-01",
                  "--to", "2025-03-07")
    assert refused.returncode == 1 and "team lead" in refused.stderr
    backwards = run("--database", team_url, "--as", "alead", "absence", "--staff", "jo", "--from", "2025-03-07",
                    "--to", "2025-03-01")
    assert backwards.returncode == 1 and "cannot end before it starts" in backwards.stderr
    before = json.loads(run("--database", team_url, "balance", "--json", "--today", TODAY).stdout)
    moved = before["moves"][0]["reference"]
    pinned = run("--database", team_url, "--as", "alead", "pin", "--case", moved, "--note", "family asked")
    assert pinned.returncode == 0, pinned.stderr
    after = json.loads(run("--database", team_url, "balance", "--json", "--today", TODAY).stdout)
    assert moved not in {m["reference"] for m in after["moves"]}
    assert run("--database", team_url, "--as", "alead", "unpin", "--case", moved).returncode == 0
    away = run("--database", team_url, "--as", "alead", "absence", "--staff", "jo", "--from", "2025-03-01",
               "--to", "2025-03-07", "--reason", "Sickness")
    assert away.returncode == 0, away.stderr
    people = {p["username"]: p for p in json.loads(run("--database", team_url, "caseload", "--json", "--today",
                                                       TODAY).stdout)["people"]}
    assert people["jo"]["capacity"] == 0
