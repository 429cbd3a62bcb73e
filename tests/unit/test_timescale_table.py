"""The timescales table as rows the engine walks: what starts each clock, its period, what completes it,
what it belongs to; a council's older copy still loads; a malformed row is refused by name."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from caseworker.statutory import DeadlineEngine, RequestFacts, RulesError, load_rules
from caseworker.statutory.clocks import run_clock
from caseworker.statutory.plan_facts import PlanFacts, ReviewFacts
from caseworker.statutory.plans import plan_schedule
from caseworker.statutory.rules import ADDED_FIELDS, Period, rules_from_dict
from caseworker.vocabulary import EVENT_WORDS


def shipped() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(
        resources.files("caseworker.statutory").joinpath("timescales.json").read_text("utf-8"))
    return copy.deepcopy(raw)


def row(raw: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for group in ("milestones", "periods") for r in raw[group] if r["name"] == name)
    return found


def refused(raw: dict[str, Any]) -> str:
    with pytest.raises(RulesError) as info:
        rules_from_dict(raw)
    return str(info.value)


def test_every_row_says_what_it_belongs_to_and_what_completes_it() -> None:
    rules = load_rules()
    request = [r.name for r in rules.rows_of("request")]
    assert request[:4] == ["decision_to_assess", "issue_decision", "draft_latest_safe", "final_plan"]
    assert {r.name: r.completed_by for r in rules.milestones} == {
        "decision_to_assess": ("assessment_decided",), "issue_decision": ("issue_decided",),
        "draft_latest_safe": ("draft_sent",), "final_plan": ("final_issued",)}
    assert [r.name for r in rules.rows_of("review")] == ["annual_review", "review_invitations", "review_report",
                                                         "review_decision", "under_fives_review"]
    assert [r.name for r in rules.rows_of("transfer")] == ["phase_transfer_school", "phase_transfer_post16",
                                                           "phase_transfer_post16_move"]
    assert rules.row("annual_review").starts_from == ("plan_issued", "review_notified")
    assert rules.row("annual_review").counting == "beginning_with"
    assert rules.row("phase_transfer_school").period == Period(on=(2, 14))
    assert rules.row("under_fives_review").binding == "never"
    assert rules.row("amendment_final").completed_by == ("amended_plan_issued", "amendment_dropped")
    # Every event a row names has words for the help.
    for r in rules.table.values():
        for name in (*r.starts_from, *r.completed_by):
            assert name in rules.table or name in EVENT_WORDS, (r.name, name)


def test_a_requests_events_are_its_recorded_dates_by_the_tables_names() -> None:
    facts = RequestFacts("X", date(2025, 1, 6), decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
                         draft_sent=date(2025, 4, 1))
    assert facts.events == {"received": date(2025, 1, 6), "assessment_decided": date(2025, 2, 10),
                            "issue_decided": None, "draft_sent": date(2025, 4, 1), "draft_served": None,
                            "final_issued": None, "withdrawn": None}


def test_the_walked_rows_give_the_compiled_dates() -> None:
    """The engine's day offsets and the generic walk over the same rows agree, milestone by milestone."""
    rules = load_rules()
    facts = RequestFacts("X", date(2024, 12, 31), decision_to_assess=True, decision_to_assess_on=date(2025, 2, 3),
                         decision_to_issue=True, decision_to_issue_on=date(2025, 4, 1))
    result = DeadlineEngine(rules).evaluate(facts, date(2025, 4, 2))
    for m in result.milestones:
        clock = run_clock(rules.row(m.name), facts.events, rules)
        assert clock is not None and (clock.due, clock.done) == (m.due, m.done)


def test_a_council_can_say_what_completes_a_milestone() -> None:
    raw = shipped()
    row(raw, "draft_latest_safe")["completed_by"] = "draft_served"
    facts = RequestFacts("X", date(2025, 1, 6), decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
                         decision_to_issue=True, decision_to_issue_on=date(2025, 4, 1), draft_sent=date(2025, 4, 2),
                         draft_served=date(2025, 4, 4))
    today = date(2025, 4, 10)
    assert DeadlineEngine().evaluate(facts, today).milestone("draft_latest_safe").done == date(2025, 4, 2)
    corrected = DeadlineEngine(rules_from_dict(raw)).evaluate(facts, today)
    assert corrected.milestone("draft_latest_safe").done == date(2025, 4, 4)


def test_a_row_may_start_from_another_rows_deadline() -> None:
    raw = shipped()
    raw["periods"].append({"name": "review_preparation", "title": "Start preparing the review", "belongs_to": "review",
                           "starts": "annual_review", "period": {"weeks": -10}, "law": "the council's own practice",
                           "binding": "never"})
    rules = rules_from_dict(raw)
    clock = run_clock(rules.row("review_preparation"), {"plan_issued": date(2025, 3, 15)}, rules)
    # The review is due 14 Mar 2026; 10 weeks before is 3 Jan 2026.
    assert clock is not None and (clock.start, clock.due) == (date(2026, 3, 14), date(2026, 1, 3))


def old_copy() -> dict[str, Any]:
    """A council's copy made from the table as it was before plans in place (version 2026.2)."""
    raw = shipped()
    raw["version"] = "council-2026.2"
    added = {"review_invitations", "review_report", "review_decision", "under_fives_review", "phase_transfer_school",
             "phase_transfer_post16", "phase_transfer_post16_move"}
    raw["periods"] = [r for r in raw["periods"] if r["name"] not in added]
    for r in (*raw["milestones"], *raw["periods"]):
        for name in ADDED_FIELDS:
            r.pop(name, None)
    review = row(raw, "annual_review")
    review.update(starts="plan_issued_or_last_review", counting="within")
    return raw


def test_a_councils_older_copy_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "timescales.json"
    path.write_text(json.dumps(old_copy()), "utf-8")
    rules = load_rules(path)
    assert rules.version == "council-2026.2"
    assert rules.milestone_offsets == load_rules().milestone_offsets
    assert {r.name: r.completed_by for r in rules.milestones} == {
        r.name: r.completed_by for r in load_rules().milestones}
    # The rows it lacks come from the shipped table; the old start event is read as the two it meant.
    assert rules.row("phase_transfer_school").period == Period(on=(2, 14))
    assert rules.row("annual_review").starts_from == ("plan_issued", "review_notified")
    # Its own values stand: it still counts the review "within" 12 months, as the council's copy says.
    review = plan_schedule(PlanFacts("P", date(2025, 3, 15), date(2015, 1, 1)), date(2025, 6, 1), rules=rules).review
    assert review.due == date(2026, 3, 15)
    facts = RequestFacts("X", date(2025, 1, 6))
    assert DeadlineEngine(rules).evaluate(facts, date(2025, 3, 1)) == DeadlineEngine().evaluate(facts, date(2025, 3, 1))


def test_a_later_decision_restarts_the_review_in_an_older_copy_too() -> None:
    rules = rules_from_dict(old_copy())
    facts = PlanFacts("P", date(2024, 3, 15), date(2015, 1, 1),
                      reviews=[ReviewFacts(decision="maintain", notified=date(2025, 2, 1))])
    assert plan_schedule(facts, date(2025, 6, 1), rules=rules).review.clock_started == date(2025, 2, 1)


@pytest.mark.parametrize(("name", "change", "words"), [
    ("final_plan", {"completed_by": "review_notified"}, "completed by what a request records"),
    ("final_plan", {"completed_by": []}, "completed_by"),
    ("final_plan", {"belongs_to": "review"}, "belongs to the request"),
    ("amendment_final", {"completed_by": "plan_amended"}, "unknown event 'plan_amended'"),
    ("amendment_final", {"belongs_to": "council"}, "belongs_to must be one of"),
    ("amendment_final", {"starts": "notice"}, "unknown event 'notice'"),
    ("amendment_final", {"starts": []}, "'starts' must be an event name"),
    ("amendment_final", {"due_soon_days": -1}, "due_soon_days"),
    ("amendment_final", {"period": {"weeks": "eight"}}, "whole numbers"),
    ("phase_transfer_school", {"period": {"on": "02-14", "days": 1}}, "takes no days"),
    ("phase_transfer_school", {"counting": "beginning_with"}, "count it 'within'"),
])
def test_a_malformed_row_is_refused_by_name(name: str, change: dict[str, Any], words: str) -> None:
    raw = shipped()
    row(raw, name).update(change)
    message = refused(raw)
    assert name in message and words in message


def test_rows_starting_from_each_other_in_a_loop_are_refused() -> None:
    raw = shipped()
    row(raw, "review_report")["starts"] = "review_decision"
    row(raw, "review_decision")["starts"] = "review_report"
    message = refused(raw)
    assert "loop" in message and "review_report" in message and "review_decision" in message


def test_two_rows_with_one_name_are_refused() -> None:
    raw = shipped()
    raw["periods"].append(copy.deepcopy(row(raw, "advice")))
    assert "advice: two rows have this name" in refused(raw)


def test_a_row_that_is_not_an_object_is_refused() -> None:
    raw = shipped()
    raw["periods"].append("annual_review")
    assert "must be an object" in refused(raw)


def test_the_engine_binds_only_a_no_from_the_row_that_asks_for_it() -> None:
    """Binding "only_if_no" reads the answer recorded with the row's completing decision."""
    rules = load_rules()
    moved = replace(rules, milestones=tuple(replace(m, binding="only_if_no") if m.name == "decision_to_assess" else m
                                            for m in rules.milestones))
    yes = RequestFacts("X", date(2025, 1, 6), decision_to_assess=True, decision_to_assess_on=date(2025, 3, 1))
    result = DeadlineEngine(moved).evaluate(yes, date(2025, 3, 2))
    # Assessed late (due 17 Feb) but the answer was yes: later than planned, not a breach.
    assert result.milestone("decision_to_assess").status == "met_late"
    assert not result.milestone("decision_to_assess").binding
    assert result.milestone("issue_decision").binding  # no decision yet: it binds


def test_the_shipped_table_needs_nothing_filled_in() -> None:
    """The shipped table is read without the filling-in an older copy gets: it must already hold it all."""
    assert rules_from_dict(shipped()) == load_rules()
