"""Letters to send lists the letters a plan in place calls for (docs/letters.md#letters-to-send): the
review invitation before the meeting, the review decision after it, the proposed amendments and the final
amended plan's cover, the decision to cease and the phase transfer consultation; each with its due day and
days left, waiting for its step when the step is not recorded yet, and off the list once made."""

from __future__ import annotations

from datetime import date

from caseworker.context import AppContext
from caseworker.services import plan_cease, plan_transfers, plans
from caseworker.services.actor import Actor
from caseworker.views.letters_queue import QueuedLetter, letters_to_send
from caseworker.views.letters_queue_plans import ISSUE_FINAL, RECORD_CONSULTED, RECORD_DECISION
from tests.db.test_letters_law import on, world  # noqa: F401  (a fixture)
from tests.db.test_plan_letters import academy_id, make, planned  # noqa: F401  (a fixture)


def plan_items(ctx: AppContext, cid: int) -> list[QueuedLetter]:
    return [q for q in letters_to_send(ctx, ctx.today()) if q.case_id == cid and q.due is not None]


def only(ctx: AppContext, cid: int, template: str) -> QueuedLetter:
    [item] = [q for q in plan_items(ctx, cid) if q.template_id == template]
    return item


def test_a_booked_meeting_lists_the_invitation_due_two_weeks_before_it(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 3, 2))
    assert plan_items(ctx, planned) == []  # a plan with nothing under way has no letter due
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 20))
    invite = only(ctx, planned, "annual_review_invitation")
    assert (invite.due, invite.days_left, invite.since) == (date(2026, 4, 6), 35, date(2026, 4, 6))
    assert "20 Apr 2026" in invite.why and invite.child and invite.reference == "EHC-P"
    assert invite.needs_typing and not invite.ready  # the meeting's time and place are typed on the case
    make(ctx, caseworker, planned, "annual_review_invitation", meeting_time="10am", meeting_place="School")
    assert plan_items(ctx, planned) == []


def test_after_the_meeting_the_decision_waits_for_it_to_be_recorded_then_is_ready(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 4, 20))
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 20), invitations_sent_on=date(2026, 4, 1))
    on(ctx, date(2026, 5, 21))  # one day past the 4 weeks
    waiting = only(ctx, planned, "review_decision")
    assert (waiting.due, waiting.days_left, waiting.days_late) == (date(2026, 5, 18), -3, 3)
    assert waiting.blocked == RECORD_DECISION and not waiting.ready
    plans.record_review_decision(ctx, caseworker, planned, "maintain", date(2026, 5, 21))
    ready = only(ctx, planned, "review_decision")
    assert ready.ready and ready.since == date(2026, 5, 21) and ready.due == date(2026, 5, 18)
    make(ctx, caseworker, planned, "review_decision")
    assert plan_items(ctx, planned) == []


def test_amendments_list_the_notice_then_the_final_plan_cover(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 5, 11))
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 27))
    plans.record_review_decision(ctx, caseworker, planned, "amend", date(2026, 5, 11),
                                 amendment_notice_sent=date(2026, 5, 11))
    assert [q.template_id for q in plan_items(ctx, planned)] == ["amendment_notice"]  # not a review decision
    make(ctx, caseworker, planned, "amendment_notice")
    assert plan_items(ctx, planned) == []
    on(ctx, date(2026, 6, 15))  # three weeks before the 8 weeks end: the cover waits for the amended plan
    waiting = only(ctx, planned, "amended_plan_cover")
    assert (waiting.blocked, waiting.due, waiting.days_left) == (ISSUE_FINAL, date(2026, 7, 6), 21)
    plans.record_amended_plan(ctx, caseworker, planned, issued_on=date(2026, 6, 15))
    cover = only(ctx, planned, "amended_plan_cover")
    assert cover.ready and cover.since == date(2026, 6, 15)
    make(ctx, caseworker, planned, "amended_plan_cover")
    assert plan_items(ctx, planned) == []


def test_a_decision_to_cease_is_listed_to_be_written_on_the_case(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 3, 2))
    plan_cease.propose_cease(ctx, caseworker, planned, date(2026, 3, 2))
    assert plan_items(ctx, planned) == []  # no clock runs on a proposal
    on(ctx, date(2026, 3, 30))
    plan_cease.decide_cease(ctx, caseworker, planned, date(2026, 3, 30))
    cease = only(ctx, planned, "cease_decision")
    assert cease.needs_reasons and (cease.since, cease.days_left) == (date(2026, 3, 30), 0)
    on(ctx, date(2026, 5, 1))  # recorded more than four weeks ago: no longer a recent step
    assert plan_items(ctx, planned) == []


def test_a_transfer_lists_the_consultation_to_the_setting_consulted(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int, academy_id: int) -> None:  # noqa: F811
    on(ctx, date(2026, 6, 1))
    plan_transfers.record_transfer(ctx, caseworker, planned, "school", date(2027, 9, 1))
    assert plan_items(ctx, planned) == []  # 14 Feb 2027 is more than 20 weeks away
    on(ctx, date(2026, 10, 5))
    waiting = only(ctx, planned, "phase_transfer_consultation")
    assert (waiting.blocked, waiting.due) == (RECORD_CONSULTED, date(2027, 2, 14))
    plan_transfers.record_transfer_consultation(ctx, caseworker, planned, academy_id, date(2026, 10, 5))
    ready = only(ctx, planned, "phase_transfer_consultation")
    assert ready.ready and ready.request.recipient_id == f"school:{academy_id}" and ready.days_left == 132
    make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{academy_id}")
    assert plan_items(ctx, planned) == []


def test_plan_letters_sort_with_the_others_by_their_date(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 4, 20))
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 20), invitations_sent_on=date(2026, 4, 1))
    plan_cease.propose_cease(ctx, caseworker, planned, date(2026, 4, 20))
    on(ctx, date(2026, 5, 1))
    plan_cease.decide_cease(ctx, caseworker, planned, date(2026, 4, 30))
    queue = [q for q in letters_to_send(ctx, ctx.today()) if q.case_id == planned]
    assert [q.since for q in queue] == sorted(q.since for q in queue)
    assert [q.template_id for q in queue] == ["review_decision", "cease_decision"]
