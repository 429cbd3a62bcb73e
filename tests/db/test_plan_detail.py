"""The case record's view of a plan (caseworker.views.plan_detail), built with the services: each review
judged against its own 12 months, every amendment notice on its own clock, the setting consulted on a
move, the steps the plan can take as it goes, and a ceased plan with its SEN2 reason."""

from __future__ import annotations

from datetime import date

from caseworker.context import AppContext
from caseworker.services import plan_cease, plan_transfers, plans
from caseworker.services.actor import Actor
from caseworker.statutory.plans import plan_schedule
from caseworker.store.database import Database
from caseworker.store.models import School
from caseworker.store.plan_reads import plan_of_case
from caseworker.views.case_detail import load_case_detail
from caseworker.views.plan_detail import PLAN_STEPS, PlanDetail
from tests.db.test_plan_services import TODAY, add_plan, at

START = {"review_meeting", "amendment_notice", "record_transfer", "propose_cease", "cease_plan", "year_group"}


def plan_of(app: AppContext, case_id: int) -> PlanDetail:
    plan = load_case_detail(app, case_id, app.today(), with_history=False).plan
    assert plan is not None
    return plan


def test_reviews_are_each_judged_against_their_own_twelve_months(db: Database, caseworker: Actor) -> None:
    app = at(db, TODAY)  # 2 Mar 2026; the plan was issued 20 May 2024
    case_id = add_plan(db)
    plans.record_review_meeting(app, caseworker, case_id, date(2025, 5, 1))
    plans.record_review_decision(app, caseworker, case_id, "maintain", date(2025, 6, 2))  # due 19 May: late
    plans.record_review_meeting(app, caseworker, case_id, date(2026, 2, 16))
    plan = plan_of(app, case_id)
    [held] = plan.reviews_held
    assert (held.judged.due, held.judged.status, held.days_late) == (date(2025, 5, 19), "met_late", 14)
    assert plan.review is not None and plan.review.meeting == date(2026, 2, 16)
    # The next review runs 12 months from the late decision, not from the due day it missed.
    assert plan.review.due == date(2026, 6, 1)
    with db.sessions() as s:
        facts = plan_of_case(s, case_id)
    assert facts is not None and plan.review.due == plan_schedule(facts, TODAY).review.due
    assert plan.steps == START | {"review_decision", "correct_plan_date"}  # its notified dates can be corrected


def test_every_amendment_notice_keeps_its_own_clock(db: Database, caseworker: Actor) -> None:
    app = at(db, TODAY)
    case_id = add_plan(db)
    plans.record_amendment_notice(app, caseworker, case_id, date(2025, 1, 6))
    plans.record_amended_plan(app, caseworker, case_id, issued_on=date(2025, 3, 31))  # due 3 Mar: late
    plans.record_amendment_notice(app, caseworker, case_id, date(2026, 2, 23), served_on=date(2026, 2, 25))
    plan = plan_of(app, case_id)
    first, latest = plan.amendments
    assert (first.final_due, first.final_issued, first.status) == (date(2025, 3, 3), date(2025, 3, 31), "met_late")
    assert (latest.served, latest.comments_until, latest.final_due, latest.status) == (
        date(2026, 2, 25), date(2026, 3, 11), date(2026, 4, 20), "pending")
    assert "amended_plan" in plan.steps and "amendment_notice" not in plan.steps


def test_a_move_names_the_setting_consulted_and_offers_its_next_steps(db: Database, caseworker: Actor) -> None:
    app = at(db, TODAY)
    case_id = add_plan(db, born=date(2014, 10, 2))
    with db.session() as s:
        school = School(name="Wye Valley College", kind="fe_college")
        s.add(school)
        s.flush()
        college = school.id
    plan_transfers.record_transfer(app, caseworker, case_id, "school", date(2026, 9, 1))
    assert {"transfer_consultation", "transfer_done"} <= plan_of(app, case_id).steps
    assert "transfer_reply" not in plan_of(app, case_id).steps  # nobody consulted yet
    plan_transfers.record_transfer_consultation(app, caseworker, case_id, college, date(2026, 1, 12))
    plan = plan_of(app, case_id)
    assert plan.transfer is not None
    assert (plan.transfer.consulted, plan.transfer.consulted_id, plan.transfer.reply) == (
        "Wye Valley College", college, "")
    assert (plan.transfer.clock.due, plan.transfer.days_left) == (date(2026, 2, 14), -16)
    assert "transfer_reply" in plan.steps


def test_ceasing_offers_each_step_in_turn_and_a_ceased_plan_none(db: Database, caseworker: Actor) -> None:
    app = at(db, date(2025, 3, 1))
    case_id = add_plan(db)
    plan_cease.propose_cease(app, caseworker, case_id, date(2025, 1, 6))
    assert plan_of(app, case_id).steps == START - {"propose_cease"} | {"decide_cease", "withdraw_cease"}
    plan_cease.decide_cease(app, caseworker, case_id, date(2025, 1, 20))
    plan = plan_of(app, case_id)
    assert plan.steps == START - {"propose_cease"} | {"cease_appeal", "withdraw_cease", "correct_plan_date"}
    assert plan.cease is not None and plan.cease.state.appeal_until == date(2025, 3, 20)
    later = at(db, date(2025, 4, 1))
    plan_cease.cease_plan(later, caseworker, case_id, date(2025, 3, 31), 2)
    ceased = plan_of(later, case_id)
    assert ceased.ceased and ceased.facts is None and ceased.review is None and ceased.steps == frozenset()
    assert ceased.cease is not None and ceased.cease.reason_words == (
        "2: Ongoing educational or training needs being met without an EHC plan")
    assert ceased.cease.state.appeal_until == date(2025, 3, 20) and ceased.issued == date(2024, 5, 20)


def test_a_request_not_yet_issued_has_no_plan(db: Database, caseworker: Actor) -> None:
    from caseworker.services import steps

    app = at(db, TODAY)
    case_id = steps.register_request(app, caseworker, steps.NewRequest(
        forename="Ben", surname="Ford", date_of_birth=date(2016, 5, 4), received=date(2026, 1, 5)))
    assert load_case_detail(app, case_id, TODAY).plan is None
    assert set(PLAN_STEPS) == START | {"review_decision", "amended_plan", "transfer_consultation", "transfer_reply",
                                       "transfer_done", "decide_cease", "cease_appeal", "withdraw_cease",
                                       "correct_plan_date"}
