"""The tracker import end to end, on a fresh SQLite file: what is stored, audited, refused and rejected."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from caseworker.context import AppContext, fixed_clock
from caseworker.errors import PermissionDenied
from caseworker.services.actor import Actor, resolve_actor
from caseworker.services.importing import ImportFailed, default_rejects_path, import_tracker
from caseworker.store.database import open_database
from caseworker.store.models import (
    AdviceRequest,
    AdviceService,
    AuditEvent,
    Case,
    Child,
    Contact,
    Staff,
    StatutoryException,
)
from caseworker.store.queries import load_request_facts

TODAY = date(2025, 6, 2)
BASE = {"reference": "EHC-0001", "forename": "Amelia", "surname": "Jones", "date_of_birth": "2015-03-02",
        "request_received": "2025-01-06"}
FULL = {**BASE, "upn": "B801200005001", "nhs_number": "9434765919", "uln": "9276308686", "postcode": "hr1 2ab",
        "primary_need": "ASD", "school_urn": "123456", "school_name": "Oak Primary", "caseworker": "lead",
        "parent_name": "Sam Jones", "parent_address": "1 High Street, Hereford", "parent_postcode": "HR1 2AB",
        "parent_email": "sam@example.org", "request_source": "parent", "decision_to_assess": "yes",
        "decision_to_assess_date": "2025-02-10", "ep_advice_requested": "2025-02-11",
        "ep_advice_received": "2025-03-20", "ep_advice_service": "Herefordshire EP Service",
        "health_advice_requested": "2025-02-11", "decision_to_issue": "yes",
        "decision_to_issue_date": "2025-04-20", "draft_plan_sent": "2025-04-22",
        "final_plan_issued": "2025-05-12", "exception_ground": "c", "exception_recorded": "2025-03-01"}
TABLES = (Case, Child, Contact, AdviceRequest, AdviceService, StatutoryException, Staff, AuditEvent)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[AppContext]:
    db = open_database(f"sqlite:///{tmp_path}/t.sqlite")
    yield AppContext(db, clock=fixed_clock(TODAY))
    db.dispose()


@pytest.fixture
def actor(app: AppContext) -> Actor:
    with app.db.session() as s:
        return resolve_actor(s, "lead")  # the first user of an empty database becomes its admin


def write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None,
              encoding: str = "utf-8") -> Path:
    columns = header or list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    wb = Workbook()
    ws = wb.active
    ws.append(columns)
    for r in rows:
        ws.append([r.get(c) for c in columns])
    wb.save(path)
    return path


def counts(app: AppContext) -> dict[str, int]:
    with app.db.session() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0 for m in TABLES}


def stored_case(app: AppContext, reference: str) -> Case:
    with app.db.session() as s:
        case = s.scalars(select(Case).where(Case.reference == reference)).one()
        _ = case.child.contacts, case.advice_requests, case.exceptions
        return case


def test_a_good_csv_imports_and_the_dates_are_stored(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tracker.csv", [FULL, {**BASE, "reference": "EHC-0002",
                                                         "request_received": "06/05/2025"}])
    report = import_tracker(app, actor, path)
    assert (report.added, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 0)
    assert report.problems == []
    # The first row decides to issue a plan with no educational or social care advice asked for (reg 6(1)).
    assert [w.split(":")[0] for w in report.warnings] == [
        "row 2, column education_advice_requested", "row 2, column social_care_advice_requested"]
    assert report.summary_lines()[0] == "Imported tracker.csv: 2 added, 0 updated, 0 unchanged."
    with app.db.session() as s:
        first, second = load_request_facts(s, open_only=False, references=["EHC-0001", "EHC-0002"])
    assert (first.received, first.decision_to_assess, first.decision_to_assess_on) == (
        date(2025, 1, 6), True, date(2025, 2, 10))
    assert (first.decision_to_issue_on, first.draft_sent, first.final_issued) == (
        date(2025, 4, 20), date(2025, 4, 22), date(2025, 5, 12))
    assert first.caseworker == "lead"
    assert [(a.kind, a.requested, a.received, a.service) for a in first.advice] == [
        ("ep", date(2025, 2, 11), date(2025, 3, 20), "Herefordshire EP Service"),
        ("health", date(2025, 2, 11), None, None)]
    assert [(e.ground, e.recorded) for e in first.exceptions] == [("c", date(2025, 3, 1))]
    assert second.received == date(2025, 5, 6)
    case = stored_case(app, "EHC-0001")
    assert (case.child.upn, case.child.postcode, case.child.primary_need) == ("B801200005001", "HR1 2AB", "ASD")
    [parent] = case.child.contacts
    assert (parent.name, parent.role, parent.main_correspondent, parent.postcode) == (
        "Sam Jones", "parent", True, "HR1 2AB")
    with app.db.session() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.case_id.is_not(None))).all()
    assert actions == ["import.create", "import.create"]


def test_xlsx_with_date_cells_and_with_text_dates(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {**BASE, "date_of_birth": datetime(2015, 3, 2), "request_received": datetime(2025, 1, 6),
         "nhs_number": 9434765919, "school_urn": 123456, "decision_to_assess": True,
         "decision_to_assess_date": datetime(2025, 2, 10)},
        {**BASE, "reference": "EHC-0002", "date_of_birth": "02/03/2015", "request_received": "6/1/2025",
         "nhs_number": None, "school_urn": None, "decision_to_assess": "Yes",
         "decision_to_assess_date": "2025-02-10"},
    ]
    report = import_tracker(app, actor, write_xlsx(tmp_path / "tracker.xlsx", rows))
    assert (report.added, report.problems) == (2, [])
    with app.db.session() as s:
        facts = load_request_facts(s, open_only=False)
        born = {ref: dob for ref, dob in s.execute(select(Case.reference, Child.date_of_birth).join(Child))}
    assert [(f.received, f.decision_to_assess, f.decision_to_assess_on) for f in facts] == [
        (date(2025, 1, 6), True, date(2025, 2, 10))] * 2
    assert born == {"EHC-0001": date(2015, 3, 2), "EHC-0002": date(2015, 3, 2)}
    case = stored_case(app, "EHC-0001")
    assert case.child.nhs_number == "9434765919"


def test_bad_xlsx_cells_are_placed_by_row_and_column(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [BASE, {}, {**BASE, "reference": "EHC-0002", "request_received": 45663}]
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, write_xlsx(tmp_path / "tracker.xlsx", rows))
    assert [str(p) for p in failed.value.problems] == [
        "row 4, column request_received: '45663' is a number, not a date: format the cell as a date, or use "
        "2025-01-06 or 06/01/2025 (day first)"]


@pytest.mark.parametrize(("cells", "column"), [
    ({"date_of_birth": "31/02/2015"}, "date_of_birth"),
    ({"upn": "A801200005001"}, "upn"),
    ({"nhs_number": "9434765918"}, "nhs_number"),
    ({"uln": "9276308687"}, "uln"),
    ({"primary_need": "AUTISM"}, "primary_need"),
    ({"ep_advice_requested": "2025-02-20", "ep_advice_received": "2025-02-10"}, "ep_advice_received"),
    ({"decision_to_assess": "yes", "decision_to_assess_date": "2024-12-20"}, "decision_to_assess_date"),
    ({"draft_plan_sent": "2025-05-01", "final_plan_issued": "2025-05-10"}, "final_plan_issued"),
])
def test_one_bad_row_changes_nothing(app: AppContext, actor: Actor, tmp_path: Path,
                                     cells: dict[str, str], column: str) -> None:
    import_tracker(app, actor, write_csv(tmp_path / "first.csv", [{**BASE, "reference": "EHC-0000"}]))
    before = counts(app)
    rows = [{**BASE, "reference": f"EHC-{i:04d}"} for i in range(1, 6)]
    rows[2] = {**rows[2], **cells}
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, write_csv(tmp_path / "tracker.csv", rows))
    assert [(p.row, p.column) for p in failed.value.problems] == [(4, column)]
    lines = failed.value.lines()
    assert lines[0].startswith(f"row 4, column {column}: ")
    assert lines[-1] == ("nothing was imported: 1 row of 5 has problems; fix them, or import the other rows "
                         "with --skip-invalid")
    assert counts(app) == before
    assert not default_rejects_path(tmp_path / "tracker.csv").exists()


def test_a_missing_column_refuses_the_file(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tracker.csv", [{"reference": "EHC-1", "forename": "A", "surname": "B"}])
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, path)
    assert failed.value.lines()[:2] == [
        "row 1, column date_of_birth: this required column is missing from the header row",
        "row 1, column request_received: this required column is missing from the header row"]


def test_an_unreadable_file_is_one_message(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, tmp_path / "nowhere.csv")
    assert failed.value.problems == []
    assert failed.value.lines()[0].startswith("nothing was imported: cannot read")


def test_skip_invalid_imports_the_good_rows_and_rejects_re_import_once_fixed(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    rows = [{**BASE, "reference": f"EHC-{i:04d}", "forename": name, "Notes": f"note {i}"}
            for i, name in enumerate(("Amelia", "Bea", "Cara", "Dana"), start=1)]
    rows[1]["upn"] = "A801200005001"
    rows[3]["request_received"] = "31/02/2025"
    path = write_csv(tmp_path / "tracker.csv", rows)
    report = import_tracker(app, actor, path, skip_invalid=True)
    rejects = tmp_path / "tracker.rejects.csv"
    assert (report.added, report.rejected, report.rejects_path) == (2, 2, rejects)
    assert report.problem_lines() == [
        "row 3, column upn: UPN A801200005001: its check letter does not match",
        "row 5, column request_received: '31/02/2025' is not a real date"]
    assert report.summary_lines()[0] == (f"Imported tracker.csv: 2 added, 0 updated, 0 unchanged, 2 rows "
                                         f"rejected (written with their reasons to {rejects}).")
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        rejected = list(csv.DictReader(fh))
    assert [(r["reference"], r["upn"], r["Notes"]) for r in rejected] == [
        ("EHC-0002", "A801200005001", "note 2"), ("EHC-0004", "", "note 4")]
    assert rejected[1]["reasons"] == "request_received: '31/02/2025' is not a real date"

    rejected[0]["upn"] = "B801200005001"
    rejected[1]["request_received"] = "28/02/2025"
    fixed = write_csv(tmp_path / "fixed.csv", rejected)
    again = import_tracker(app, actor, fixed)
    assert (again.added, again.rejected, again.problems) == (2, 0, [])
    assert again.warnings == ["row 1, column Notes: not a tracker column, so its values were not imported",
                              "row 1, column reasons: not a tracker column, so its values were not imported"]
    assert counts(app)["ehc_case"] == 4


def test_skip_invalid_with_a_named_rejects_file(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tracker.csv", [BASE, {**BASE, "reference": "EHC-2", "date_of_birth": "soon"}])
    with pytest.raises(ImportFailed, match="would overwrite"):
        import_tracker(app, actor, path, skip_invalid=True, rejects_path=path)
    # A rejects file that cannot be written keeps the good rows out too: nothing is half-done.
    with pytest.raises(ImportFailed, match=r"the folder for the rejects file .* does not exist"):
        import_tracker(app, actor, path, skip_invalid=True, rejects_path=tmp_path / "no" / "bad.csv")
    assert counts(app)["ehc_case"] == 0
    report = import_tracker(app, actor, path, skip_invalid=True, rejects_path=tmp_path / "bad.csv")
    assert (report.added, report.rejected) == (1, 1)
    assert (tmp_path / "bad.csv").read_text("utf-8-sig").splitlines()[0].endswith(",reasons")


def audit_rows(app: AppContext, action: str) -> list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]:
    with app.db.session() as s:
        return [tuple(r) for r in s.execute(select(AuditEvent.entity, AuditEvent.before, AuditEvent.after)
                                             .where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_reimporting_updates_only_filled_cells_and_audits_them(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    import_tracker(app, actor, write_csv(tmp_path / "first.csv", [{**FULL, "final_plan_issued": ""}]))
    update = {**{k: "" for k in FULL}, "reference": "EHC-0001", "surname": "Jones-Smith",
              "health_advice_received": "2025-03-25", "final_plan_issued": "2025-05-12"}
    report = import_tracker(app, actor, write_csv(tmp_path / "second.csv", [update]))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    case = stored_case(app, "EHC-0001")
    assert (case.child.forename, case.child.surname, case.child.upn) == ("Amelia", "Jones-Smith", "B801200005001")
    assert (case.received_on, case.draft_sent_on, case.final_issued_on) == (
        date(2025, 1, 6), date(2025, 4, 22), date(2025, 5, 12))
    assert [(a.kind, a.received_on) for a in case.advice_requests] == [
        ("ep", date(2025, 3, 20)), ("health", date(2025, 3, 25))]
    assert [c.name for c in case.child.contacts] == ["Sam Jones"]
    assert audit_rows(app, "import.update") == [
        ("child", {"surname": "Jones"}, {"surname": "Jones-Smith"}),
        ("case", {"final_issued_on": None}, {"final_issued_on": "2025-05-12"}),
        ("advice_request", {"received_on": None}, {"received_on": "2025-03-25"})]
    same = import_tracker(app, actor, write_csv(tmp_path / "third.csv", [update]))
    assert (same.updated, same.unchanged) == (0, 1)


def test_a_reimport_is_checked_against_the_stored_draft(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    draft = {**FULL, "draft_plan_sent": "2025-05-10", "final_plan_issued": ""}
    import_tracker(app, actor, write_csv(tmp_path / "first.csv", [draft]))
    before = counts(app)
    only_final = {"reference": "EHC-0001", "forename": "", "surname": "", "date_of_birth": "",
                  "request_received": "", "final_plan_issued": "2025-05-13"}
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, write_csv(tmp_path / "second.csv", [only_final]))
    assert [(p.row, p.column) for p in failed.value.problems] == [(2, "final_plan_issued")]
    assert "inside the family's 15 days" in failed.value.problems[0].reason
    assert counts(app) == before and stored_case(app, "EHC-0001").final_issued_on is None


def test_unknown_columns_warn(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    report = import_tracker(app, actor, write_csv(tmp_path / "t.csv", [{**BASE, "Comments": "x", "RAG": "red"}]))
    assert report.added == 1
    assert report.warnings == ["row 1, column Comments: not a tracker column, so its values were not imported",
                               "row 1, column RAG: not a tracker column, so its values were not imported"]
    assert "warning: row 1, column RAG: not a tracker column, so its values were not imported" in (
        report.summary_lines())


def test_an_unknown_caseworker_leaves_a_new_case_unallocated(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    """A case is never given to someone who cannot hold it: no inactive placeholder is made for a name the
    staff list does not have (caseworker/services/import_allocation.py)."""
    report = import_tracker(app, actor, write_csv(tmp_path / "t.csv", [{**BASE, "caseworker": "jbloggs"}]))
    assert report.added == 1
    assert report.warnings == ["row 2, column caseworker: 'jbloggs' is not on the staff list (an admin can add "
                               "them), so the case was left unallocated"]
    with app.db.session() as s:
        assert s.scalar(select(Staff).where(Staff.username == "jbloggs")) is None
    assert stored_case(app, "EHC-0001").caseworker_id is None


def test_a_read_only_user_is_refused(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    with app.db.session() as s:
        s.add(Staff(username="viewer", display_name="Viewer", role="read_only", fte=1.0, active=True))
    with app.db.session() as s:
        viewer = resolve_actor(s, "viewer")
    before = counts(app)
    with pytest.raises(PermissionDenied):
        import_tracker(app, viewer, write_csv(tmp_path / "t.csv", [BASE]))
    assert counts(app) == before


def test_plans_in_place(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    rows = [{**BASE, "request_received": "", "final_plan_issued": "14/07/2019", "primary_need": "SLD"},
            {**BASE, "reference": "EHC-0002", "request_received": ""}]
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, write_csv(tmp_path / "t.csv", rows))
    assert [str(p) for p in failed.value.problems] == [
        "row 3, column request_received: required: the date the LA received the request (leave it blank only "
        "for a plan already in place, with final_plan_issued)"]
    report = import_tracker(app, actor, write_csv(tmp_path / "t.csv", rows[:1]))
    assert report.added == 1
    case = stored_case(app, "EHC-0001")
    assert (case.received_on, case.final_issued_on, case.child.primary_need) == (None, date(2019, 7, 14), "SLD")
    with app.db.session() as s:
        assert load_request_facts(s, open_only=False) == []
    steps = {**BASE, "request_received": "", "decision_to_assess": "yes",
             "decision_to_assess_date": "2019-03-01"}
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, write_csv(tmp_path / "steps.csv", [steps]))
    assert [p.column for p in failed.value.problems] == ["decision_to_assess", "decision_to_assess_date"]


def test_windows_1252_semicolon_csv(app: AppContext, actor: Actor, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("reference;forename;surname;date_of_birth;request_received\r\n"
                     "EHC-1;Siân;O\u2019Neill;02/03/2015;06/01/2025\r\n".encode("cp1252"))
    assert import_tracker(app, actor, path).added == 1
    case = stored_case(app, "EHC-1")
    assert (case.child.forename, case.child.surname) == ("Siân", "O\u2019Neill")


def test_a_reference_in_another_letter_case_updates_the_stored_case(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    import_tracker(app, actor, write_csv(tmp_path / "first.csv", [{**FULL, "final_plan_issued": ""}]))
    update = {**{k: "" for k in FULL}, "reference": "ehc-0001", "final_plan_issued": "2025-05-12"}
    report = import_tracker(app, actor, write_csv(tmp_path / "second.csv", [update]))
    assert (report.added, report.updated) == (0, 1)
    with app.db.session() as s:
        assert s.scalars(select(Case.reference)).all() == ["EHC-0001"]
    assert stored_case(app, "EHC-0001").final_issued_on == date(2025, 5, 12)


def test_one_reference_twice_in_a_file_in_two_letter_cases_is_refused(
        app: AppContext, actor: Actor, tmp_path: Path) -> None:
    rows = [BASE, {**BASE, "reference": "ehc-0001", "forename": "Ava"}]
    with pytest.raises(ImportFailed) as failed:
        import_tracker(app, actor, write_csv(tmp_path / "twice.csv", rows))
    assert [(p.row, p.column) for p in failed.value.problems] == [(3, "reference")]
    assert "also on row 2" in failed.value.problems[0].reason
    assert counts(app)["ehc_case"] == 0
