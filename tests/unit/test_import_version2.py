"""The tracker's version 2 columns, without a database: how advice requests went, the exception's own
dates, the named setting, and the warning for advice reg 6(1) requires (docs/tracker-import.md)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from caseworker.io.checks import StoredCases, check_rows
from caseworker.io.records import NamedSetting
from caseworker.io.table import read_csv_text
from caseworker.io.tracker import TrackerRead, parse_table
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts

TODAY = date(2025, 6, 2)
ENGINE = DeadlineEngine()
BASE = {"reference": "EHC-0001", "forename": "Amelia", "surname": "Jones", "date_of_birth": "02/03/2015",
        "request_received": "2025-01-06"}
# A re-imported reference: every required column, blank except the reference (stored values stay).
BLANK = {**{k: "" for k in BASE}, "reference": "EHC-0001"}
# A request with every kind of advice reg 6(1) requires for a child below year 9, and a "yes" to issue.
ALL_ADVICE = {f"{k}_advice_requested": "2025-02-11" for k in ("ep", "health", "social_care", "education")}
DECIDED = {"decision_to_assess": "yes", "decision_to_assess_date": "2025-02-10", "decision_to_issue": "yes",
           "decision_to_issue_date": "2025-04-20"}


def read(rows: list[dict[str, Any]], stored: StoredCases | None = None) -> TrackerRead:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(dict.fromkeys(k for r in rows for k in r)), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    result = parse_table(read_csv_text(out.getvalue()), ENGINE.rules)
    check_rows(result.rows, stored or StoredCases(), TODAY, ENGINE, result.columns)
    return result


def lines(rows: list[dict[str, Any]], stored: StoredCases | None = None) -> list[str]:
    return [str(p) for r in read(rows, stored).rows for p in r.problems]


def warnings(rows: list[dict[str, Any]], stored: StoredCases | None = None) -> list[str]:
    result = read(rows, stored)
    assert all(r.ok for r in result.rows), [str(p) for r in result.rows for p in r.problems]
    return [str(w) for r in result.rows for w in r.warnings]


def one(**cells: Any) -> dict[str, Any]:
    return {**BASE, **cells}


def test_the_version_2_columns_become_the_record() -> None:
    result = read([one(**DECIDED, **ALL_ADVICE, ep_advice_sent_by="Post", health_advice_sent_by="portal",
                       exception_ground="d", exception_recorded="2025-01-20", exception_from="2024-12-15",
                       exception_to="2025-01-31", named_setting_urn="123456", named_setting_name="Oak Academy",
                       named_setting_kind="Academy")])
    assert result.warnings == [] and result.problems == []
    [row] = result.rows
    assert row.ok and row.warnings == [], [str(p) for p in row.problems + row.warnings]
    r = row.record
    assert r is not None
    assert r.advice_sent_by == {"ep": "post", "health": "portal"}
    assert (r.exception_began, r.exception_ended) == (date(2024, 12, 15), date(2025, 1, 31))
    assert r.named_setting == NamedSetting("123456", "Oak Academy", "academy")


def test_blank_version_2_cells_give_nothing() -> None:
    [row] = read([one(ep_advice_requested="2025-02-11", ep_advice_sent_by="", exception_from="",
                      named_setting_kind="")]).rows
    assert row.ok and row.record is not None and not row.record.has_version_two


def test_kinds_of_setting_are_read_as_a_person_would_write_them() -> None:
    kinds = ["FE college", "s41-independent", " NMSS ", "early years", "Other"]
    rows = [one(reference=f"EHC-{i}", named_setting_name=f"Setting {i}", named_setting_kind=k)
            for i, k in enumerate(kinds)]
    read_back = [r.record.named_setting.kind for r in read(rows).rows if r.record and r.record.named_setting]
    assert read_back == ["fe_college", "s41_independent", "nmss", "early_years", "other"]


@pytest.mark.parametrize(("cells", "line"), [
    ({"ep_advice_requested": "2025-02-11", "ep_advice_sent_by": "fax"},
     "row 2, column ep_advice_sent_by: 'fax' is not a way of sending (use one of: email, portal, hand, post)"),
    ({"social_care_advice_sent_by": "post"},
     "row 2, column social_care_advice_sent_by: give social_care_advice_requested too: the date the request "
     "for advice was sent"),
    ({"named_setting_name": "Oak Academy", "named_setting_kind": "free school"},
     "row 2, column named_setting_kind: 'free school' is not a kind of setting (use one of: maintained, academy, "
     "fe_college, nmss, s41_independent, independent, early_years, other)"),
    ({"named_setting_urn": "OAK1"},
     "row 2, column named_setting_urn: 'OAK1' is not a school URN (a number of up to 10 digits)"),
    ({"named_setting_kind": "academy"},
     "row 2, column named_setting_kind: give named_setting_urn or named_setting_name too: the kind belongs to "
     "the setting named"),
    ({"exception_from": "2025-01-02"},
     "row 2, column exception_from: give exception_ground and exception_recorded too: these dates belong to "
     "the exception they describe"),
    ({"exception_ground": "c", "exception_recorded": "2025-02-03", "exception_from": "31/02/2025"},
     "row 2, column exception_from: '31/02/2025' is not a real date"),
    ({"exception_ground": "c", "exception_recorded": "2025-02-03", "exception_from": "2025-02-04"},
     "row 2, column exception_from: 4 Feb 2025 is after the day it was recorded (3 Feb 2025)"),
    ({"exception_ground": "c", "exception_recorded": "2025-02-03", "exception_from": "2025-01-20",
      "exception_to": "2025-01-19"},
     "row 2, column exception_to: 19 Jan 2025 is before the day the circumstances began (20 Jan 2025)"),
    ({"exception_ground": "c", "exception_recorded": "2025-02-03", "exception_to": "2025-06-03"},
     "row 2, column exception_to: 3 Jun 2025 is after today: leave the end blank while the circumstances go on"),
])
def test_each_bad_version_2_cell_is_one_line_naming_its_row_and_column(cells: dict[str, str], line: str) -> None:
    assert lines([one(**cells)]) == [line]


def test_exception_dates_before_the_request_are_accepted() -> None:
    # Received 6 Jan 2025: the circumstances began, and even ended, before it; recorded after it.
    began_before = one(exception_ground="d", exception_recorded="2025-01-10", exception_from="2024-12-01")
    ended_before = one(reference="EHC-0002", exception_ground="c", exception_recorded="2025-01-10",
                       exception_from="2024-11-01", exception_to="2024-12-20")
    assert lines([began_before, ended_before]) == []


def test_the_exception_recorded_date_still_cannot_be_before_the_request() -> None:
    row = one(exception_ground="d", exception_recorded="2025-01-02", exception_from="2024-12-01")
    assert lines([row]) == ["row 2, column exception_recorded: 2 Jan 2025 is before the date the request was "
                            "received (6 Jan 2025)"]


def test_one_setting_has_one_kind_in_a_file() -> None:
    rows = [one(named_setting_urn="123456", named_setting_kind="academy"),
            one(reference="EHC-0002", named_setting_urn="123456", named_setting_kind="maintained"),
            one(reference="EHC-0003", named_setting_urn="123456")]
    assert lines(rows) == ["row 3, column named_setting_kind: row 2 gives 123456 the kind academy; a setting "
                           "has one kind"]


def test_a_plan_in_place_may_name_its_setting_but_has_no_advice_or_exception_dates() -> None:
    plan = {**BASE, "request_received": "", "final_plan_issued": "2020-06-01", "named_setting_urn": "123456",
            "named_setting_kind": "maintained"}
    assert lines([plan]) == []
    bad = lines([{**plan, "ep_advice_sent_by": "post", "exception_from": "2020-01-01"}])
    no_steps = "a plan in place (no request_received) has no assessment steps"
    assert [p.split(":")[0] for p in bad if no_steps in p] == [
        "row 2, column ep_advice_sent_by", "row 2, column exception_from"]


# ---------------------------------------------------------------- required advice (reg 6(1))


def test_a_decision_to_issue_without_required_advice_warns_for_each_kind_and_imports() -> None:
    row = one(**DECIDED, ep_advice_requested="2025-02-11", health_advice_requested="2025-02-11")
    assert warnings([row]) == [
        "row 2, column education_advice_requested: a decision to issue a plan is recorded with no educational "
        "advice on record (reg 6(1)); the row was imported: give the date it was asked for, or record on the case "
        "why advice already available was used instead (reg 6(4))",
        "row 2, column social_care_advice_requested: a decision to issue a plan is recorded with no social care "
        "advice on record (reg 6(1)); the row was imported: give the date it was asked for, or record on the case "
        "why advice already available was used instead (reg 6(4))",
    ]


def test_a_draft_without_required_advice_warns_too() -> None:
    stored = StoredCases(requests={"EHC-0001": RequestFacts(
        "EHC-0001", date(2025, 1, 6), decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
        decision_to_issue=True, decision_to_issue_on=date(2025, 4, 20),
        advice=[AdviceFacts("ep", date(2025, 2, 11)), AdviceFacts("health", date(2025, 2, 11)),
                AdviceFacts("education", date(2025, 2, 11))])}, born={"EHC-0001": date(2015, 3, 2)})
    draft = {**BLANK, "draft_plan_sent": "2025-04-22"}
    assert [w.split(":")[0] for w in warnings([draft], stored)] == ["row 2, column social_care_advice_requested"]
    assert "a draft plan is recorded with no social care advice" in warnings([draft], stored)[0]


def test_advice_already_available_counts_as_on_record() -> None:
    stored = StoredCases(requests={"EHC-0001": RequestFacts("EHC-0001", date(2025, 1, 6))},
                         born={"EHC-0001": date(2015, 3, 2)}, advice_on_record={"EHC-0001": {"social_care"}})
    row = {**BLANK, **DECIDED, "ep_advice_requested": "2025-02-11",
           "health_advice_requested": "2025-02-11", "education_advice_requested": "2025-02-11"}
    assert warnings([row], stored) == []


def test_from_year_9_the_warning_adds_preparing_for_adulthood() -> None:
    # Born 2 Mar 2011: year 9 in the school year 2024-25, so on 20 Apr 2025.
    older = one(date_of_birth="2011-03-02", **DECIDED, ep_advice_requested="2025-02-11",
                health_advice_requested="2025-02-11", education_advice_requested="2025-02-11")
    [line] = warnings([older])
    assert line.startswith("row 2, column social_care_advice_requested: a decision to issue a plan is recorded "
                           "with no social care advice on record")
    assert line.endswith("; in year 9, advice on preparing for adulthood is required too")


def test_no_warning_when_the_required_advice_is_on_record_or_nothing_is_decided() -> None:
    # Year 9 with the four kinds asked for: the tracker cannot show preparation for adulthood, so no warning.
    assert warnings([one(date_of_birth="2011-03-02", **DECIDED, **ALL_ADVICE)]) == []
    assert warnings([one(decision_to_assess="yes", decision_to_assess_date="2025-02-10")]) == []
    no = {**DECIDED, "decision_to_issue": "no"}
    assert warnings([one(**no)]) == []


def test_a_rejected_row_carries_its_problems_not_warnings() -> None:
    [row] = read([one(**{**DECIDED, "decision_to_issue_date": "2025-01-01"})]).rows
    assert not row.ok and row.warnings == []


# ---------------------------------------------------------------- re-importing


def test_a_reimported_row_is_checked_with_the_stored_exception_dates() -> None:
    stored_request = RequestFacts(
        "EHC-0001", date(2025, 1, 6), decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
        exceptions=[ExceptionFacts("c", date(2025, 2, 3), "", date(2025, 1, 20))])
    stored = StoredCases(requests={"EHC-0001": stored_request}, born={"EHC-0001": date(2015, 3, 2)})
    # The stored exception began on 20 Jan: an end the row gives must not be before it.
    row = {**BLANK, "exception_ground": "c", "exception_recorded": "2025-02-03", "exception_to": "2025-01-19"}
    assert lines([row], stored) == ["row 2, column exception_to: 19 Jan 2025 is before the day the "
                                    "circumstances began (20 Jan 2025)"]
    assert lines([{**row, "exception_to": "2025-02-20"}], stored) == []
