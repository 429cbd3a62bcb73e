"""The steps of the 20-week process through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseworker.context import AppContext, fixed_clock
from caseworker.errors import ConflictError, PermissionDenied, UnknownUser, ValidationError
from caseworker.services import steps
from caseworker.services.actor import Actor, resolve_actor
from caseworker.store.database import Database
from caseworker.store.models import Allocation, AuditEvent, Case, Staff
from caseworker.store.queries import load_request_facts
from tests.db.conftest import TODAY, add_staff


def new_request(received: date = date(2025, 1, 6), **kw: object) -> steps.NewRequest:
    base: dict[str, object] = dict(forename="Zoë", surname="Wiśniewska", date_of_birth=date(2016, 5, 4),
                                   received=received, caseworker="jsmith", contact_name="Łukasz Wiśniewski",
                                   contact_address="12 Bath Street\nHereford", contact_postcode="hr1 2hq")
    # Fixtures tell several requests of one made-up child; a second open request needs its reason.
    base.setdefault("duplicate_reason", "another request in this test's story")
    base.update(kw)
    return steps.NewRequest(**base)  # type: ignore[arg-type]


def deadlines(ctx: AppContext, reference: str, today: date = TODAY) -> dict[str, str]:
    with ctx.db.sessions() as s:
        [facts] = load_request_facts(s, open_only=False, references=[reference])
    d = ctx.engine.evaluate(facts, today)
    return {m.name: m.status for m in d.milestones} | {"stage": d.stage}


def audit_actions(db: Database, case_id: int) -> list[str]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)
                              .order_by(AuditEvent.id)))


def test_a_request_runs_from_registration_to_final_plan(ctx: AppContext, caseworker: Actor) -> None:
    ctx.clock = fixed_clock(date(2025, 5, 20))
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0001"))
    assert deadlines(ctx, "EHC-2025-0001", date(2025, 1, 7))["stage"] == "request"
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    ep = steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 11), service="County EP Service")
    steps.request_advice(ctx, caseworker, cid, "health", date(2025, 2, 11), service="Wye Valley NHS Trust")
    steps.record_advice_received(ctx, caseworker, ep, date(2025, 3, 30))
    steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 4, 7))
    steps.record_draft_sent(ctx, caseworker, cid, date(2025, 4, 14), served_on=date(2025, 4, 16))
    steps.record_final_plan(ctx, caseworker, cid, date(2025, 5, 1))  # served 16 Apr + 15 = 1 May
    status = deadlines(ctx, "EHC-2025-0001", date(2025, 5, 20))
    assert status == {"decision_to_assess": "met", "issue_decision": "met", "draft_latest_safe": "met",
                      "final_plan": "met", "stage": "issued"}
    assert audit_actions(ctx.db, cid) == [
        "register_request", "record_decision_to_assess", "request_advice", "request_advice",
        "record_advice_received", "record_decision_to_issue", "record_draft_sent", "record_final_plan"]
    with ctx.db.sessions() as s:
        facts = load_request_facts(s, open_only=False, references=["EHC-2025-0001"])[0]
    ep_advice = next(a for a in ctx.engine.evaluate(facts, date(2025, 5, 20)).advice if a.kind == "ep")
    assert (ep_advice.status, ep_advice.days_late) == ("received_late", 5)  # due 25 Mar, received 30 Mar


def test_final_inside_the_familys_15_days_is_refused_with_the_earliest_date(
        ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request())
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 1, 20))
    steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 2, 3))
    steps.record_draft_sent(ctx, caseworker, cid, date(2025, 2, 10))
    with pytest.raises(ValidationError) as err:
        steps.record_final_plan(ctx, caseworker, cid, date(2025, 2, 24))
    [reason] = err.value.for_field("final_plan_issued")
    assert "run to 24 Feb 2025" in reason and "earliest lawful final date is 25 Feb 2025" in reason
    with ctx.db.sessions() as s:
        assert s.get(Case, cid).final_issued_on is None  # type: ignore[union-attr]
    steps.record_final_plan(ctx, caseworker, cid, date(2025, 2, 25))


@pytest.mark.parametrize(("when", "field"), [
    (date(2025, 1, 5), "decision_to_assess_date"),   # before the request arrived
    (TODAY + timedelta(days=1), "decision_to_assess_date"),  # in the future
])
def test_impossible_dates_are_refused_next_to_their_field(ctx: AppContext, caseworker: Actor, when: date,
                                                          field: str) -> None:
    cid = steps.register_request(ctx, caseworker, new_request())
    with pytest.raises(ValidationError) as err:
        steps.record_decision_to_assess(ctx, caseworker, cid, True, when)
    assert err.value.for_field(field)
    assert audit_actions(ctx.db, cid) == ["register_request"]


def test_advice_received_before_it_was_requested_is_refused(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request())
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 1, 20))
    aid = steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 1, 21))
    with pytest.raises(ValidationError) as err:
        steps.record_advice_received(ctx, caseworker, aid, date(2025, 1, 20))
    assert err.value.for_field("ep_advice_received")


def test_no_step_follows_a_decision_not_to_assess(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-NO"))
    steps.record_decision_to_assess(ctx, caseworker, cid, False, date(2025, 2, 10))
    with pytest.raises(ValidationError):
        steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 11))
    with pytest.raises(ValidationError):
        steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 2, 12))
    assert deadlines(ctx, "EHC-NO") == {"decision_to_assess": "met", "issue_decision": "not_applicable",
                                        "draft_latest_safe": "not_applicable", "final_plan": "not_applicable",
                                        "stage": "closed"}


def test_an_exception_makes_an_overdue_step_exempt_without_moving_it(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-EX", received=date(2025, 1, 6)))
    assert deadlines(ctx, "EHC-EX")["decision_to_assess"] == "overdue"  # due 17 Feb, today 1 Mar
    # Recorded on 25 Feb, after the deadline, but the family went abroad on 3 Feb, before it.
    steps.record_exception(ctx, caseworker, cid, "d", date(2025, 2, 25), "Family abroad for six weeks",
                           began_on=date(2025, 2, 3))
    assert deadlines(ctx, "EHC-EX")["decision_to_assess"] == "exempt"
    with pytest.raises(ValidationError):
        steps.record_exception(ctx, caseworker, cid, "z", date(2025, 2, 25))


def test_an_exception_that_began_after_the_deadline_excuses_nothing(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-EX2", received=date(2025, 1, 6)))
    steps.record_exception(ctx, caseworker, cid, "c", date(2025, 2, 25), "Bereavement on 20 Feb",
                           began_on=date(2025, 2, 20))
    assert deadlines(ctx, "EHC-EX2")["decision_to_assess"] == "overdue"


def test_exception_dates_are_checked_and_audited(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-EX3", received=date(2025, 1, 6)))
    with pytest.raises(ValidationError) as err:
        steps.record_exception(ctx, caseworker, cid, "d", date(2025, 2, 25), began_on=date(2025, 2, 26))
    assert [p.field for p in err.value.problems] == ["exception_from"]
    with pytest.raises(ValidationError) as err:
        steps.record_exception(ctx, caseworker, cid, "d", date(2025, 2, 25), began_on=date(2025, 2, 10),
                               ended_on=date(2025, 2, 1))
    assert [p.field for p in err.value.problems] == ["exception_to"]
    # Circumstances already running before the request are accepted: the engine decides what they excuse.
    steps.record_exception(ctx, caseworker, cid, "d", date(2025, 2, 25), "Abroad since Christmas",
                           began_on=date(2024, 12, 20))
    with ctx.db.sessions() as s:
        row = s.scalars(select(AuditEvent).where(AuditEvent.case_id == cid,
                                                 AuditEvent.action == "record_exception_d")).one()
    assert row.after["exception"] == {"ground": "d", "began_on": "2024-12-20", "ended_on": None,
                                      "recorded_on": "2025-02-25", "note": "Abroad since Christmas"}


def test_withdrawal_closes_the_request(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-W"))
    with pytest.raises(ValidationError):
        steps.withdraw(ctx, caseworker, cid, date(2025, 2, 1), "  ")
    steps.withdraw(ctx, caseworker, cid, date(2025, 2, 1), "Family moved to Wales")
    assert deadlines(ctx, "EHC-W")["stage"] == "closed"


def test_read_only_users_write_nothing(ctx: AppContext, caseworker: Actor, reader: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request())
    with pytest.raises(PermissionDenied):
        steps.register_request(ctx, reader, new_request())
    with pytest.raises(PermissionDenied):
        steps.record_decision_to_assess(ctx, reader, cid, True, date(2025, 2, 1))
    with ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1


def test_only_team_leads_reallocate_and_history_keeps_both_spells(
        ctx: AppContext, caseworker: Actor, lead: Actor) -> None:
    add_staff(ctx.db, "bjones", "caseworker")
    cid = steps.register_request(ctx, caseworker, new_request())
    with pytest.raises(PermissionDenied):
        steps.reallocate(ctx, caseworker, cid, "bjones", "covering leave")
    steps.reallocate(ctx, lead, cid, "bjones", "covering leave")
    with ctx.db.sessions() as s:
        spells = s.execute(select(Allocation.staff_id, Allocation.to_on).where(Allocation.case_id == cid)
                           .order_by(Allocation.id)).all()
        bjones = s.scalar(select(Staff.id).where(Staff.username == "bjones"))
    assert [to for _, to in spells] == [TODAY, None] and spells[-1][0] == bjones
    assert "reallocate" in audit_actions(ctx.db, cid)


def test_a_stale_version_is_a_conflict_and_changes_nothing(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request())
    with ctx.db.sessions() as s:
        opened_version = s.get(Case, cid).version  # type: ignore[union-attr]
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 1))  # a colleague saves first
    with pytest.raises(ConflictError):
        steps.record_exception(ctx, caseworker, cid, "c", date(2025, 2, 2), expected_version=opened_version)


def test_concurrent_sessions_cannot_overwrite_each_other(db: Database, ctx: AppContext, caseworker: Actor) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    cid = steps.register_request(ctx, caseworker, new_request())
    first, second = db.sessions(), db.sessions()
    a, b = first.get(Case, cid), second.get(Case, cid)
    assert a is not None and b is not None
    a.request_source = "parent"
    first.commit()
    b.request_source = "school"
    with pytest.raises(StaleDataError):
        second.commit()
    first.close()
    second.close()


def test_the_first_user_of_an_empty_database_becomes_its_admin(db: Database) -> None:
    with db.session() as s:
        actor = resolve_actor(s, "pat")
    assert actor.role == "admin"
    with db.session() as s, pytest.raises(UnknownUser, match="not on this database's staff list"):
        resolve_actor(s, "stranger")
    with db.sessions() as s:
        assert s.scalar(select(AuditEvent.action)) == "staff.first_admin"


def test_references_differing_only_in_case_are_the_same_reference(ctx: AppContext, caseworker: Actor) -> None:
    steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0042"))
    with pytest.raises(ValidationError) as err:
        steps.register_request(ctx, caseworker, new_request(reference="ehc-2025-0042"))
    assert err.value.for_field("reference") == ["ehc-2025-0042 is already in use"]


def test_an_advice_request_is_audited_with_what_was_asked(ctx: AppContext, caseworker: Actor) -> None:
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-AQ1"))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 11), service="Herefordshire EP Service",
                         sent_by="post")
    with ctx.db.sessions() as s:
        row = s.scalars(select(AuditEvent).where(AuditEvent.case_id == cid,
                                                 AuditEvent.action == "request_advice")).one()
    assert row.after["advice"] == {"kind": "ep", "requested_on": "2025-02-11", "sent_by": "post",
                                   "service": "Herefordshire EP Service", "covers_pfa": False}
