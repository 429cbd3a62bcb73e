"""Walking the timescales table: one row applied to the events a case has recorded.

A row's clock starts at the latest of its starting events that is recorded (or at another row's
deadline, when it names a row), runs for its period, and is done on the first of its completing events
recorded. The request's milestones are compiled to day offsets by the engine for speed; every other
row (the plan's clocks, the appeal window) is worked out here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from caseworker.statutory.rules import Rules, Timescale

Events = Mapping[str, date | None]


@dataclass(slots=True)
class Clock:
    """One row's clock on one case: when it started, its last compliant day, and when it was done."""

    name: str
    start: date
    due: date
    done: date | None


def clock_start(row: Timescale, events: Events, rules: Rules) -> date | None:
    """The latest recorded of the row's starting events (a row named instead gives its due date)."""
    latest: date | None = None
    for name in row.starts_from:
        if name in rules.table:
            other = run_clock(rules.table[name], events, rules)
            started = other.due if other is not None else None
        else:
            started = events.get(name)
        if started is not None and (latest is None or started > latest):
            latest = started
    return latest


def due_day(row: Timescale, start: date, rules: Rules) -> date:
    """The row's last compliant day for a clock started on ``start`` (less the school consultation
    allowance, for a row that leaves room for it)."""
    due = row.last_day(start)
    if row.less_consultation_allowance:
        due -= timedelta(days=rules.consultation_allowance_days)
    return due


def run_clock(row: Timescale, events: Events, rules: Rules) -> Clock | None:
    """The row's clock, or None while nothing that starts it is recorded."""
    start = clock_start(row, events, rules)
    if start is None:
        return None
    due = due_day(row, start, rules)
    done = next((d for name in row.completed_by if (d := events.get(name)) is not None), None)
    return Clock(row.name, start, due, done)
