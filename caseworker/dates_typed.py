"""A date as a person types it into a form, read day first (the English way).

Accepted: 01/09/2026, 1/9/26, 1.9.2026, 1-9-2026, 1 9 2026, 01092026, 010926, 2026-09-01 (a four-digit
year first means year, month, day), 1 Sep 2026, 1st September 2026, 1-Sep-26 and the words the form
shows back ("Tuesday 1 September 2026"). A two-digit year is in this century: 26 is 2026. Anything
else is refused with a reason a caseworker can act on, never guessed at: a stock date box that kept
the old day when a whole date was typed over it is why this exists.

Pure functions, no Qt: the desktop's date field calls ``read_typed_date`` on every keystroke.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

EXAMPLE = "01/09/2026"
HOW_TO_TYPE = f"day first, for example {EXAMPLE}, 1/9/26, 01092026 or 1 Sep 2026"
CENTURY = 2000  # what a two-digit year is added to
EARLIEST = date(1990, 1, 1)  # the oldest date a SEND case can need (a young person's birth, at 25)
LATEST = date(2100, 12, 31)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_SEPARATED = re.compile(r"(\d+)\s*[/.\-\s]\s*(\d+)\s*[/.\-\s]\s*(\d+)", re.ASCII)
_RUN = re.compile(r"\d+", re.ASCII)
# [weekday[,]] day[st|nd|rd|th] [of] month[.][,] year; the parts may be joined by spaces, hyphens or slashes
_IN_WORDS = re.compile(r"(?:(?P<weekday>[a-z]+)\.?,?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s\-/]*(?:of\s+)?"
                       r"(?P<month>[a-z]+)\.?,?[\s\-/]*(?P<year>\d+)", re.IGNORECASE | re.ASCII)


class UnreadableDate(ValueError):
    """What was typed is not a date this form can take; ``reason`` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_typed_date(text: str, earliest: date = EARLIEST, latest: date = LATEST) -> date:
    """The date ``text`` means, read day first; ``UnreadableDate`` with the reason when it means none."""
    typed = " ".join(text.split())
    if not typed:
        raise UnreadableDate(f"Type a date, {HOW_TO_TYPE}")
    found = _read(typed)
    if found < earliest or found > latest:
        side = f"before {_plain(earliest)}" if found < earliest else f"after {_plain(latest)}"
        raise UnreadableDate(f"{_plain(found)} is {side}: check the year")
    return found


def _plain(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _read(typed: str) -> date:
    if m := _SEPARATED.fullmatch(typed):
        first, second, third = m.groups()
        day, month, year = (third, second, first) if len(first) == 4 else (first, second, third)
        if len(day) > 2 or len(month) > 2:  # 2026-09-01: a year first is always year, month, day
            raise UnreadableDate(f"“{typed}” is not a date: type it {HOW_TO_TYPE}")
        return _real_date(day, month, year, typed)
    if _RUN.fullmatch(typed):
        return _read_digits(typed)
    if m := _IN_WORDS.fullmatch(typed):
        found = _real_date(m["day"], str(_month_number(m["month"])), m["year"], typed)
        _check_weekday(found, m["weekday"])
        return found
    raise UnreadableDate(f"“{typed}” is not a date: type it {HOW_TO_TYPE}")


def _read_digits(typed: str) -> date:
    """01092026 or 010926: day, month, year with nothing between them."""
    if len(typed) in (6, 8):
        return _real_date(typed[:2], typed[2:4], typed[4:], typed)
    if len(typed) <= 4:
        raise UnreadableDate(f"“{typed}” is not a whole date: give the day, month and year, {HOW_TO_TYPE}")
    raise UnreadableDate(f"“{typed}” cannot be split into a day, month and year: type 8 digits (ddmmyyyy) "
                         f"or put / between them, for example {EXAMPLE}")


def _real_date(day_text: str, month_text: str, year_text: str, typed: str) -> date:
    year = _full_year(year_text)
    day, month = int(day_text), int(month_text)
    if not 1 <= month <= 12:
        raise UnreadableDate(f"There is no month {month} (in “{typed}”): dates are read day first, "
                             f"day/month/year")
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        raise UnreadableDate(f"There is no day {day} (in “{typed}”)")
    if day > days:
        name = MONTHS[month - 1]
        raise UnreadableDate(f"There is no {day} {name} {year}: {name} {year} has {days} days")
    return date(year, month, day)


def _full_year(text: str) -> int:
    if len(text) == 2:
        return CENTURY + int(text)
    if len(text) == 4 and int(text) >= 1:
        return int(text)
    raise UnreadableDate(f"Give the year as four digits (2026) or two (26), not “{text}”")


def _month_number(word: str) -> int:
    """January from "jan", "Sept" or "september": at least three letters of the month's name."""
    lowered = word.lower()
    for number, name in enumerate(MONTHS, start=1):
        if len(lowered) >= 3 and name.lower().startswith(lowered):
            return number
    raise UnreadableDate(f"“{word}” is not a month: write it as Sep or September, or as a number")


def _check_weekday(found: date, weekday: str | None) -> None:
    """A date typed with its day of the week must agree with it (a slip in either shows up here)."""
    if weekday is None:
        return
    lowered = weekday.lower()
    named = [name for name in WEEKDAYS if len(lowered) >= 3 and name.lower().startswith(lowered)]
    if not named:
        raise UnreadableDate(f"“{weekday}” is not a day of the week")
    if named[0] != WEEKDAYS[found.weekday()]:
        raise UnreadableDate(f"{_plain(found)} is a {WEEKDAYS[found.weekday()]}, not a {named[0]}")


def date_in_words(d: date) -> str:
    """Tuesday 1 September 2026: how the form reads a typed date back."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def typed_form(d: date) -> str:
    """01/09/2026: how the form shows a date it fills in."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
