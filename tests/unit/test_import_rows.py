"""Tracker rows to records and problems, without a database (stored cases are given directly)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from caseworker.io.checks import StoredCases, check_rows
from caseworker.io.rows import RowProblem
from caseworker.io.table import read_csv_text
from caseworker.io.tracker import TrackerRead, parse_table, rejects_table
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, RequestFacts

TODAY = date(2025, 6, 2)
ENGINE = DeadlineEngine()
BASE = {"reference": "EHC-0001", "forename": "Amelia", "surname": "Jones", "date_of_birth": "02/03/2015",
        "request_received": "2025-01-06"}


def csv_text(rows: list[dict[str, Any]], header: list[str] | None = None) -> str:
    columns = header or list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read(rows: list[dict[str, Any]], stored: StoredCases | None = None,
         header: list[str] | None = None) -> TrackerRead:
    result = parse_table(read_csv_text(csv_text(rows, header)), ENGINE.rules)
    check_rows(result.rows, stored or StoredCases(), TODAY, ENGINE, result.columns)
    return result


def problems(rows: list[dict[str, Any]], stored: StoredCases | None = None) -> list[tuple[int, str]]:
    return [(p.row, p.column) for r in read(rows, stored).rows for p in r.problems]


def one(**cells: Any) -> dict[str, Any]:
    return {**BASE, **cells}


def test_a_full_row_becomes_a_record() -> None:
    result = read([one(upn="B801200005001", nhs_number="943 476 5919", uln="9276308686", postcode="hr1 2ab",
                       primary_need="asd", school_urn="123456", school_name="Oak Primary", caseworker="jsmith",
                       parent_name="Sam Jones", parent_address="1 High St", parent_postcode="HR12AB",
                       parent_email="sam@example.org", request_source="School", decision_to_assess="Yes",
                       decision_to_assess_date="10/02/2025", ep_advice_requested="2025-02-11",
                       ep_advice_received="20/03/2025", ep_advice_service="Herefordshire EP Service",
                       health_advice_requested="2025-02-11", decision_to_issue="y",
                       decision_to_issue_date="2025-04-20", draft_plan_sent="2025-04-22",
                       final_plan_issued="2025-05-12", exception_ground="c",
                       exception_recorded="2025-03-01")])
    assert result.warnings == [] and result.problems == []
    [row] = result.rows
    assert row.problems == []
    r = row.record
    assert r is not None
    assert (r.reference, r.forename, r.date_of_birth, r.upn, r.nhs_number, r.postcode, r.primary_need) == (
        "EHC-0001", "Amelia", date(2015, 3, 2), "B801200005001", "9434765919", "HR1 2AB", "ASD")
    assert (r.received, r.request_source, r.decision_to_assess, r.decision_to_assess_on) == (
        date(2025, 1, 6), "school", True, date(2025, 2, 10))
    assert (r.decision_to_issue, r.draft_sent, r.final_issued) == (True, date(2025, 4, 22), date(2025, 5, 12))
    [contact] = r.contacts
    assert (contact.name, contact.role, contact.postcode, contact.main_correspondent) == (
        "Sam Jones", "parent", "HR1 2AB", True)
    assert [(a.kind, a.requested, a.received, a.service) for a in r.advice] == [
        ("ep", date(2025, 2, 11), date(2025, 3, 20), "Herefordshire EP Service"),
        ("health", date(2025, 2, 11), None, None)]
    assert [(e.ground, e.recorded) for e in r.exceptions] == [("c", date(2025, 3, 1))]


def test_blank_cells_are_none() -> None:
    [row] = read([one(upn="", postcode="  ", decision_to_assess="")]).rows
    assert row.record is not None
    assert (row.record.upn, row.record.postcode, row.record.decision_to_assess) == (None, None, None)
    assert row.record.advice == [] and row.record.contacts == []


def test_headers_ignore_case_and_surrounding_spaces() -> None:
    text = " Reference ,FORENAME,Surname,Date_Of_Birth ,request_received\nEHC-1,A,B,2015-01-01,2025-01-06\n"
    result = parse_table(read_csv_text(text), ENGINE.rules)
    assert result.problems == [] and result.rows[0].record is not None
    assert result.rows[0].record.reference == "EHC-1"


def test_missing_required_columns_are_named_on_row_1() -> None:
    result = parse_table(read_csv_text("reference,forename\nEHC-1,A\n"), ENGINE.rules)
    assert [str(p) for p in result.problems] == [
        "row 1, column surname: this required column is missing from the header row",
        "row 1, column date_of_birth: this required column is missing from the header row",
        "row 1, column request_received: this required column is missing from the header row"]


def test_a_repeated_column_is_refused() -> None:
    result = parse_table(read_csv_text(csv_text([BASE], [*BASE, "Surname"])), ENGINE.rules)
    assert [(p.row, p.column) for p in result.problems] == [(1, "surname")]
    assert "columns C and F" in result.problems[0].reason


def test_unknown_columns_are_a_warning_not_an_error() -> None:
    result = read([one(Notes="chased twice", reasons="old reasons")])
    assert result.warnings == ["row 1, column Notes: not a tracker column, so its values were not imported",
                               "row 1, column reasons: not a tracker column, so its values were not imported"]
    assert result.rows[0].problems == []


def test_values_under_a_blank_header_are_reported() -> None:
    result = parse_table(read_csv_text(csv_text([BASE]).replace("\n", ",\n", 1).replace(
        "2025-01-06\n", "2025-01-06,lost\n")), ENGINE.rules)
    assert result.warnings == ["row 1, column F: has values but no column name, so they were not imported"]


@pytest.mark.parametrize(("cells", "column", "reason"), [
    ({"date_of_birth": "31/02/2015"}, "date_of_birth", "not a real date"),
    ({"request_received": "Jan 6th"}, "request_received", "not a date"),
    ({"upn": "A801200005001"}, "upn", "check letter does not match"),
    ({"nhs_number": "9434765918"}, "nhs_number", "check digit does not match"),
    ({"uln": "0276308686"}, "uln", "not starting with 0"),
    ({"postcode": "NOT A POSTCODE"}, "postcode", "not a UK postcode"),
    ({"parent_name": "Sam", "parent_postcode": "XX"}, "parent_postcode", "not a UK postcode"),
    ({"primary_need": "AUT"}, "primary_need", "not an SEN2 primary need code"),
    ({"request_source": "gp"}, "request_source", "not a request source"),
    ({"decision_to_assess": "perhaps", "decision_to_assess_date": "2025-02-01"}, "decision_to_assess",
     "not yes or no"),
    ({"exception_ground": "e", "exception_recorded": "2025-03-01"}, "exception_ground", "not an exception ground"),
    ({"school_urn": "12AB"}, "school_urn", "not a school URN"),
    ({"parent_name": "Sam", "parent_email": "sam"}, "parent_email", "not an email address"),
    ({"forename": "x" * 101}, "forename", "too long"),
    ({"reference": ""}, "reference", "required"),
    ({"forename": ""}, "forename", "required for a new case"),
    ({"date_of_birth": "1900-01-01"}, "date_of_birth", "up to 25: born 1 Jan 1900, they were 125"),
    ({"date_of_birth": "0001-01-01"}, "date_of_birth", "up to 25"),
    ({"forename": "=1+1"}, "forename", "a name cannot begin with =, +, - or @"),
    ({"surname": "@SUM(A1)"}, "surname", "begins with @"),
    ({"parent_name": "+Smith"}, "parent_name", "begins with +"),
    ({"forename": "Zo\x00e"}, "forename", "control character 0x00"),
    ({"request_received": "2013-01-07", "date_of_birth": "2010-01-01"}, "request_received", "before 1 Sep 2014"),
    ({"ep_advice_requested": "2025-02-20", "ep_advice_received": "2025-02-10"}, "ep_advice_received",
     "before the advice was requested"),
    ({"health_advice_received": "2025-02-10"}, "health_advice_received", "no health_advice_requested"),
    ({"education_advice_service": "Oak School"}, "education_advice_service", "give education_advice_requested"),
    ({"decision_to_assess": "yes", "decision_to_assess_date": "2025-01-02"}, "decision_to_assess_date",
     "before the date the request was received"),
    ({"decision_to_assess": "yes"}, "decision_to_assess_date", "give the date"),
    ({"decision_to_issue_date": "2025-04-01"}, "decision_to_issue", "give the decision"),
    ({"draft_plan_sent": "2025-05-01", "final_plan_issued": "2025-05-10"}, "final_plan_issued",
     "inside the family's 15 days"),
    ({"final_plan_issued": "2025-07-01"}, "final_plan_issued", "after today"),
    ({"exception_ground": "a"}, "exception_recorded", "give the date the exception was recorded"),
    ({"exception_recorded": "2025-03-01"}, "exception_ground", "give the ground"),
    ({"parent_address": "1 High St"}, "parent_address", "give parent_name too"),
    ({"request_received": ""}, "request_received", "required"),
])
def test_each_bad_cell_names_its_row_and_column(cells: dict[str, str], column: str, reason: str) -> None:
    good = {**BASE, "reference": "EHC-0000"}
    [first, second] = read([good, one(**cells)]).rows
    assert first.problems == []
    assert [p.column for p in second.problems] == [column], second.problems
    assert second.problems[0].row == 3
    assert reason in second.problems[0].reason


def test_final_inside_15_days_reads_as_one_line() -> None:
    [row] = read([one(decision_to_assess="yes", decision_to_assess_date="2025-02-10", decision_to_issue="yes",
                      decision_to_issue_date="2025-04-01", draft_plan_sent="2025-05-01",
                      final_plan_issued="2025-05-10")]).rows
    assert [str(p) for p in row.problems] == [
        "row 2, column final_plan_issued: 10 May 2025 is inside the family's 15 days on the draft (they run "
        "to 15 May 2025; the earliest lawful final date is 16 May 2025)"]


def test_every_problem_of_a_row_is_reported() -> None:
    [row] = read([one(upn="A801200005001", nhs_number="123", date_of_birth="31/02/2015")]).rows
    assert {p.column for p in row.problems} == {"upn", "nhs_number", "date_of_birth"}


def test_a_duplicate_reference_is_a_problem_on_the_later_row() -> None:
    result = read([BASE, one(forename="Other"), one(reference="EHC-0002")])
    assert [[str(p) for p in r.problems] for r in result.rows] == [
        [], ["row 3, column reference: EHC-0001 is also on row 2: a reference may appear only once in a file"], []]


def test_a_plan_in_place_has_no_request_and_no_steps() -> None:
    result = read([one(request_received="", final_plan_issued="14/07/2019"),
                   one(reference="EHC-0002", request_received="", final_plan_issued="2019-07-14",
                       decision_to_assess="yes", decision_to_assess_date="2019-03-01",
                       ep_advice_requested="2019-03-02")])
    ok, bad = result.rows
    assert ok.problems == [] and ok.record is not None
    assert ok.record.is_plan_in_place and ok.record.final_issued == date(2019, 7, 14)
    assert [p.column for p in bad.problems] == ["decision_to_assess", "decision_to_assess_date",
                                                "ep_advice_requested"]
    assert "plan in place" in bad.problems[0].reason


def stored_draft(reference: str = "EHC-0001") -> StoredCases:
    facts = RequestFacts(reference, date(2025, 1, 6), decision_to_assess=True,
                         decision_to_assess_on=date(2025, 2, 10), decision_to_issue=True,
                         decision_to_issue_on=date(2025, 4, 20), draft_sent=date(2025, 5, 10),
                         advice=[AdviceFacts("ep", date(2025, 2, 11))])
    return StoredCases(requests={reference: facts})


def test_a_reimported_row_is_checked_with_what_is_stored() -> None:
    # Only the final date is given; the stored draft went out 3 days earlier: inside the 15 days.
    row = {"reference": "EHC-0001", "forename": "", "surname": "", "date_of_birth": "", "request_received": "",
           "final_plan_issued": "2025-05-13"}
    assert problems([row], stored_draft()) == [(2, "final_plan_issued")]
    assert problems([{**row, "final_plan_issued": "2025-05-25"}], stored_draft()) == []


def test_a_reimported_row_may_receive_advice_requested_earlier() -> None:
    row = {"reference": "EHC-0001", "request_received": "", "ep_advice_received": "2025-03-20"}
    header = [*BASE, "ep_advice_received"]
    result = read([row], stored_draft(), header)
    assert result.rows[0].problems == []
    early = read([{**row, "ep_advice_received": "2025-02-01"}], stored_draft(), header)
    assert [p.column for p in early.rows[0].problems] == ["ep_advice_received"]


def test_a_stored_plan_in_place_cannot_gain_a_later_request_date() -> None:
    stored = StoredCases(plans_in_place={"EHC-0001": date(2019, 7, 14)})
    assert problems([one(request_received="2020-01-01")], stored) == [(2, "final_plan_issued")]
    assert problems([one(request_received="", decision_to_assess="yes")], stored) == [(2, "decision_to_assess")]


def test_rejects_keep_the_original_columns_and_add_reasons() -> None:
    result = read([one(Notes="n1", reasons="old"), one(reference="EHC-0002", upn="A801200005001", Notes="n2")])
    header, rows = rejects_table(result.table, [r for r in result.rows if r.problems])
    assert header == [*BASE, "Notes", "upn", "reasons"]
    assert rows == [["EHC-0002", "Amelia", "Jones", "02/03/2015", "2025-01-06", "n2", "A801200005001",
                     "upn: UPN A801200005001: its check letter does not match"]]


def test_row_problem_prints_as_the_published_line() -> None:
    assert str(RowProblem(7, "upn", "bad")) == "row 7, column upn: bad"


def test_the_import_refuses_the_birth_dates_the_window_refuses() -> None:
    """The same rules as the new-request window (statutory.validation.check_child): born before the
    request, and at most 25 on the day it was received."""
    future = read([one(date_of_birth="2026-01-01")]).rows[0]
    assert [(p.column, p.reason) for p in future.problems] == [
        ("date_of_birth", "the date of birth is in the future"),
        ("request_received", "the request is dated before the child was born")]
    after_request = read([one(date_of_birth="2025-02-01")]).rows[0]
    assert [p.column for p in after_request.problems] == ["request_received"]
    # 25 on the day the request came is the oldest a request can be for.
    assert problems([one(date_of_birth="1999-01-07")]) == []
    assert problems([one(date_of_birth="1999-01-06")]) == [(2, "date_of_birth")]


def test_a_plan_in_place_is_checked_against_the_day_it_was_issued() -> None:
    rows = [one(request_received="", final_plan_issued="2019-07-14", date_of_birth="2019-08-01"),
            one(reference="EHC-0002", request_received="", final_plan_issued="2019-07-14", date_of_birth="1990-01-01")]
    assert [[(p.column, p.reason) for p in r.problems] for r in read(rows).rows] == [
        [("final_plan_issued", "14 Jul 2019 is before the child was born (1 Aug 2019)")],
        [("date_of_birth", "EHC plans are for children and young people up to 25: born 1 Jan 1990, they were 29 "
                           "when the plan was issued")]]


def test_a_reimported_row_is_checked_with_the_stored_birth_date() -> None:
    stored = stored_draft()
    stored.born["EHC-0001"] = date(2025, 3, 1)  # a stored birth date after the stored request
    row = {"reference": "EHC-0001", "request_received": "", "ep_advice_received": "2025-03-20"}
    result = read([row], stored, [*BASE, "ep_advice_received"])
    assert [(p.column, p.reason) for p in result.rows[0].problems] == [
        ("request_received", "the request is dated before the child was born")]


def test_a_name_no_letter_can_print_is_imported_with_a_warning_at_once() -> None:
    """Runic has no font among the letters' (caseworker.letters.unprintable): say so now, not when a letter
    is due. Names in the scripts the letters print (Arabic, Chinese, emoji...) give no warning."""
    result = read([one(surname="ᚠᛇᚻ"), one(reference="EHC-0002", forename="محمد", surname="王小明🙂")])
    assert [r.problems for r in result.rows] == [[], []]
    assert [str(w) for r in result.rows for w in r.warnings] == [
        "row 2, column surname: no letter can print this name yet: 'ᚠ' (U+16A0 RUNIC LETTER FEHU FEOH FE F); the "
        "row was imported, so check the name now rather than when a letter is due"]
