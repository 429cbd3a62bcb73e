"""check_request: which combinations of step dates are refused, and under which field name.

Field names are the tracker's column names (docs/tracker-import.md), so a message sits by its field.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caseworker.errors import Problem
from caseworker.statutory import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts
from caseworker.statutory.validation import check_request

ENGINE = DeadlineEngine()
TODAY = date(2025, 5, 6)


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def consistent() -> RequestFacts:
    """Received 6 Jan 2025; every step in order; the final on draft sent 20 Apr + 15 = 5 May."""
    return RequestFacts(
        "EHC-0001", d("2025-01-06"), child="Amelia Jones",
        decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
        decision_to_issue=True, decision_to_issue_on=d("2025-04-01"),
        draft_sent=d("2025-04-20"), final_issued=d("2025-05-05"),
        advice=[AdviceFacts("ep", d("2025-02-11"), d("2025-03-20")),
                AdviceFacts("health", d("2025-02-11"), d("2025-03-25"))],
        exceptions=[ExceptionFacts("c", d("2025-02-01"), "hospital stay")])


def problems(facts: RequestFacts, today: date = TODAY) -> list[Problem]:
    return check_request(facts, today, ENGINE)


def fields(facts: RequestFacts, today: date = TODAY) -> set[str]:
    return {p.field for p in problems(facts, today)}


def reason(facts: RequestFacts, field: str) -> str:
    found = [p.reason for p in problems(facts) if p.field == field]
    assert len(found) == 1, problems(facts)
    return found[0]


def test_a_consistent_request_is_accepted() -> None:
    assert problems(consistent()) == []


def test_each_stage_on_the_way_is_accepted() -> None:
    assert problems(RequestFacts("X", d("2025-01-06")), d("2025-01-06")) == []
    assert problems(replace(consistent(), final_issued=None)) == []
    assert problems(replace(consistent(), draft_sent=None, final_issued=None)) == []
    assert problems(RequestFacts("X", d("2025-01-06"), decision_to_assess=False,
                                 decision_to_assess_on=d("2025-02-17"))) == []
    assert problems(RequestFacts("X", d("2025-01-06"), withdrawn=d("2025-02-03"))) == []


def test_decision_before_the_request_is_refused() -> None:
    facts = replace(consistent(), decision_to_assess_on=d("2025-01-05"))
    assert fields(facts) == {"decision_to_assess_date"}
    assert "6 Jan 2025" in reason(facts, "decision_to_assess_date")


def test_issue_decision_before_the_assessment_decision_is_refused() -> None:
    facts = replace(consistent(), decision_to_issue_on=d("2025-02-09"))
    assert fields(facts) == {"decision_to_issue_date"}


@pytest.mark.parametrize(("change", "field"), [
    ({"final_issued": d("2025-05-07")}, "final_plan_issued"),
    ({"decision_to_assess": False, "decision_to_assess_on": d("2025-05-07"),
      "decision_to_issue": None, "decision_to_issue_on": None, "draft_sent": None,
      "final_issued": None, "advice": []}, "decision_to_assess_date"),
    ({"received": d("2025-05-07"), "decision_to_assess": None, "decision_to_assess_on": None,
      "decision_to_issue": None, "decision_to_issue_on": None, "draft_sent": None,
      "final_issued": None, "advice": [], "exceptions": []}, "request_received"),
])
def test_a_date_after_today_is_refused(change: dict[str, object], field: str) -> None:
    facts = replace(consistent(), **change)  # type: ignore[arg-type]
    assert fields(facts) == {field}
    assert "after today (6 May 2025)" in reason(facts, field)


def test_advice_received_after_today_is_refused() -> None:
    facts = consistent()
    facts.advice[1] = AdviceFacts("health", d("2025-02-11"), d("2025-05-07"))
    assert fields(facts) == {"health_advice_received"}


@pytest.mark.parametrize(("kind", "field"), [
    ("ep", "ep_advice_received"),
    ("health", "health_advice_received"),
    ("social_care", "social_care_advice_received"),
    ("education", "education_advice_received"),
    ("other", "other_advice_received"),
])
def test_advice_received_before_requested_is_refused(kind: str, field: str) -> None:
    facts = consistent()
    facts.advice.append(AdviceFacts(kind, d("2025-02-20"), d("2025-02-19")))
    assert fields(facts) == {field}
    assert "20 Feb 2025" in reason(facts, field)


def test_advice_received_on_the_day_requested_is_accepted() -> None:
    facts = consistent()
    facts.advice.append(AdviceFacts("education", d("2025-02-20"), d("2025-02-20")))
    assert problems(facts) == []


def test_final_inside_the_familys_15_days_is_refused_with_the_earliest_lawful_date() -> None:
    # Draft sent (= served) 20 Apr 2025: the 15 days run 20 Apr..4 May; earliest final 5 May.
    facts = replace(consistent(), final_issued=d("2025-05-04"))
    assert fields(facts) == {"final_plan_issued"}
    message = reason(facts, "final_plan_issued")
    assert "earliest lawful final date is 5 May 2025" in message
    assert "4 May 2025" in message


def test_deemed_service_moves_the_earliest_final() -> None:
    # Served 23 Apr (deemed, after posting on 20 Apr): 23 Apr + 15 = 8 May.
    facts = replace(consistent(), draft_served=d("2025-04-23"), final_issued=d("2025-05-05"))
    assert "earliest lawful final date is 8 May 2025" in reason(facts, "final_plan_issued")
    assert problems(replace(facts, final_issued=d("2025-05-08")), d("2025-05-08")) == []


def test_draft_served_before_it_was_sent_is_refused() -> None:
    facts = replace(consistent(), draft_served=d("2025-04-19"))
    assert "draft_plan_served" in fields(facts)


@pytest.mark.parametrize(("change", "expected"), [
    # A "no" to assess, then a decision on issuing, a draft and a final.
    ({"decision_to_assess": False}, {"decision_to_issue", "draft_plan_sent", "final_plan_issued"}),
    # A "no" to issue, then a draft and a final.
    ({"decision_to_issue": False}, {"draft_plan_sent", "final_plan_issued"}),
])
def test_steps_after_a_no_are_refused(change: dict[str, object], expected: set[str]) -> None:
    facts = replace(consistent(), advice=[], **change)  # type: ignore[arg-type]
    assert fields(facts) == expected


def test_advice_requested_after_a_no_to_assess_is_refused() -> None:
    facts = RequestFacts("X", d("2025-01-06"), decision_to_assess=False,
                         decision_to_assess_on=d("2025-02-10"),
                         advice=[AdviceFacts("ep", d("2025-02-11"))])
    assert fields(facts) == {"ep_advice_requested"}


def test_steps_after_a_withdrawal_are_refused() -> None:
    facts = RequestFacts("X", d("2025-01-06"), decision_to_assess=True,
                         decision_to_assess_on=d("2025-02-10"), withdrawn=d("2025-02-03"))
    assert fields(facts) == {"decision_to_assess_date"}
    assert "withdrawn (3 Feb 2025)" in reason(facts, "decision_to_assess_date")


def test_withdrawal_after_the_final_plan_is_refused() -> None:
    assert fields(replace(consistent(), withdrawn=d("2025-05-06"))) == {"withdrawn"}


def test_decision_without_its_date_and_date_without_its_decision() -> None:
    assert fields(replace(consistent(), decision_to_assess_on=None)) == {"decision_to_assess_date"}
    assert fields(replace(consistent(), decision_to_issue=None)) == {"decision_to_issue"}


def test_exception_problems() -> None:
    assert fields(replace(consistent(), exceptions=[ExceptionFacts("e", d("2025-02-01"))])) == {
        "exception_ground"}
    assert fields(replace(consistent(), exceptions=[ExceptionFacts("c", d("2025-01-05"))])) == {
        "exception_recorded"}
    assert fields(replace(consistent(), exceptions=[ExceptionFacts("c", d("2025-05-07"))])) == {
        "exception_recorded"}
