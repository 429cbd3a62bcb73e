"""The latest notices of proposed amendments My day reads plans for (views.my_day.amendment_notices_by): every
amendment My day shows today was sent, or served, on or before its day, and one sent and served a day later
is not shown (the days are the plan clocks' own, not a slack estimate)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from caseworker.reports.my_day_plans import amendment_due
from caseworker.statutory.plan_facts import AmendmentFacts, PlanFacts
from caseworker.statutory.plans import plan_schedule
from caseworker.statutory.rules import default_rules
from caseworker.views.my_day import amendment_notices_by


def shown(sent: date, served: date | None, today: date) -> bool:
    """Whether My day shows an unanswered amendment sent (and served) on these days."""
    facts = PlanFacts("EHC-0001", sent - timedelta(days=200), date(2015, 3, 2),
                      amendments=[AmendmentFacts(sent, notice_served=served)])
    clock = plan_schedule(facts, today).amendment
    assert clock is not None
    return amendment_due(clock, today)


@settings(deadline=None)  # the first example loads the bank holidays
@given(today=st.dates(date(2023, 1, 1), date(2030, 12, 31)), back=st.integers(-30, 120),
       served_after=st.one_of(st.none(), st.integers(0, 40)))
def test_an_amendment_shown_was_sent_or_served_by_the_days(today: date, back: int, served_after: int | None) -> None:
    sent = today - timedelta(days=back)
    served = None if served_after is None else sent + timedelta(days=served_after)
    days = amendment_notices_by(default_rules(), today)
    assert days is not None
    sent_by, served_by = days
    if shown(sent, served, today):
        assert sent <= sent_by or (served or sent) <= served_by


@settings(deadline=None)
@given(today=st.dates(date(2023, 1, 1), date(2030, 12, 31)))
def test_the_days_are_the_clocks_own(today: date) -> None:
    days = amendment_notices_by(default_rules(), today)
    assert days is not None
    sent_by, served_by = days
    assert shown(sent_by, sent_by + timedelta(days=60), today)  # the final plan due within the window
    assert shown(served_by - timedelta(days=60), served_by, today)  # the family's days over
    later = max(sent_by, served_by) + timedelta(days=1)
    assert not shown(sent_by + timedelta(days=1), later, today)
    assert not shown(later, None, today)


def test_on_a_monday_in_march() -> None:
    # 3 March 2025: a final plan due by 10 March was noticed by 13 January (8 weeks); 15 days beginning
    # with 16 February end on 2 March, the day before.
    assert amendment_notices_by(default_rules(), date(2025, 3, 3)) == (date(2025, 1, 13), date(2025, 2, 16))
