"""Today's date as the law counts it. Only entry points call this; rules take ``today`` as an argument."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo


def london_today() -> date:
    """Today's date in England: statutory days are Europe/London calendar dates, not UTC."""
    return datetime.now(ZoneInfo("Europe/London")).date()


def fixed_clock(day: date) -> Callable[[], date]:
    return lambda: day
