"""`caseworker staff ...` as a council admin types it: list (with import placeholders), add, set,
deactivate, reactivate, and the CSV import that writes nothing when a row is bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseworker.cli import main
from caseworker.store.database import open_database
from caseworker.store.models import AuditEvent, Staff
from caseworker.store.writer import WriteSummary, ensure_staff


def staff(url: str, *args: str) -> int:
    return main(["--database", url, "--as", "boss", "staff", *args])


@pytest.fixture
def url(db_url: str) -> str:
    """A database whose first user, boss, became its admin, with Jo Smith on the list."""
    if db_url.startswith("postgresql"):
        # On a team database the actor is the login, never --as (test_acting_login.py); the staff rules run
        # on PostgreSQL in test_staff_service.py and the logins' groups in test_team_roles.py.
        pytest.skip("the command line acts as --as boss, which only a SQLite file accepts")
    assert staff(db_url, "add", "jsmith", "--name", "Jo Smith", "--team", "North", "--fte", "0.6") == 0
    return db_url


def listed(url: str, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert staff(url, "list", "--json") == 0
    return {p["username"]: p for p in json.loads(capsys.readouterr().out)}


def table(url: str) -> list[tuple[object, ...]]:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return [tuple(r) for r in s.execute(select(Staff.username, Staff.display_name, Staff.role, Staff.team,
                                                       Staff.fte, Staff.started_on, Staff.active, Staff.version)
                                                .order_by(Staff.username))]
    finally:
        db.dispose()


def audit_rows(url: str) -> int:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    finally:
        db.dispose()


def test_add_set_deactivate_and_reactivate(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert staff(url, "add", "p.shah", "--name", "Priya Shah", "--title", "Ms", "--job-title", "SEND Caseworker",
                 "--role", "team_lead", "--team", "South", "--start-date", "2025-09-01") == 0
    assert "added p.shah: Priya Shah (team lead, South, FTE 1), active" in capsys.readouterr().out
    assert staff(url, "set", "p.shah", "--fte", "0.8", "--team", "") == 0
    assert staff(url, "deactivate", "jsmith") == 0
    people = listed(url, capsys)
    assert people["p.shah"]["fte"] == 0.8 and people["p.shah"]["team"] is None
    assert people["p.shah"]["job_title"] == "SEND Caseworker" and people["p.shah"]["start_date"] == "2025-09-01"
    assert people["jsmith"]["state"] == "inactive"
    assert staff(url, "reactivate", "jsmith") == 0
    assert listed(url, capsys)["jsmith"]["state"] == "active"


def test_a_refused_change_names_the_field(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert staff(url, "set", "jsmith", "--fte", "1.5") == 1
    assert "caseworker: fte: 1.5 is outside 0 to 1" in capsys.readouterr().err
    assert staff(url, "set", "boss", "--role", "caseworker") == 1
    assert "last active admin" in capsys.readouterr().err
    assert main(["--database", url, "--as", "jsmith", "staff", "set", "jsmith", "--fte", "1"]) == 1
    assert "needs an admin" in capsys.readouterr().err


def test_list_shows_an_imports_placeholder_which_set_active_yes_activates(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(url)
    with db.session() as s:
        ensure_staff(s, {"kwhite"}, WriteSummary())
    db.dispose()
    capsys.readouterr()
    assert staff(url, "list") == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("kwhite"))
    assert "inactive placeholder" in line
    assert staff(url, "set", "kwhite", "--active", "yes", "--name", "Kim White") == 0
    assert listed(url, capsys)["kwhite"]["state"] == "active"


GOOD = ("username,display_name,title,job_title,email,phone,role,team,fte,start_date,active\n"
        "jsmith,,,,,,,,0.8,,\n"
        "anew,Ann New,Mrs,Senior Caseworker,ann.new@council.gov.uk,01632 960 001,caseworker,South,1,01/10/2025,yes\n")


def test_import_adds_and_changes_matched_by_username(url: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(GOOD, encoding="utf-8")
    before = table(url)
    assert staff(url, "import", str(path), "--dry-run") == 0
    assert "1 would be added, 1 would be changed" in capsys.readouterr().out
    assert table(url) == before
    assert staff(url, "import", str(path)) == 0
    people = listed(url, capsys)
    assert people["jsmith"]["fte"] == 0.8 and people["jsmith"]["display_name"] == "Jo Smith"  # empty: kept
    assert people["anew"]["start_date"] == "2025-10-01" and people["anew"]["title"] == "Mrs"


def test_an_import_with_a_bad_row_names_row_and_column_and_writes_nothing(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(GOOD + "bob,Bob Bad,,,,,caseworker,North,1.5,,\n" + "carol,Carol,,,,,,,1,31/02/2025,\n",
                    encoding="utf-8")
    before, audited = table(url), audit_rows(url)
    capsys.readouterr()
    assert staff(url, "import", str(path)) == 1
    err = capsys.readouterr().err.splitlines()
    assert "row 4, column fte: 1.5 is outside 0 to 1: full time is 1, three days a week is 0.6" in err
    assert any(line.startswith("row 5, column start_date:") for line in err)
    assert err[-1] == "nothing was imported from staff.csv: 2 row(s) need fixing"
    assert (table(url), audit_rows(url)) == (before, audited)


def test_an_import_with_an_unknown_column_or_no_username_is_refused(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("display_name,grade\nJo,7\n", encoding="utf-8")
    capsys.readouterr()
    assert staff(url, "import", str(path)) == 1
    err = capsys.readouterr().err
    assert "row 1, column grade: not a staff column" in err
    assert "row 1, column username: the file needs a username column" in err
