"""Invariants of the plan clocks (caseworker.statutory.plans), checked with hypothesis over many years."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from caseworker.statutory import default_calendar
from caseworker.statutory.plan_facts import (
    MAINTAIN,
    TRANSFER_KINDS,
    AmendmentFacts,
    PlanFacts,
    ReviewFacts,
    TransferFacts,
)
from caseworker.statutory.plans import (
    PlanClocks,
    birth_dates_transferring,
    plan_schedule,
    reception_year,
    reviews_held,
    transfer_cohort,
    transfer_in,
)

CAL = default_calendar()
relaxed = settings(deadline=None, max_examples=150)
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
births = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
offsets = st.integers(min_value=-1, max_value=1)
ONE = timedelta(days=1)
STATUS_ORDER = {"pending": 0, "due_soon": 1, "overdue": 2}


def plan(issued: date, reviews: list[ReviewFacts] | None = None, amendments: list[AmendmentFacts] | None = None,
         transfer: TransferFacts | None = None) -> PlanFacts:
    return PlanFacts("P", issued, date(2010, 1, 1), reviews=reviews or [], amendments=amendments or [],
                     transfer=transfer)


@relaxed
@given(dates)
def test_review_due_is_the_day_before_the_next_12_months_begin(start: date) -> None:
    due = plan_schedule(plan(start), start).review.due
    anniversary = date(start.year + 1, 3, 1) if (start.month, start.day) == (2, 29) else start.replace(
        year=start.year + 1)
    assert due + ONE == anniversary
    assert start < due < start + relativedelta(years=1) or (start.month, start.day) == (2, 29)
    assert (due - start).days in (364, 365)


@relaxed
@given(dates, st.integers(min_value=-40, max_value=40))
def test_a_review_notified_by_its_due_day_is_met_and_after_it_late(issued: date, shift: int) -> None:
    due = plan_schedule(plan(issued), issued).review.due
    notified = due + timedelta(days=shift)
    (held,) = reviews_held(plan(issued, reviews=[ReviewFacts(decision=MAINTAIN, notified=notified)]))
    assert held.due == due
    assert held.status == ("met" if shift <= 0 else "met_late")


@relaxed
@given(dates, st.integers(min_value=0, max_value=800))
def test_work_by_is_the_last_working_day_on_or_before_due(issued: date, later: int) -> None:
    review = plan_schedule(plan(issued), issued + timedelta(days=later)).review
    assert review.work_by <= review.due and CAL.is_working_day(review.work_by)
    day = review.work_by + ONE
    while day <= review.due:
        assert not CAL.is_working_day(day)
        day += ONE


@relaxed
@given(dates, st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_with_nothing_done_review_status_only_gets_worse(issued: date, a: int, b: int) -> None:
    early, late = sorted((a, b))
    first = plan_schedule(plan(issued), issued + timedelta(days=early)).review.status
    second = plan_schedule(plan(issued), issued + timedelta(days=late)).review.status
    assert STATUS_ORDER[first] <= STATUS_ORDER[second]


@relaxed
@given(dates, st.integers(min_value=0, max_value=10), st.integers(min_value=-20, max_value=100))
def test_amendment_clocks(sent: date, served_after: int, issued_after: int) -> None:
    served = sent + timedelta(days=served_after)
    final = sent + timedelta(days=issued_after)
    notice = AmendmentFacts(sent, notice_served=served, final_issued=final)
    a = plan_schedule(plan(sent - timedelta(days=200), amendments=[notice]), sent + timedelta(days=120)).amendment
    assert a is not None
    assert a.comments_until == served + timedelta(days=14)
    assert a.final_due == sent + timedelta(days=56)
    if issued_after < 0:
        assert (a.done, a.status) == (None, "overdue")  # a plan before the notice answers nothing
    else:
        assert a.done == final and a.status == ("met" if issued_after <= 56 else "met_late")


@relaxed
@given(st.sampled_from(TRANSFER_KINDS), st.dates(min_value=date(2016, 1, 1), max_value=date(2040, 12, 31)))
def test_a_transfer_is_due_before_the_move(kind: str, moves: date) -> None:
    if kind != "post16_move":
        moves = date(moves.year, 9, 1)
    t = plan_schedule(plan(date(2015, 1, 1), transfer=TransferFacts(kind, moves)), date(2015, 6, 1)).transfer
    assert t is not None and t.due < moves and t.due.year in (moves.year, moves.year - 1)
    if kind == "post16_move":
        # 5 calendar months before: the same day 5 months earlier, or that month's last day when it lacks it.
        assert (moves.year * 12 + moves.month) - (t.due.year * 12 + t.due.month) == 5
        assert t.due.day == moves.day or (t.due.day < moves.day and (t.due + ONE).day == 1)


@relaxed
@given(births, offsets)
def test_reception_starts_in_the_september_after_the_fourth_birthday(born: date, offset: int) -> None:
    starts = date(reception_year(born, offset), 9, 1)
    usual = date(reception_year(born), 9, 1)
    # Four on the last day of the school year before it (born 1 Sep: five on the first day of Reception).
    assert relativedelta(usual - ONE, born).years == 4
    assert starts.year == usual.year + offset


@relaxed
@given(births, dates, offsets)
def test_the_next_transfer_is_ahead_and_due_before_it(born: date, today: date, offset: int) -> None:
    t = transfer_cohort(born, today, offset)
    if t is None:
        # Past the last transfer point: the post-16 move is behind.
        assert date(reception_year(born, offset) + 12, 9, 1) <= today
        return
    assert today < t.transfer_date and t.transfer_date.timetuple()[1:3] == (9, 1)
    assert t.due < t.transfer_date
    assert transfer_in(born, t.transfer_date.year, offset) == t
    # No transfer point between today and the one found.
    for year in range(today.year, t.transfer_date.year):
        other = transfer_in(born, year, offset)
        assert other is None or other.transfer_date <= today


@relaxed
@given(births)
def test_birth_ranges_agree_with_transfer_in(born: date) -> None:
    for year in range(born.year + 4, born.year + 18):
        in_range = [r.year_group for r in birth_dates_transferring(year) if r.first <= born <= r.last]
        t = transfer_in(born, year)
        assert in_range == ([t.year_group] if t else [])


SHARED = PlanClocks()


@relaxed
@given(st.lists(st.tuples(dates, st.integers(min_value=0, max_value=900), st.booleans()), min_size=1, max_size=8),
       dates)
def test_one_set_of_clocks_over_many_plans_agrees_with_each_plan_alone(plans: list[tuple[date, int, bool]],
                                                                        today: date) -> None:
    """The clocks remember each row's last day by start day; reused over many plans they must give what a
    fresh set gives for each plan on its own."""
    facts = [plan(issued, reviews=[ReviewFacts(decision=MAINTAIN, notified=issued + timedelta(days=later))],
                  amendments=[AmendmentFacts(issued + timedelta(days=later // 2))] if amended else None)
             for issued, later, amended in plans]
    assert SHARED.schedule_all(facts, today) == [plan_schedule(f, today) for f in facts]
