"""Dates and ages in the words a letter prints them in (shared by the facts and the template language)."""

from __future__ import annotations

from datetime import date

from caseworker.vocabulary import MONTH_NAMES, full_date, spelt_date

# Dates are written by caseworker.vocabulary, the same functions the screens use.
MONTHS = MONTH_NAMES


def long_date(d: date) -> str:
    """'Monday 26 May 2025'."""
    return full_date(d)


def short_date(d: date) -> str:
    """'26 May 2025'."""
    return spelt_date(d)


def plural_days(n: int) -> str:
    """'1 day', '12 days'."""
    return f"{n} day" if n == 1 else f"{n} days"


def age_on(born: date, on: date) -> int:
    """Whole years of age on ``on`` (someone born on 29 February has their birthday on 1 March)."""
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - (1 if before_birthday else 0)
