"""Which steps a request allows as it stands (the same rules refuse a step in the services)."""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.statutory import AdviceFacts, RequestFacts
from caseworker.statutory.preconditions import available_steps, step_blocked

R = date(2025, 1, 6)
ON = date(2025, 2, 10)


@pytest.mark.parametrize(("facts", "steps"), [
    (RequestFacts("X", R), {"decision_to_assess", "request_advice", "exception", "withdraw"}),
    (RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=ON,
                  advice=[AdviceFacts("ep", ON)]),
     {"request_advice", "advice_received", "decision_to_issue", "exception", "withdraw"}),
    (RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=ON, decision_to_issue=True,
                  decision_to_issue_on=ON), {"draft_sent", "exception", "withdraw"}),
    (RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=ON, decision_to_issue=True,
                  decision_to_issue_on=ON, draft_sent=ON), {"final_plan", "exception", "withdraw"}),
    (RequestFacts("X", R, decision_to_assess=False, decision_to_assess_on=ON), set()),
    (RequestFacts("X", R, withdrawn=ON), set()),
])
def test_available_steps_follow_the_stage(facts: RequestFacts, steps: set[str]) -> None:
    assert available_steps(facts) == steps


def test_refusals_say_what_to_do_first() -> None:
    fresh = RequestFacts("X", R)
    assert step_blocked(fresh, "decision_to_issue") == "record the decision to assess before the decision to issue"
    assert step_blocked(fresh, "final_plan") == "record the draft plan before the final"
    assert step_blocked(fresh, "advice_received") == "no advice is outstanding"
    with pytest.raises(ValueError):
        step_blocked(fresh, "make_tea")
