"""The step previews the forms call as the user types: refused dates and the consequence, in words.

Every date below is worked out by hand from docs/law.md (counting, the 20-week assessment) for a request received on
Mon 6 Jan 2025: decision by +42 = Mon 17 Feb; issue decision by +112 = Mon 28 Apr; final plan by
+140 = Mon 26 May; latest safe draft = final - 15 - 7 = Sun 4 May.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caseworker.statutory import preview as pv
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, RequestFacts

RECEIVED = date(2025, 1, 6)
TODAY = date(2025, 6, 30)  # late enough that no date below is "after today" unless meant to be


@pytest.fixture(scope="module")
def engine() -> DeadlineEngine:
    return DeadlineEngine()


def request(**kw: object) -> RequestFacts:
    return RequestFacts(reference="EHC-2025-0001", received=RECEIVED, **kw)  # type: ignore[arg-type]


def assessing(**kw: object) -> RequestFacts:
    return request(decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10), **kw)


def issuing(**kw: object) -> RequestFacts:
    return assessing(decision_to_issue=True, decision_to_issue_on=date(2025, 4, 7), **kw)


def fields(p: pv.Preview) -> dict[str, str]:
    return {problem.field: problem.reason for problem in p.problems}


def test_fmt_names_the_weekday_day_month_and_year() -> None:
    assert pv.fmt(date(2025, 3, 16)) == "Sun 16 March 2025"


# --- decision to assess -------------------------------------------------------------------------------


def test_yes_to_assess_names_the_week_20_date_and_the_latest_safe_draft_day(engine: DeadlineEngine) -> None:
    p = pv.decision_to_assess(request(), True, date(2025, 2, 10), TODAY, engine)
    assert p.ok
    assert p.consequence == ("Ask each adviser now: they have 6 weeks. The final plan is due Mon 26 May 2025 "
                             "(week 20); the latest safe day to send the draft is Sun 4 May 2025.")


def test_a_late_decision_says_by_how_many_days(engine: DeadlineEngine) -> None:
    p = pv.decision_to_assess(request(), True, date(2025, 2, 20), TODAY, engine)
    assert p.consequence.endswith("That is 3 days after the deadline (Mon 17 February 2025).")


def test_no_to_assess_closes_the_request_with_appeal_rights(engine: DeadlineEngine) -> None:
    p = pv.decision_to_assess(request(), False, date(2025, 2, 17), TODAY, engine)
    assert p.consequence.startswith("The request closes.") and "appeal" in p.consequence
    assert "after the deadline" not in p.consequence  # 17 Feb is the last compliant day


def test_a_decision_before_the_request_arrived_is_refused(engine: DeadlineEngine) -> None:
    p = pv.decision_to_assess(request(), True, date(2025, 1, 5), TODAY, engine)
    assert not p.ok and p.consequence == ""
    assert fields(p) == {"decision_to_assess_date":
                         "5 Jan 2025 is before the date the request was received (6 Jan 2025)"}


def test_a_decision_after_today_is_refused(engine: DeadlineEngine) -> None:
    p = pv.decision_to_assess(request(), True, date(2025, 3, 4), date(2025, 3, 3), engine)
    assert fields(p) == {"decision_to_assess_date": "4 Mar 2025 is after today (3 Mar 2025)"}


# --- advice -------------------------------------------------------------------------------------------


def test_advice_is_due_six_weeks_after_the_request(engine: DeadlineEngine) -> None:
    p = pv.request_advice(assessing(), "ep", date(2025, 2, 11), TODAY, engine)
    assert p.consequence == ("The adviser has it on Tue 11 February 2025; advice is due back by Tue 25 March 2025 "
                             "(6 weeks).")


@pytest.mark.parametrize("sent_by", ["email", "portal", "hand"])
def test_advice_sent_other_than_by_post_arrives_the_same_day(engine: DeadlineEngine, sent_by: str) -> None:
    p = pv.request_advice(assessing(), "ep", date(2025, 2, 11), TODAY, engine, sent_by)
    assert p.consequence.startswith("The adviser has it on Tue 11 February 2025;")


def test_posted_advice_over_christmas_runs_from_the_second_working_day(engine: DeadlineEngine) -> None:
    # docs/law.md, each adviser's 6 weeks: posted Tue 23 Dec 2025; 25 and 26 Dec are bank holidays and
    # 27-28 Dec a weekend, so the adviser has it on Mon 29 Dec; due 42 days later, Mon 9 Feb 2026.
    facts = RequestFacts(reference="EHC-2025-0100", received=date(2025, 12, 1), decision_to_assess=True,
                         decision_to_assess_on=date(2025, 12, 15))
    p = pv.request_advice(facts, "health", date(2025, 12, 23), date(2025, 12, 23), engine, "post")
    assert p.ok
    assert p.consequence.startswith("The adviser has it on Mon 29 December 2025 (the second working day after "
                                    "posting); advice is due back by Mon 9 February 2026 (6 weeks).")


def test_advice_due_after_the_latest_safe_draft_day_puts_week_20_at_risk(engine: DeadlineEngine) -> None:
    p = pv.request_advice(assessing(), "health", date(2025, 3, 25), TODAY, engine)
    assert p.consequence == ("The adviser has it on Tue 25 March 2025; advice is due back by Tue 6 May 2025 "
                             "(6 weeks). That is after the latest safe day to send the draft (Sun 4 May 2025): "
                             "week 20 is at risk.")


def test_advice_requested_before_the_request_is_refused_on_its_own_field(engine: DeadlineEngine) -> None:
    p = pv.request_advice(assessing(), "health", date(2025, 1, 2), TODAY, engine)
    assert fields(p) == {"health_advice_requested":
                         "2 Jan 2025 is before the date the request was received (6 Jan 2025)"}


def test_advice_received_late_says_how_late(engine: DeadlineEngine) -> None:
    facts = assessing(advice=[AdviceFacts("ep", date(2025, 2, 11), id=7)])
    assert pv.advice_received(facts, 7, date(2025, 3, 30), TODAY, engine).consequence == (
        "Received 5 days late: it was due by Tue 25 March 2025.")
    assert pv.advice_received(facts, 7, date(2025, 3, 25), TODAY, engine).consequence == (
        "On time: it was due by Tue 25 March 2025.")


def test_advice_received_before_it_was_requested_is_refused(engine: DeadlineEngine) -> None:
    facts = assessing(advice=[AdviceFacts("ep", date(2025, 2, 11), id=7)])
    p = pv.advice_received(facts, 7, date(2025, 2, 10), TODAY, engine)
    assert fields(p) == {"ep_advice_received": "10 Feb 2025 is before the advice was requested (11 Feb 2025)"}


def test_advice_not_on_the_case_is_refused(engine: DeadlineEngine) -> None:
    p = pv.advice_received(assessing(), 99, date(2025, 3, 1), TODAY, engine)
    assert fields(p) == {"received": "this advice request is not on the case"}


def test_previews_never_change_the_facts_they_are_given(engine: DeadlineEngine) -> None:
    facts = assessing(advice=[AdviceFacts("ep", date(2025, 2, 11), id=7)])
    before = replace(facts, advice=list(facts.advice))
    pv.advice_received(facts, 7, date(2025, 3, 30), TODAY, engine)
    pv.draft_sent(facts, date(2025, 4, 14), None, TODAY, engine)
    assert facts == before and facts.advice[0].received is None


# --- decision to issue --------------------------------------------------------------------------------


def test_yes_to_issue_names_the_draft_and_final_dates(engine: DeadlineEngine) -> None:
    p = pv.decision_to_issue(assessing(), True, date(2025, 4, 7), TODAY, engine)
    assert p.consequence == "Send the draft by Sun 4 May 2025 to keep the week-20 date of Mon 26 May 2025."


def test_a_late_yes_to_issue_is_later_than_planned_not_a_breach(engine: DeadlineEngine) -> None:
    p = pv.decision_to_issue(assessing(), True, date(2025, 4, 30), TODAY, engine)
    assert p.ok
    assert p.consequence == ("Send the draft by Sun 4 May 2025 to keep the week-20 date of Mon 26 May 2025. The "
                             "decision is 2 days later than planned (week 16 was Mon 28 April 2025); only a decision "
                             "not to issue is bound by that date, so this is not a breach.")
    assert "after the deadline" not in p.consequence


def test_a_late_no_to_issue_says_it_missed_week_16(engine: DeadlineEngine) -> None:
    p = pv.decision_to_issue(assessing(), False, date(2025, 4, 30), TODAY, engine)
    assert "a decision not to issue is due by Mon 28 April 2025." in p.consequence
    assert p.consequence.endswith("That is 2 days after the deadline (Mon 28 April 2025).")


def test_a_decision_to_issue_before_the_decision_to_assess_is_refused(engine: DeadlineEngine) -> None:
    p = pv.decision_to_issue(assessing(), True, date(2025, 2, 5), TODAY, engine)
    assert fields(p) == {"decision_to_issue_date": "5 Feb 2025 is before the decision to assess (10 Feb 2025)"}


# --- draft ----------------------------------------------------------------------------------------------


def test_draft_sent_starts_the_familys_15_days(engine: DeadlineEngine) -> None:
    p = pv.draft_sent(issuing(), date(2025, 4, 14), None, TODAY, engine)
    assert p.consequence == ("The family's 15 days run to Mon 28 April 2025; the earliest lawful final date is "
                             "Tue 29 April 2025.")


def test_the_15_days_can_end_on_a_weekend(engine: DeadlineEngine) -> None:
    # Served Sat 1 Mar: day 1 is the service day, so the 15 days end Sat 15 Mar; final from Sun 16 Mar.
    facts = RequestFacts(reference="EHC-2024-0009", received=date(2024, 11, 4), decision_to_assess=True,
                         decision_to_assess_on=date(2024, 12, 2), decision_to_issue=True,
                         decision_to_issue_on=date(2025, 2, 17))
    p = pv.draft_sent(facts, date(2025, 3, 1), None, date(2025, 3, 3), engine)
    assert p.consequence == ("The family's 15 days run to Sat 15 March 2025; the earliest lawful final date is "
                             "Sun 16 March 2025.")


def test_a_draft_served_later_counts_from_the_day_it_is_served(engine: DeadlineEngine) -> None:
    p = pv.draft_sent(issuing(), date(2025, 4, 14), date(2025, 4, 16), TODAY, engine)
    assert p.consequence == ("Served on Wed 16 April 2025. The family's 15 days run to Wed 30 April 2025; the "
                             "earliest lawful final date is Thu 1 May 2025.")


def test_a_draft_too_late_for_week_20_says_so(engine: DeadlineEngine) -> None:
    p = pv.draft_sent(issuing(), date(2025, 5, 20), None, TODAY, engine)
    # 20 May + 14 = Tue 3 Jun; + 15 = Wed 4 Jun, after Mon 26 May.
    assert p.consequence == ("The family's 15 days run to Tue 3 June 2025; the earliest lawful final date is "
                             "Wed 4 June 2025. That is after the week-20 date (Mon 26 May 2025): week 20 cannot be "
                             "met.")


def issuing_2026() -> RequestFacts:
    """Received Mon 12 Jan 2026: final plan due Mon 1 June 2026 (docs/law.md, drafts)."""
    return RequestFacts(reference="EHC-2026-0001", received=date(2026, 1, 12), decision_to_assess=True,
                        decision_to_assess_on=date(2026, 2, 16), decision_to_issue=True,
                        decision_to_issue_on=date(2026, 4, 20))


def test_a_posted_draft_is_served_on_the_second_working_day_which_may_be_after_today(
        engine: DeadlineEngine) -> None:
    # Posted Thu 30 Apr 2026; Fri 1 May is the first working day, Mon 4 May a bank holiday: served Tue 5 May.
    p = pv.draft_sent(issuing_2026(), date(2026, 4, 30), None, date(2026, 5, 1), engine, "post")
    assert p.ok
    assert p.consequence == ("Posted: served on Tue 5 May 2026, the second working day after posting. The family's "
                             "15 days run to Tue 19 May 2026; the earliest lawful final date is Wed 20 May 2026.")


def test_a_draft_posted_too_late_says_week_20_cannot_be_met(engine: DeadlineEngine) -> None:
    p = pv.draft_sent(issuing_2026(), date(2026, 5, 15), None, date(2026, 5, 15), engine, "post")
    assert p.consequence == ("Posted: served on Tue 19 May 2026, the second working day after posting. The family's "
                             "15 days run to Tue 2 June 2026; the earliest lawful final date is Wed 3 June 2026. That "
                             "is after the week-20 date (Mon 1 June 2026): week 20 cannot be met.")


def test_a_served_date_recorded_after_today_is_accepted(engine: DeadlineEngine) -> None:
    p = pv.draft_sent(issuing_2026(), date(2026, 4, 30), date(2026, 5, 6), date(2026, 4, 30), engine, "post")
    assert p.ok and p.consequence.startswith("Served on Wed 6 May 2026. The family's 15 days run to Wed 20 May 2026")


def test_a_draft_before_the_decision_to_issue_is_refused(engine: DeadlineEngine) -> None:
    p = pv.draft_sent(issuing(), date(2025, 4, 1), None, TODAY, engine)
    assert not p.ok
    assert fields(p) == {"draft_plan_sent": "1 Apr 2025 is before the decision to issue a plan (7 Apr 2025)"}


def test_a_draft_served_before_it_was_sent_is_refused(engine: DeadlineEngine) -> None:
    p = pv.draft_sent(issuing(), date(2025, 4, 14), date(2025, 4, 12), TODAY, engine)
    assert fields(p) == {"draft_plan_served": "12 Apr 2025 is before the draft was sent (14 Apr 2025)"}


# --- final plan -----------------------------------------------------------------------------------------


def test_a_final_inside_the_15_days_names_the_earliest_lawful_date(engine: DeadlineEngine) -> None:
    p = pv.final_plan(issuing(draft_sent=date(2025, 4, 14)), date(2025, 4, 28), TODAY, engine)
    assert not p.ok and p.consequence == ""
    assert fields(p) == {"final_plan_issued": "28 Apr 2025 is inside the family's 15 days on the draft (they run "
                                              "to 28 Apr 2025; the earliest lawful final date is 29 Apr 2025)"}


def test_the_final_on_the_earliest_lawful_day_is_accepted(engine: DeadlineEngine) -> None:
    p = pv.final_plan(issuing(draft_sent=date(2025, 4, 14)), date(2025, 4, 29), TODAY, engine)
    assert p.ok


def test_a_final_within_20_weeks_says_which_week(engine: DeadlineEngine) -> None:
    p = pv.final_plan(issuing(draft_sent=date(2025, 4, 14)), date(2025, 5, 1), TODAY, engine)
    # 1 May is 115 days after 6 Jan: week 16.
    assert p.consequence == ("Issued in week 16: within 20 weeks (due Mon 26 May 2025). Send it with the "
                             "appeal rights.")


def test_a_late_final_says_how_many_days_after_week_20(engine: DeadlineEngine) -> None:
    p = pv.final_plan(issuing(draft_sent=date(2025, 4, 14)), date(2025, 6, 2), TODAY, engine)
    assert p.consequence == ("Issued in week 21: 7 days after the 20-week date (Mon 26 May 2025). Send it with "
                             "the appeal rights.")


# --- exceptions and withdrawal --------------------------------------------------------------------------


def test_an_exception_explains_that_the_dates_do_not_move(engine: DeadlineEngine) -> None:
    p = pv.exception(assessing(), "c", date(2025, 2, 3), TODAY, engine)
    assert p.ok and "the dates do not move" in p.consequence and "15 days" in p.consequence


def test_an_exception_names_what_its_ground_can_excuse_from_the_day_it_began(engine: DeadlineEngine) -> None:
    p = pv.exception(assessing(), "c", TODAY, TODAY, engine, began=date(2025, 2, 3))
    assert p.consequence.startswith(
        "Ground (c) can excuse the decision whether to assess, the decision whether to issue and the final plan, "
        "but only a deadline due on or after the day the circumstances began (Mon 3 February 2025). Here: the "
        "decision whether to assess (due Mon 17 February 2025), the decision whether to issue (due Mon 28 April "
        "2025) and the final plan (due Mon 26 May 2025).")


def test_ground_b_never_excuses_the_decision_to_assess(engine: DeadlineEngine) -> None:
    p = pv.exception(assessing(), "b", date(2025, 2, 3), TODAY, engine, began=date(2025, 2, 1))
    assert p.consequence.startswith("Ground (b) can excuse the decision whether to issue and the final plan, but")
    assert "Here: the decision whether to issue (due Mon 28 April 2025) and the final plan (due Mon 26 May 2025)." \
        in p.consequence


def test_an_exception_that_began_later_leaves_out_what_was_due_before(engine: DeadlineEngine) -> None:
    p = pv.exception(assessing(), "c", TODAY, TODAY, engine, began=date(2025, 3, 1))
    assert "Here: the decision whether to issue (due Mon 28 April 2025) and the final plan" in p.consequence
    p = pv.exception(assessing(), "c", TODAY, TODAY, engine, began=date(2025, 6, 1))
    assert "Every one of those was due before then, so it excuses nothing on this request." in p.consequence


def test_an_exception_that_ended_before_the_request_excuses_nothing(engine: DeadlineEngine) -> None:
    p = pv.exception(assessing(), "d", date(2025, 2, 3), TODAY, engine, began=date(2024, 12, 1),
                     ended=date(2024, 12, 20))
    assert p.ok
    assert ("They ended before the request was received (Mon 6 January 2025), so this exception excuses nothing "
            "on it.") in p.consequence


def test_an_unknown_ground_and_an_early_date_are_refused(engine: DeadlineEngine) -> None:
    p = pv.exception(assessing(), "z", date(2025, 1, 1), TODAY, engine)
    assert set(fields(p)) == {"exception_ground", "exception_recorded"}


def test_exception_dates_are_refused_beside_their_fields(engine: DeadlineEngine) -> None:
    recorded = date(2025, 3, 3)
    p = pv.exception(assessing(), "c", recorded, TODAY, engine, began=date(2025, 3, 4))
    assert fields(p) == {"exception_from": "4 Mar 2025 is after the day it was recorded (3 Mar 2025)"}
    p = pv.exception(assessing(), "c", recorded, TODAY, engine, began=date(2025, 3, 1), ended=date(2025, 2, 28))
    assert fields(p) == {"exception_to": "28 Feb 2025 is before the day the circumstances began (1 Mar 2025)"}
    p = pv.exception(assessing(), "c", recorded, recorded, engine, began=date(2025, 3, 1), ended=date(2025, 3, 4))
    assert fields(p) == {"exception_to": "4 Mar 2025 is after today: leave the end blank while the circumstances "
                                         "go on"}


def test_withdrawing_closes_the_request(engine: DeadlineEngine) -> None:
    p = pv.withdraw(assessing(), date(2025, 2, 20), TODAY, engine)
    assert p.consequence == "The request closes; steps not yet due no longer apply."


def test_a_request_cannot_be_withdrawn_after_its_final_plan(engine: DeadlineEngine) -> None:
    p = pv.withdraw(issuing(draft_sent=date(2025, 4, 14), final_issued=date(2025, 5, 1)), date(2025, 5, 2),
                    TODAY, engine)
    assert "withdrawn" in fields(p)


# --- reg 8(2) excuses -----------------------------------------------------------------------------------


def test_excusing_an_adviser_says_it_is_not_chased_and_the_councils_dates_stand(engine: DeadlineEngine) -> None:
    ep = AdviceFacts("ep", date(2025, 2, 11))  # due Tue 25 Mar 2025
    p = pv.advice_excuse(ep, "EP advice", date(2025, 3, 10), None, TODAY, engine)
    assert p.ok
    assert p.consequence.startswith("The EP advice (due Tue 25 March 2025) will show as excused and will not be "
                                    "chased. This excuses the adviser only: the council's own dates do not move")


def test_an_excuse_must_begin_by_the_advice_due_date_and_not_end_before_the_adviser_had_it(
        engine: DeadlineEngine) -> None:
    posted = AdviceFacts("health", date(2025, 2, 11), sent_by="post")  # had it Thu 13 Feb; due Thu 27 Mar
    p = pv.advice_excuse(posted, "health advice", date(2025, 3, 28), None, TODAY, engine)
    assert fields(p) == {"excused_from": "circumstances that began after the advice was due (27 Mar 2025) cannot "
                                         "excuse it"}
    p = pv.advice_excuse(posted, "health advice", date(2025, 2, 1), date(2025, 2, 12), TODAY, engine)
    assert fields(p) == {"excused_to": "circumstances that ended before the adviser had the request (13 Feb 2025) "
                                       "cannot excuse it"}
    p = pv.advice_excuse(posted, "health advice", date(2025, 3, 1), date(2025, 2, 20), TODAY, engine)
    assert fields(p) == {"excused_to": "the circumstances cannot end before they began"}
    p = pv.advice_excuse(posted, "health advice", date(2025, 7, 1), None, TODAY, engine)
    assert fields(p) == {"excused_from": "the circumstances cannot begin after today"}
    received = AdviceFacts("health", date(2025, 2, 11), date(2025, 3, 1))
    assert "excused_ground" in fields(pv.advice_excuse(received, "health advice", date(2025, 3, 1), None, TODAY,
                                                       engine))
