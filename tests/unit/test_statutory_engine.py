"""Worked examples for the deadline engine, every date computed by hand from docs/law.md.

Arithmetic is in the comments ("6 Jan 2025 + 42 = 17 Feb 2025"); statuses follow the order of
precedence published in docs/deadlines-json.md. No I/O, no clock: every test passes ``today``.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from caseworker.statutory import (
    AdviceFacts,
    DeadlineEngine,
    ExceptionFacts,
    RequestDeadlines,
    RequestFacts,
    WorkingCalendar,
    stage_of,
)

ENGINE = DeadlineEngine()
NAMES = ["decision_to_assess", "issue_decision", "draft_latest_safe", "final_plan"]
# The base request of most examples: received Mon 6 Jan 2025.
#   decision_to_assess 6 Jan + 42  = 17 Feb 2025 (Mon)
#   issue_decision     6 Jan + 112 = 28 Apr 2025 (Mon)
#   draft_latest_safe  6 Jan + 118 = 4 May 2025 (Sun; work by Fri 2 May)
#   final_plan         6 Jan + 140 = 26 May 2025 (Spring bank holiday; work by Fri 23 May)
R = date(2025, 1, 6)


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def statuses(result: RequestDeadlines) -> list[str]:
    return [m.status for m in result.milestones]


def status_of(facts: RequestFacts, today: str, name: str = "decision_to_assess") -> str:
    return ENGINE.evaluate(facts, d(today)).milestone(name).status


def drafting(draft_sent: date | None = None, draft_served: date | None = None,
             final_issued: date | None = None, withdrawn: date | None = None) -> RequestFacts:
    """Assessed 10 Feb, decided to issue 1 Apr 2025 (both on time), then whatever is given."""
    return RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                        decision_to_issue=True, decision_to_issue_on=d("2025-04-01"),
                        draft_sent=draft_sent, draft_served=draft_served, final_issued=final_issued,
                        withdrawn=withdrawn)


def as_report(r: RequestDeadlines) -> dict[str, object]:
    """The fields of one case in the published JSON, read straight off the engine's result."""
    f = r.facts
    return {
        "reference": f.reference, "child": f.child, "caseworker": f.caseworker,
        "received": iso(f.received), "stage": r.stage, "earliest_final": iso(r.earliest_final),
        "milestones": [{"name": m.name, "due": iso(m.due), "work_by": iso(m.work_by),
                        "done": iso(m.done), "status": m.status, "binding": m.binding} for m in r.milestones],
        "advice": [{"kind": a.kind, "requested": iso(a.requested), "sent_by": a.sent_by, "due": iso(a.due),
                    "received": iso(a.received), "status": a.status, "days_late": a.days_late}
                   for a in r.advice],
        "exceptions": [{"ground": e.ground, "from": iso(e.start), "to": iso(e.ended), "recorded": iso(e.recorded),
                        "note": e.note, "applies_to": ENGINE.applies_to(e.ground, f.received)}
                       for e in f.exceptions],
    }


# The published example (docs/deadlines-json.md, version 2), long lines wrapped.
INTERCHANGE_EXAMPLE = """
{
  "version": 2,
  "today": "2025-03-01",
  "cases": [
    {
      "reference": "EHC-0001",
      "child": "Amelia Jones",
      "caseworker": "jsmith",
      "received": "2025-01-06",
      "stage": "assessment",
      "earliest_final": null,
      "milestones": [
        {"name": "decision_to_assess", "due": "2025-02-17", "work_by": "2025-02-17",
         "done": "2025-02-10", "status": "met", "binding": true},
        {"name": "issue_decision", "due": "2025-04-28", "work_by": "2025-04-28",
         "done": null, "status": "pending", "binding": true},
        {"name": "draft_latest_safe", "due": "2025-05-04", "work_by": "2025-05-02",
         "done": null, "status": "pending", "binding": false},
        {"name": "final_plan", "due": "2025-05-26", "work_by": "2025-05-23",
         "done": null, "status": "pending", "binding": true}
      ],
      "advice": [
        {"kind": "ep", "requested": "2025-02-11", "sent_by": "email", "due": "2025-03-25", "received": null,
         "status": "pending", "days_late": 0}
      ],
      "exceptions": [
        {"ground": "c", "from": "2025-02-03", "to": null, "recorded": "2025-02-05", "note": "",
         "applies_to": ["decision_to_assess", "issue_decision", "final_plan"]}
      ]
    }
  ]
}
"""


def test_interchange_example_every_field() -> None:
    expected = json.loads(INTERCHANGE_EXAMPLE)
    facts = RequestFacts("EHC-0001", R, child="Amelia Jones", caseworker="jsmith",
                         decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                         advice=[AdviceFacts("ep", d("2025-02-11"))],
                         exceptions=[ExceptionFacts("c", d("2025-02-05"), "", d("2025-02-03"))])
    result = ENGINE.evaluate(facts, d(expected["today"]))
    assert as_report(result) == expected["cases"][0]
    # EP: 11 Feb + 42 = 25 Mar 2025 (11 Feb + 17 = 28 Feb, + 25 = 25 Mar); 24 days off, so pending.
    assert result.is_open


# --- milestone statuses ------------------------------------------------------------------------

@pytest.mark.parametrize(("done", "expected"), [
    ("2025-02-10", "met"),
    ("2025-02-17", "met"),        # on the due day itself: on time
    ("2025-02-18", "met_late"),   # one day after 17 Feb
])
def test_met_on_the_due_day_and_met_late_the_day_after(done: str, expected: str) -> None:
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d(done))
    assert status_of(facts, "2025-03-01") == expected


@pytest.mark.parametrize(("today", "expected"), [
    ("2025-02-09", "pending"),    # 17 Feb - 9 Feb = 8 days: further off than 7
    ("2025-02-10", "due_soon"),   # exactly 7 days before
    ("2025-02-17", "due_soon"),   # 0 days before: the due day
    ("2025-02-18", "overdue"),    # due + 1, not done
])
def test_untouched_request_over_time(today: str, expected: str) -> None:
    result = ENGINE.evaluate(RequestFacts("X", R), d(today))
    assert result.milestone("decision_to_assess").status == expected
    assert result.stage == "request"


def test_final_plan_met_on_day_140_and_late_on_141() -> None:
    # SEN2: on time when issue - received <= 140; 6 Jan + 140 = 26 May 2025 (a bank holiday).
    on_time = drafting(draft_sent=d("2025-04-20"), final_issued=d("2025-05-26"))
    late = drafting(draft_sent=d("2025-04-20"), final_issued=d("2025-05-27"))
    assert statuses(ENGINE.evaluate(on_time, d("2025-06-30"))) == ["met", "met", "met", "met"]
    assert statuses(ENGINE.evaluate(late, d("2025-06-30"))) == ["met", "met", "met", "met_late"]


def test_no_to_assess_ends_everything_after_it() -> None:
    facts = RequestFacts("X", R, decision_to_assess=False, decision_to_assess_on=d("2025-02-10"))
    result = ENGINE.evaluate(facts, d("2025-09-01"))  # long after every due date
    assert statuses(result) == ["met", "not_applicable", "not_applicable", "not_applicable"]
    assert result.stage == "closed" and not result.is_open


def test_late_no_to_assess_is_met_late_and_still_ends_the_rest() -> None:
    facts = RequestFacts("X", R, decision_to_assess=False, decision_to_assess_on=d("2025-02-20"))
    assert statuses(ENGINE.evaluate(facts, d("2025-09-01"))) == [
        "met_late", "not_applicable", "not_applicable", "not_applicable"]


def test_no_to_issue_ends_the_draft_and_the_final() -> None:
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                         decision_to_issue=False, decision_to_issue_on=d("2025-04-14"))
    result = ENGINE.evaluate(facts, d("2025-09-01"))
    assert statuses(result) == ["met", "met", "not_applicable", "not_applicable"]
    assert result.stage == "closed"


def test_withdrawal_before_any_step_ends_every_milestone() -> None:
    facts = RequestFacts("X", R, withdrawn=d("2025-02-03"))  # before the 17 Feb due date
    assert statuses(ENGINE.evaluate(facts, d("2025-09-01"))) == ["not_applicable"] * 4


def test_withdrawal_keeps_the_steps_done_before_it() -> None:
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                         withdrawn=d("2025-03-03"))
    assert statuses(ENGINE.evaluate(facts, d("2025-09-01"))) == [
        "met", "not_applicable", "not_applicable", "not_applicable"]


def test_withdrawal_does_not_excuse_a_deadline_already_missed() -> None:
    """docs/deadlines-json.md: not_applicable only when "the process ended before it"; a withdrawal
    "ends everything after it". Withdrawn 3 Mar 2025; the decision was due 6 Jan + 42 = 17 Feb,
    before the withdrawal, and never made: not done, today > due, no exception -> overdue."""
    facts = RequestFacts("X", R, withdrawn=d("2025-03-03"))
    assert statuses(ENGINE.evaluate(facts, d("2025-09-01"))) == [
        "overdue", "not_applicable", "not_applicable", "not_applicable"]


# --- exceptions (docs/law.md#exceptions) --------------------------------------------------------

def exc(began: str, ground: str = "c", *, recorded: str | None = None, ended: str | None = None) -> ExceptionFacts:
    """An exception whose circumstances began on ``began`` (recorded then unless told otherwise)."""
    return ExceptionFacts(ground, d(recorded or began), "family bereavement", d(began),
                          None if ended is None else d(ended))


@pytest.mark.parametrize(("began", "expected"), [
    ("2025-01-20", "exempt"),   # began before the 17 Feb deadline
    ("2025-02-17", "exempt"),   # began on the deadline itself
    ("2025-02-18", "overdue"),  # began the day after: the deadline was already missed
])
def test_overdue_step_is_exempt_only_if_the_circumstances_began_by_its_due_date(began: str,
                                                                                 expected: str) -> None:
    facts = RequestFacts("X", R, exceptions=[exc(began)])
    assert status_of(facts, "2025-02-20") == expected


@pytest.mark.parametrize(("began", "expected"), [
    ("2025-02-10", "exempt"),    # before the deadline
    ("2025-02-17", "exempt"),    # on the deadline
    ("2025-02-19", "met_late"),  # after the deadline: it cannot have made meeting it impractical
])
def test_done_late_with_exception(began: str, expected: str) -> None:
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-24"),
                         exceptions=[exc(began)])
    assert status_of(facts, "2025-03-01") == expected


def test_an_exception_recorded_long_after_it_began_still_excuses() -> None:
    # Circumstances from 3 Feb 2025 (before the 17 Feb deadline), recorded on 1 Sep, after the step.
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-24"),
                         exceptions=[exc("2025-02-03", recorded="2025-09-01")])
    assert status_of(facts, "2025-09-02") == "exempt"


def test_an_exception_that_ended_before_the_request_excuses_nothing() -> None:
    # Away from the area 1-20 Dec 2024; the request came on 6 Jan 2025.
    gone = exc("2024-12-01", "d", recorded="2025-01-10", ended="2024-12-20")
    facts = RequestFacts("X", R, exceptions=[gone])
    assert statuses(ENGINE.evaluate(facts, d("2025-06-02"))) == ["overdue"] * 4
    # Ending on the day the request came is still running then: it can excuse.
    running = exc("2024-12-01", "d", recorded="2025-01-10", ended="2025-01-06")
    facts = RequestFacts("X", R, exceptions=[running])
    assert statuses(ENGINE.evaluate(facts, d("2025-06-02"))) == ["exempt", "exempt", "overdue", "exempt"]


def test_ground_b_never_excuses_the_decision_to_assess() -> None:
    # An early-years provider asked during a closure is not a reg 5(4) ground.
    facts = RequestFacts("X", R, exceptions=[exc("2025-01-20", "b")])
    assert status_of(facts, "2025-02-20") == "overdue"
    assert ENGINE.applies_to("b", R) == ["issue_decision", "final_plan"]


def test_ground_b_recorded_after_the_final_was_due_does_not_excuse_it() -> None:
    # The legal review's case: final due 26 May 2025, ground b begun and recorded 1 Jul, issued 2 Jul.
    facts = drafting(draft_sent=d("2025-06-10"), final_issued=d("2025-07-02"))
    facts.exceptions = [exc("2025-07-01", "b")]
    assert status_of(facts, "2025-07-03", "final_plan") == "met_late"


@pytest.mark.parametrize(("today", "expected"), [
    ("2025-02-01", "pending"),   # 16 days before 17 Feb
    ("2025-02-10", "due_soon"),  # 7 days before
    ("2025-02-17", "due_soon"),  # the due day: the team still sees the date it aims for
])
def test_before_due_an_exception_on_record_shows_the_ordinary_status(today: str,
                                                                      expected: str) -> None:
    facts = RequestFacts("X", R, exceptions=[exc("2025-01-20")])
    assert status_of(facts, today) == expected


def test_done_on_time_is_met_even_with_an_exception() -> None:
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-17"),
                         exceptions=[exc("2025-01-20")])
    assert status_of(facts, "2025-03-01") == "met"


@pytest.mark.parametrize(("ground", "expected"), [
    ("a", ["met", "exempt", "overdue", "exempt"]),
    ("b", ["met", "exempt", "overdue", "exempt"]),
    ("c", ["met", "exempt", "overdue", "exempt"]),
    ("d", ["met", "exempt", "overdue", "exempt"]),
])
def test_no_ground_excuses_the_latest_safe_draft_day_and_dates_are_kept(ground: str,
                                                                        expected: list[str]) -> None:
    plain = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"))
    excused = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                           exceptions=[exc("2025-03-03", ground)])
    today = d("2025-06-02")  # after every due date (latest: 26 May)
    assert statuses(ENGINE.evaluate(plain, today)) == ["met", "overdue", "overdue", "overdue"]
    result = ENGINE.evaluate(excused, today)
    assert statuses(result) == expected
    # "switches that deadline off; it does not stop or extend the clock": nominal dates are kept.
    assert [m.due for m in result.milestones] == [d("2025-02-17"), d("2025-04-28"), d("2025-05-04"),
                                                  d("2025-05-26")]


# --- weekends and bank holidays ----------------------------------------------------------------

@pytest.mark.parametrize(("received", "name", "due", "work_by"), [
    # 10 Mar 2025 + 42 = 21 Apr 2025, Easter Monday; Good Friday 18 Apr -> work by Thu 17 Apr.
    ("2025-03-10", "decision_to_assess", "2025-04-21", "2025-04-17"),
    # 15 Nov 2022 + 42 = 27 Dec 2022, substitute Christmas Day (25th a Sunday); 26th Boxing Day,
    # 24-25 the weekend -> Fri 23 Dec.
    ("2022-11-15", "decision_to_assess", "2022-12-27", "2022-12-23"),
    # 16 Nov 2021 + 42 = 28 Dec 2021, substitute Boxing Day (25-26 a weekend, 27th substitute
    # Christmas) -> Fri 24 Dec.
    ("2021-11-16", "decision_to_assess", "2021-12-28", "2021-12-24"),
    # 8 Aug 2022 + 42 = 19 Sep 2022, the Queen's state funeral -> Fri 16 Sep.
    ("2022-08-08", "decision_to_assess", "2022-09-19", "2022-09-16"),
    # 19 Dec 2022 + 140 = 8 May 2023, the coronation bank holiday -> Fri 5 May.
    ("2022-12-19", "final_plan", "2023-05-08", "2023-05-05"),
    # 27 Mar 2020 + 42 = 8 May 2020, May Day moved to VE Day (a Friday) -> Thu 7 May.
    ("2020-03-27", "decision_to_assess", "2020-05-08", "2020-05-07"),
    # Sat 4 Jan 2025 + 42 = Sat 15 Feb 2025 -> Fri 14 Feb.
    ("2025-01-04", "decision_to_assess", "2025-02-15", "2025-02-14"),
    # 6 Jan 2025 + 118 = Sun 4 May 2025 -> Fri 2 May (Mon 5 May, May Day, is after it).
    ("2025-01-06", "draft_latest_safe", "2025-05-04", "2025-05-02"),
    # A working day is its own work-by date: 6 Jan 2025 + 112 = Mon 28 Apr 2025.
    ("2025-01-06", "issue_decision", "2025-04-28", "2025-04-28"),
])
def test_work_by_is_the_last_working_day_on_or_before_due(received: str, name: str, due: str,
                                                          work_by: str) -> None:
    m = ENGINE.evaluate(RequestFacts("X", d(received)), d(received)).milestone(name)
    assert (m.due, m.work_by) == (d(due), d(work_by))


def test_the_deadline_itself_never_moves_for_a_bank_holiday() -> None:
    # Done on Easter Monday 21 Apr 2025 itself (the statutory date) is met, not late.
    facts = RequestFacts("X", d("2025-03-10"), decision_to_assess=True,
                         decision_to_assess_on=d("2025-04-21"))
    assert status_of(facts, "2025-05-01") == "met"


def test_council_closure_days_move_work_by_but_not_due() -> None:
    engine = DeadlineEngine(calendar=WorkingCalendar(extra_closures=frozenset({d("2025-02-17")})))
    m = engine.evaluate(RequestFacts("X", R), R).milestone("decision_to_assess")
    assert (m.due, m.work_by) == (d("2025-02-17"), d("2025-02-14"))


# --- leap years and month ends -----------------------------------------------------------------

@pytest.mark.parametrize(("received", "dues", "draft_work_by"), [
    # 1 Jan 2024: +42 = 12 Feb; +112 = 22 Apr; +118 = 28 Apr (Sun); +140 = 20 May 2024
    # (Jan 1 + 30 = Jan 31, + 29 = Feb 29, + 31 = Mar 31, + 30 = Apr 30, + 20 = May 20: 140).
    ("2024-01-01", ["2024-02-12", "2024-04-22", "2024-04-28", "2024-05-20"], "2024-04-26"),
    # 20 Dec 2023 across 29 Feb 2024: +42 = 31 Jan (11 + 31); +112 = 10 Apr (42 + 29 + 31 + 10);
    # +118 = 16 Apr; +140 = 8 May 2024 (112 + 20 to 30 Apr + 8).
    ("2023-12-20", ["2024-01-31", "2024-04-10", "2024-04-16", "2024-05-08"], "2024-04-16"),
    # A year earlier there is no 29 Feb, so every date after February is one day later.
    ("2022-12-20", ["2023-01-31", "2023-04-11", "2023-04-17", "2023-05-09"], "2023-04-17"),
])
def test_leap_years(received: str, dues: list[str], draft_work_by: str) -> None:
    result = ENGINE.evaluate(RequestFacts("X", d(received)), d(received))
    assert [m.due for m in result.milestones] == [d(x) for x in dues]
    assert result.milestone("draft_latest_safe").work_by == d(draft_work_by)


@pytest.mark.parametrize(("received", "name", "due", "work_by"), [
    ("2025-01-31", "decision_to_assess", "2025-03-14", "2025-03-14"),  # 31 Jan + 28 = 28 Feb, + 14
    ("2024-12-31", "decision_to_assess", "2025-02-11", "2025-02-11"),  # 31 Dec + 31 = 31 Jan, + 11
    # 31 Aug 2024 + 140: + 30 = 30 Sep, + 31 = 31 Oct, + 30 = 30 Nov, + 31 = 31 Dec (122), + 18 =
    # Sat 18 Jan 2025 -> Fri 17 Jan.
    ("2024-08-31", "final_plan", "2025-01-18", "2025-01-17"),
])
def test_month_ends(received: str, name: str, due: str, work_by: str) -> None:
    m = ENGINE.evaluate(RequestFacts("X", d(received)), d(received)).milestone(name)
    assert (m.due, m.work_by) == (d(due), d(work_by))


# --- advice ------------------------------------------------------------------------------------
# EP advice requested 11 Feb 2025: 11 Feb + 42 = 25 Mar 2025.

@pytest.mark.parametrize(("received", "today", "status", "days_late"), [
    ("2025-03-25", "2025-04-30", "received", 0),        # on the due day
    ("2025-03-01", "2025-04-30", "received", 0),
    ("2025-03-28", "2025-04-30", "received_late", 3),   # 25 Mar + 3
    (None, "2025-03-26", "late", 1),                    # day 43 after the request
    (None, "2025-04-04", "late", 10),                   # 25 Mar + 10
    (None, "2025-03-25", "due_soon", 0),                # day 42: due today, not late
    (None, "2025-03-18", "due_soon", 0),                # exactly 7 days before
    (None, "2025-03-17", "pending", 0),                 # 8 days before
])
def test_advice_status(received: str | None, today: str, status: str, days_late: int) -> None:
    got = None if received is None else d(received)
    advice = AdviceFacts("ep", d("2025-02-11"), got, "EP Service")
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                         advice=[advice])
    (a,) = ENGINE.evaluate(facts, d(today)).advice
    assert (a.due, a.status, a.days_late) == (d("2025-03-25"), status, days_late)
    assert a.service == "EP Service"


def test_each_advice_request_has_its_own_clock() -> None:
    # EP 11 Feb + 42 = 25 Mar; health 20 Feb + 42 = 3 Apr (20 Feb + 8 = 28 Feb, + 34 = 3 Apr).
    facts = RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                         advice=[AdviceFacts("ep", d("2025-02-11")),
                                 AdviceFacts("health", d("2025-02-20"))])
    ep, health = ENGINE.evaluate(facts, d("2025-03-26")).advice
    assert (ep.kind, ep.due, ep.status, ep.days_late) == ("ep", d("2025-03-25"), "late", 1)
    assert (health.kind, health.due, health.status, health.days_late) == ("health", d("2025-04-03"),
                                                                          "pending", 0)


# --- earliest final and stage ------------------------------------------------------------------

@pytest.mark.parametrize(("sent", "served", "earliest"), [
    (None, None, None),                          # no draft served: no earliest final
    ("2025-05-01", None, "2025-05-16"),          # served defaults to sent: 1 May + 15 = 16 May
    ("2025-05-01", "2025-05-05", "2025-05-20"),  # deemed service overrides: 5 May + 15 = 20 May
    ("2025-01-31", None, "2025-02-15"),          # 31 Jan + 15 = 15 Feb (a Saturday: no roll)
])
def test_earliest_final_is_served_plus_15(sent: str | None, served: str | None,
                                          earliest: str | None) -> None:
    facts = drafting(draft_sent=None if sent is None else d(sent),
                     draft_served=None if served is None else d(served))
    assert iso(ENGINE.evaluate(facts, d("2025-05-21")).earliest_final) == earliest


def test_family_comment_period_ends_on_served_plus_14() -> None:
    # 15 days beginning with 1 May 2025: 1 May is day 1, day 15 is 15 May.
    assert ENGINE.family_comment_ends(d("2025-05-01")) == d("2025-05-15")


@pytest.mark.parametrize(("facts", "stage"), [
    (RequestFacts("X", R), "request"),
    # Advice asked before the decision is recorded: still "no decision to assess yet".
    (RequestFacts("X", R, advice=[AdviceFacts("ep", d("2025-01-20"))]), "request"),
    (RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10")),
     "assessment"),
    (drafting(), "drafting"),
    (drafting(draft_sent=d("2025-04-10")), "drafting"),
    (drafting(draft_sent=d("2025-04-10"), final_issued=d("2025-05-20")), "issued"),
    (RequestFacts("X", R, decision_to_assess=False, decision_to_assess_on=d("2025-02-10")),
     "closed"),
    (RequestFacts("X", R, decision_to_assess=True, decision_to_assess_on=d("2025-02-10"),
                  decision_to_issue=False, decision_to_issue_on=d("2025-04-14")), "closed"),
    (RequestFacts("X", R, withdrawn=d("2025-02-03")), "closed"),
    (drafting(withdrawn=d("2025-04-05")), "closed"),
])
def test_stage_of_each_request(facts: RequestFacts, stage: str) -> None:
    assert stage_of(facts) == stage
    result = ENGINE.evaluate(facts, d("2025-05-21"))
    assert result.stage == stage
    assert result.is_open == (stage in {"request", "assessment", "drafting"})

