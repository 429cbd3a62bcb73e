"""A plan in place carries more points while its review is due, an amendment runs or a transfer is in
progress; a council changes those points in its own settings file like the others."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseworker.caseload.settings import CaseloadSettingsError, default_settings, settings_from
from caseworker.caseload.weights import plan_work, plan_work_points
from caseworker.statutory.plan_facts import AmendmentFacts, PlanFacts, TransferFacts
from caseworker.statutory.plans import plan_schedule

TODAY = date(2026, 3, 2)


def plan(issued_days_ago: int, **more: object) -> PlanFacts:
    return PlanFacts("EHC-1", TODAY - timedelta(days=issued_days_ago), date(2015, 3, 2), **more)  # type: ignore[arg-type]


def test_a_quiet_plan_adds_nothing() -> None:
    s = plan_schedule(plan(100), TODAY)
    assert plan_work(s) == [] and plan_work_points(s, default_settings()) == 0


@pytest.mark.parametrize("days_ago", [330, 365, 500])  # due within 8 weeks, due today, long overdue
def test_a_review_due_or_overdue_adds_its_points(days_ago: int) -> None:
    s = plan_schedule(plan(days_ago), TODAY)
    assert plan_work(s) == ["review_due"]
    assert plan_work_points(s, default_settings()) == default_settings().points_for("review_due") > 0


def test_an_amendment_and_a_transfer_each_add_theirs_until_done() -> None:
    running = plan(100, amendments=[AmendmentFacts(TODAY - timedelta(days=5))],
                   transfer=TransferFacts("school", date(2026, 9, 1)))
    settings = settings_from({"points": {"amendment": 4, "phase_transfer": 1.5}})
    assert plan_work(plan_schedule(running, TODAY)) == ["amendment", "phase_transfer"]
    assert plan_work_points(plan_schedule(running, TODAY), settings) == 5.5
    finished = plan(100, amendments=[AmendmentFacts(TODAY - timedelta(days=40), None, TODAY - timedelta(days=3))],
                    transfer=TransferFacts("school", date(2026, 9, 1), done=TODAY - timedelta(days=10)))
    assert plan_work_points(plan_schedule(finished, TODAY), settings) == 0


def test_a_bad_plan_work_weight_is_refused_by_name() -> None:
    with pytest.raises(CaseloadSettingsError, match=r"\[points\] review_due"):
        settings_from({"points": {"review_due": -1}})
