"""The Cases list's status for a request: worst first, in the law's terms (docs/law.md#binding)."""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.statutory import AdviceFacts, DeadlineEngine, RequestFacts
from caseworker.views.case_list import row_status

ENGINE = DeadlineEngine()
R = date(2025, 1, 6)  # week 16 28 Apr, safe draft day 4 May, final 26 May 2025


def status(facts: RequestFacts, today: str) -> str:
    d = ENGINE.evaluate(facts, date.fromisoformat(today))
    return row_status(d, d.stage)


def assessed(**kw: object) -> RequestFacts:
    return RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10), **kw)  # type: ignore[arg-type]


YES = {"decision_to_issue": True, "decision_to_issue_on": date(2025, 4, 1)}


@pytest.mark.parametrize(("facts", "today", "expected"), [
    (assessed(), "2025-04-29", "overdue"),                                      # week 16 passed, nothing decided
    # A late yes is not overdue: what shows is the draft's safe day (4 May) coming up.
    (assessed(decision_to_issue=True, decision_to_issue_on=date(2025, 4, 29)), "2025-04-30", "due_soon"),
    (assessed(**YES), "2025-05-06", "behind_plan"),                             # draft past its safe day
    (assessed(**YES, draft_sent=date(2025, 5, 20)), "2025-05-21", "cannot_be_met"),  # 15 days end 3 Jun
    (assessed(**YES, advice=[AdviceFacts("ep", date(2025, 2, 11))]), "2025-04-01", "late_advice"),
    (assessed(**YES, advice=[AdviceFacts("ep", date(2025, 2, 11), excused_ground="absent")]), "2025-04-01",
     "on_track"),
])
def test_row_status(facts: RequestFacts, today: str, expected: str) -> None:
    assert status(facts, today) == expected
