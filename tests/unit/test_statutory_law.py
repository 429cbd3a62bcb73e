"""Worked examples for the rules the legal review corrected (docs/law.md): advice clocks from the
adviser's receipt, reg 8(2) excuses, which dates bind, posted drafts, a week 20 that can no longer be
met, and regimes that take effect on a date."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from importlib import resources

import pytest

from caseworker.statutory import AdviceFacts, DeadlineEngine, RequestFacts
from caseworker.statutory.rules import rules_from_dict

ENGINE = DeadlineEngine()
R = date(2025, 1, 6)  # issue_decision due 28 Apr 2025, final_plan due 26 May 2025


def d(iso: str) -> date:
    return date.fromisoformat(iso)


# --- advice: 6 weeks from the adviser's receipt (reg 8(1)) ------------------------------------------

@pytest.mark.parametrize(("sent_by", "delivered", "due"), [
    ("email", "2026-04-02", "2026-05-14"),   # received the day it was sent: 2 Apr + 42 = 14 May
    ("portal", "2026-04-02", "2026-05-14"),
    ("hand", "2026-04-02", "2026-05-14"),
    # Posted Thu 2 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr are bank holidays, so the
    # working days after posting are Tue 7 (first) and Wed 8 Apr (second). 8 Apr + 42 = 20 May.
    ("post", "2026-04-08", "2026-05-20"),
])
def test_advice_clock_runs_from_receipt_posted_over_easter(sent_by: str, delivered: str, due: str) -> None:
    facts = RequestFacts("X", d("2026-03-02"), advice=[AdviceFacts("ep", d("2026-04-02"), sent_by=sent_by)])
    (advice,) = ENGINE.evaluate(facts, d("2026-04-10")).advice
    assert (advice.delivered, advice.due, advice.sent_by) == (d(delivered), d(due), sent_by)


def test_posted_advice_is_late_only_after_its_own_due_date() -> None:
    facts = RequestFacts("X", d("2026-03-02"), advice=[AdviceFacts("health", d("2026-04-02"), sent_by="post")])
    assert ENGINE.evaluate(facts, d("2026-05-20")).advice[0].status == "due_soon"
    late = ENGINE.evaluate(facts, d("2026-05-22")).advice[0]
    assert (late.status, late.days_late) == ("late", 2)


def test_excused_advice_is_never_late_until_received() -> None:
    facts = RequestFacts("X", R, advice=[AdviceFacts("ep", d("2025-02-11"), excused_ground="missed_appointment")])
    advice = ENGINE.evaluate(facts, d("2025-05-01")).advice[0]
    assert (advice.status, advice.days_late) == ("excused", 0)
    facts.advice[0].received = d("2025-04-01")  # once it comes, it is judged like any other
    advice = ENGINE.evaluate(facts, d("2025-05-01")).advice[0]
    assert (advice.status, advice.days_late) == ("received_late", 7)


# --- binding: week 16 binds only a "no" (reg 10(1)) -------------------------------------------------

def assessed(**kw: object) -> RequestFacts:
    return RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"), **kw)  # type: ignore[arg-type]


def test_a_late_yes_at_week_16_is_later_than_planned_not_a_breach() -> None:
    m = ENGINE.evaluate(assessed(decision_to_issue=True, decision_to_issue_on=d("2025-05-05")),
                        d("2025-05-06")).milestone("issue_decision")
    assert (m.status, m.binding, m.breached) == ("met_late", False, False)


def test_a_late_no_at_week_16_is_a_breach_of_a_binding_date() -> None:
    m = ENGINE.evaluate(assessed(decision_to_issue=False, decision_to_issue_on=d("2025-05-05")),
                        d("2025-05-06")).milestone("issue_decision")
    assert (m.status, m.binding) == ("met_late", True)


def test_until_a_yes_is_recorded_week_16_binds_and_shows_overdue() -> None:
    m = ENGINE.evaluate(assessed(), d("2025-04-29")).milestone("issue_decision")
    assert (m.status, m.binding, m.breached) == ("overdue", True, True)


def test_the_latest_safe_draft_day_never_binds() -> None:
    result = ENGINE.evaluate(assessed(), d("2025-05-10"))
    m = result.milestone("draft_latest_safe")
    assert (m.status, m.binding, m.breached) == ("overdue", False, False)
    assert [x.binding for x in result.milestones] == [True, True, False, True]


# --- drafts: posted drafts are served on the second working day -----------------------------------

def drafted(sent: str, sent_by: str = "email", served: str | None = None) -> RequestFacts:
    return assessed(decision_to_issue=True, decision_to_issue_on=d("2025-04-01"), draft_sent=d(sent),
                    draft_sent_by=sent_by, draft_served=None if served is None else d(served))


def test_a_posted_draft_is_served_on_the_second_working_day() -> None:
    # Posted Thu 1 May 2025: Fri 2 May is the first working day, Mon 5 May a bank holiday, Tue 6 May the
    # second. The family's 15 days run 6-20 May; the earliest lawful final is 21 May.
    result = ENGINE.evaluate(drafted("2025-05-01", "post"), d("2025-05-02"))
    assert (result.served, result.earliest_final) == (d("2025-05-06"), d("2025-05-21"))
    assert ENGINE.family_comment_ends(d("2025-05-06")) == d("2025-05-20")


def test_a_recorded_service_date_overrides_the_deemed_one() -> None:
    result = ENGINE.evaluate(drafted("2025-05-01", "post", served="2025-05-03"), d("2025-05-02"))
    assert (result.served, result.earliest_final) == (d("2025-05-03"), d("2025-05-18"))


# --- a week 20 that can no longer be met ------------------------------------------------------------

def test_week_20_cannot_be_met_once_the_draft_is_served_too_late() -> None:
    # Served 20 May 2025: earliest lawful final 4 Jun, after the 26 May due date.
    result = ENGINE.evaluate(drafted("2025-05-20"), d("2025-05-21"))
    assert result.final_cannot_be_met == d("2025-06-04")


@pytest.mark.parametrize(("today", "expected"), [
    ("2025-05-01", None),          # a draft today gives 16 May: week 20 can still be met
    ("2025-05-11", None),          # draft today: earliest final 26 May, the due day itself
    ("2025-05-12", "2025-05-27"),  # one day later and it cannot
    ("2025-05-15", "2025-05-30"),
])
def test_week_20_with_no_draft_yet(today: str, expected: str | None) -> None:
    result = ENGINE.evaluate(assessed(decision_to_issue=True, decision_to_issue_on=d("2025-04-01")), d(today))
    assert result.final_cannot_be_met == (None if expected is None else d(expected))


def test_a_final_already_issued_is_never_unmeetable() -> None:
    facts = drafted("2025-05-20")
    facts.final_issued = d("2025-06-04")
    assert ENGINE.evaluate(facts, d("2025-06-05")).final_cannot_be_met is None


# --- regimes side by side ---------------------------------------------------------------------------

def test_a_request_is_judged_by_the_regime_in_force_when_it_arrived() -> None:
    raw = json.loads(resources.files("caseworker.statutory").joinpath("timescales.json").read_text("utf-8"))
    later = copy.deepcopy(raw)
    later["effective_from"] = "2027-09-01"
    for m in later["milestones"]:
        if m["name"] == "final_plan":
            m["period"] = {"weeks": 18}
    engine = DeadlineEngine(rules_from_dict(raw), later=(rules_from_dict(later),))
    before, after = d("2027-08-31"), d("2027-09-01")
    due_before = engine.evaluate(RequestFacts("A", before), before).milestone("final_plan").due
    due_after = engine.evaluate(RequestFacts("B", after), after).milestone("final_plan").due
    assert (due_before - before, due_after - after) == (timedelta(days=140), timedelta(days=126))
    assert engine.regime_for(after).effective_from == after
