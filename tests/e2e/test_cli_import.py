"""Import a tracker, then report its deadlines: the round trip a council's nightly script makes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.in_process import run_cli

HEADER = ("reference,forename,surname,date_of_birth,upn,caseworker,parent_name,parent_address,parent_postcode,"
          "request_received,decision_to_assess,decision_to_assess_date,ep_advice_requested,ep_advice_received,"
          "health_advice_requested,health_advice_received,decision_to_issue,decision_to_issue_date,"
          "draft_plan_sent,final_plan_issued,exception_ground,exception_recorded")
GOOD_ROWS = [
    # Received Mon 6 Jan 2025; EP asked 11 Feb, still out on 1 Apr: due 25 Mar, 7 days late.
    "EHC-0001,Amelia,Jones,2017-09-01,B801200005001,jsmith,Sarah Jones,1 High St Hereford,hr1 2ab,"
    "2025-01-06,yes,10/02/2025,2025-02-11,,2025-02-11,2025-03-20,,,,,,",
    # Received 2 Dec 2024; decision to assess due 13 Jan 2025, made 20 Jan (late) with exception (c) on 10 Jan.
    "EHC-0002,Zoë,Nguyễn,2015-04-04,,jsmith,Nguyễn Thị Hà,2 Low St Leominster,HR6 8AA,"
    "02/12/2024,yes,20/01/2025,,,,,,,,,c,10/01/2025",
    # A plan in place: no request on record, so it is not in the report.
    "EHC-0003,Aisha,Rahman,2012-01-01,,bpatel,,,,,,,,,,,,,,2020-06-01,,",
]


def caseworker(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", "utf-8")
    return path


def test_import_then_deadlines_gives_the_statutory_dates(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    imported = caseworker("--database", db, "--as", "lead", "import", str(write(tmp_path / "t.csv", GOOD_ROWS)))
    assert imported.returncode == 0, imported.stderr
    assert "3 added" in imported.stdout
    report = json.loads(caseworker("--database", db, "deadlines", "--json", "--today", "2025-04-01").stdout)
    cases = {c["reference"]: c for c in report["cases"]}
    assert sorted(cases) == ["EHC-0001", "EHC-0002"]
    one = cases["EHC-0001"]
    assert [(m["name"], m["due"], m["status"]) for m in one["milestones"]] == [
        ("decision_to_assess", "2025-02-17", "met"), ("issue_decision", "2025-04-28", "pending"),
        ("draft_latest_safe", "2025-05-04", "pending"), ("final_plan", "2025-05-26", "pending")]
    assert [(a["kind"], a["due"], a["status"], a["days_late"]) for a in one["advice"]] == [
        ("ep", "2025-03-25", "late", 7), ("health", "2025-03-25", "received", 0)]
    two = cases["EHC-0002"]
    assert two["child"] == "Zoë Nguyễn"
    # Ground c, begun (as far as the row says) when recorded on 10 Jan, before the 13 Jan deadline.
    assert two["milestones"][0] == {"name": "decision_to_assess", "due": "2025-01-13", "work_by": "2025-01-13",
                                    "done": "2025-01-20", "status": "exempt", "binding": True}
    assert two["exceptions"] == [{"ground": "c", "from": "2025-01-10", "to": None, "recorded": "2025-01-10",
                                  "note": "", "applies_to": ["decision_to_assess", "issue_decision", "final_plan"]}]


def test_a_file_with_bad_rows_changes_nothing_and_names_each_problem(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    bad = [
        GOOD_ROWS[0],
        # Row 3: the decision is dated before the request was received.
        "EHC-0004,Tom,Price,2016-01-01,,jsmith,,,,2025-01-06,yes,2025-01-02,,,,,,,,,,",
        # Row 4: 31 February does not exist; and a UPN with the wrong check letter.
        "EHC-0005,Ștefan,Ionescu,2016-01-01,A801200005001,jsmith,,,,31/02/2025,,,,,,,,,,,,",
    ]
    failed = caseworker("--database", db, "--as", "lead", "import", str(write(tmp_path / "bad.csv", bad)))
    assert failed.returncode == 1
    lines = failed.stderr.splitlines()
    assert any(x.startswith("row 3, column decision_to_assess_date:") for x in lines)
    assert any(x.startswith("row 4, column request_received:") for x in lines)
    assert any(x.startswith("row 4, column upn:") for x in lines)
    assert not any(x.startswith("row 2,") for x in lines)
    report = json.loads(caseworker("--database", db, "deadlines", "--json", "--all", "--today", "2025-04-01").stdout)
    assert report["cases"] == []

    skipped = caseworker("--database", db, "--as", "lead", "import", "--skip-invalid", str(tmp_path / "bad.csv"))
    assert skipped.returncode == 0, skipped.stderr
    rejects = (tmp_path / "bad.rejects.csv").read_text("utf-8")
    assert "EHC-0004" in rejects and "EHC-0005" in rejects and "EHC-0001" not in rejects
    report = json.loads(caseworker("--database", db, "deadlines", "--json", "--today", "2025-04-01").stdout)
    assert [c["reference"] for c in report["cases"]] == ["EHC-0001"]


def test_version_2_columns_reach_the_deadlines_report(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    header = ("reference,forename,surname,date_of_birth,request_received,decision_to_assess,decision_to_assess_date,"
              "ep_advice_requested,ep_advice_sent_by,exception_ground,exception_recorded,exception_from,exception_to")
    rows = [
        # Received Mon 6 Jan 2025, decided late on 24 Feb (due 17 Feb). EP asked by post on Tue 11 Feb: the
        # psychologist has it on Thu 13 Feb, so it is due Thu 27 Mar. The family was away from 20 Dec 2024
        # (before the request) to 14 Feb 2025: ground d excuses the late decision.
        "EHC-0001,Amelia,Jones,2017-09-01,2025-01-06,yes,2025-02-24,2025-02-11,post,d,2025-01-08,2024-12-20,"
        "2025-02-14",
        # Circumstances that ended before the request excuse nothing, though the import accepts them.
        "EHC-0002,Tom,Price,2016-01-01,2025-01-06,yes,2025-02-24,,,c,2025-01-08,2024-11-01,2024-12-20",
    ]
    path = tmp_path / "v2.csv"
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    imported = caseworker("--database", db, "--as", "lead", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    assert "2 added" in imported.stdout
    report = json.loads(caseworker("--database", db, "deadlines", "--json", "--today", "2025-04-01").stdout)
    assert report["version"] == 2
    one, two = report["cases"]
    assert one["advice"] == [{"kind": "ep", "requested": "2025-02-11", "sent_by": "post", "due": "2025-03-27",
                              "received": None, "status": "late", "days_late": 5}]
    assert one["exceptions"] == [{"ground": "d", "from": "2024-12-20", "to": "2025-02-14", "recorded": "2025-01-08",
                                  "note": "", "applies_to": ["decision_to_assess", "issue_decision", "final_plan"]}]
    assert one["milestones"][0]["status"] == "exempt"
    assert two["exceptions"][0]["from"] == "2024-11-01" and two["exceptions"][0]["to"] == "2024-12-20"
    assert two["milestones"][0]["status"] == "met_late"


def test_rejects_without_skip_invalid_is_a_usage_error_and_touches_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    done = caseworker("--database", f"sqlite:///{db}", "--as", "lead", "import",
                      str(write(tmp_path / "t.csv", GOOD_ROWS)), "--rejects", str(tmp_path / "r.csv"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "caseworker: error: --rejects goes with --skip-invalid: without it a file with a bad row imports "
        "nothing and writes no rejects file"]
    assert not db.exists() and not (tmp_path / "r.csv").exists()
