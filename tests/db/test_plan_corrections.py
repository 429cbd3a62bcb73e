"""Correcting a notified plan date (caseworker/services/plan_corrections.py), and the plan letters that rest
on it: a reason is required, the change is checked like the step and audited with old and new, the
chronology shows both, the plan's clocks move, and every letter stating the date is flagged in the log."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

import pytest
from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.errors import PermissionDenied
from caseworker.services import plan_cease, plan_transfers, plans
from caseworker.services.actor import Actor
from caseworker.services.plan_corrections import CORRECT_PLAN_DATE, correct_plan_date
from caseworker.statutory.corrections import day
from caseworker.statutory.plans import plan_schedule
from caseworker.store.models import AuditEvent, LetterRecord
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview
from caseworker.store.plan_reads import plan_of_case
from caseworker.views.chronology import chronology
from caseworker.views.letter_flags import LONDON
from caseworker.views.letter_log import letter_log
from tests.db.test_letters_law import on, world  # noqa: F401  (a fixture)
from tests.db.test_plan_letters import REASONS, academy_id, make, planned  # noqa: F401  (a fixture)
from tests.db.test_plan_services import refused


def row_id(ctx: AppContext, model: Any, cid: int) -> int:
    with ctx.db.sessions() as s:
        found = s.scalars(select(model.id).where(model.case_id == cid).order_by(model.id.desc())).first()
    assert found is not None
    return int(found)


def flags(ctx: AppContext, cid: int) -> dict[str, str]:
    return {e.template_id: e.flag for e in letter_log(ctx, cid)}


def corrected_on(ctx: AppContext) -> str:
    with ctx.db.sessions() as s:
        at = s.scalars(select(AuditEvent.at).where(AuditEvent.action == CORRECT_PLAN_DATE)
                       .order_by(AuditEvent.id.desc())).first()
    assert at is not None
    return day((at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(LONDON).date())


def decided(ctx: AppContext, caseworker: Actor, cid: int) -> int:
    """A review held on 20 April 2026, its decision to keep the plan notified on 21 May, and its letter made."""
    on(ctx, date(2026, 4, 20))
    plans.record_review_meeting(ctx, caseworker, cid, date(2026, 4, 20))
    on(ctx, date(2026, 5, 21))
    plans.record_review_decision(ctx, caseworker, cid, "maintain", date(2026, 5, 21))
    make(ctx, caseworker, cid, "review_decision")
    return row_id(ctx, PlanReview, cid)


def test_a_review_decision_letter_keeps_the_plan_facts_it_states(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:  # noqa: F811
    review = decided(ctx, caseworker, planned)
    with ctx.db.sessions() as s:
        [kept] = s.scalars(select(LetterRecord.rests_on).where(LetterRecord.template_id == "review_decision"))
    assert kept == {f"review:{review}.meeting_on": "2026-04-20", f"review:{review}.decision": "maintain",
                    f"review:{review}.notified_on": "2026-05-21"}
    assert flags(ctx, planned)["review_decision"] == ""


def test_correcting_the_notified_day_flags_the_letter_moves_the_next_review_and_shows_in_the_history(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:  # noqa: F811
    review = decided(ctx, caseworker, planned)
    version = correct_plan_date(ctx, caseworker, planned, "review_notified", review, date(2026, 5, 18),
                                "  the letter went out on the 18th ")
    assert version > 0
    with ctx.db.sessions() as s:
        plan = plan_of_case(s, planned)
        [(before, after)] = s.execute(select(AuditEvent.before, AuditEvent.after)
                                      .where(AuditEvent.action == CORRECT_PLAN_DATE)).all()
    assert plan is not None and plan_schedule(plan, ctx.today()).review.due == date(2027, 5, 17)
    assert before == {f"review:{review}.notified_on": "2026-05-21"}
    assert after == {f"review:{review}.notified_on": "2026-05-18", "step": "review_notified",
                     "what": "the review decision", "reason": "the letter went out on the 18th"}
    assert flags(ctx, planned)["review_decision"] == (
        f"the date the review decision was notified it rests on was corrected on {corrected_on(ctx)} "
        "(21 May 2026 → 18 May 2026)")
    events = {e.what: e for e in chronology(ctx, planned).events}
    assert events["Plan date corrected: the review decision"].details == (
        "The review decision: notified on 21 May 2026 → 18 May 2026. Reason: the letter went out on the 18th")


def test_a_refused_correction_writes_nothing(ctx: AppContext, caseworker: Actor, reader: Actor,
                                             planned: int) -> None:  # noqa: F811
    review = decided(ctx, caseworker, planned)
    assert "give the reason" in refused(lambda: correct_plan_date(
        ctx, caseworker, planned, "review_notified", review, date(2026, 5, 18), "  "), "reason")
    assert "before the meeting on" in refused(lambda: correct_plan_date(
        ctx, caseworker, planned, "review_notified", review, date(2026, 4, 19), "typo"), "notified_on")
    assert "after today" in refused(lambda: correct_plan_date(
        ctx, caseworker, planned, "review_notified", review, date(2026, 5, 22), "typo"), "notified_on")
    assert "already recorded" in refused(lambda: correct_plan_date(
        ctx, caseworker, planned, "review_notified", review, date(2026, 5, 21), "typo"), "notified_on")
    assert "not a plan date" in refused(lambda: correct_plan_date(
        ctx, caseworker, planned, "review_invitations", review, date(2026, 5, 1), "typo"), "step")
    assert "not on this plan" in refused(lambda: correct_plan_date(
        ctx, caseworker, planned, "review_notified", review + 99, date(2026, 5, 1), "typo"), "step")
    with pytest.raises(PermissionDenied):
        correct_plan_date(ctx, reader, planned, "review_notified", review, date(2026, 5, 18), "typo")
    with ctx.db.sessions() as s:
        assert s.scalar(select(PlanReview.notified_on).where(PlanReview.id == review)) == date(2026, 5, 21)
        assert not s.scalars(select(AuditEvent.id).where(AuditEvent.action == CORRECT_PLAN_DATE)).all()
    assert flags(ctx, planned)["review_decision"] == ""


def test_each_plan_date_is_corrected_and_its_letters_flagged(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 5, 11))
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 27))
    plans.record_review_decision(ctx, caseworker, planned, "amend", date(2026, 5, 11),
                                 amendment_notice_sent=date(2026, 5, 11))
    make(ctx, caseworker, planned, "amendment_notice")
    on(ctx, date(2026, 6, 15))
    plans.record_amended_plan(ctx, caseworker, planned, issued_on=date(2026, 6, 15))
    make(ctx, caseworker, planned, "amended_plan_cover")
    amendment = row_id(ctx, PlanAmendment, planned)
    correct_plan_date(ctx, caseworker, planned, "amended_plan", amendment, date(2026, 6, 12), "issued on the 12th")
    assert "final amended plan was issued it rests on was corrected" in flags(ctx, planned)["amended_plan_cover"]
    assert flags(ctx, planned)["amendment_notice"] == ""  # it does not state the final plan's date
    correct_plan_date(ctx, caseworker, planned, "amendment_notice", amendment, date(2026, 5, 12), "sent the 12th")
    assert "(11 May 2026 → 12 May 2026)" in flags(ctx, planned)["amendment_notice"]

    plan_cease.propose_cease(ctx, caseworker, planned, date(2026, 6, 15))
    on(ctx, date(2026, 7, 1))
    plan_cease.decide_cease(ctx, caseworker, planned, date(2026, 7, 1))
    make(ctx, caseworker, planned, "cease_decision", reasons=REASONS)
    assert "before the proposed on (15 Jun 2026)" in refused(lambda: correct_plan_date(
        ctx, caseworker, planned, "cease_decision", row_id(ctx, PlanCease, planned), date(2026, 6, 14), "typo"),
        "decided_on")  # the proposal came first
    correct_plan_date(ctx, caseworker, planned, "cease_decision", row_id(ctx, PlanCease, planned),
                      date(2026, 6, 30), "notified the day before")
    assert "(1 Jul 2026 → 30 Jun 2026)" in flags(ctx, planned)["cease_decision"]


def test_a_consultation_letter_is_flagged_when_the_move_or_the_setting_changes(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int, academy_id: int) -> None:  # noqa: F811
    on(ctx, date(2026, 10, 5))
    plan_transfers.record_transfer(ctx, caseworker, planned, "school", date(2027, 9, 1))
    plan_transfers.record_transfer_consultation(ctx, caseworker, planned, academy_id, date(2026, 10, 5))
    make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{academy_id}")
    assert flags(ctx, planned)["phase_transfer_consultation"] == ""
    plan_transfers.record_transfer(ctx, caseworker, planned, "school", date(2027, 9, 2))
    assert flags(ctx, planned)["phase_transfer_consultation"] == (
        "the date of the phase transfer it rests on has changed since it was made (1 Sep 2027 → 2 Sep 2027)")
    on(ctx, date(2027, 2, 10))
    plan_transfers.record_transfer_done(ctx, caseworker, planned, date(2027, 2, 10), academy_id)
    correct_plan_date(ctx, caseworker, planned, "transfer_named", row_id(ctx, PhaseTransfer, planned),
                      date(2027, 2, 9), "issued the day before")
    with ctx.db.sessions() as s:
        assert s.scalar(select(PhaseTransfer.done_on)) == date(2027, 2, 9)
