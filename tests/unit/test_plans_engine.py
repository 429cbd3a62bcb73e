"""Worked examples for the clocks of a plan in place (caseworker.statutory.plans): the annual review, a
review under way, amendments, phase transfers, the cohort worked out from a date of birth, ceasing and
young children's reviews. Dates are checked against a calendar by hand; the comments show the sums."""

from __future__ import annotations

import copy
import json
from datetime import date
from importlib import resources
from typing import Any

import pytest

from caseworker.statutory.plan_facts import (
    AMEND,
    MAINTAIN,
    AmendmentFacts,
    CeaseFacts,
    PlanFacts,
    ReviewFacts,
    TransferFacts,
)
from caseworker.statutory.plans import (
    CohortTransfer,
    birth_dates_transferring,
    plan_schedule,
    reception_year,
    transfer_cohort,
    transfer_in,
)
from caseworker.statutory.rules import RulesError, rules_from_dict


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def plan(issued: str, born: str = "2012-06-01", **kw: Any) -> PlanFacts:
    return PlanFacts("EHC-0001", d(issued), d(born), **kw)


def shipped() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(
        resources.files("caseworker.statutory").joinpath("timescales.json").read_text("utf-8"))
    return copy.deepcopy(raw)


# --- the example in the published plans report (INTERCHANGE section 3) ----------------------------------

def test_the_published_example() -> None:
    facts = plan("2024-05-20", reviews=[ReviewFacts(meeting=d("2025-04-10"), decision=AMEND,
                                                    notified=d("2025-05-02"))],
                 amendments=[AmendmentFacts(d("2025-05-09"), final_issued=d("2025-06-30"))],
                 transfer=TransferFacts("school", d("2026-09-01")))
    s = plan_schedule(facts, d("2026-03-02"))
    # 12 months starting with Fri 2 May 2025 end on Fri 1 May 2026: 60 days off, beyond the 56-day warning.
    assert (s.review.due, s.review.work_by, s.review.status) == (d("2026-05-01"), d("2026-05-01"), "pending")
    assert s.review.last_decision is facts.reviews[0] and s.review.clock_started == d("2025-05-02")
    a = s.amendment
    assert a is not None
    # 9 May + 14 = 23 May; 9 May + 56 = 4 July; issued 30 June.
    assert (a.notice_sent, a.comments_until, a.final_due, a.done, a.status) == (
        d("2025-05-09"), d("2025-05-23"), d("2025-07-04"), d("2025-06-30"), "met")
    t = s.transfer
    assert t is not None
    # 14 Feb 2026 is a Saturday: work by Friday 13 Feb. Nothing done by 2 March: overdue.
    assert (t.kind, t.transfer_date, t.due, t.work_by, t.done, t.status) == (
        "school", d("2026-09-01"), d("2026-02-14"), d("2026-02-13"), None, "overdue")
    assert s.cease is None and s.maintained and s.under_fives is None


# --- the annual review: 12 months starting with the later of issue and the last decision ----------------

@pytest.mark.parametrize(("start", "due"), [
    ("2025-03-15", "2026-03-14"),
    ("2023-03-01", "2024-02-29"),  # the day before 1 March 2024, a leap year
    ("2024-03-01", "2025-02-28"),
    ("2024-02-29", "2025-02-28"),  # no 29 February in 2025: the month's last day
    ("2024-12-31", "2025-12-30"),
    ("2025-01-01", "2025-12-31"),
])
def test_review_due_is_the_last_day_of_12_months_starting_with_the_issue(start: str, due: str) -> None:
    assert plan_schedule(plan(start), d(start)).review.due == d(due)


def test_the_latest_notified_decision_restarts_the_12_months() -> None:
    reviews = [ReviewFacts(meeting=d("2024-02-20"), decision=MAINTAIN, notified=d("2024-03-05")),
               ReviewFacts(meeting=d("2025-02-11"), decision=MAINTAIN, notified=d("2025-02-25"))]
    s = plan_schedule(plan("2023-04-01", reviews=reviews), d("2025-06-01"))
    assert (s.review.clock_started, s.review.due) == (d("2025-02-25"), d("2026-02-24"))
    assert s.review.last_decision is reviews[1]


def test_a_decision_recorded_before_the_plan_was_issued_does_not_move_the_clock_back() -> None:
    reviews = [ReviewFacts(decision=MAINTAIN, notified=d("2024-01-10"))]
    assert plan_schedule(plan("2024-06-03", reviews=reviews), d("2024-07-01")).review.due == d("2025-06-02")


@pytest.mark.parametrize(("today", "status"), [
    ("2026-01-16", "pending"),
    ("2026-01-17", "due_soon"),  # 14 Mar - 56 days: the far end of the 8 weeks' warning
    ("2026-03-14", "due_soon"),  # the due day itself
    ("2026-03-15", "overdue"),
])
def test_review_status_warns_eight_weeks_ahead(today: str, status: str) -> None:
    s = plan_schedule(plan("2025-03-15"), d(today))
    assert s.review.status == status
    # 14 Mar 2026 is a Saturday: work by Friday 13 March.
    assert s.review.work_by == d("2026-03-13")


def test_a_review_under_way_has_its_three_steps() -> None:
    meeting = d("2026-02-10")
    under_way = ReviewFacts(meeting=meeting, invitations_sent=d("2026-01-30"), report_sent=d("2026-02-20"))
    s = plan_schedule(plan("2025-03-15", reviews=[under_way]), d("2026-03-09"))
    assert s.review.meeting == meeting
    # Invitations at least 2 weeks before: by 27 Jan, sent 30 Jan (late). Report by 24 Feb, sent 20 Feb.
    # Decision by 10 Mar (4 weeks): one day left, nothing notified yet.
    steps = {m.name: (m.due, m.done, m.status) for m in s.review.steps}
    assert steps == {
        "review_invitations": (d("2026-01-27"), d("2026-01-30"), "met_late"),
        "review_report": (d("2026-02-24"), d("2026-02-20"), "met"),
        "review_decision": (d("2026-03-10"), None, "due_soon"),
    }
    assert [m.name for m in s.review.steps] == ["review_invitations", "review_report", "review_decision"]
    assert s.review.step("review_decision").binding
    # The meeting is not the decision: the next review still counts from the plan's issue.
    assert s.review.due == d("2026-03-14")


def test_a_notified_review_has_no_steps_under_way() -> None:
    done = ReviewFacts(meeting=d("2026-02-10"), decision=MAINTAIN, notified=d("2026-03-01"))
    s = plan_schedule(plan("2025-03-15", reviews=[done]), d("2026-03-09"))
    assert s.review.steps == () and s.review.meeting is None
    assert s.review.due == d("2027-02-28")


# --- amendments (reg 22) ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("done", "today", "status"), [
    (None, "2025-06-26", "pending"),      # 4 July is 8 days off
    (None, "2025-06-27", "due_soon"),     # 7 days off
    (None, "2025-07-04", "due_soon"),
    (None, "2025-07-05", "overdue"),
    ("2025-07-04", "2025-08-01", "met"),
    ("2025-07-05", "2025-08-01", "met_late"),
])
def test_amendment_status(done: str | None, today: str, status: str) -> None:
    amendment = AmendmentFacts(d("2025-05-09"), final_issued=d(done) if done else None)
    a = plan_schedule(plan("2024-05-20", amendments=[amendment]), d(today)).amendment
    assert a is not None and (a.final_due, a.status) == (d("2025-07-04"), status)


def test_the_latest_notice_counts_and_its_own_service_day_starts_the_15_days() -> None:
    old = AmendmentFacts(d("2025-01-06"), final_issued=d("2025-02-03"))
    new = AmendmentFacts(d("2025-05-09"), notice_served=d("2025-05-13"))
    a = plan_schedule(plan("2024-05-20", amendments=[old, new]), d("2025-05-20")).amendment
    assert a is not None
    # Served Tue 13 May: day 1, so the 15 days end on 27 May. The 8 weeks run from sending: 4 July.
    assert (a.notice_sent, a.served, a.comments_until, a.final_due) == (
        d("2025-05-09"), d("2025-05-13"), d("2025-05-27"), d("2025-07-04"))
    assert a.done is None and a.status == "pending"


def test_a_decision_not_to_amend_answers_the_notice() -> None:
    amendment = AmendmentFacts(d("2025-05-09"), not_amended=d("2025-06-02"))
    a = plan_schedule(plan("2024-05-20", amendments=[amendment]), d("2025-08-01")).amendment
    assert a is not None and (a.done, a.final_issued, a.not_amended, a.status) == (
        d("2025-06-02"), None, d("2025-06-02"), "met")


def test_a_final_plan_dated_before_the_notice_does_not_answer_it() -> None:
    amendment = AmendmentFacts(d("2025-05-09"), final_issued=d("2025-05-01"))
    a = plan_schedule(plan("2024-05-20", amendments=[amendment]), d("2025-08-01")).amendment
    assert a is not None and (a.done, a.status) == (None, "overdue")


# --- phase transfers (reg 18) --------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "moves", "due"), [
    ("school", "2026-09-01", "2026-02-14"),
    ("post16", "2026-09-01", "2026-03-30"),
    ("post16_move", "2026-09-01", "2026-04-01"),
    ("post16_move", "2026-07-31", "2026-02-28"),  # no 31 February: the month's last day
    ("post16_move", "2028-07-31", "2028-02-29"),
    ("post16_move", "2027-01-15", "2026-08-15"),
])
def test_transfer_due_dates(kind: str, moves: str, due: str) -> None:
    t = plan_schedule(plan("2020-05-01", transfer=TransferFacts(kind, d(moves))), d("2025-12-01")).transfer
    assert t is not None and (t.kind, t.due) == (kind, d(due))


@pytest.mark.parametrize(("today", "done", "status"), [
    ("2026-01-16", None, "pending"),    # 29 days before 14 Feb
    ("2026-01-17", None, "due_soon"),   # 28 days before
    ("2026-02-15", None, "overdue"),
    ("2026-03-01", "2026-02-10", "met"),
    ("2026-03-01", "2026-02-16", "met_late"),
])
def test_transfer_status(today: str, done: str | None, status: str) -> None:
    transfer = TransferFacts("school", d("2026-09-01"), done=d(done) if done else None)
    t = plan_schedule(plan("2020-05-01", transfer=transfer), d(today)).transfer
    assert t is not None and t.status == status


@pytest.mark.parametrize(("today", "shown"), [("2027-02-11", True), ("2027-02-12", False)])
def test_a_done_transfer_shows_for_366_days(today: str, shown: bool) -> None:
    transfer = TransferFacts("school", d("2026-09-01"), done=d("2026-02-10"))
    # 10 Feb 2026 + 366 = 11 Feb 2027.
    assert (plan_schedule(plan("2020-05-01", transfer=transfer), d(today)).transfer is not None) is shown


# --- the cohort: England's school year ---------------------------------------------------------------

@pytest.mark.parametrize(("born", "reception"), [
    ("2014-09-01", 2019), ("2015-08-31", 2019), ("2015-09-01", 2020), ("2016-02-29", 2020),
])
def test_reception_year(born: str, reception: int) -> None:
    assert reception_year(d(born)) == reception


def test_out_of_year_group_moves_the_reception_year() -> None:
    assert (reception_year(d("2015-08-31"), 1), reception_year(d("2015-08-31"), -1)) == (2020, 2018)


@pytest.mark.parametrize(("born", "today", "expected"), [
    # Reception September 2019: Year 7 in September 2026, Year 12 in September 2031.
    ("2015-03-10", "2025-12-01", CohortTransfer("school", "Year 7", d("2026-09-01"), d("2026-02-14"))),
    ("2015-03-10", "2026-08-31", CohortTransfer("school", "Year 7", d("2026-09-01"), d("2026-02-14"))),
    ("2015-03-10", "2026-09-01", CohortTransfer("post16", "Year 12", d("2031-09-01"), d("2031-03-30"))),
    ("2022-01-05", "2024-05-01", CohortTransfer("school", "Reception", d("2026-09-01"), d("2026-02-14"))),
    ("2015-03-10", "2031-09-01", None),
])
def test_next_transfer(born: str, today: str, expected: CohortTransfer | None) -> None:
    assert transfer_cohort(d(born), d(today)) == expected


def test_a_child_a_year_behind_transfers_a_year_later() -> None:
    t = transfer_cohort(d("2015-08-20"), d("2025-12-01"), year_group_offset=1)
    assert t == CohortTransfer("school", "Year 7", d("2027-09-01"), d("2027-02-14"))


def test_who_transfers_in_september_2026() -> None:
    ranges = {r.year_group: (r.kind, r.first, r.last, r.due) for r in birth_dates_transferring(2026)}
    assert ranges == {
        "Reception": ("school", d("2021-09-01"), d("2022-08-31"), d("2026-02-14")),
        "Year 7": ("school", d("2014-09-01"), d("2015-08-31"), d("2026-02-14")),
        "Year 12": ("post16", d("2009-09-01"), d("2010-08-31"), d("2026-03-30")),
    }
    assert transfer_in(d("2014-09-01"), 2026) == CohortTransfer("school", "Year 7", d("2026-09-01"),
                                                                d("2026-02-14"))
    assert transfer_in(d("2014-08-31"), 2026) is None  # Year 8 then: not a transfer point
    assert transfer_in(d("2014-08-31"), 2026, year_group_offset=1) is not None


def test_a_council_with_middle_schools_corrects_the_transfer_points() -> None:
    raw = shipped()
    raw["transfer_points"] = [{"year_group": "Reception", "years_after_reception": 0, "kind": "school"},
                              {"year_group": "Year 5", "years_after_reception": 5, "kind": "school"},
                              {"year_group": "Year 9", "years_after_reception": 9, "kind": "school"},
                              {"year_group": "Year 12", "years_after_reception": 12, "kind": "post16"}]
    rules = rules_from_dict(raw)
    t = transfer_cohort(d("2015-03-10"), d("2023-12-01"), rules=rules)
    assert t == CohortTransfer("school", "Year 5", d("2024-09-01"), d("2024-02-14"))


@pytest.mark.parametrize("points", [[], [{"year_group": "Year 7", "years_after_reception": 7, "kind": "upper"}],
                                    [{"year_group": "", "years_after_reception": 7, "kind": "school"}]])
def test_malformed_transfer_points_are_refused(points: list[dict[str, Any]]) -> None:
    raw = shipped()
    raw["transfer_points"] = points
    with pytest.raises(RulesError, match=r"transfer_points|kind"):
        rules_from_dict(raw)


# --- ceasing (s45, regs 29-31) -------------------------------------------------------------------------

@pytest.mark.parametrize(("cease", "state", "appeal_until"), [
    (CeaseFacts(proposed=d("2025-10-01")), "proposed", None),
    # 2 calendar months from the decision letter: 31 Dec + 2 months = 28 Feb.
    (CeaseFacts(proposed=d("2025-10-01"), decided=d("2025-12-31")), "decided", "2026-02-28"),
    (CeaseFacts(decided=d("2025-12-31"), appeal_lodged=d("2026-02-01")), "appeal_pending", "2026-02-28"),
    (CeaseFacts(decided=d("2025-12-31"), appeal_lodged=d("2026-02-01"), appeal_concluded=d("2026-06-01")),
     "decided", "2026-02-28"),
    (CeaseFacts(decided=d("2025-12-31"), ceased=d("2026-03-10"), reason=3), "ceased", "2026-02-28"),
    (CeaseFacts(proposed=d("2025-10-01"), withdrawn=d("2025-10-20")), "withdrawn", None),
])
def test_cease_states(cease: CeaseFacts, state: str, appeal_until: str | None) -> None:
    s = plan_schedule(plan("2020-05-01", cease=cease), d("2026-03-01"))
    assert s.cease is not None
    assert (s.cease.state, s.cease.appeal_until) == (state, d(appeal_until) if appeal_until else None)
    assert s.maintained is (state != "ceased")


def test_a_cease_may_go_ahead_once_the_appeal_window_has_closed() -> None:
    s = plan_schedule(plan("2020-05-01", cease=CeaseFacts(decided=d("2025-12-31"))), d("2026-02-28"))
    assert s.cease is not None
    assert not s.cease.may_cease(d("2026-02-28")) and s.cease.may_cease(d("2026-03-01"))


# --- young children: a suggested review, guidance only -------------------------------------------------

def test_under_fives_get_a_suggested_review_that_never_breaches() -> None:
    facts = plan("2025-01-20", born="2022-03-01")
    s = plan_schedule(facts, d("2025-09-01"))
    assert s.under_fives is not None
    # 20 Jan + 6 months = 20 July: passed, but guidance: never a breach.
    assert (s.under_fives.due, s.under_fives.status, s.under_fives.binding) == (d("2025-07-20"), "overdue", False)
    assert not s.under_fives.breached
    council = plan_schedule(facts, d("2025-03-01"), under_fives_months=3)
    assert council.under_fives is not None and council.under_fives.due == d("2025-04-20")


def test_no_suggested_review_from_the_fifth_birthday() -> None:
    facts = plan("2025-01-20", born="2020-03-01")
    assert plan_schedule(facts, d("2025-02-28")).under_fives is not None
    assert plan_schedule(facts, d("2025-03-01")).under_fives is None


def test_a_council_setting_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="every 1 to 12 months"):
        plan_schedule(plan("2025-01-20", born="2022-03-01"), d("2025-03-01"), under_fives_months=0)


# --- the rows come from the table ---------------------------------------------------------------------

def test_a_corrected_table_moves_the_plan_clocks() -> None:
    raw = shipped()
    for row in raw["periods"]:
        if row["name"] == "amendment_final":
            row["period"] = {"weeks": 6}
        if row["name"] == "phase_transfer_school":
            row["period"] = {"on": "02-01"}
    rules = rules_from_dict(raw)
    facts = plan("2024-05-20", amendments=[AmendmentFacts(d("2025-05-09"))],
                 transfer=TransferFacts("school", d("2026-09-01")))
    s = plan_schedule(facts, d("2025-05-10"), rules=rules)
    assert s.amendment is not None and s.amendment.final_due == d("2025-06-20")  # 9 May + 42
    assert s.transfer is not None and s.transfer.due == d("2026-02-01")


@pytest.mark.parametrize(("on", "message"), [("14-02", "MM-DD"), ("02-30", "MM-DD"), ("Feb 14", "MM-DD")])
def test_a_malformed_fixed_day_names_the_row(on: str, message: str) -> None:
    raw = shipped()
    for row in raw["periods"]:
        if row["name"] == "phase_transfer_post16":
            row["period"] = {"on": on}
    with pytest.raises(RulesError, match=f"phase_transfer_post16.*{message}"):
        rules_from_dict(raw)
