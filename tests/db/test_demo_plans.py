"""The demo's plans in place have histories a council would recognise, every date as the plan's own
services would have accepted it, drawn the same way for the same seed and day."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from caseworker.demo import build_demo
from caseworker.statutory.plans import CEASE_CEASED, CEASE_DECIDED, PlanSchedule, plan_schedule
from caseworker.store.database import open_database
from caseworker.store.plan_models import PlanCease
from caseworker.store.plan_reads import plan_facts

# Early February: next September's movers are being consulted and their plans amended.
TODAY = date(2026, 2, 2)


def read(url: str) -> tuple[list[Any], list[tuple[Any, ...]]]:
    db = open_database(url)
    try:
        with db.sessions() as s:
            ceased = [tuple(r) for r in s.execute(select(PlanCease.case_id, PlanCease.decided_on, PlanCease.ceased_on,
                                                          PlanCease.reason).where(PlanCease.ceased_on.is_not(None)))]
            return plan_facts(s), ceased
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], list[tuple[Any, ...]], list[str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'county.sqlite'}"
    summary = build_demo(url, scale="county", today=TODAY, login="lead")
    plans, ceased = read(url)
    return plans, ceased, summary.lines()


def schedules(plans: list[Any]) -> list[PlanSchedule]:
    return [plan_schedule(p, TODAY) for p in plans]


def test_every_date_is_one_the_services_would_accept(county: tuple[list[Any], Any, Any]) -> None:
    plans, _, _ = county
    for p in plans:
        decided = [r for r in p.reviews if r.notified is not None]
        for r in p.reviews:
            assert r.meeting is not None and r.meeting >= p.plan_issued, p.reference
            assert r.invitations_sent is not None and p.plan_issued <= r.invitations_sent <= min(r.meeting, TODAY)
            assert r.report_sent is None or r.meeting <= r.report_sent <= TODAY
            assert r.notified is None or r.meeting <= r.notified <= TODAY
        assert [r.notified for r in decided] == sorted(r.notified for r in decided)
        assert sum(r.notified is None for r in p.reviews) <= 1, p.reference  # one review under way at most
        for a in p.amendments:
            assert p.plan_issued <= a.notice_sent <= TODAY
            assert a.final_issued is None or a.notice_sent + timedelta(days=15) <= a.final_issued <= TODAY
            assert a.not_amended is None or a.notice_sent < a.not_amended <= TODAY
        t = p.transfer
        if t is not None:
            assert t.transfer_date >= p.plan_issued
            assert t.consultation_sent is None or p.plan_issued <= t.consultation_sent <= TODAY
            assert t.setting_replied is None or (t.consultation_sent is not None and (
                t.consultation_sent <= t.setting_replied <= TODAY))
            assert t.done is None or (t.consultation_sent or t.done) <= t.done <= TODAY
        c = p.cease
        if c is not None:
            assert c.proposed is not None and p.plan_issued <= c.proposed <= TODAY
            assert c.decided is None or c.proposed <= c.decided <= TODAY
            assert c.appeal_lodged is None or (c.decided is not None and c.decided <= c.appeal_lodged <= TODAY)


def test_most_reviews_are_on_time_and_some_are_months_overdue(county: tuple[list[Any], Any, Any]) -> None:
    plans, _, _ = county
    worked = schedules(plans)
    status = Counter(s.review.status for s in worked)
    assert status["pending"] > len(worked) / 2
    assert 0.01 < status["overdue"] / len(worked) < 0.2 and status["due_soon"] > 0
    overdue_days = [(TODAY - s.review.due).days for s in worked if s.review.status == "overdue"]
    assert max(overdue_days) > 90  # some months late, as the Ombudsman's cases are
    held = [r for p in plans for r in p.reviews if r.notified is not None]
    assert Counter(r.decision for r in held).keys() == {"maintain", "amend"}


def test_amendments_in_every_state(county: tuple[list[Any], Any, Any]) -> None:
    worked = [s for s in schedules(county[0]) if s.amendment is not None]
    status = Counter(s.amendment.status for s in worked if s.amendment is not None)
    assert status["met"] > status["met_late"] > 0
    in_comments = [s for s in worked if s.amendment is not None and s.amendment.done is None
                   and s.amendment.comments_until >= TODAY]
    assert in_comments  # a few notices still inside the family's 15 days


def test_a_february_transfer_cohort(county: tuple[list[Any], Any, Any]) -> None:
    moving = [s.transfer for s in schedules(county[0])
              if s.transfer is not None and s.transfer.transfer_date == date(2026, 9, 1)]
    assert len(moving) > 20
    assert Counter(t.kind for t in moving).keys() >= {"school", "post16"}
    school = [t for t in moving if t.kind == "school"]
    assert all(t.due == date(2026, 2, 14) for t in school)
    done = [t for t in school if t.done is not None]
    consulted_only = [t for t in school if t.done is None and t.consultation_sent is not None]
    at_risk = [t for t in school if t.done is None and t.status == "due_soon"]
    assert done and consulted_only and at_risk


def test_a_few_plans_are_ceasing(county: tuple[list[Any], Any, Any]) -> None:
    plans, ceased, lines = county
    states = Counter(s.cease.state for s in schedules(plans) if s.cease is not None)
    in_window = [s for s in schedules(plans) if s.cease is not None and s.cease.state == CEASE_DECIDED
                 and not s.cease.may_cease(TODAY)]
    assert in_window and CEASE_CEASED not in states  # a ceased plan is no longer maintained
    assert ceased and all(1 <= reason <= 9 for *_, reason in ceased)
    assert all(ceased_on > decided for _, decided, ceased_on, _ in ceased if decided is not None)
    assert sum(states.values()) < len(plans) / 20
    assert any("appeal window" in line for line in lines)


def test_the_same_seed_and_day_draw_the_same_histories(tmp_path: Path) -> None:
    one, two = f"sqlite:///{tmp_path / 'one.sqlite'}", f"sqlite:///{tmp_path / 'two.sqlite'}"
    build_demo(one, scale="tiny", today=TODAY, login="lead", seed=5)
    build_demo(two, scale="tiny", today=TODAY, login="lead", seed=5)
    assert read(one) == read(two)
    assert any(p.reviews for p in read(one)[0])
