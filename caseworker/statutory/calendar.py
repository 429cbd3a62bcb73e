"""Working days in England and Wales.

No statutory deadline moves for a weekend or bank holiday; the app shows a "work-by" date, the last
working day on or before the deadline, as early warning. Bank holidays come from the maintained
``holidays`` package (its data ships with it, so nothing is fetched at run time).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

_ONE_DAY = timedelta(days=1)


class WorkingCalendar:
    """England and Wales working days: Monday to Friday less bank holidays."""

    def __init__(self, extra_closures: frozenset[date] = frozenset()) -> None:
        # Wales keeps England's bank holidays; the "ENG" subdivision covers both.
        self._holidays = holidays.country_holidays("GB", subdiv="ENG")
        self._extra = extra_closures
        self.work_by = lru_cache(maxsize=65536)(self._work_by)

    def is_bank_holiday(self, day: date) -> bool:
        return day in self._holidays or day in self._extra

    def bank_holiday_name(self, day: date) -> str | None:
        name = self._holidays.get(day)
        return str(name) if name is not None else None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day)

    def _work_by(self, due: date) -> date:
        """The last working day on or before ``due``."""
        day = due
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (for reg 15 transfers and mediation)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        left = count
        while left:
            day += _ONE_DAY
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_beginning_with(self, start: date, count: int) -> date:
        """The last day of ``count`` working days beginning with ``start`` (start counts if working)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        first = start if self.is_working_day(start) else self.add_working_days(start, 1)
        return self.add_working_days(first, count - 1)


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    return WorkingCalendar()
