"""The headless commands as a script would run them: a separate process, stdout, stderr, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from caseworker.context import AppContext, fixed_clock
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.store.database import open_database
from caseworker.store.location import SCHEMA_REVISION
from caseworker.store.models import Staff
from tests.e2e.in_process import run_cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


@pytest.fixture
def team_db(tmp_path: Path) -> str:
    """The docs/deadlines-json.md example request, plus a closed one and someone else's, recorded via the services."""
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    db = open_database(url)
    with db.session() as s:
        s.add_all([Staff(username="jsmith", display_name="Jo Smith", role="caseworker", fte=1.0),
                   Staff(username="bpatel", display_name="Bina Patel", role="caseworker", fte=1.0)])
    with db.sessions() as s:
        jo = s.query(Staff).filter_by(username="jsmith").one()
        actor = Actor(jo.id, jo.username, jo.display_name, jo.role)
    ctx = AppContext(db=db, clock=fixed_clock(date(2025, 3, 1)))
    cid = steps.register_request(ctx, actor, steps.NewRequest(
        forename="Amelia", surname="Jones", date_of_birth=date(2017, 9, 1), received=date(2025, 1, 6),
        reference="EHC-0001", caseworker="jsmith"))
    steps.record_decision_to_assess(ctx, actor, cid, True, date(2025, 2, 10))
    steps.request_advice(ctx, actor, cid, "ep", date(2025, 2, 11))
    closed = steps.register_request(ctx, actor, steps.NewRequest(
        forename="Aisha", surname="Rahman", date_of_birth=date(2015, 1, 1), received=date(2025, 1, 2),
        reference="EHC-0002", caseworker="jsmith"))
    steps.record_decision_to_assess(ctx, actor, closed, False, date(2025, 2, 1))
    steps.register_request(ctx, actor, steps.NewRequest(
        forename="Ștefan", surname="Popescu", date_of_birth=date(2014, 2, 2), received=date(2025, 2, 20),
        reference="EHC-0003", caseworker="bpatel"))
    db.dispose()
    return url


def test_deadlines_json_is_the_published_format(team_db: str) -> None:
    out = run("--database", team_db, "deadlines", "--json", "--today", "2025-03-01")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["version"], report["today"]) == (2, "2025-03-01")
    assert [c["reference"] for c in report["cases"]] == ["EHC-0001", "EHC-0003"]
    assert report["cases"][0] == {
        "reference": "EHC-0001", "child": "Amelia Jones", "caseworker": "jsmith", "received": "2025-01-06",
        "stage": "assessment", "earliest_final": None,
        "milestones": [
            {"name": "decision_to_assess", "due": "2025-02-17", "work_by": "2025-02-17", "done": "2025-02-10",
             "status": "met", "binding": True},
            {"name": "issue_decision", "due": "2025-04-28", "work_by": "2025-04-28", "done": None,
             "status": "pending", "binding": True},
            {"name": "draft_latest_safe", "due": "2025-05-04", "work_by": "2025-05-02", "done": None,
             "status": "pending", "binding": False},
            {"name": "final_plan", "due": "2025-05-26", "work_by": "2025-05-23", "done": None,
             "status": "pending", "binding": True},
        ],
        "advice": [{"kind": "ep", "requested": "2025-02-11", "sent_by": "email", "due": "2025-03-25",
                    "received": None, "status": "pending", "days_late": 0}],
        "exceptions": [],
    }


def test_all_lists_closed_requests_and_caseworker_filters(team_db: str) -> None:
    everything = json.loads(run("--database", team_db, "deadlines", "--json", "--all", "--today",
                                "2025-03-01").stdout)
    closed = next(c for c in everything["cases"] if c["reference"] == "EHC-0002")
    assert closed["stage"] == "closed"
    assert [m["status"] for m in closed["milestones"]] == ["met", "not_applicable", "not_applicable",
                                                           "not_applicable"]
    mine = json.loads(run("--database", team_db, "deadlines", "--json", "--caseworker", "bpatel",
                          "--today", "2025-03-01").stdout)
    assert [c["child"] for c in mine["cases"]] == ["Ștefan Popescu"]


def test_the_table_names_the_next_step_and_its_dates(team_db: str) -> None:
    out = run("--database", team_db, "deadlines", "--today", "2025-03-01")
    assert out.returncode == 0
    line = next(x for x in out.stdout.splitlines() if x.startswith("EHC-0003"))
    # Received 20 Feb 2025: the decision whether to assess is due 3 Apr 2025 (a Thursday).
    assert "Decide whether to assess" in line and "Thu 03 Apr 2025" in line and "pending" in line


@pytest.mark.parametrize("args", [
    ("deadlines", "--today", "2025-02-30"),
    ("deadlines", "--bogus"),
    ("nonsense",),
])
def test_a_bad_argument_is_one_line_on_stderr_and_exit_2(team_db: str, args: tuple[str, ...]) -> None:
    out = run("--database", team_db, *args)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""


def test_version_and_schema_commands(tmp_path: Path) -> None:
    assert run("--version").stdout.strip().startswith("caseworker ")
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    upgraded = run("--database", url, "db", "upgrade")
    assert upgraded.returncode == 0 and SCHEMA_REVISION in upgraded.stdout
    assert SCHEMA_REVISION in run("--database", url, "db", "revision").stdout


def test_deadlines_on_a_new_database_creates_it_and_reports_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    out = run("--database", url, "deadlines", "--json", "--today", "2025-03-01")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"version": 2, "today": "2025-03-01", "cases": []}


def test_no_arguments_without_a_desktop_says_so_and_exits_2() -> None:
    out = subprocess.run([sys.executable, "-m", "caseworker.cli"], capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1
