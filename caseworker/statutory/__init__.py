"""Pure statutory rules: the timescales table, working days, the deadline engine and risk."""

from __future__ import annotations

from typing import Any

from caseworker.statutory.calendar import WorkingCalendar, default_calendar
from caseworker.statutory.engine import (
    AdviceDeadline,
    AdviceFacts,
    DeadlineEngine,
    ExceptionFacts,
    Milestone,
    RequestDeadlines,
    RequestFacts,
    stage_of,
)
from caseworker.statutory.rules import Rules, RulesError, default_rules, load_rules

__all__ = [
    "AdviceDeadline",
    "AdviceFacts",
    "AdviceReturn",
    "AdviceRisk",
    "DeadlineEngine",
    "ExceptionFacts",
    "Milestone",
    "RequestDeadlines",
    "RequestFacts",
    "Rules",
    "RulesError",
    "WorkingCalendar",
    "advice_at_risk",
    "default_calendar",
    "default_rules",
    "load_rules",
    "stage_of",
    "typical_turnaround",
]

# The risk figures need the statistics module (and with it decimal and fractions): loaded when first asked
# for, so a nightly report that never shows them does not pay for them at start-up.
_RISK_NAMES = frozenset({"AdviceReturn", "AdviceRisk", "advice_at_risk", "typical_turnaround"})


def __getattr__(name: str) -> Any:
    if name in _RISK_NAMES:
        from caseworker.statutory import risk

        return getattr(risk, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
