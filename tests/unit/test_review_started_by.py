"""The latest review clock start My day and the Team page read plans from (views.my_day.review_started_by):
every plan whose annual review the plan clocks call due soon or overdue started on or before it, and a
plan started a day later is neither (the day is the clocks' own, not a slack estimate)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caseworker.statutory.engine import DUE_SOON, OVERDUE
from caseworker.statutory.plan_facts import MAINTAIN, PlanFacts, ReviewFacts
from caseworker.statutory.plans import plan_schedule
from caseworker.statutory.rules import default_rules
from caseworker.views.my_day import review_started_by


def review_status(started: date, today: date, decided: bool) -> str:
    """The review's status on ``today`` for a plan issued (or last reviewed) on ``started``."""
    if decided:  # the last decision starts the clock; the plan was issued a year and more before
        facts = PlanFacts("EHC-0001", started - timedelta(days=400), date(2015, 3, 2),
                          reviews=[ReviewFacts(started - timedelta(days=21), decision=MAINTAIN, notified=started)])
    else:
        facts = PlanFacts("EHC-0001", started, date(2015, 3, 2))
    return plan_schedule(facts, today).review.status


@given(today=st.dates(date(2023, 1, 1), date(2030, 12, 31)), back=st.integers(0, 800), decided=st.booleans())
def test_a_review_due_soon_or_overdue_started_by_the_day(today: date, back: int, decided: bool) -> None:
    started = today - timedelta(days=back)
    latest = review_started_by(default_rules(), today)
    assert latest is not None
    if review_status(started, today, decided) in (DUE_SOON, OVERDUE):
        assert started <= latest


@given(today=st.dates(date(2023, 1, 1), date(2030, 12, 31)))
def test_the_day_is_the_clocks_own(today: date) -> None:
    latest = review_started_by(default_rules(), today)
    assert latest is not None
    assert review_status(latest, today, False) in (DUE_SOON, OVERDUE)
    assert review_status(latest + timedelta(days=1), today, False) not in (DUE_SOON, OVERDUE)


def test_on_a_monday_in_march() -> None:
    # 3 March 2025 + 8 weeks = 28 April 2025: the last day of 12 months beginning with 29 April 2024.
    assert review_started_by(default_rules(), date(2025, 3, 3)) == date(2024, 4, 29)
