"""Keeping a plan in place through its services, on SQLite and PostgreSQL: reviews, amendments, phase
transfers, ceasing and the year group; each checked, audited with before and after, and read back as the
engine sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.errors import ConflictError, PermissionDenied, ValidationError
from caseworker.services import plan_cease, plan_transfers, plans
from caseworker.services.actor import Actor
from caseworker.statutory.plans import plan_schedule
from caseworker.store.database import Database
from caseworker.store.models import AuditEvent, Case, School
from caseworker.store.plan_reads import load_plan_facts, plan_facts, plan_of_case
from caseworker.store.reads import Dialect
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases

TODAY = date(2026, 3, 2)
ISSUED = date(2024, 5, 20)


def at(db: Database, today: date) -> AppContext:
    return AppContext(db=db, clock=fixed_clock(today))


@pytest.fixture
def app(db: Database) -> AppContext:
    return at(db, TODAY)


def add_plan(db: Database, reference: str = "EHC-0001", born: date = date(2015, 3, 2),
             issued: date = ISSUED) -> int:
    """A plan in place, as the tracker import or the demo writes one."""
    with db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename="Amelia", surname="Jones", date_of_birth=born,
                                   final_issued=issued)], actor_id=None, today=TODAY)
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
    assert case_id is not None
    return case_id


@pytest.fixture
def plan(db: Database) -> int:
    return add_plan(db)


def facts(app: AppContext, case_id: int) -> Any:
    with app.db.sessions() as s:
        return plan_of_case(s, case_id)


def audit_rows(app: AppContext, action: str) -> list[tuple[Any, Any]]:
    with app.db.sessions() as s:
        return [(e.before, e.after) for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                                       .order_by(AuditEvent.id))]


def refused(call: Any, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    reasons = caught.value.for_field(field)
    assert reasons, caught.value.problems
    return reasons[0]


def test_a_review_then_an_amendment_start_the_next_twelve_months(app: AppContext, caseworker: Actor,
                                                                  plan: int) -> None:
    plans.record_review_meeting(app, caseworker, plan, date(2025, 4, 10), invitations_sent_on=date(2025, 3, 24),
                                report_sent_on=date(2025, 4, 17))
    plans.record_review_decision(app, caseworker, plan, "amend", date(2025, 5, 2),
                                 amendment_notice_sent=date(2025, 5, 9))
    plans.record_amended_plan(app, caseworker, plan, issued_on=date(2025, 6, 30))
    stored = facts(app, plan)
    [review] = stored.reviews
    assert (review.meeting, review.invitations_sent, review.report_sent, review.decision, review.notified) == (
        date(2025, 4, 10), date(2025, 3, 24), date(2025, 4, 17), "amend", date(2025, 5, 2))
    [amendment] = stored.amendments
    assert (amendment.notice_sent, amendment.final_issued) == (date(2025, 5, 9), date(2025, 6, 30))
    schedule = plan_schedule(stored, TODAY)
    # 12 months starting with 2 May 2025 end on 1 May 2026: 60 days off, so not yet due soon.
    assert (schedule.review.due, schedule.review.status) == (date(2026, 5, 1), "pending")
    assert schedule.amendment is not None and schedule.amendment.status == "met"
    assert audit_rows(app, "record_review_decision") == [
        ({"decision": None, "notified_on": None},
         {"decision": "amend", "notified_on": "2025-05-02", "amendment_notice_sent": "2025-05-09"})]
    assert audit_rows(app, "record_amended_plan") == [({"final_issued_on": None}, {"final_issued_on": "2025-06-30"})]


def test_review_dates_must_fit_the_plan_and_the_meeting(app: AppContext, caseworker: Actor, plan: int) -> None:
    assert refused(lambda: plans.record_review_meeting(app, caseworker, plan, date(2024, 5, 1)), "meeting_on") == \
        "1 May 2024 is before the plan was issued (20 May 2024)"
    assert "record the review meeting first" in refused(
        lambda: plans.record_review_decision(app, caseworker, plan, "maintain", date(2025, 5, 2)), "decision")
    plans.record_review_meeting(app, caseworker, plan, date(2025, 4, 10))
    assert refused(lambda: plans.record_review_decision(app, caseworker, plan, "maintain", date(2025, 4, 9)),
                   "notified_on") == "9 Apr 2025 is before the review meeting on 10 Apr 2025"
    assert refused(lambda: plans.record_review_decision(app, caseworker, plan, "maintain", date(2026, 3, 3)),
                   "notified_on") == "3 Mar 2026 is after today (2 Mar 2026)"
    assert "go with a decision to amend" in refused(lambda: plans.record_review_decision(
        app, caseworker, plan, "maintain", date(2025, 5, 2), amendment_notice_sent=date(2025, 5, 2)),
        "amendment_notice_sent")
    assert refused(lambda: plans.record_review_meeting(app, caseworker, plan, date(2025, 4, 10),
                                                       report_sent_on=date(2025, 4, 1)),
                   "report_sent_on") == "the report follows the meeting (10 Apr 2025)"
    assert facts(app, plan).reviews[0].notified is None  # nothing refused was written


def test_a_meeting_arranged_ahead_is_the_review_under_way(app: AppContext, caseworker: Actor, plan: int) -> None:
    plans.record_review_meeting(app, caseworker, plan, date(2026, 4, 20))
    plans.record_review_meeting(app, caseworker, plan, date(2026, 4, 27), invitations_sent_on=date(2026, 3, 2))
    [review] = facts(app, plan).reviews  # moved, not doubled
    assert (review.meeting, review.invitations_sent) == (date(2026, 4, 27), date(2026, 3, 2))
    assert audit_rows(app, "record_review_meeting")[1] == (
        {"meeting_on": "2026-04-20", "invitations_sent_on": None},
        {"meeting_on": "2026-04-27", "invitations_sent_on": "2026-03-02"})


def test_the_final_amended_plan_waits_for_the_familys_fifteen_days(app: AppContext, caseworker: Actor,
                                                                    plan: int) -> None:
    plans.record_amendment_notice(app, caseworker, plan, date(2026, 2, 2), served_on=date(2026, 2, 4))
    assert refused(lambda: plans.record_amended_plan(app, caseworker, plan, issued_on=date(2026, 2, 18)),
                   "issued_on") == "the family have 15 days from 4 Feb 2026 to comment: the final amended plan can " \
                                   "be issued from 19 Feb 2026"
    assert "still open" in refused(lambda: plans.record_amendment_notice(app, caseworker, plan, date(2026, 2, 9)),
                                   "amendment_notice_sent")
    plans.record_amended_plan(app, caseworker, plan, not_amended_on=date(2026, 2, 20))
    schedule = plan_schedule(facts(app, plan), TODAY)
    assert schedule.amendment is not None
    assert (schedule.amendment.not_amended, schedule.amendment.status) == (date(2026, 2, 20), "met")
    plans.record_amendment_notice(app, caseworker, plan, date(2026, 2, 23))  # the next one may follow


def test_a_phase_transfer_names_the_next_school(app: AppContext, caseworker: Actor, plan: int) -> None:
    with app.db.session() as s:
        school = School(name="Wye Valley Academy", urn="137001", kind="academy")
        s.add(school)
        s.flush()
        school_id = school.id
    plan_transfers.record_transfer(app, caseworker, plan, "school", date(2026, 9, 1))
    plan_transfers.record_transfer_consultation(app, caseworker, plan, school_id, date(2025, 11, 3))
    assert "cannot come before it" in refused(lambda: plan_transfers.record_transfer_reply(
        app, caseworker, plan, date(2025, 11, 1), "agrees"), "setting_replied_on")
    plan_transfers.record_transfer_reply(app, caseworker, plan, date(2025, 11, 14), "agrees")
    before = plan_schedule(facts(app, plan), date(2026, 2, 1)).transfer
    assert before is not None and (before.due, before.status) == (date(2026, 2, 14), "due_soon")
    plan_transfers.record_transfer_done(app, caseworker, plan, date(2026, 2, 10), school_id)
    stored = facts(app, plan)
    assert stored.named_setting is not None and stored.named_setting.name == "Wye Valley Academy"
    transfer = plan_schedule(stored, TODAY).transfer
    assert transfer is not None and (transfer.done, transfer.status) == (date(2026, 2, 10), "met")
    assert "no phase transfer under way" in refused(lambda: plan_transfers.record_transfer_reply(
        app, caseworker, plan, date(2026, 2, 11), "agrees"), "transfer")
    [(was, now)] = audit_rows(app, "record_transfer_done")
    assert was == {"named_setting_id": None, "done_on": None}
    assert now == {"done_on": "2026-02-10", "named_setting_id": school_id, "named_setting": "Wye Valley Academy",
                   "kind": "academy"}


def test_a_plan_is_kept_while_the_family_can_appeal(db: Database, app: AppContext, caseworker: Actor,
                                                     plan: int) -> None:
    plan_cease.propose_cease(app, caseworker, plan, date(2025, 12, 1))
    assert "already under way" in refused(lambda: plan_cease.propose_cease(app, caseworker, plan,
                                                                           date(2025, 12, 2)), "proposed_on")
    plan_cease.decide_cease(app, caseworker, plan, date(2026, 1, 10))
    assert refused(lambda: plan_cease.cease_plan(app, caseworker, plan, date(2026, 3, 2), 2), "ceased_on") == \
        "the family can appeal until 10 Mar 2026: the plan is kept until then and can cease from 11 Mar 2026"
    plan_cease.record_cease_appeal(app, caseworker, plan, lodged_on=date(2026, 2, 20))
    later = at(db, date(2026, 6, 1))
    assert refused(lambda: plan_cease.cease_plan(later, caseworker, plan, date(2026, 5, 1), 2), "ceased_on") == \
        "the appeal lodged on 20 Feb 2026 is waiting for the Tribunal: the plan is kept until it is decided"
    plan_cease.record_cease_appeal(later, caseworker, plan, concluded_on=date(2026, 5, 12))
    plan_cease.cease_plan(later, caseworker, plan, date(2026, 5, 29), 2)
    assert facts(later, plan) is None  # ceased: no longer a plan in place
    with db.sessions() as s:
        assert plan_facts(s) == []
    assert "has no plan in place" in refused(lambda: plans.record_amendment_notice(
        later, caseworker, plan, date(2026, 5, 30)), "plan")
    [(was, now)] = audit_rows(later, "cease_plan")
    assert was == {"ceased_on": None, "reason": None}
    assert now["ceased_on"] == "2026-05-29" and now["reason"] == 2


def test_a_review_decision_to_cease_opens_the_appeal_window(app: AppContext, caseworker: Actor, plan: int) -> None:
    plans.record_review_meeting(app, caseworker, plan, date(2026, 1, 5))
    plans.record_review_decision(app, caseworker, plan, "cease", date(2026, 1, 30))
    cease = facts(app, plan).cease
    assert (cease.proposed, cease.decided) == (date(2026, 1, 5), date(2026, 1, 30))
    assert "can appeal until 30 Mar 2026" in refused(
        lambda: plan_cease.cease_plan(app, caseworker, plan, date(2026, 3, 2), 3), "ceased_on")


def test_a_child_who_died_or_moved_council_ceases_at_once(app: AppContext, caseworker: Actor, plan: int) -> None:
    assert "after a decision to cease" in refused(
        lambda: plan_cease.cease_plan(app, caseworker, plan, date(2026, 2, 27), 9), "ceased_on")
    assert "not an SEN2 reason" in refused(
        lambda: plan_cease.cease_plan(app, caseworker, plan, date(2026, 2, 27), 10), "reason")
    plan_cease.cease_plan(app, caseworker, plan, date(2026, 2, 27), 5)
    assert facts(app, plan) is None


def test_a_dropped_proposal_leaves_the_plan_going(app: AppContext, caseworker: Actor, plan: int) -> None:
    plan_cease.propose_cease(app, caseworker, plan, date(2026, 1, 12))
    plan_cease.withdraw_cease(app, caseworker, plan, date(2026, 2, 3))
    stored = facts(app, plan)
    assert stored is not None and stored.cease.withdrawn == date(2026, 2, 3)
    plan_cease.propose_cease(app, caseworker, plan, date(2026, 3, 2))  # a new one may follow


def test_the_year_group_offset_moves_the_child_and_is_bounded(app: AppContext, caseworker: Actor,
                                                               plan: int) -> None:
    plans.set_year_group_offset(app, caseworker, plan, 1)
    assert facts(app, plan).year_group_offset == 1
    assert "at most 2 years" in refused(lambda: plans.set_year_group_offset(app, caseworker, plan, 3),
                                        "year_group_offset")
    assert audit_rows(app, "set_year_group_offset") == [({"year_group_offset": 0}, {"year_group_offset": 1})]


def test_roles_and_stale_copies_are_refused(app: AppContext, caseworker: Actor, reader: Actor, plan: int) -> None:
    with pytest.raises(PermissionDenied):
        plans.record_amendment_notice(app, reader, plan, date(2026, 2, 2))
    with app.db.sessions() as s:
        opened = s.get(Case, plan).version  # type: ignore[union-attr]
    version = plans.record_review_meeting(app, caseworker, plan, date(2026, 2, 2), expected_version=opened)
    assert version == opened + 1
    with pytest.raises(ConflictError):
        plans.record_amendment_notice(app, caseworker, plan, date(2026, 2, 2), expected_version=opened)
    assert facts(app, plan).amendments == []


def test_every_plan_is_read_in_a_few_queries_and_a_request_without_its_plan_is_not(
        db: Database, app: AppContext, caseworker: Actor) -> None:
    for n in range(30):
        case_id = add_plan(db, f"EHC-{n:04d}", issued=date(2023, 1, 2))
        plans.record_review_meeting(app, caseworker, case_id, date(2024, 1, 8))
        plans.record_review_decision(app, caseworker, case_id, "maintain", date(2024, 1, 19))
    with db.session() as s:
        write_cases(s, [CaseRecord(reference="EHC-9999", forename="Ola", surname="Nowak",
                                   date_of_birth=date(2016, 1, 1), received=date(2026, 1, 5))],
                    actor_id=None, today=TODAY)
    statements: list[str] = []

    class Counting:
        """The driver's connection, counting the statements run on its cursors."""

        def __init__(self, conn: Any) -> None:
            self.conn = conn

        def cursor(self) -> Any:
            cur = self.conn.cursor()
            run = cur.execute

            def execute(sql: str, *args: Any) -> Any:
                statements.append(sql)
                return run(sql, *args)

            return type("Cursor", (), {"execute": staticmethod(execute), "fetchall": cur.fetchall,
                                       "fetchmany": cur.fetchmany,
                                       "close": cur.close, "__iter__": lambda _self: iter(cur)})()

    with db.sessions() as s:
        conn = Counting(s.connection().connection.driver_connection)
        found = load_plan_facts(conn, Dialect(db.engine.dialect.name))
    assert [f.reference for f in found] == [f"EHC-{n:04d}" for n in range(30)]
    assert all(len(f.reviews) == 1 and f.reviews[0].decision == "maintain" for f in found)
    # One statement: the plans with their staff and settings, and their reviews, amendments, transfers and
    # proposals to cease in one UNION ALL (each statement is a round trip to a team database).
    assert len(statements) == 1


def test_a_move_two_cohorts_ahead_is_recorded_and_a_third_is_refused(app: AppContext, caseworker: Actor,
                                                                    plan: int) -> None:
    # 2 March 2026: the next cohort moves on 1 September 2026, the one after on 1 September 2027 (a Year 5
    # child's secondary transfer, which councils start on early).
    plan_transfers.record_transfer(app, caseworker, plan, "school", date(2027, 9, 1))
    moving = facts(app, plan).transfer
    assert moving is not None and moving.transfer_date == date(2027, 9, 1)
    reason = refused(lambda: plan_transfers.record_transfer(app, caseworker, plan, "school", date(2028, 9, 1)),
                     "transfer_date")
    assert "beyond the next 2 transfer cohorts" in reason and "1 Sep 2027" in reason
    assert facts(app, plan).transfer.transfer_date == date(2027, 9, 1)  # nothing written on a refusal


def test_the_cohorts_ahead_count_from_the_next_september() -> None:
    assert plan_transfers.furthest_move(date(2026, 8, 31)) == date(2027, 9, 1)
    assert plan_transfers.furthest_move(date(2026, 9, 1)) == date(2028, 9, 1)
