"""The app's words in one place (caseworker.vocabulary): every step and stage has words, every event
the table names is explained, and each way of writing a date says the day it was given."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caseworker.statutory import RequestFacts, default_rules
from caseworker.statutory.engine import OPEN_STAGES, STAGE_CLOSED, STAGE_ISSUED
from caseworker.statutory.rules import MILESTONE_NAMES, REQUEST_EVENT_FIELDS
from caseworker.vocabulary import (
    EVENT_WORDS,
    MONTH_NAMES,
    STAGE_ORDER,
    STEP_WORDS,
    column_date,
    day_month,
    full_date,
    long_date,
    short_date,
    spelt_date,
    stage_long,
    stage_short,
    step_label,
    step_phrase,
    step_task,
    weekday_date,
)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
# Both the full and the three-letter month names, to read a written date back.
MONTH_NUMBER = {**{m: n for n, m in enumerate(MONTH_NAMES, 1)}, **{m[:3]: n for n, m in enumerate(MONTH_NAMES, 1)}}


def test_worked_examples() -> None:
    monday = date(2025, 3, 3)
    ways = (short_date, day_month, weekday_date, long_date, full_date, spelt_date, column_date)
    assert [f(monday) for f in ways] == [
        "3 Mar 2025", "3 Mar", "Mon 3 Mar 2025", "Mon 3 March 2025", "Monday 3 March 2025", "3 March 2025",
        "Mon 03 Mar 2025"]
    assert short_date(None) == "" and long_date(None) == ""


@given(dates)
def test_every_way_of_writing_a_date_reads_back_as_that_date(d: date) -> None:
    day, month, year = r"(\d{1,2})", "(" + "|".join(MONTH_NAMES) + ")", r"(\d{4})"
    short_month = "(" + "|".join(m[:3] for m in MONTH_NAMES) + ")"
    for text, pattern in ((short_date(d), f"{day} {short_month} {year}"), (spelt_date(d), f"{day} {month} {year}"),
                          (long_date(d), rf"\w{{3}} {day} {month} {year}"),
                          (column_date(d), rf"\w{{3}} {day} {short_month} {year}")):
        found = re.fullmatch(pattern, text)
        assert found is not None, text
        assert date(int(found.group(3)), MONTH_NUMBER[found.group(2)], int(found.group(1))) == d
    # The day of the week is the date's own, and only the column form pads the day.
    assert full_date(d).split()[0][:3] == weekday_date(d)[:3] == column_date(d)[:3]
    assert full_date(d).split()[0] == ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                       "Sunday")[d.weekday()]
    assert len(column_date(d)) == 15 and not short_date(d).startswith("0")


def test_next_day_changes_the_short_date() -> None:
    d = date(2024, 2, 28)
    assert [short_date(d + timedelta(days=n)) for n in range(3)] == ["28 Feb 2024", "29 Feb 2024", "1 Mar 2024"]


def test_every_request_milestone_and_plan_step_has_words() -> None:
    rules = default_rules()
    for name in MILESTONE_NAMES:
        assert name in STEP_WORDS
    for belongs in ("review", "amendment", "transfer"):
        for row in rules.rows_of(belongs):
            assert row.name in STEP_WORDS, row.name
    for name in STEP_WORDS:
        assert name in rules.table, f"{name} has words but no row in the table"
    # Each register is its own: a label, a task, a phrase to put in a sentence.
    assert (step_label("final_plan"), step_task("final_plan"), step_phrase("final_plan")) == (
        "Final plan", "Issue the final plan", "final plan")


def test_a_step_with_no_words_is_named_from_its_table_name() -> None:
    assert (step_label("council_check"), step_phrase("council_check")) == ("Council check", "council check")


def test_every_stage_has_a_short_and_a_long_name() -> None:
    stages = {*OPEN_STAGES, STAGE_ISSUED, STAGE_CLOSED, "plan"}
    assert set(STAGE_ORDER) == stages
    for stage in stages:
        assert stage_short(stage) and stage_long(stage).startswith(stage_short(stage).split()[0])
    assert stage_short("on_hold") == "On hold"


def test_every_request_event_is_a_recorded_field_with_words() -> None:
    facts = RequestFacts("X", date(2025, 1, 6))
    for event, name in REQUEST_EVENT_FIELDS.items():
        assert event in EVENT_WORDS
        assert hasattr(facts, name)
