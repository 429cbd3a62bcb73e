"""The version 2 columns imported end to end, on SQLite and PostgreSQL: stored, audited, re-imported, and
what the engine then makes of them (docs/tracker-import.md)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.services.actor import Actor, resolve_actor
from caseworker.services.importing import ImportFailed, ImportReport, import_tracker
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.database import Database
from caseworker.store.models import AdviceRequest, AuditEvent, Case, School, StatutoryException
from caseworker.store.queries import load_request_facts

TODAY = date(2026, 3, 2)
ENGINE = DeadlineEngine()
BASE = {"reference": "EHC-0001", "forename": "Amelia", "surname": "Jones", "date_of_birth": "2015-03-02",
        "request_received": "2025-11-03"}
ADVICE = {f"{k}_advice_requested": "2025-12-18" for k in ("ep", "health", "social_care", "education")}
BLANK = {**{k: "" for k in BASE}, "reference": "EHC-0001"}


@pytest.fixture
def app(db: Database) -> AppContext:
    return AppContext(db, clock=fixed_clock(TODAY))


@pytest.fixture
def actor(app: AppContext) -> Actor:
    with app.db.session() as s:
        return resolve_actor(s, "lead")


def run(app: AppContext, actor: Actor, tmp_path: Path, rows: list[dict[str, Any]],
        name: str = "tracker.csv") -> ImportReport:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)
    return import_tracker(app, actor, path)


def audited(app: AppContext, entity: str) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    with app.db.session() as s:
        return [(e.before, e.after) for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "import.update", AuditEvent.entity == entity).order_by(AuditEvent.id))]


def test_posted_advice_is_due_42_days_after_the_second_working_day(app: AppContext, actor: Actor,
                                                                     tmp_path: Path) -> None:
    # Posted Thursday 18 Dec 2025: the adviser has it on Monday 22 Dec, so it is due Monday 2 Feb 2026; by
    # email it would be due Thursday 29 Jan. Posted Tuesday 23 Dec: Christmas and Boxing Day are skipped.
    row = {**BASE, "decision_to_assess": "yes", "decision_to_assess_date": "2025-12-15", **ADVICE,
           "ep_advice_sent_by": "post", "health_advice_sent_by": "email", "social_care_advice_sent_by": "hand",
           "education_advice_requested": "2025-12-23", "education_advice_sent_by": "POST"}
    report = run(app, actor, tmp_path, [row])
    assert (report.added, report.warnings) == (1, [])
    with app.db.session() as s:
        [facts] = load_request_facts(s)
        stored = {kind: how for kind, how in s.execute(select(AdviceRequest.kind, AdviceRequest.sent_by))}
    assert stored == {"ep": "post", "health": "email", "social_care": "hand", "education": "post"}
    due = {a.kind: (a.sent_by, a.delivered, a.due) for a in ENGINE.evaluate(facts, TODAY).advice}
    assert due == {
        "ep": ("post", date(2025, 12, 22), date(2026, 2, 2)),
        "health": ("email", date(2025, 12, 18), date(2026, 1, 29)),
        "social_care": ("hand", date(2025, 12, 18), date(2026, 1, 29)),
        "education": ("post", date(2025, 12, 29), date(2026, 2, 9)),
    }


def test_exception_dates_before_the_request_are_stored_and_judged_by_the_engine(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    # Received 3 Nov 2025; the decision to assess was due 15 Dec and made late on 5 Jan 2026.
    late = {**BASE, "decision_to_assess": "yes", "decision_to_assess_date": "2026-01-05"}
    began_before = {**late, "exception_ground": "d", "exception_recorded": "2025-11-10",
                    "exception_from": "2025-10-20"}
    ended_before = {**late, "reference": "EHC-0002", "exception_ground": "c", "exception_recorded": "2025-11-10",
                    "exception_from": "2025-09-01", "exception_to": "2025-10-31"}
    report = run(app, actor, tmp_path, [began_before, ended_before])
    assert (report.added, report.rejected) == (2, 0)
    with app.db.session() as s:
        stored = s.execute(select(StatutoryException.ground, StatutoryException.recorded_on,
                                  StatutoryException.began_on, StatutoryException.ended_on)
                           .order_by(StatutoryException.id)).all()
        one, two = load_request_facts(s, open_only=False)
    assert stored == [("d", date(2025, 11, 10), date(2025, 10, 20), None),
                      ("c", date(2025, 11, 10), date(2025, 9, 1), date(2025, 10, 31))]
    # Circumstances running when the request came excuse the late decision; ones that had ended do not.
    assert ENGINE.evaluate(one, TODAY).milestone("decision_to_assess").status == "exempt"
    assert ENGINE.evaluate(two, TODAY).milestone("decision_to_assess").status == "met_late"


def test_the_named_setting_is_found_or_added_with_its_kind_and_linked(app: AppContext, actor: Actor,
                                                                      tmp_path: Path) -> None:
    plan = {**BASE, "request_received": "", "final_plan_issued": "2024-06-03", "school_urn": "100001",
            "school_name": "Oak Hill Primary School"}
    rows = [
        # The child's current school, added by the same row, is named: found by its URN.
        {**plan, "named_setting_urn": "100001", "named_setting_kind": "maintained"},
        # A new setting known by URN and name; another known only by name.
        {**plan, "reference": "EHC-0002", "named_setting_urn": "100002", "named_setting_name": "Beacon College",
         "named_setting_kind": "fe_college"},
        {**plan, "reference": "EHC-0003", "named_setting_name": "Little Acorns Nursery",
         "named_setting_kind": "early years"},
        # The same setting by name again, its kind already given above.
        {**plan, "reference": "EHC-0004", "named_setting_name": "Little Acorns Nursery"},
    ]
    report = run(app, actor, tmp_path, rows)
    assert (report.added, report.rejected, report.warnings) == (4, 0, [])
    with app.db.session() as s:
        schools = {name: (urn, kind) for name, urn, kind in s.execute(
            select(School.name, School.urn, School.kind))}
        named = {ref: name for ref, name in s.execute(select(Case.reference, School.name).join(
            School, School.id == Case.named_setting_id))}
        versions = set(s.scalars(select(Case.version)))
    assert schools == {"Oak Hill Primary School": ("100001", "maintained"), "Beacon College": ("100002", "fe_college"),
                       "Little Acorns Nursery": (None, "early_years")}
    assert named == {"EHC-0001": "Oak Hill Primary School", "EHC-0002": "Beacon College",
                     "EHC-0003": "Little Acorns Nursery", "EHC-0004": "Little Acorns Nursery"}
    assert versions == {1}  # new cases, their named settings part of how they were made
    with app.db.session() as s:
        made = s.scalars(select(AuditEvent.after).where(
            AuditEvent.action == "import.create", AuditEvent.entity == "case").order_by(AuditEvent.id)).all()
    # Each case's creation is audited twice: the writer's summary, then what the version 2 columns added.
    settings = [after["case"] for after in made if after and "case" in after]
    assert len(settings) == 4
    [first] = settings[0]
    assert (first["named_setting"], first["kind"]) == ("Oak Hill Primary School", "maintained")


def test_a_setting_without_a_kind_is_linked_with_a_warning(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    row = {**BASE, "request_received": "", "final_plan_issued": "2024-06-03", "named_setting_urn": "100009"}
    report = run(app, actor, tmp_path, [row])
    assert report.added == 1
    assert report.warnings == [
        "row 2, column named_setting_kind: School URN 100009 has no kind on record, so the final plan's letter to "
        "it cannot say whether it must admit the child: give its kind (maintained, academy, fe_college, nmss, "
        "s41_independent, independent, early_years or other)"]
    # Given later, the kind is set on the setting, and the case already names it.
    again = run(app, actor, tmp_path, [{**BLANK, "named_setting_urn": "100009", "named_setting_kind": "nmss"}],
                "again.csv")
    assert (again.updated, again.unchanged, again.warnings) == (1, 0, [])
    assert audited(app, "school") == [({"kind": None}, {"name": "School URN 100009", "kind": "nmss"})]


def test_reimporting_sets_filled_cells_leaves_blank_ones_and_counts_the_case_updated(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    first = {**BASE, "decision_to_assess": "yes", "decision_to_assess_date": "2025-12-15", **ADVICE,
             "health_advice_sent_by": "post", "exception_ground": "c", "exception_recorded": "2025-12-01",
             "exception_from": "2025-11-20"}
    run(app, actor, tmp_path, [first])
    blanks = {**BLANK, "health_advice_sent_by": "", "exception_from": "", "exception_to": ""}
    unchanged = run(app, actor, tmp_path, [blanks], "blank.csv")
    assert (unchanged.updated, unchanged.unchanged) == (0, 1)
    # Only version 2 cells change: the writer sees nothing new, yet the case was updated.
    changed = {**BLANK, "ep_advice_sent_by": "portal", "exception_ground": "c", "exception_recorded": "2025-12-01",
               "exception_to": "2026-01-09"}
    report = run(app, actor, tmp_path, [changed], "changed.csv")
    assert (report.updated, report.unchanged) == (1, 0)
    with app.db.session() as s:
        [facts] = load_request_facts(s)
        version = s.scalar(select(Case.version))
    assert {a.kind: a.sent_by for a in facts.advice} == {"ep": "portal", "health": "post", "social_care": "email",
                                                         "education": "email"}
    [e] = facts.exceptions
    assert (e.began, e.ended) == (date(2025, 11, 20), date(2026, 1, 9))
    assert version == 2  # created (with the first import's version 2 values); this re-import
    assert audited(app, "advice_request")[-1] == ({"sent_by": "email"}, {"kind": "ep", "sent_by": "portal"})
    assert audited(app, "statutory_exception")[-1] == (
        {"began_on": "2025-11-20", "ended_on": None},
        {"ground": "c", "began_on": "2025-11-20", "ended_on": "2026-01-09"})
    # The same file again changes nothing.
    again = run(app, actor, tmp_path, [changed], "changed.csv")
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_decision_to_issue_without_required_advice_is_imported_with_a_warning(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    row = {**BASE, "decision_to_assess": "yes", "decision_to_assess_date": "2025-12-15",
           "ep_advice_requested": "2025-12-18", "health_advice_requested": "2025-12-18",
           "education_advice_requested": "2025-12-18", "decision_to_issue": "yes",
           "decision_to_issue_date": "2026-02-23"}
    report = run(app, actor, tmp_path, [row])
    assert (report.added, report.rejected) == (1, 0)
    assert report.summary_lines()[1:] == [
        "warning: row 2, column social_care_advice_requested: a decision to issue a plan is recorded with no "
        "social care advice on record (reg 6(1)); the row was imported: give the date it was asked for, or record "
        "on the case why advice already available was used instead (reg 6(4))"]
    with app.db.session() as s:
        assert s.scalar(select(Case.decision_to_issue_on)) == date(2026, 2, 23)


def test_an_imported_draft_counts_as_sent_by_email(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    row = {**BASE, "decision_to_assess": "yes", "decision_to_assess_date": "2025-12-15", **ADVICE,
           "decision_to_issue": "yes", "decision_to_issue_date": "2026-02-23", "draft_plan_sent": "2026-02-26"}
    assert run(app, actor, tmp_path, [row]).warnings == []
    with app.db.session() as s:
        [facts] = load_request_facts(s)
        assert s.scalar(select(Case.draft_sent_by)) == "email"
    assert ENGINE.evaluate(facts, TODAY).served == date(2026, 2, 26)


def test_a_bad_way_of_sending_rejects_the_row_and_writes_nothing(app: AppContext, actor: Actor,
                                                                 tmp_path: Path) -> None:
    rows = [{**BASE, "ep_advice_requested": "2025-12-18", "ep_advice_sent_by": "post"},
            {**BASE, "reference": "EHC-0002", "ep_advice_requested": "2025-12-18",
             "ep_advice_sent_by": "carrier pigeon"}]
    with pytest.raises(ImportFailed) as failed:
        run(app, actor, tmp_path, rows)
    assert failed.value.lines()[0] == ("row 3, column ep_advice_sent_by: 'carrier pigeon' is not a way of sending "
                                       "(use one of: email, portal, hand, post)")
    with app.db.session() as s:
        assert s.scalars(select(Case.reference)).all() == []
