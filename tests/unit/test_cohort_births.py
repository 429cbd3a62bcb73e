"""The dates of birth a database is asked for when My day looks for phase transfers not yet recorded
(cohort.born_to_move_soon): every child whose move is within the window falls inside, a year either side
for children out of their year group, and nobody moving later is asked for."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caseworker.statutory.cohort import born_to_move_soon, transfer_cohort, transfer_in


def test_the_february_cohort_twelve_weeks_ahead() -> None:
    # On 22 November 2025 the amended plans for the September 2026 moves into Reception and Year 7 are due
    # within 84 days (14 February); post-16 (30 March 2026) is further off.
    ranges = born_to_move_soon(date(2025, 11, 22), 84)
    assert ranges == [(date(2020, 9, 1), date(2023, 8, 31)),  # Reception in 2026: born Sep 2021 to Aug 2022
                      (date(2013, 9, 1), date(2016, 8, 31))]  # Year 7 in 2026: born Sep 2014 to Aug 2015
    assert born_to_move_soon(date(2025, 11, 21), 84) == []


@given(born=st.dates(date(2000, 1, 1), date(2024, 12, 31)), today=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
       offset=st.sampled_from([-1, 0, 1]), window=st.integers(0, 200))
def test_every_child_moving_within_the_window_is_inside_a_range(born: date, today: date, offset: int,
                                                                 window: int) -> None:
    move = transfer_cohort(born, today, offset)
    ranges = born_to_move_soon(today, window)
    inside = any(first <= born <= last for first, last in ranges)
    if move is not None and (move.due - today).days <= window and move.transfer_date - today <= timedelta(days=366):
        assert inside


@given(born=st.dates(date(2000, 1, 1), date(2024, 12, 31)), today=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
       offset=st.sampled_from([-1, 0, 1, 2]), window=st.integers(0, 200))
def test_a_year_groups_ranges_hold_exactly_its_children_moving_within_the_window(
        born: date, today: date, offset: int, window: int) -> None:
    move = transfer_cohort(born, today, offset)
    inside = any(first <= born <= last for first, last in born_to_move_soon(today, window, offset=offset))
    if move is not None and (move.due - today).days <= window and move.transfer_date - today <= timedelta(days=366):
        assert inside
    if inside:  # one of its moves (not always the next) falls within the window
        year_of = {today.year, today.year + 1}
        assert any((m := transfer_in(born, y, offset)) is not None and (m.due - today).days <= window
                   and m.transfer_date > today for y in year_of)


def test_a_child_a_year_behind_is_asked_for_a_year_earlier() -> None:
    # Year 7 in September 2026: born Sep 2014 to Aug 2015, or a year earlier when taught a year behind.
    today = date(2025, 11, 22)
    assert (date(2014, 9, 1), date(2015, 8, 31)) in born_to_move_soon(today, 84, offset=0)
    assert (date(2013, 9, 1), date(2014, 8, 31)) in born_to_move_soon(today, 84, offset=1)
    assert (date(2015, 9, 1), date(2016, 8, 31)) in born_to_move_soon(today, 84, offset=-1)
