"""Reading a date as a caseworker types it: day first, whole, and never guessed."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseworker.dates_typed import UnreadableDate, date_in_words, read_typed_date, typed_form

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Every way of writing a date the field accepts, as a person would write it.
WRITTEN: dict[str, Callable[[date], str]] = {
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "d/m/yyyy": lambda d: f"{d.day}/{d.month}/{d.year}",
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "d-m-yyyy": lambda d: f"{d.day}-{d.month}-{d.year}",
    "d m yyyy": lambda d: f"{d.day} {d.month} {d.year}",
    "ddmmyyyy": lambda d: f"{d.day:02d}{d.month:02d}{d.year}",
    "yyyy-mm-dd": lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}",
    "d Mon yyyy": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1][:3]} {d.year}",
    "d Month yyyy": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}",
    "d-Mon-yyyy": lambda d: f"{d.day}-{MONTH_NAMES[d.month - 1][:3]}-{d.year}",
    "weekday d Month yyyy": lambda d: f"{DAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}",
    "lower case": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1].lower()} {d.year}",
    "padded": lambda d: f"  {d.day:02d} / {d.month:02d} / {d.year}  ",
}
# Two-digit years: this century only.
WRITTEN_SHORT: dict[str, Callable[[date], str]] = {
    "d/m/yy": lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}",
    "ddmmyy": lambda d: f"{d.day:02d}{d.month:02d}{d.year % 100:02d}",
    "d Mon yy": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1][:3]} {d.year % 100:02d}",
}

any_day = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
this_century = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(any_day)
def test_every_date_reads_back_from_every_way_of_writing_it(day: date) -> None:
    for name, write in WRITTEN.items():
        assert read_typed_date(write(day)) == day, name


@given(this_century)
def test_a_two_digit_year_is_this_century(day: date) -> None:
    for name, write in WRITTEN_SHORT.items():
        assert read_typed_date(write(day)) == day, name


@given(any_day)
def test_what_the_field_shows_reads_back(day: date) -> None:
    assert read_typed_date(typed_form(day)) == day
    assert read_typed_date(date_in_words(day)) == day


@pytest.mark.parametrize("typed", ["01/09/2026", "1/9/26", "01092026", "010926", "2026-09-01", "1.9.2026",
                                   "1 Sep 2026", "1 Sept 2026", "1 September 2026", "1st September 2026",
                                   "1st of September, 2026", "Tue 1 Sep 2026", "Tuesday 1 September 2026",
                                   "1-sep-26"])
def test_the_first_of_september_however_it_is_typed(typed: str) -> None:
    assert read_typed_date(typed) == date(2026, 9, 1)


def test_the_date_in_words() -> None:
    assert date_in_words(date(2026, 9, 1)) == "Tuesday 1 September 2026"
    assert typed_form(date(2026, 9, 1)) == "01/09/2026"


def reason(typed: str) -> str:
    with pytest.raises(UnreadableDate) as caught:
        read_typed_date(typed)
    return caught.value.reason


def test_an_impossible_day_says_how_long_the_month_is() -> None:
    assert reason("31/02/2026") == "There is no 31 February 2026: February 2026 has 28 days"
    assert reason("29/02/2027") == "There is no 29 February 2027: February 2027 has 28 days"
    assert read_typed_date("29/02/2028") == date(2028, 2, 29)
    assert reason("31/04/2026") == "There is no 31 April 2026: April 2026 has 30 days"
    assert reason("00/01/2026") == "There is no day 0 (in “00/01/2026”)"


def test_a_month_past_twelve_reminds_that_dates_are_day_first() -> None:
    assert reason("09/13/2026") == "There is no month 13 (in “09/13/2026”): dates are read day first, day/month/year"
    assert reason("1 Sepx 2026") == "“Sepx” is not a month: write it as Sep or September, or as a number"


@pytest.mark.parametrize(("typed", "start"), [
    ("", "Type a date, day first"),
    ("   ", "Type a date, day first"),
    ("soon", "“soon” is not a date: type it day first, for example 01/09/2026"),
    ("0109", "“0109” is not a whole date: give the day, month and year"),
    ("1092026", "“1092026” cannot be split into a day, month and year: type 8 digits (ddmmyyyy)"),
    ("01/09/202", "Give the year as four digits (2026) or two (26), not “202”"),
    ("123/09/2026", "“123/09/2026” is not a date"),
    ("1/1/1026", "1 January 1026 is before 1 January 1990: check the year"),
    ("1/1/3026", "1 January 3026 is after 31 December 2100: check the year"),
    ("Mon 1 Sep 2026", "1 September 2026 is a Tuesday, not a Monday"),
    ("Sep 1 2026", "“Sep 1 2026” is not a date"),
    ("20260901", "There is no month 26"),  # eight digits are always day, month, year
])
def test_what_cannot_be_read_is_refused_with_a_reason(typed: str, start: str) -> None:
    assert reason(typed).startswith(start)


def test_the_bounds_are_the_callers() -> None:
    assert read_typed_date("1/9/1985", earliest=date(1980, 1, 1)) == date(1985, 9, 1)
    assert reason_between("2/9/2026", date(2026, 1, 1), date(2026, 9, 1)) == (
        "2 September 2026 is after 1 September 2026: check the year")


def reason_between(typed: str, earliest: date, latest: date) -> str:
    with pytest.raises(UnreadableDate) as caught:
        read_typed_date(typed, earliest, latest)
    return caught.value.reason


@given(st.text(max_size=30))
def test_any_text_is_a_date_in_range_or_a_reason(text: str) -> None:
    try:
        found = read_typed_date(text)
    except UnreadableDate as exc:
        assert exc.reason
    else:
        assert date(1990, 1, 1) <= found <= date(2100, 12, 31)


@given(st.integers(1990, 2100), st.integers(1, 12), st.integers(29, 31))
def test_a_day_past_the_end_of_its_month_is_never_rolled_over(year: int, month: int, day: int) -> None:
    days = calendar.monthrange(year, month)[1]
    typed = f"{day}/{month}/{year}"
    if day <= days:
        assert read_typed_date(typed) == date(year, month, day)
    else:
        assert reason(typed).endswith(f"has {days} days")


def test_each_day_of_a_leap_year_reads_back() -> None:
    day = date(2028, 1, 1)
    while day.year == 2028:
        assert read_typed_date(f"{day:%d%m%Y}") == day
        day += timedelta(days=1)
