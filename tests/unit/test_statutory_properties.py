"""Invariants of the statutory engine, checked with hypothesis over 20 years of dates."""

from __future__ import annotations

import calendar
import math
import statistics
from datetime import date, timedelta

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from caseworker.statutory import (
    AdviceFacts,
    AdviceReturn,
    DeadlineEngine,
    ExceptionFacts,
    RequestFacts,
    advice_at_risk,
    default_calendar,
    default_rules,
    typical_turnaround,
)
from caseworker.statutory.rules import Period, Timescale

ENGINE = DeadlineEngine()
CAL = default_calendar()
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")
OFFSETS = {"decision_to_assess": 42, "issue_decision": 112, "draft_latest_safe": 118,
           "final_plan": 140}
ONE = timedelta(days=1)

# Holidays are computed per year on first use, so the first examples of a run can be slow. Applied
# per test rather than as a loaded profile, so other modules' hypothesis settings are left alone.
relaxed = settings(deadline=None, max_examples=150)

dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
days = st.integers(min_value=0, max_value=220)
grounds = st.sampled_from("abcd")


def plus(start: date, n: int) -> date:
    return start + timedelta(days=n)


def untouched(received: date, exceptions: list[ExceptionFacts] | None = None) -> RequestFacts:
    return RequestFacts("P", received, exceptions=exceptions or [])


@relaxed
@given(dates)
def test_due_dates_are_received_plus_42_112_118_140(received: date) -> None:
    result = ENGINE.evaluate(untouched(received), received)
    assert [m.name for m in result.milestones] == list(OFFSETS)
    assert {m.name: (m.due - received).days for m in result.milestones} == OFFSETS


@relaxed
@given(dates)
def test_work_by_is_the_last_working_day_on_or_before_due(due: date) -> None:
    work_by = CAL.work_by(due)
    assert work_by <= due
    assert work_by.weekday() < 5 and work_by not in BANK_HOLIDAYS
    between = plus(work_by, 1)
    while between <= due:  # every later day up to the due date is a weekend or a bank holiday
        assert between.weekday() >= 5 or between in BANK_HOLIDAYS, between
        between += ONE
    assert (work_by == due) == (due.weekday() < 5 and due not in BANK_HOLIDAYS)


@relaxed
@given(dates)
def test_milestone_work_by_matches_the_calendar(received: date) -> None:
    for m in ENGINE.evaluate(untouched(received), received).milestones:
        assert m.work_by == CAL.work_by(m.due) and (m.due - m.work_by).days <= 5


@relaxed
@given(dates, days, st.integers(min_value=0, max_value=60))
def test_met_iff_done_on_or_before_due(received: date, done_after: int, later: int) -> None:
    done = plus(received, done_after)
    facts = RequestFacts("P", received, decision_to_assess=True, decision_to_assess_on=done)
    m = ENGINE.evaluate(facts, plus(done, later)).milestone("decision_to_assess")
    assert (m.status == "met") == (done <= m.due)
    assert m.status in {"met", "met_late"}


GROUNDS_FOR = {"decision_to_assess": set("acd"), "issue_decision": set("abcd"), "draft_latest_safe": set(),
               "final_plan": set("abcd")}


@relaxed
@given(dates, st.integers(min_value=-120, max_value=300), st.integers(min_value=0, max_value=300),
       st.integers(min_value=0, max_value=300), st.one_of(st.none(), st.integers(min_value=0, max_value=300)),
       grounds)
def test_an_exception_excuses_exactly_what_its_ground_and_dates_allow(
        received: date, began_after: int, recorded_later: int, today_after: int, lasted: int | None,
        ground: str) -> None:
    began = plus(received, began_after)  # may be before the request: circumstances already running
    ended = None if lasted is None else plus(began, lasted)
    recorded = max(began, received) + timedelta(days=recorded_later)  # when it was recorded never matters
    today = plus(received, today_after)
    result = ENGINE.evaluate(untouched(received, [ExceptionFacts(ground, recorded, "", began, ended)]), today)
    for m in result.milestones:
        excusable = (ground in GROUNDS_FOR[m.name] and began <= m.due
                     and (ended is None or ended >= received))
        if today > m.due:
            assert m.status == ("exempt" if excusable else "overdue")
        else:
            assert m.status in {"pending", "due_soon"}  # before due: the ordinary status


@relaxed
@given(dates, st.integers(min_value=0, max_value=300), grounds, days)
def test_adding_an_exception_never_changes_a_date(received: date, recorded_after: int, ground: str,
                                                  today_after: int) -> None:
    today = plus(received, today_after)
    facts = RequestFacts("P", received, decision_to_assess=True,
                         decision_to_assess_on=plus(received, 50),
                         advice=[AdviceFacts("ep", plus(received, 51))])
    plain = ENGINE.evaluate(facts, today)
    facts.exceptions.append(ExceptionFacts(ground, plus(received, recorded_after)))
    excused = ENGINE.evaluate(facts, today)
    assert [(m.name, m.due, m.work_by, m.done) for m in plain.milestones] == [
        (m.name, m.due, m.work_by, m.done) for m in excused.milestones]
    assert [(a.due, a.status, a.days_late) for a in plain.advice] == [
        (a.due, a.status, a.days_late) for a in excused.advice]
    assert (plain.stage, plain.earliest_final) == (excused.stage, excused.earliest_final)


RANK = {"pending": 0, "due_soon": 1, "overdue": 2}


@relaxed
@given(dates, days, st.integers(min_value=1, max_value=100))
def test_statuses_are_monotone_in_time_for_an_untouched_request(received: date, first: int,
                                                                step: int) -> None:
    earlier = ENGINE.evaluate(untouched(received), plus(received, first))
    later = ENGINE.evaluate(untouched(received), plus(received, first + step))
    for a, b in zip(earlier.milestones, later.milestones, strict=True):
        assert a.status in RANK and b.status in RANK
        assert RANK[a.status] <= RANK[b.status], (a, b)


@relaxed
@given(dates, days)
def test_untouched_status_is_decided_by_days_to_due(received: date, today_after: int) -> None:
    today = plus(received, today_after)
    for m in ENGINE.evaluate(untouched(received), today).milestones:
        left = (m.due - today).days
        expected = "overdue" if left < 0 else "due_soon" if left <= 7 else "pending"
        assert m.status == expected


@relaxed
@given(dates, st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
       st.integers(min_value=0, max_value=150))
def test_advice_days_late(requested: date, received_after: int | None, today_after: int) -> None:
    received = None if received_after is None else plus(requested, received_after)
    today = plus(requested, today_after)
    if received is not None and received > today:
        today = received
    facts = RequestFacts("P", requested, decision_to_assess=True, decision_to_assess_on=requested,
                         advice=[AdviceFacts("health", requested, received)])
    (a,) = ENGINE.evaluate(facts, today).advice
    assert a.due == plus(requested, 42)
    assert a.days_late >= 0
    if a.status in {"late", "received_late"}:
        assert a.days_late == ((received or today) - a.due).days > 0
    else:
        assert a.days_late == 0
    assert (a.status == "late") == (received is None and today > a.due)
    assert (a.status == "received_late") == (received is not None and received > a.due)


def month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@relaxed
@given(dates, st.integers(min_value=0, max_value=36))
def test_period_months_clamp_to_the_month_end(start: date, months: int) -> None:
    end = Period(months=months).add_to(start)
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    assert (end.year, end.month) == (year, month + 1)
    assert end.day == min(start.day, month_end(year, month + 1))


def test_31_dec_plus_two_months_is_the_end_of_february() -> None:
    assert Period(months=2).add_to(date(2024, 12, 31)) == date(2025, 2, 28)
    assert Period(months=2).add_to(date(2023, 12, 31)) == date(2024, 2, 29)  # leap year
    assert Period(months=1).add_to(date(2025, 1, 31)) == date(2025, 2, 28)
    assert Period(months=12).add_to(date(2024, 2, 29)) == date(2025, 2, 28)


@relaxed
@given(dates, st.integers(min_value=1, max_value=120))
def test_beginning_with_last_day_is_start_plus_n_minus_1(start: date, n: int) -> None:
    for period in (Period(days=n), Period(weeks=n)):
        length = period.fixed_days
        assert length is not None
        t = Timescale("t", "t", "served", period, "beginning_with", "", frozenset())
        assert t.last_day(start) == plus(start, length - 1)
        assert t.first_day_after(start) == plus(start, length)
        within = Timescale("t", "t", "sent", period, "within", "", frozenset())
        assert within.last_day(start) == plus(start, length)


@relaxed
@given(dates)
def test_earliest_final_is_served_plus_15(served: date) -> None:
    assert ENGINE.earliest_final(served) == plus(served, 15)
    assert ENGINE.family_comment_ends(served) == plus(served, 14)


# --- typical turnaround ------------------------------------------------------------------------

returns_lists = st.lists(
    st.tuples(dates, st.integers(min_value=0, max_value=200)),  # (received, days it took)
    min_size=0, max_size=40, unique_by=lambda t: t[0])


def to_returns(service: str, rows: list[tuple[date, int]]) -> list[AdviceReturn]:
    return [AdviceReturn(service, received - timedelta(days=took), received)
            for received, took in rows]


@relaxed
@given(returns_lists)
def test_typical_turnaround_is_the_median_of_the_last_20(rows: list[tuple[date, int]]) -> None:
    result = typical_turnaround(to_returns("EP", rows), default_rules())
    if len(rows) < 5:
        assert result == {}  # callers then use the statutory 42 days
    else:
        latest = [took for _, took in sorted(rows)[-20:]]
        assert result == {"EP": math.ceil(statistics.median(latest))}


def test_typical_turnaround_uses_the_20_latest_by_receipt_date() -> None:
    start = date(2024, 1, 1)
    old = [AdviceReturn("EP", start, plus(start, 300 + i)) for i in range(5)]  # oldest: 300+ days
    recent = [AdviceReturn("EP", plus(start, 400 + i), plus(start, 400 + 2 * i))
              for i in range(1, 21)]
    # recent took 1..20 days: median (10 + 11) / 2 = 10.5, rounded up to 11.
    assert typical_turnaround(recent[::-1] + old, default_rules()) == {"EP": 11}
    # 9 returns took 1, 2, 3, 4, 300, 301, 302, 303, 304 days: the median is the 5th, 300.
    assert typical_turnaround(old + recent[:4], default_rules()) == {"EP": 300}


def test_typical_turnaround_latest_means_latest_received_not_latest_requested() -> None:
    start = date(2024, 1, 1)
    # 20 returns requested on day 100 that took 1..20 days, and one asked on day 0 that took 500.
    quick = [AdviceReturn("EP", plus(start, 100), plus(start, 100 + i)) for i in range(1, 21)]
    slow = AdviceReturn("EP", start, plus(start, 500))
    # The 20 latest received are the ones that took 2..20 days and the slow one: 20 values, median
    # (11 + 12) / 2 = 11.5, rounded up to 12 (by request date it would be 1..20: 10.5 -> 11).
    assert typical_turnaround([slow, *quick], default_rules()) == {"EP": 12}


def test_typical_turnaround_is_per_service() -> None:
    start = date(2024, 1, 1)
    ep = [AdviceReturn("EP", start, plus(start, 60 + i)) for i in range(5)]      # 60..64: median 62
    health = [AdviceReturn("Health", start, plus(start, 30)) for _ in range(4)]  # only 4 returns
    assert typical_turnaround(ep + health, default_rules()) == {"EP": 62}


@relaxed
@given(dates, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=150),
       st.one_of(st.none(), st.integers(min_value=0, max_value=200)))
def test_at_risk_iff_expected_arrival_after_latest_safe_draft(
        received: date, asked_after: int, today_after: int, turnaround: int | None) -> None:
    requested = plus(received, asked_after)
    today = plus(requested, today_after)
    facts = RequestFacts("P", received, decision_to_assess=True, decision_to_assess_on=received,
                         advice=[AdviceFacts("ep", requested, service="EP")])
    table = {} if turnaround is None else {"EP": turnaround}
    risks = advice_at_risk(ENGINE.evaluate(facts, today), today, table, default_rules())
    expected = max(plus(requested, 42 if turnaround is None else turnaround), plus(today, 1))
    latest_safe = plus(received, 118)
    assert [(r.expected, r.latest_safe_draft) for r in risks] == (
        [(expected, latest_safe)] if expected > latest_safe else [])


# --- the corrections of docs/law.md: advice from receipt, posted drafts, binding, week 20 ------------

@relaxed
@given(dates, st.sampled_from(["email", "portal", "hand", "post"]), days)
def test_advice_is_due_42_days_after_the_adviser_receives_it(requested: date, sent_by: str, later: int) -> None:
    facts = RequestFacts("P", requested, advice=[AdviceFacts("ep", requested, sent_by=sent_by)])
    (a,) = ENGINE.evaluate(facts, plus(requested, later)).advice
    assert a.due == plus(a.delivered, 42)  # type: ignore[arg-type]
    if sent_by != "post":
        assert a.delivered == requested
    else:  # the second working day after posting: one working day strictly between, none skipped
        assert a.delivered is not None and a.delivered > requested
        assert a.delivered.weekday() < 5 and a.delivered not in BANK_HOLIDAYS
        between = [plus(requested, n) for n in range(1, (a.delivered - requested).days)]
        assert sum(1 for day in between if day.weekday() < 5 and day not in BANK_HOLIDAYS) == 1


@relaxed
@given(dates, days, st.booleans(), st.one_of(st.none(), st.booleans()))
def test_only_a_binding_date_is_ever_a_breach(received: date, later: int, assess: bool,
                                             issue: bool | None) -> None:
    facts = RequestFacts("P", received, decision_to_assess=assess, decision_to_assess_on=plus(received, 10),
                         decision_to_issue=issue if assess else None,
                         decision_to_issue_on=plus(received, 130) if assess and issue is not None else None)
    result = ENGINE.evaluate(facts, plus(received, later))
    by_name = {m.name: m for m in result.milestones}
    assert not by_name["draft_latest_safe"].binding
    assert by_name["decision_to_assess"].binding and by_name["final_plan"].binding
    assert by_name["issue_decision"].binding == (facts.decision_to_issue is not True)
    assert all(m.breached == (m.status == "overdue" and m.binding) for m in result.milestones)


@relaxed
@given(dates, st.integers(min_value=0, max_value=160), st.integers(min_value=0, max_value=40),
       st.sampled_from(["email", "post"]))
def test_week_20_is_called_unmeetable_exactly_when_the_15_days_end_too_late(
        received: date, sent_after: int, then: int, sent_by: str) -> None:
    sent = plus(received, sent_after)
    facts = RequestFacts("P", received, decision_to_assess=True, decision_to_assess_on=received,
                         decision_to_issue=True, decision_to_issue_on=sent, draft_sent=sent, draft_sent_by=sent_by)
    result = ENGINE.evaluate(facts, plus(sent, then))
    assert result.served is not None and result.earliest_final == plus(result.served, 15)
    final_due = result.milestone("final_plan").due
    today = plus(sent, then)
    still_ahead = result.earliest_final > final_due and result.earliest_final > today
    assert result.final_cannot_be_met == (result.earliest_final if still_ahead else None)
