"""The Phase transfers page's cohort, worked out from plans held in memory: who moves in a year (by date of
birth and year group, or as recorded), how far each move has got, and the order by risk."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caseworker.statutory.cohort import transfer_in
from caseworker.statutory.plan_facts import TransferFacts
from caseworker.store.transfer_reads import PlanToMove, RecordedTransfer
from caseworker.views.phase_transfers import (
    CONSULTED,
    DONE,
    NOT_STARTED,
    RECORDED,
    REPLIED,
    PhaseTransfers,
    TransferRow,
    cohort_rows,
    in_year,
    transfer_year,
    transfer_years,
)

TODAY = date(2026, 12, 2)
ISSUED = date(2020, 1, 6)


def plan(reference: str, born: date, offset: int = 0, *transfers: RecordedTransfer) -> PlanToMove:
    return PlanToMove(int(reference[-2:]), reference, f"Child {reference}", "jsmith", "Jo Smith", 1, ISSUED, born,
                      offset, None, None, list(transfers))


def moving(kind: str, on: date, consulted: date | None = None, replied: date | None = None, done: date | None = None,
           reply: str | None = None) -> RecordedTransfer:
    return RecordedTransfer(TransferFacts(kind, on, consulted, replied, done, 1), 7 if consulted else None,
                            "Wye Valley Academy" if consulted else None, reply)


def references(rows: list[TransferRow]) -> list[str]:
    return [r.reference for r in rows]


def test_the_year_being_worked_is_the_next_september() -> None:
    assert transfer_year(TODAY) == 2027  # December 2026: next September's cohort, due in February
    assert transfer_year(date(2025, 3, 3)) == 2025  # the spring: the cohort about to move (February just passed)
    assert transfer_year(date(2025, 8, 31)) == 2025
    assert transfer_year(date(2025, 9, 1)) == 2026  # they moved today: next year's cohort now
    assert transfer_years(TODAY) == [2026, 2027, 2028, 2029]


def test_a_year_holds_the_moves_after_one_september_up_to_the_next() -> None:
    assert in_year(date(2027, 9, 1), 2027) and in_year(date(2027, 1, 5), 2027) and in_year(date(2026, 9, 2), 2027)
    assert not in_year(date(2026, 9, 1), 2027) and not in_year(date(2027, 9, 2), 2027)


def test_a_child_born_in_the_school_year_moves_to_secondary_that_september() -> None:
    plans = [plan("EHC-01", date(2015, 9, 1)), plan("EHC-02", date(2016, 8, 31)),  # first and last of Year 6
             plan("EHC-03", date(2015, 8, 31)),  # a day older: moved last September
             plan("EHC-04", date(2016, 9, 1)),  # a day younger: moves next year
             plan("EHC-05", date(2010, 12, 25)),  # Year 11 now: post-16 in September 2027
             plan("EHC-06", date(2022, 10, 1))]  # starts Reception in September 2027
    rows = {r.reference: r for r in cohort_rows(plans, 2027, TODAY)}
    assert sorted(rows) == ["EHC-01", "EHC-02", "EHC-05", "EHC-06"]
    first = rows["EHC-01"]
    assert (first.kind, first.year_group, first.transfer_date) == ("school", "Year 7", date(2027, 9, 1))
    assert first.worked_out and first.state == NOT_STARTED and first.source_words == "From date of birth"
    assert (first.due, first.days_left) == (date(2027, 2, 14), (date(2027, 2, 14) - TODAY).days)
    assert (rows["EHC-05"].kind, rows["EHC-05"].year_group, rows["EHC-05"].due) == (
        "post16", "Year 12", date(2027, 3, 30))
    assert rows["EHC-06"].year_group == "Reception"


def test_a_move_before_the_plan_was_issued_is_not_the_plans() -> None:
    late_plan = replace(plan("EHC-01", date(2012, 10, 1)), plan_issued=date(2024, 11, 4))  # Year 7 in Sep 2024
    assert cohort_rows([late_plan], 2024, TODAY) == []
    assert references(cohort_rows([replace(late_plan, plan_issued=date(2024, 8, 30))], 2024, TODAY)) == ["EHC-01"]


def test_a_child_taught_a_year_behind_moves_a_year_later() -> None:
    behind = plan("EHC-01", date(2014, 10, 3), 1)  # born in Year 7's year of 2026, taught a year behind
    ahead = plan("EHC-02", date(2016, 10, 3), -1)  # Year 7 in 2028 by age, taught a year ahead
    assert references(cohort_rows([behind, ahead], 2026, TODAY)) == []
    rows = cohort_rows([behind, ahead], 2027, TODAY)
    assert references(rows) == ["EHC-01", "EHC-02"]
    assert [r.year_group_offset for r in rows] == [1, -1] and {r.year_group for r in rows} == {"Year 7"}


def test_what_is_recorded_wins_over_the_date_of_birth() -> None:
    due_2027 = date(2015, 11, 1)  # Year 7 in September 2027 by date of birth
    later = plan("EHC-01", due_2027, 0, moving("school", date(2028, 9, 1)))  # recorded for a year later
    recorded = plan("EHC-02", due_2027, 0, moving("school", date(2027, 9, 1), consulted=date(2026, 10, 5)))
    earlier_done = plan("EHC-03", due_2027, 0, moving("school", date(2020, 9, 1), done=date(2020, 2, 1)))
    college = plan("EHC-04", date(2008, 5, 5), 0,  # left school long ago; changes college in January
                   moving("post16", date(2024, 9, 1), done=date(2024, 3, 1)), moving("post16_move", date(2027, 1, 4)))
    rows = {r.reference: r for r in cohort_rows([later, recorded, earlier_done, college], 2027, TODAY)}
    assert sorted(rows) == ["EHC-02", "EHC-03", "EHC-04"]
    assert not rows["EHC-02"].worked_out and rows["EHC-02"].state == CONSULTED
    assert rows["EHC-02"].consulted == "Wye Valley Academy" and rows["EHC-02"].source_words == "Recorded"
    assert rows["EHC-03"].worked_out  # an earlier move done does not stop this one
    move = rows["EHC-04"]
    assert (move.kind, move.year_group, move.transfer_date, move.due) == (
        "post16_move", "", date(2027, 1, 4), date(2026, 8, 4))  # 5 months before the move
    assert move.days_left < 0 and move.is_overdue
    assert references(cohort_rows([later], 2028, TODAY)) == ["EHC-01"]


def test_each_step_of_a_move_shows_as_its_state() -> None:
    born = date(2015, 11, 1)
    on = date(2027, 9, 1)
    plans = [plan("EHC-01", born), plan("EHC-02", born, 0, moving("school", on)),
             plan("EHC-03", born, 0, moving("school", on, consulted=date(2026, 10, 1))),
             plan("EHC-04", born, 0, moving("school", on, date(2026, 10, 1), date(2026, 10, 9), reply="declines")),
             plan("EHC-05", born, 0, moving("school", on, date(2026, 10, 1), date(2026, 10, 9), date(2026, 11, 20),
                                            reply="agrees"))]
    rows = {r.reference: r for r in cohort_rows(plans, 2027, TODAY)}
    assert [rows[f"EHC-0{i}"].state for i in range(1, 6)] == [NOT_STARTED, RECORDED, CONSULTED, REPLIED, DONE]
    assert rows["EHC-04"].state_words == "Setting replied (no)"
    assert (rows["EHC-05"].status, rows["EHC-05"].done) == ("met", date(2026, 11, 20))
    counts = PhaseTransfers(2027, TODAY, list(rows.values())).counts()
    assert counts == {"children": 5, "done": 1, "consulted": 2, "overdue": 0}


def test_the_cohort_is_sorted_by_risk() -> None:
    today = date(2027, 3, 3)  # after 14 February: school moves not done are overdue, post-16 due on 30 March
    school, post16 = date(2015, 11, 1), date(2010, 11, 1)
    on = date(2027, 9, 1)
    plans = [plan("EHC-01", school, 0, moving("school", on, date(2026, 10, 1), done=date(2027, 2, 1))),
             plan("EHC-02", post16),
             plan("EHC-03", school, 0, moving("school", on, consulted=date(2026, 10, 1))),
             plan("EHC-04", school),
             plan("EHC-05", post16, 0, moving("post16", on))]
    rows = cohort_rows(plans, 2027, today)
    # Overdue school moves first (the one least done before the one consulted), then post-16 by how far
    # each has got, and the move done last.
    assert references(rows) == ["EHC-04", "EHC-03", "EHC-02", "EHC-05", "EHC-01"]
    assert [r.is_overdue for r in rows] == [True, True, False, False, False]


@given(born=st.dates(date(2004, 1, 1), date(2024, 12, 31)), offset=st.integers(-2, 2),
       year=st.integers(2024, 2030))
def test_with_nothing_recorded_the_cohort_is_the_engines(born: date, offset: int, year: int) -> None:
    rows = cohort_rows([plan("EHC-01", born, offset)], year, TODAY)
    expected = transfer_in(born, year, offset)
    if expected is None:
        assert rows == []
        return
    [row] = rows
    assert (row.kind, row.year_group, row.transfer_date, row.due) == (
        expected.kind, expected.year_group, expected.transfer_date, expected.due)
    assert row.days_left == (expected.due - TODAY).days and row.is_overdue == (expected.due < TODAY)


PROGRESS = (None, "recorded", "consulted", "done")


@given(cases=st.lists(st.tuples(st.dates(date(2009, 9, 1), date(2016, 8, 31)), st.sampled_from(PROGRESS)),
                      min_size=1, max_size=12),
       shift=st.integers(-400, 400))
def test_no_move_not_done_is_listed_after_one_with_more_time(cases: list[tuple[date, str | None]],
                                                             shift: int) -> None:
    on = date(2027, 9, 1)
    plans = []
    for i, (born, progress) in enumerate(cases):
        kind = "school" if born >= date(2015, 9, 1) else "post16"
        transfers = [] if progress is None else [moving(
            kind, on, date(2026, 10, 1) if progress in ("consulted", "done") else None,
            done=date(2026, 11, 1) if progress == "done" else None)]
        plans.append(plan(f"EHC-{i:02d}", born, 0, *transfers))
    rows = cohort_rows(plans, 2027, TODAY + timedelta(days=shift))
    open_rows = [r for r in rows if not r.is_done]
    assert rows[:len(open_rows)] == open_rows  # every move not done comes before the done ones
    assert [r.days_left for r in open_rows] == sorted(r.days_left for r in open_rows)
    overdue = [r.is_overdue for r in open_rows]
    assert overdue == sorted(overdue, reverse=True)  # the overdue first
