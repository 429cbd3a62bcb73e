"""Which requests are at risk of missing week 20 because advice is still out.

A request is at risk when an outstanding advice request's expected arrival falls after the latest
safe day to send the draft. Expected arrival uses the service's recent turnaround, because late EP
and health advice is the main cause of missed deadlines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from caseworker.statutory.engine import RequestDeadlines
from caseworker.statutory.rules import Rules


@dataclass(frozen=True, slots=True)
class AdviceReturn:
    """One piece of advice that came back: which service, when asked, when received."""

    service: str
    requested: date
    received: date


def typical_turnaround(returns: Iterable[AdviceReturn], rules: Rules) -> dict[str, int]:
    """Days from request to receipt per service: the median of its last N returns.

    Services with fewer than the minimum number of returns are left out, so callers fall back to
    the statutory 42 days for them.
    """
    by_service: dict[str, list[AdviceReturn]] = {}
    for r in returns:
        by_service.setdefault(r.service, []).append(r)
    result: dict[str, int] = {}
    for service, rows in by_service.items():
        if len(rows) < rules.turnaround_min_returns:
            continue
        latest = sorted(rows, key=lambda r: r.received)[-rules.turnaround_window:]
        # A median of an even count can be a half day; round up, since lateness is the risk.
        m = median((r.received - r.requested).days for r in latest)
        result[service] = int(-(-m // 1))
    return result


@dataclass(frozen=True, slots=True)
class AdviceRisk:
    kind: str
    service: str | None
    expected: date
    latest_safe_draft: date


def advice_at_risk(deadlines: RequestDeadlines, today: date, turnaround: dict[str, int],
                   rules: Rules) -> list[AdviceRisk]:
    """Outstanding advice expected to land after the latest safe draft day (empty: not at risk)."""
    if not deadlines.is_open or deadlines.facts.draft_sent is not None:
        return []
    latest_safe = deadlines.milestone("draft_latest_safe").due
    tomorrow = today + timedelta(days=1)
    risks = []
    for a in deadlines.advice:
        if a.received is not None:
            continue
        days = turnaround.get(a.service or "", rules.default_turnaround_days)
        expected = max(a.requested + timedelta(days=days), tomorrow)
        if expected > latest_safe:
            risks.append(AdviceRisk(a.kind, a.service, expected, latest_safe))
    return risks
