"""The timescales table (timescales.json): what it holds, how a council corrects it, and how a
malformed copy is refused with a RulesError that names the entry."""

from __future__ import annotations

import copy
import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from caseworker.statutory import (
    AdviceFacts,
    DeadlineEngine,
    RequestFacts,
    RulesError,
    load_rules,
)
from caseworker.statutory.rules import Period, rules_from_dict

NAMES = ("decision_to_assess", "issue_decision", "draft_latest_safe", "final_plan")


def shipped() -> dict[str, Any]:
    """A fresh copy of the shipped table as plain data, ready to be corrupted."""
    text = resources.files("caseworker.statutory").joinpath("timescales.json").read_text("utf-8")
    raw: dict[str, Any] = json.loads(text)
    return copy.deepcopy(raw)


def milestone(raw: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in raw["milestones"] if m["name"] == name)
    return found


def period(raw: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in raw["periods"] if p["name"] == name)
    return found


def test_shipped_offsets_are_6_16_weeks_118_days_and_20_weeks() -> None:
    rules = load_rules()
    # 6 weeks = 42; 16 weeks = 112; 140 - 15 - 7 = 118; 20 weeks = 140.
    assert rules.milestone_offsets == {"decision_to_assess": 42, "issue_decision": 112,
                                       "draft_latest_safe": 118, "final_plan": 140}
    assert tuple(m.name for m in rules.milestones) == NAMES
    assert rules.consultation_allowance_days == 7
    assert rules.due_soon_days == 7
    assert (rules.default_turnaround_days, rules.turnaround_window,
            rules.turnaround_min_returns) == (42, 20, 5)


def test_shipped_table_cites_the_law_and_marks_the_checks() -> None:
    rules = load_rules()
    assert "reg 5(1)" in rules.milestone("decision_to_assess").law
    assert "reg 10(1)" in rules.milestone("issue_decision").law
    assert "reg 13(2)" in rules.milestone("final_plan").law
    # Rules marked (check) in docs/law.md carry their caveat, for the help text.
    for name in ("decision_to_assess", "issue_decision", "final_plan"):
        assert rules.milestone(name).check
    assert set(rules.exception_grounds) == {"a", "b", "c", "d"}
    # Reg 5(4) has no early-years ground; nothing excuses the team's own planning date.
    assert {m.name: "".join(sorted(m.exception_grounds)) for m in rules.milestones} == {
        "decision_to_assess": "acd", "issue_decision": "abcd", "draft_latest_safe": "", "final_plan": "abcd"}
    assert {m.name: m.binding for m in rules.milestones} == {
        "decision_to_assess": "always", "issue_decision": "only_if_no", "draft_latest_safe": "never",
        "final_plan": "always"}
    assert rules.effective_from == date(2014, 9, 1)


def test_shipped_periods() -> None:
    p = load_rules().periods
    assert (p["advice"].period, p["advice"].counting) == (Period(weeks=6), "within")
    assert (p["family_comment"].period, p["family_comment"].counting) == (Period(days=15),
                                                                          "beginning_with")
    assert p["amendment_final"].period == Period(weeks=8)
    assert p["annual_review"].period == Period(months=12) and p["annual_review"].check
    # 15 days beginning with Thu 1 May 2025: last day 15 May, earliest final 16 May.
    assert p["family_comment"].last_day(date(2025, 5, 1)) == date(2025, 5, 15)
    assert p["family_comment"].first_day_after(date(2025, 5, 1)) == date(2025, 5, 16)
    # The tribunal window is 2 calendar months: 31 Dec 2024 + 2 months = 28 Feb 2025.
    assert p["tribunal_appeal"].last_day(date(2024, 12, 31)) == date(2025, 2, 28)


def test_shipped_code_lists() -> None:
    rules = load_rules()
    assert set(rules.advice_kinds) == {"ep", "health", "social_care", "education", "other"}
    assert set(rules.primary_needs) == {"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI",
                                        "MSI", "PD", "ASD", "DS", "OTH"}
    assert rules.request_sources == ("parent", "young_person", "school", "health", "other")


def test_load_rules_reads_a_councils_copy(tmp_path: Path) -> None:
    raw = shipped()
    raw["version"] = "council-1"
    path = tmp_path / "timescales.json"
    path.write_text(json.dumps(raw), "utf-8")
    rules = load_rules(path)
    assert rules.version == "council-1"
    assert rules.milestone_offsets == load_rules().milestone_offsets


def test_a_corrected_consultation_allowance_moves_only_the_draft_day() -> None:
    raw = shipped()
    raw["consultation_allowance_days"] = 10
    rules = rules_from_dict(raw)
    # 140 - 15 - 10 = 115; nothing else moves.
    assert rules.milestone_offsets == {"decision_to_assess": 42, "issue_decision": 112,
                                       "draft_latest_safe": 115, "final_plan": 140}
    received = date(2025, 1, 6)
    today = date(2025, 4, 29)
    facts = RequestFacts("X", received, decision_to_assess=True,
                         decision_to_assess_on=date(2025, 2, 10))
    before = DeadlineEngine().evaluate(facts, today)
    after = DeadlineEngine(rules).evaluate(facts, today)
    for old, new in zip(before.milestones, after.milestones, strict=True):
        if new.name == "draft_latest_safe":
            # 6 Jan 2025 + 115 = Thu 1 May 2025 (was Sun 4 May, work by Fri 2 May): 2 days off now.
            assert (new.due, new.work_by, new.status) == (date(2025, 5, 1), date(2025, 5, 1),
                                                          "due_soon")
            assert (old.due, old.status) == (date(2025, 5, 4), "due_soon")
        else:
            assert new == old
    assert after.earliest_final == before.earliest_final and after.advice == before.advice


def test_a_corrected_final_limit_carries_the_draft_day_with_it() -> None:
    raw = shipped()
    milestone(raw, "final_plan")["period"] = {"weeks": 19}
    # 133 - 15 - 7 = 111: the draft day counts back from the final plan's due date.
    assert rules_from_dict(raw).milestone_offsets["draft_latest_safe"] == 111


def test_a_corrected_advice_period_moves_advice_due_dates_only() -> None:
    raw = shipped()
    period(raw, "advice")["period"] = {"weeks": 8}
    facts = RequestFacts("X", date(2025, 1, 6), decision_to_assess=True,
                         decision_to_assess_on=date(2025, 2, 10),
                         advice=[AdviceFacts("ep", date(2025, 2, 11))])
    before = DeadlineEngine().evaluate(facts, date(2025, 3, 1))
    after = DeadlineEngine(rules_from_dict(raw)).evaluate(facts, date(2025, 3, 1))
    # 11 Feb + 56 = 8 Apr 2025 (17 to 28 Feb, 31 to 31 Mar, + 8); it was 11 Feb + 42 = 25 Mar.
    assert (before.advice[0].due, after.advice[0].due) == (date(2025, 3, 25), date(2025, 4, 8))
    assert after.milestones == before.milestones


def test_zero_allowance_is_allowed() -> None:
    raw = shipped()
    raw["consultation_allowance_days"] = 0
    assert rules_from_dict(raw).milestone_offsets["draft_latest_safe"] == 125  # 140 - 15


def refused(raw: dict[str, Any]) -> str:
    with pytest.raises(RulesError) as info:
        rules_from_dict(raw)
    return str(info.value)


def test_unknown_period_unit_names_the_milestone() -> None:
    raw = shipped()
    milestone(raw, "issue_decision")["period"] = {"fortnights": 8}
    message = refused(raw)
    assert "issue_decision" in message and "fortnights" in message


def test_unknown_period_unit_names_the_period() -> None:
    raw = shipped()
    period(raw, "amendment_final")["period"] = {"weeks": 8, "sprints": 1}
    message = refused(raw)
    assert "amendment_final" in message and "sprints" in message


def test_milestone_loop_is_refused() -> None:
    raw = shipped()
    milestone(raw, "final_plan")["starts"] = "draft_latest_safe"  # draft starts from final already
    message = refused(raw)
    assert "loop" in message
    assert "draft_latest_safe" in message or "final_plan" in message


def test_milestone_starting_from_itself_is_refused() -> None:
    raw = shipped()
    milestone(raw, "decision_to_assess")["starts"] = "decision_to_assess"
    message = refused(raw)
    assert "decision_to_assess" in message and "loop" in message


def test_wrong_milestone_order_is_refused() -> None:
    raw = shipped()
    raw["milestones"][0], raw["milestones"][1] = raw["milestones"][1], raw["milestones"][0]
    message = refused(raw)
    assert "order" in message
    assert "('issue_decision', 'decision_to_assess'" in message


def test_missing_milestone_is_refused() -> None:
    raw = shipped()
    del raw["milestones"][2]
    assert "draft_latest_safe" in refused(raw)


def test_unknown_exception_ground_names_the_milestone() -> None:
    raw = shipped()
    milestone(raw, "final_plan")["exception_grounds"] = ["a", "e"]
    message = refused(raw)
    assert "final_plan" in message and "'e'" in message


def test_unknown_counting_names_the_entry() -> None:
    raw = shipped()
    period(raw, "family_comment")["counting"] = "ending_with"
    message = refused(raw)
    assert "family_comment" in message and "ending_with" in message


def test_unknown_start_event_names_the_milestone() -> None:
    raw = shipped()
    milestone(raw, "issue_decision")["starts"] = "assessment_started"
    message = refused(raw)
    assert "issue_decision" in message and "assessment_started" in message


def test_milestone_in_months_is_refused() -> None:
    raw = shipped()
    milestone(raw, "final_plan")["period"] = {"months": 5}  # would vary with the received date
    assert "final_plan" in refused(raw)


def test_negative_allowance_is_refused() -> None:
    raw = shipped()
    raw["consultation_allowance_days"] = -1
    assert "consultation_allowance_days" in refused(raw)


def test_invalid_json_file_is_a_rules_error(tmp_path: Path) -> None:
    path = tmp_path / "timescales.json"
    path.write_text('{"milestones": [', "utf-8")
    with pytest.raises(RulesError, match="not valid JSON"):
        load_rules(path)


def test_milestone_without_starts_is_a_rules_error_naming_it() -> None:
    """rules.py: RulesError is raised when "the timescales table is malformed; the message names the
    entry". A council's copy with a milestone missing "starts" raises a bare KeyError('starts')."""
    raw = shipped()
    del milestone(raw, "issue_decision")["starts"]
    assert "issue_decision" in refused(raw)
