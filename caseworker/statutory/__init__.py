"""Pure statutory rules: the timescales table, working days, the deadline engine and risk."""

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
from caseworker.statutory.risk import AdviceReturn, AdviceRisk, advice_at_risk, typical_turnaround
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
