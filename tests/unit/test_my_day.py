"""My day: the sections a caseworker works through each morning."""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.reports.my_day import (
    ADVICE_DUE_SOON,
    AT_RISK,
    DRAFT_PAST_SAFE_DAY,
    DUE_THIS_WEEK,
    FINAL_WAITING,
    LATE_EP,
    LATE_HEALTH,
    LATE_OTHER_ADVICE,
    OVERDUE_STEPS,
    build_my_day,
)
from caseworker.statutory import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts

ENGINE = DeadlineEngine()
RULES = ENGINE.rules
RECEIVED = date(2025, 1, 6)


def day(facts: list[RequestFacts], today: date, turnaround: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
    return build_my_day(ENGINE.evaluate_all(facts, today), today, turnaround or {}, RULES)


def assessing(**kw: object) -> RequestFacts:
    return RequestFacts("EHC-1", RECEIVED, "Amelia Jones", "jsmith", decision_to_assess=True,
                        decision_to_assess_on=date(2025, 2, 10), **kw)  # type: ignore[arg-type]


def test_ep_advice_is_late_on_day_43_not_day_42() -> None:
    facts = [assessing(advice=[AdviceFacts("ep", date(2025, 2, 11), service="County EP")])]
    on_day_42 = day(facts, date(2025, 2, 11) + timedelta(days=42))
    assert on_day_42.count(LATE_EP) == 0 and on_day_42.count(ADVICE_DUE_SOON) == 1
    on_day_43 = day(facts, date(2025, 2, 11) + timedelta(days=43))
    [late] = on_day_43.sections[LATE_EP]
    assert (late.days_late, late.what, late.due) == (1, "EP advice (County EP)", date(2025, 3, 25))


def test_health_and_other_advice_are_called_out_separately() -> None:
    facts = [assessing(advice=[AdviceFacts("health", date(2025, 2, 11)), AdviceFacts("social_care",
                                                                                    date(2025, 2, 11))])]
    today = date(2025, 4, 1)
    assert day(facts, today).count(LATE_HEALTH) == 1
    assert day(facts, today).count(LATE_OTHER_ADVICE) == 1


def test_overdue_and_due_this_week_sections_sorted_by_urgency() -> None:
    older = RequestFacts("EHC-A", date(2025, 1, 1), "A", None)    # assess due 12 Feb
    newer = RequestFacts("EHC-B", date(2025, 1, 8), "B", None)    # assess due 19 Feb
    soon = RequestFacts("EHC-C", date(2025, 1, 20), "C", None)    # assess due 3 Mar
    md = day([newer, soon, older], date(2025, 2, 25))
    assert [i.reference for i in md.sections[OVERDUE_STEPS]] == ["EHC-A", "EHC-B"]
    assert [i.days_late for i in md.sections[OVERDUE_STEPS]] == [13, 6]
    [due] = md.sections[DUE_THIS_WEEK]
    assert (due.reference, due.due, due.days_left) == ("EHC-C", date(2025, 3, 3), 6)


def test_an_exempt_step_is_not_overdue() -> None:
    facts = [RequestFacts("EHC-X", RECEIVED, exceptions=[ExceptionFacts("d", date(2025, 2, 1))])]
    assert day(facts, date(2025, 3, 1)).count(OVERDUE_STEPS) == 0


def test_a_draft_past_its_latest_safe_day_has_its_own_section() -> None:
    facts = [assessing(decision_to_issue=True, decision_to_issue_on=date(2025, 4, 1))]
    md = day(facts, date(2025, 5, 5))  # latest safe day 4 May (received + 118)
    [item] = md.sections[DRAFT_PAST_SAFE_DAY]
    assert item.due == date(2025, 5, 4) and item.days_late == 1
    assert md.count(OVERDUE_STEPS) == 0


def test_final_waits_while_the_familys_15_days_run() -> None:
    facts = [assessing(decision_to_issue=True, decision_to_issue_on=date(2025, 4, 1),
                       draft_sent=date(2025, 4, 10))]
    [item] = day(facts, date(2025, 4, 24)).sections[FINAL_WAITING]
    assert item.due == date(2025, 4, 25)  # sent 10 Apr + 15
    assert day(facts, date(2025, 4, 25)).count(FINAL_WAITING) == 0


def test_slow_services_put_a_request_at_risk() -> None:
    facts = [assessing(advice=[AdviceFacts("ep", date(2025, 3, 20), service="Slow EP")])]
    # Latest safe draft day: 6 Jan + 118 = 4 May. At 42 days the advice lands 1 May: safe.
    assert day(facts, date(2025, 3, 25)).count(AT_RISK) == 0
    # At this service's typical 70 days it lands 29 May: at risk.
    [risk] = day(facts, date(2025, 3, 25), {"Slow EP": 70}).sections[AT_RISK]
    assert "29 May 2025" in risk.note


def test_week_16_is_overdue_until_a_yes_and_a_late_yes_is_not_overdue() -> None:
    waiting = [assessing()]
    [item] = day(waiting, date(2025, 4, 29)).sections[OVERDUE_STEPS]  # week 16 was 28 Apr
    assert item.what == "Decide whether to issue"
    late_yes = [assessing(decision_to_issue=True, decision_to_issue_on=date(2025, 4, 29))]
    assert day(late_yes, date(2025, 4, 30)).count(OVERDUE_STEPS) == 0


def test_a_week_20_that_cannot_be_met_says_so() -> None:
    # Draft emailed 20 May 2025: the family's 15 days end 3 Jun, so the final due 26 May cannot be met.
    facts = [assessing(decision_to_issue=True, decision_to_issue_on=date(2025, 4, 1),
                       draft_sent=date(2025, 5, 20))]
    [item] = day(facts, date(2025, 5, 21)).sections[DUE_THIS_WEEK]
    assert item.what == "Issue the final plan"
    assert item.note == "cannot be met: earliest lawful final 4 Jun 2025"
    assert item.earliest_lawful_final == date(2025, 6, 4)


def test_excused_advice_is_not_late() -> None:
    facts = [assessing(advice=[AdviceFacts("ep", date(2025, 2, 11), excused_ground="absent")])]
    assert day(facts, date(2025, 4, 1)).count(LATE_EP) == 0


def test_an_overdue_final_whose_15_days_have_run_is_overdue_not_unmeetable() -> None:
    facts = [assessing(decision_to_issue=True, decision_to_issue_on=date(2025, 4, 1),
                       draft_sent=date(2025, 5, 1))]
    [item] = day(facts, date(2025, 5, 30)).sections[OVERDUE_STEPS]  # final due 26 May; could issue from 16 May
    assert (item.what, item.days_late, item.earliest_lawful_final, item.note) == ("Issue the final plan", 4, None, "")
