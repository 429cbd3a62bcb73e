"""`deadlines --json` version 2 (docs/deadlines-json.md) on every corrected rule, recorded through the
services and read back as a script would: a separate process and the published JSON."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from caseworker.context import AppContext, fixed_clock
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.advice import excuse_advice
from caseworker.store.database import open_database
from caseworker.store.models import AdviceService, Staff
from tests.e2e.in_process import run_cli

RECORDED_ON = date(2025, 6, 2)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def register(ctx: AppContext, actor: Actor, reference: str) -> int:
    return steps.register_request(ctx, actor, steps.NewRequest(
        forename="Amelia", surname="Jones", date_of_birth=date(2016, 3, 14), received=date(2025, 1, 6),
        reference=reference, caseworker="jsmith",
        duplicate_reason="each reference is one story of the same made-up child"))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    path: Path = tmp_path_factory.mktemp("v2") / "v2.sqlite"
    db = open_database(f"sqlite:///{path}")
    with db.session() as s:
        s.add_all([Staff(username="jsmith", display_name="Jo Smith", role="caseworker", fte=1.0),
                   AdviceService(name="Marches ICB community paediatrics", kind="health", body="health")])
    with db.sessions() as s:
        jo = s.query(Staff).filter_by(username="jsmith").one()
        actor = Actor(jo.id, jo.username, jo.display_name, jo.role)
    ctx = AppContext(db=db, clock=fixed_clock(RECORDED_ON))

    # Received Mon 6 Jan 2025: decide by 17 Feb, week 16 28 Apr, safe draft day 4 May, final 26 May.
    late_yes = register(ctx, actor, "EHC-A-LATE-YES")
    steps.record_decision_to_assess(ctx, actor, late_yes, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, actor, late_yes, True, date(2025, 5, 5))
    late_no = register(ctx, actor, "EHC-B-LATE-NO")
    steps.record_decision_to_assess(ctx, actor, late_no, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, actor, late_no, False, date(2025, 5, 5))

    exceptions = register(ctx, actor, "EHC-C-EXCEPTIONS")
    steps.record_decision_to_assess(ctx, actor, exceptions, True, date(2025, 2, 24))
    # Recorded late, but began before the 17 Feb deadline; ground b (no reg 5(4) ground) began 1 Feb;
    # ground d ended before the request came.
    steps.record_exception(ctx, actor, exceptions, "c", date(2025, 3, 3), "bereavement", began_on=date(2025, 2, 3))
    steps.record_exception(ctx, actor, exceptions, "b", date(2025, 3, 3), began_on=date(2025, 2, 1))
    steps.record_exception(ctx, actor, exceptions, "d", date(2025, 3, 3), began_on=date(2024, 12, 1),
                           ended_on=date(2024, 12, 20))

    advice = register(ctx, actor, "EHC-D-ADVICE")
    steps.record_decision_to_assess(ctx, actor, advice, True, date(2025, 2, 10))
    # Posted Thu 17 Apr 2025: Good Friday 18 Apr and Easter Monday 21 Apr are skipped; Tue 22 (1st),
    # Wed 23 Apr (2nd). Due 23 Apr + 42 = 4 Jun.
    steps.request_advice(ctx, actor, advice, "health", date(2025, 4, 17), sent_by="post",
                         service="Marches ICB community paediatrics")
    ep = steps.request_advice(ctx, actor, advice, "ep", date(2025, 2, 11))
    excuse_advice(ctx, actor, ep, "missed_appointment", date(2025, 3, 10), note="did not attend on 10 Mar")

    drafted = register(ctx, actor, "EHC-E-POSTED-DRAFT")
    steps.record_decision_to_assess(ctx, actor, drafted, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, actor, drafted, True, date(2025, 4, 1))
    # Posted Thu 1 May 2025: Fri 2 May (1st), bank holiday Mon 5 May skipped, Tue 6 May (2nd).
    steps.record_draft_sent(ctx, actor, drafted, date(2025, 5, 1), sent_by="post")
    db.dispose()
    out = run("--database", f"sqlite:///{path}", "deadlines", "--json", "--all", "--today", "2025-06-02")
    assert out.returncode == 0, out.stderr
    parsed = json.loads(out.stdout)
    assert parsed["version"] == 2
    return {c["reference"]: c for c in parsed["cases"]}


def milestone(case: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m for m in case["milestones"] if m["name"] == name)


def test_a_late_yes_is_not_binding_and_a_late_no_is(report: dict[str, dict[str, Any]]) -> None:
    yes = milestone(report["EHC-A-LATE-YES"], "issue_decision")
    no = milestone(report["EHC-B-LATE-NO"], "issue_decision")
    assert (yes["status"], yes["binding"]) == ("met_late", False)
    assert (no["status"], no["binding"]) == ("met_late", True)
    assert [m["binding"] for m in report["EHC-B-LATE-NO"]["milestones"]] == [True, True, False, True]


def test_exceptions_list_their_dates_and_what_they_can_excuse(report: dict[str, dict[str, Any]]) -> None:
    case = report["EHC-C-EXCEPTIONS"]
    assert case["exceptions"] == [  # oldest "from" first
        {"ground": "d", "from": "2024-12-01", "to": "2024-12-20", "recorded": "2025-03-03", "note": "",
         "applies_to": ["decision_to_assess", "issue_decision", "final_plan"]},
        {"ground": "b", "from": "2025-02-01", "to": None, "recorded": "2025-03-03", "note": "",
         "applies_to": ["issue_decision", "final_plan"]},
        {"ground": "c", "from": "2025-02-03", "to": None, "recorded": "2025-03-03", "note": "bereavement",
         "applies_to": ["decision_to_assess", "issue_decision", "final_plan"]},
    ]
    # Only ground c excuses the 6-week decision: it began before 17 Feb and was still running.
    assert milestone(case, "decision_to_assess")["status"] == "exempt"
    assert milestone(case, "draft_latest_safe")["status"] == "overdue"  # nothing excuses the planning date
    assert milestone(case, "final_plan")["status"] == "exempt"


def test_advice_sent_by_post_and_excused_advice(report: dict[str, dict[str, Any]]) -> None:
    advice = {a["kind"]: a for a in report["EHC-D-ADVICE"]["advice"]}
    assert advice["health"] == {"kind": "health", "requested": "2025-04-17", "sent_by": "post", "due": "2025-06-04",
                                "received": None, "status": "due_soon", "days_late": 0}
    assert advice["ep"] == {"kind": "ep", "requested": "2025-02-11", "sent_by": "email", "due": "2025-03-25",
                            "received": None, "status": "excused", "days_late": 0}


def test_a_posted_draft_is_served_on_the_second_working_day(report: dict[str, dict[str, Any]]) -> None:
    case = report["EHC-E-POSTED-DRAFT"]
    assert case["earliest_final"] == "2025-05-21"  # served Tue 6 May + 15
    assert milestone(case, "draft_latest_safe") == {"name": "draft_latest_safe", "due": "2025-05-04",
                                                    "work_by": "2025-05-02", "done": "2025-05-01", "status": "met",
                                                    "binding": False}
