"""``caseworker plans`` as a script runs it: plans imported from a tracker and kept through the services,
then the published JSON (docs/plans-json.md), the table, and a bad argument."""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import date
from typing import Any

import pytest

from caseworker.context import AppContext, fixed_clock
from caseworker.services import plan_cease, plans
from caseworker.services.actor import Actor
from caseworker.services.casefile import case_id_for
from caseworker.store.database import open_database
from caseworker.store.models import Staff
from tests.e2e.in_process import run_cli

TODAY = "2026-03-02"
CHILD = {"forename": "", "surname": "", "date_of_birth": "", "request_received": "", "caseworker": "jsmith"}
ROWS = [
    # The worked example of docs/plans-json.md: reviewed and amended last spring, moving school in September.
    {"reference": "EHC-0001", "forename": "Amelia", "surname": "Jones", "date_of_birth": "2015-03-02",
     "final_plan_issued": "2024-05-20", "named_setting_urn": "116789", "named_setting_name": "Oak Hill Primary School",
     "named_setting_kind": "maintained", "last_review_meeting": "2025-04-10", "last_review_decision": "amend",
     "last_review_decision_date": "2025-05-02", "amendment_notice_sent": "2025-05-09",
     "amended_plan_issued": "2025-06-30", "transfer_kind": "school", "transfer_date": "2026-09-01"},
    # Issued 20 April 2025, never reviewed: due Sunday 19 April 2026, 48 days off, so due soon (work by Friday).
    {"reference": "EHC-0002", "forename": "Bilal", "surname": "Hussain", "date_of_birth": "2012-11-05",
     "final_plan_issued": "2025-04-20"},
    # Last decision notified 10 December 2024: the review was due 9 December 2025, and is overdue.
    {"reference": "EHC-0003", "forename": "Chloé", "surname": "O'Neill \"Clo\"", "date_of_birth": "2010-06-14",
     "final_plan_issued": "2024-06-03", "last_review_meeting": "2024-11-28", "last_review_decision": "maintain",
     "last_review_decision_date": "2024-12-10", "caseworker": "bpatel"},
    # Amendments sent 1 September 2025 were due by 27 October; the plan came on 14 November: met late.
    {"reference": "EHC-0004", "forename": "Dawid", "surname": "Nowak", "date_of_birth": "2013-01-20",
     "final_plan_issued": "2023-10-02", "last_review_meeting": "2025-08-11", "last_review_decision": "amend",
     "last_review_decision_date": "2025-08-29", "amendment_notice_sent": "2025-09-01",
     "amended_plan_issued": "2025-11-14"},
    # Leaving school for college in September 2026: named by 30 March, 28 days off (due soon).
    {"reference": "EHC-0005", "forename": "Ellie", "surname": "Price", "date_of_birth": "2010-05-09",
     "final_plan_issued": "2022-02-14", "last_review_meeting": "2025-06-02", "last_review_decision": "maintain",
     "last_review_decision_date": "2025-06-16", "transfer_kind": "post16", "transfer_date": "2026-09-01"},
    # Ceased below: not listed.
    {"reference": "EHC-0006", "forename": "Farah", "surname": "Khan", "date_of_birth": "2009-09-09",
     "final_plan_issued": "2021-07-01"},
    # A request still being assessed has no plan to keep: not listed either.
    {"reference": "EHC-0007", "forename": "Gita", "surname": "Shah", "date_of_birth": "2016-02-02",
     "request_received": "2026-01-12"},
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


@pytest.fixture(scope="module")
def team_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("plans")
    url = f"sqlite:///{tmp / 'team.sqlite'}"
    db = open_database(url)
    with db.session() as s:
        s.add_all([Staff(username="jsmith", display_name="Jo Smith", role="caseworker", fte=1.0),
                   Staff(username="bpatel", display_name="Bina Patel", role="caseworker", fte=1.0)])
    db.dispose()
    tracker = tmp / "plans.csv"
    with tracker.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(dict.fromkeys(k for r in ROWS for k in (*CHILD, *r))))
        writer.writeheader()
        writer.writerows({**CHILD, **r} for r in ROWS)
    imported = run("--database", url, "--as", "jsmith", "import", str(tracker), "--today", TODAY)
    assert imported.returncode == 0, imported.stderr
    db = open_database(url)
    ctx = AppContext(db=db, clock=fixed_clock(date(2026, 3, 2)))
    with db.sessions() as s:
        jo = s.query(Staff).filter_by(username="jsmith").one()
        actor = Actor(jo.id, jo.username, jo.display_name, jo.role)
    # A meeting arranged ahead does not move the day the review is due.
    plans.record_review_meeting(ctx, actor, case_id_for(ctx, "EHC-0002"), date(2026, 4, 13))
    plan_cease.cease_plan(ctx, actor, case_id_for(ctx, "EHC-0006"), date(2026, 2, 2), 5)
    db.dispose()
    return url


def plans_json(url: str, *extra: str) -> dict[str, Any]:
    out = run("--database", url, "plans", "--json", "--today", TODAY, *extra)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_plans_json_is_the_published_format(team_db: str) -> None:
    report = plans_json(team_db)
    assert (report["version"], report["today"]) == (1, TODAY)
    assert [p["reference"] for p in report["plans"]] == ["EHC-0001", "EHC-0002", "EHC-0003", "EHC-0004",
                                                         "EHC-0005"]
    assert report["plans"][0] == {
        "reference": "EHC-0001", "child": "Amelia Jones", "caseworker": "jsmith", "plan_issued": "2024-05-20",
        "named_setting": {"urn": "116789", "name": "Oak Hill Primary School", "kind": "maintained"},
        "last_review_decision": {"outcome": "amend", "notified": "2025-05-02", "meeting": "2025-04-10"},
        "review": {"due": "2026-05-01", "work_by": "2026-05-01", "status": "pending"},
        "amendment": {"notice_sent": "2025-05-09", "comments_until": "2025-05-23", "final_due": "2025-07-04",
                      "done": "2025-06-30", "status": "met"},
        "phase_transfer": {"kind": "school", "transfer_date": "2026-09-01", "due": "2026-02-14",
                           "work_by": "2026-02-13", "done": None, "status": "overdue"},
    }


def test_the_worked_examples(team_db: str) -> None:
    by_ref = {p["reference"]: p for p in plans_json(team_db)["plans"]}
    due_soon = by_ref["EHC-0002"]
    assert due_soon["review"] == {"due": "2026-04-19", "work_by": "2026-04-17", "status": "due_soon"}
    assert (due_soon["last_review_decision"], due_soon["amendment"], due_soon["phase_transfer"]) == (None, None, None)
    assert by_ref["EHC-0003"]["review"] == {"due": "2025-12-09", "work_by": "2025-12-09", "status": "overdue"}
    assert by_ref["EHC-0003"]["child"] == 'Chloé O\'Neill "Clo"'  # written as JSON text: escaped as JSON
    assert by_ref["EHC-0004"] == {  # the second example in docs/plans-json.md
        "reference": "EHC-0004", "child": "Dawid Nowak", "caseworker": "jsmith", "plan_issued": "2023-10-02",
        "named_setting": None,
        "last_review_decision": {"outcome": "amend", "notified": "2025-08-29", "meeting": "2025-08-11"},
        "review": {"due": "2026-08-28", "work_by": "2026-08-28", "status": "pending"},
        "amendment": {"notice_sent": "2025-09-01", "comments_until": "2025-09-15", "final_due": "2025-10-27",
                      "done": "2025-11-14", "status": "met_late"},
        "phase_transfer": None,
    }
    assert by_ref["EHC-0005"]["phase_transfer"] == {"kind": "post16", "transfer_date": "2026-09-01",
                                                    "due": "2026-03-30", "work_by": "2026-03-30", "done": None,
                                                    "status": "due_soon"}


def test_one_caseworkers_plans(team_db: str) -> None:
    assert [p["reference"] for p in plans_json(team_db, "--caseworker", "bpatel")["plans"]] == ["EHC-0003"]
    assert plans_json(team_db, "--caseworker", "nobody")["plans"] == []


def test_the_table_says_what_is_due(team_db: str) -> None:
    out = run("--database", team_db, "plans", "--today", TODAY)
    assert out.returncode == 0, out.stderr
    first, *rest = out.stdout.splitlines()
    assert first == ("Plans on Mon 02 Mar 2026: 5 maintained; reviews 1 overdue and 1 due within 8 weeks; 0 amended "
                     "plans overdue; phase transfers 1 overdue and 1 due within 4 weeks.")
    line = next(x for x in rest if x.startswith("EHC-0001"))
    assert "01 May 2026" in line and "amend 02 May 2025" in line and "School 01 Sep 2026: by 14 Feb 2026 (overdue)" \
        in line
    assert not any(x.startswith("EHC-0006") for x in rest)


@pytest.mark.parametrize("args", [
    ("plans", "--today", "2026-02-30"),
    ("plans", "--caseworker", " "),
    ("plans", "--bogus"),
])
def test_a_bad_argument_is_one_line_on_stderr_and_exit_2(team_db: str, args: tuple[str, ...]) -> None:
    out = run("--database", team_db, *args)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""
