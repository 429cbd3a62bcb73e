"""The tracker's plan columns imported end to end, on SQLite and PostgreSQL: the last review, the latest
amendment and the next phase transfer stored, checked row by row, re-imported, audited, and what the
engine then makes of them (docs/tracker-import.md, "Plans in place")."""

from __future__ import annotations

import ast
import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.services.actor import Actor, resolve_actor
from caseworker.services.importing import ImportFailed, ImportReport, import_tracker
from caseworker.statutory.plans import plan_schedule
from caseworker.store.database import Database
from caseworker.store.models import AuditEvent, Case
from caseworker.store.plan_reads import plan_facts

TODAY = date(2026, 3, 2)
PLAN = {"reference": "EHC-0001", "forename": "Amelia", "surname": "Jones", "date_of_birth": "2015-03-02",
        "request_received": "", "final_plan_issued": "2024-05-20"}
# A re-import's row: the required columns are in the header, their cells blank (kept as stored).
AGAIN = {**{k: "" for k in PLAN}, "reference": "EHC-0001"}


@pytest.fixture
def app(db: Database) -> AppContext:
    return AppContext(db, clock=fixed_clock(TODAY))


@pytest.fixture
def actor(app: AppContext) -> Actor:
    with app.db.session() as s:
        return resolve_actor(s, "lead")


def run(app: AppContext, actor: Actor, tmp_path: Path, rows: list[dict[str, Any]]) -> ImportReport:
    path = tmp_path / "tracker.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)
    return import_tracker(app, actor, path)


def failures(app: AppContext, actor: Actor, tmp_path: Path, rows: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        run(app, actor, tmp_path, rows)
    return [str(p) for p in failed.value.problems]


def stored(app: AppContext) -> dict[str, Any]:
    with app.db.sessions() as s:
        return {f.reference: f for f in plan_facts(s)}


def test_a_plan_in_place_arrives_with_its_history(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    row = {**PLAN, "named_setting_urn": "116789", "named_setting_name": "Oak Hill Primary School",
           "named_setting_kind": "maintained", "last_review_meeting": "10/04/2025",
           "last_review_decision": "Amend", "last_review_decision_date": "2025-05-02",
           "amendment_notice_sent": "2025-05-09", "amended_plan_issued": "2025-06-30",
           "transfer_kind": "school", "transfer_date": "2026-09-01"}
    report = run(app, actor, tmp_path, [row])
    assert (report.added, report.warnings) == (1, [])
    plan = stored(app)["EHC-0001"]
    assert plan.named_setting is not None and plan.named_setting.name == "Oak Hill Primary School"
    schedule = plan_schedule(plan, TODAY)
    assert (schedule.review.due, schedule.review.status) == (date(2026, 5, 1), "pending")
    assert schedule.review.last_decision is not None and schedule.review.last_decision.decision == "amend"
    assert schedule.amendment is not None and (schedule.amendment.final_due, schedule.amendment.status) == (
        date(2025, 7, 4), "met")
    assert schedule.transfer is not None and (schedule.transfer.due, schedule.transfer.status) == (
        date(2026, 2, 14), "overdue")
    with app.db.sessions() as s:
        created = s.scalar(select(AuditEvent.after).where(AuditEvent.action == "import.create"))
    assert created is not None and created["plan"] == {
        "review_meeting": "2025-04-10", "review_decision": "amend", "review_notified": "2025-05-02",
        "amendment_notice_sent": "2025-05-09", "amended_plan_issued": "2025-06-30", "transfer_kind": "school",
        "transfer_date": "2026-09-01"}


def test_each_problem_is_a_row_and_a_column(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    rows = [
        {**PLAN, "reference": "EHC-0002", "last_review_decision": "maintain"},
        {**PLAN, "reference": "EHC-0003", "transfer_date": "2026-09-01"},
        {**PLAN, "reference": "EHC-0004", "final_plan_issued": "", "request_received": "2025-11-03",
         "last_review_meeting": "2025-12-01"},
        {**PLAN, "reference": "EHC-0005", "last_review_meeting": "2024-05-01",
         "amendment_notice_sent": "2026-03-03"},
        {**PLAN, "reference": "EHC-0006", "last_review_meeting": "2025-04-10",
         "last_review_decision": "maintain", "last_review_decision_date": "2025-04-09"},
        {**PLAN, "reference": "EHC-0007", "amendment_notice_sent": "2025-05-09", "amended_plan_issued": "2025-05-20"},
        {**PLAN, "reference": "EHC-0008", "amended_plan_issued": "2025-06-30", "phase_transfer_done": "2026-01-10"},
        {**PLAN, "reference": "EHC-0009", "last_review_decision": "keep", "last_review_decision_date": "2025-05-02",
         "transfer_kind": "college", "transfer_date": "2026-09-01"},
    ]
    assert failures(app, actor, tmp_path, rows) == [
        "row 2, column last_review_decision_date: give the date the decision was notified, with "
        "last_review_decision",
        "row 3, column transfer_kind: give the kind of transfer (school, post16 or post16_move), with transfer_date",
        "row 4, column last_review_meeting: a plan's own dates need the plan: give final_plan_issued, the date it "
        "was issued",
        "row 5, column last_review_meeting: 1 May 2024 is before the plan was issued (20 May 2024)",
        "row 5, column amendment_notice_sent: 3 Mar 2026 is after today (2 Mar 2026)",
        "row 6, column last_review_decision_date: 9 Apr 2025 is before the review meeting on 10 Apr 2025: a "
        "decision is notified after the meeting",
        "row 7, column amended_plan_issued: the family have 15 days from the notice of 9 May 2025 to comment: a "
        "final amended plan cannot be issued before 24 May 2025",
        "row 8, column amended_plan_issued: give amendment_notice_sent too: the date the proposed amendments were "
        "sent to the family",
        "row 8, column phase_transfer_done: give transfer_kind and transfer_date too: the move this amended plan "
        "prepares for",
        "row 9, column last_review_decision: 'keep' is not a review decision (use one of: maintain, amend, cease)",
        "row 9, column transfer_kind: 'college' is not a kind of phase transfer (use one of: school, post16, "
        "post16_move)",
    ]
    with app.db.sessions() as s:  # all or nothing: the good columns of those rows are not stored either
        assert s.scalar(select(Case.id)) is None


def test_an_amended_plan_from_before_the_latest_notice_leaves_that_notice_open(app: AppContext, actor: Actor,
                                                                                tmp_path: Path) -> None:
    run(app, actor, tmp_path, [{**PLAN, "amendment_notice_sent": "2026-02-02",
                                "amended_plan_issued": "2025-06-30"}])
    amendment = plan_schedule(stored(app)["EHC-0001"], TODAY).amendment
    assert amendment is not None
    assert (amendment.notice_sent, amendment.done, amendment.status) == (date(2026, 2, 2), None, "pending")


def test_a_reimport_completes_the_review_and_keeps_what_a_blank_cell_leaves(app: AppContext, actor: Actor,
                                                                             tmp_path: Path) -> None:
    run(app, actor, tmp_path, [{**PLAN, "last_review_meeting": "2025-04-10", "transfer_kind": "school",
                                "transfer_date": "2026-09-01"}])
    report = run(app, actor, tmp_path, [{**AGAIN, "last_review_decision": "maintain",
                                         "last_review_decision_date": "2025-04-28",
                                         "phase_transfer_done": "2026-02-10"}])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    plan = stored(app)["EHC-0001"]
    assert [(r.meeting, r.decision, r.notified) for r in plan.reviews] == [
        (date(2025, 4, 10), "maintain", date(2025, 4, 28))]
    assert plan.transfer is not None and (plan.transfer.kind, plan.transfer.transfer_date, plan.transfer.done) == (
        "school", date(2026, 9, 1), date(2026, 2, 10))
    with app.db.sessions() as s:
        updates = [(e.entity, e.before, e.after) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.update").order_by(AuditEvent.id))]
    assert updates == [
        ("plan_review", {"decision": None, "notified_on": None},
         {"decision": "maintain", "notified_on": "2025-04-28"}),
        ("phase_transfer", {"done_on": None}, {"done_on": "2026-02-10"}),
    ]
    again = run(app, actor, tmp_path, [{**AGAIN, "last_review_decision": "maintain",
                                        "last_review_decision_date": "2025-04-28"}])
    assert (again.updated, again.unchanged) == (0, 1)  # the same review: nothing changes


def test_the_next_review_is_a_new_one_and_a_decision_to_cease_opens_the_appeal_window(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    run(app, actor, tmp_path, [{**PLAN, "last_review_meeting": "2025-04-10", "last_review_decision": "maintain",
                                "last_review_decision_date": "2025-04-28"}])
    run(app, actor, tmp_path, [{**AGAIN, "last_review_meeting": "2026-01-12",
                                "last_review_decision": "cease", "last_review_decision_date": "2026-02-02"}])
    plan = stored(app)["EHC-0001"]
    assert [r.notified for r in plan.reviews] == [date(2025, 4, 28), date(2026, 2, 2)]
    assert plan.cease is not None and (plan.cease.proposed, plan.cease.decided) == (date(2026, 1, 12),
                                                                                     date(2026, 2, 2))
    schedule = plan_schedule(plan, TODAY)
    assert schedule.cease is not None and schedule.cease.appeal_until == date(2026, 4, 2)


def test_the_import_reads_no_orm_model() -> None:
    import caseworker.io

    found = set()
    for path in Path(caseworker.io.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("caseworker.store"):
                found.add((path.name, node.module))
    assert {module for _, module in found} <= {"caseworker.store.codes", "caseworker.store.records"}, found
