"""Worked examples of advice risk (docs/law.md#advice).

A case is at risk when an outstanding advice request's expected arrival, the later of
(requested + the service's typical turnaround) and (today + 1), falls after the latest safe draft
day. The base case is the published example EHC-0001: received 6 Jan 2025, latest safe draft day
6 Jan + 118 = 4 May 2025, EP advice requested 11 Feb 2025.
"""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.statutory import (
    AdviceFacts,
    AdviceReturn,
    DeadlineEngine,
    RequestFacts,
    advice_at_risk,
    default_rules,
    typical_turnaround,
)

ENGINE = DeadlineEngine()
RULES = default_rules()
LATEST_SAFE = date(2025, 5, 4)


def case(*advice: AdviceFacts, **kw: date | bool | None) -> RequestFacts:
    return RequestFacts("EHC-0001", date(2025, 1, 6), decision_to_assess=True,
                        decision_to_assess_on=date(2025, 2, 10), advice=list(advice),
                        **kw)  # type: ignore[arg-type]


def ep(received: date | None = None) -> AdviceFacts:
    return AdviceFacts("ep", date(2025, 2, 11), received, "Herefordshire EP Service")


def risks(facts: RequestFacts, today: date, turnaround: dict[str, int]) -> list[tuple[str, date]]:
    found = advice_at_risk(ENGINE.evaluate(facts, today), today, turnaround, RULES)
    assert all(r.latest_safe_draft == LATEST_SAFE for r in found)
    return [(r.kind, r.expected) for r in found]


def test_statutory_42_days_is_not_at_risk() -> None:
    # 11 Feb + 42 = 25 Mar, well before 4 May.
    assert risks(case(ep()), date(2025, 3, 1), {}) == []


def test_a_slow_service_puts_the_case_at_risk() -> None:
    # 11 Feb + 90 = 12 May (17 to 28 Feb, 31 to 31 Mar, 30 to 30 Apr, 12 more), after 4 May.
    slow = {"Herefordshire EP Service": 90}
    assert risks(case(ep()), date(2025, 3, 1), slow) == [("ep", date(2025, 5, 12))]
    # 11 Feb + 82 = 4 May: arriving on the latest safe day itself is not after it.
    assert risks(case(ep()), date(2025, 3, 1), {"Herefordshire EP Service": 82}) == []


def test_advice_still_out_on_the_latest_safe_day_is_at_risk() -> None:
    # Expected = max(25 Mar, today + 1): 3 May + 1 = 4 May is not after 4 May; 4 May + 1 is.
    assert risks(case(ep()), date(2025, 5, 3), {}) == []
    assert risks(case(ep()), date(2025, 5, 4), {}) == [("ep", date(2025, 5, 5))]


def test_received_advice_is_never_at_risk() -> None:
    assert risks(case(ep(date(2025, 5, 1))), date(2025, 5, 10), {}) == []


def test_no_risk_once_the_draft_is_out_or_the_case_is_closed() -> None:
    slow = {"Herefordshire EP Service": 90}
    drafted = case(ep(), decision_to_issue=True, decision_to_issue_on=date(2025, 4, 1),
                   draft_sent=date(2025, 4, 20))
    assert risks(drafted, date(2025, 4, 21), slow) == []
    withdrawn = case(ep(), withdrawn=date(2025, 3, 3))
    assert risks(withdrawn, date(2025, 3, 4), slow) == []


def test_each_outstanding_advice_request_is_judged_on_its_own() -> None:
    health = AdviceFacts("health", date(2025, 3, 20), None, "Wye Valley NHS Trust")
    # Health: 20 Mar + 42 = 1 May (not at risk); at 60 days, 20 Mar + 60 = 19 May (at risk).
    assert risks(case(ep(), health), date(2025, 3, 21), {}) == []
    assert risks(case(ep(), health), date(2025, 3, 21), {"Wye Valley NHS Trust": 60}) == [
        ("health", date(2025, 5, 19))]


def test_a_service_with_fewer_than_5_returns_falls_back_to_42_days() -> None:
    start = date(2024, 9, 2)
    slow = [AdviceReturn("Herefordshire EP Service", start, start + timedelta(days=100))] * 4
    table = typical_turnaround(slow, RULES)
    assert table == {}
    assert risks(case(ep()), date(2025, 3, 1), table) == []  # 11 Feb + 42 = 25 Mar
    table = typical_turnaround([*slow, slow[0]], RULES)  # the 5th return: median 100 days
    assert table == {"Herefordshire EP Service": 100}
    # 11 Feb + 100 = 22 May 2025 (17 + 31 + 30 = 78 to 30 Apr, + 22).
    assert risks(case(ep()), date(2025, 3, 1), table) == [("ep", date(2025, 5, 22))]
