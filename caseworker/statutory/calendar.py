"""Working days in England and Wales.

No statutory deadline moves for a weekend or bank holiday; the app shows a "work-by" date, the last
working day on or before the deadline, as early warning. Bank holidays come from the maintained
``holidays`` package (its data ships with it, so nothing is fetched at run time).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any

_ONE_DAY = timedelta(days=1)
# Years a precomputed table usually covers; outside them the library is asked directly.
KNOWN_YEARS = range(2000, 2061)


def _library_holidays(years: range | None = None) -> Any:
    # Imported on first use: the library takes a noticeable share of a quick command's start-up.
    import holidays

    # Wales keeps England's bank holidays; the "ENG" subdivision covers both.
    return holidays.country_holidays("GB", subdiv="ENG", years=years)


def bank_holidays_for(years: range) -> dict[date, str]:
    """England and Wales bank holidays in ``years``, from the maintained library."""
    return {d: str(n) for d, n in sorted(_library_holidays(years).items())}


class WorkingCalendar:
    """England and Wales working days: Monday to Friday less bank holidays.

    ``known`` is a precomputed table of bank holidays for ``KNOWN_YEARS`` (the app keeps one in its
    cache so quick commands need not load the library); without it the library is used directly.
    """

    def __init__(self, known: Mapping[date, str] | None = None,
                 extra_closures: frozenset[date] = frozenset()) -> None:
        self._known = dict(known) if known is not None else None
        self._extra = extra_closures
        self.work_by = lru_cache(maxsize=65536)(self._work_by)

    @cache  # noqa: B019 - one calendar lives as long as the app; the cache is the point
    def _library(self) -> Any:
        return _library_holidays()

    def _lookup(self, day: date) -> str | None:
        if self._known is not None and day.year in KNOWN_YEARS:
            return self._known.get(day)
        name = self._library().get(day)
        return str(name) if name is not None else None

    def is_bank_holiday(self, day: date) -> bool:
        return day in self._extra or self._lookup(day) is not None

    def bank_holiday_name(self, day: date) -> str | None:
        return self._lookup(day)

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
