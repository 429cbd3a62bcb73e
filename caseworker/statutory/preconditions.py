"""Which steps can be recorded on a request as it stands, and why not when they cannot.

One place for these rules: the services refuse a step with the same words the forms show before the
user has typed anything, and the window enables only the steps that make sense.
"""

from __future__ import annotations

from caseworker.statutory.engine import OPEN_STAGES, RequestFacts, stage_of

STEP_NAMES = ("decision_to_assess", "request_advice", "advice_received", "decision_to_issue", "draft_sent",
              "final_plan", "exception", "withdraw")
# The form field a refusal belongs next to.
STEP_FIELD = {"decision_to_assess": "decision_to_assess", "request_advice": "kind",
              "advice_received": "received", "decision_to_issue": "decision_to_issue",
              "draft_sent": "draft_plan_sent", "final_plan": "final_plan_issued",
              "exception": "exception_ground", "withdraw": "withdrawn"}


def step_blocked(facts: RequestFacts, step: str) -> str | None:
    """Why ``step`` cannot be recorded now, or None when it can."""
    if stage_of(facts) not in OPEN_STAGES:
        return "the request is closed or its final plan is issued; no further step can be recorded"
    if step == "decision_to_assess":
        return "the decision to assess is already recorded" if facts.decision_to_assess is not None else None
    if step == "request_advice":
        if facts.decision_to_assess is False:
            return "the decision was not to assess; no advice is needed"
        if facts.decision_to_issue is not None:
            return "advice is gathered before the decision whether to issue, which is already recorded"
        return None
    if step == "advice_received":
        return None if any(a.received is None for a in facts.advice) else "no advice is outstanding"
    if step == "decision_to_issue":
        if facts.decision_to_assess is not True:
            return "record the decision to assess before the decision to issue"
        return "the decision to issue is already recorded" if facts.decision_to_issue is not None else None
    if step == "draft_sent":
        if facts.decision_to_issue is not True:
            return "record the decision to issue a plan before the draft"
        return "the draft plan is already recorded" if facts.draft_sent is not None else None
    if step == "final_plan":
        return None if facts.draft_sent is not None else "record the draft plan before the final"
    if step in ("exception", "withdraw"):
        return None
    raise ValueError(f"unknown step {step!r}")


def available_steps(facts: RequestFacts) -> set[str]:
    return {s for s in STEP_NAMES if step_blocked(facts, s) is None}
