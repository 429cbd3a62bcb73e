"""Correcting a recorded date and undoing a step recorded in error, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.errors import ConflictError, PermissionDenied, ValidationError
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.corrections import correct_step, steps_on_record, undo_step
from caseworker.store.models import AdviceRequest, AuditEvent, Case, StatutoryException
from caseworker.views.case_detail import load_case_detail
from tests.db.test_services import new_request

TODAY = date(2025, 6, 2)


@pytest.fixture
def case(ctx: AppContext, caseworker: Actor) -> int:
    """A request through to its draft: assess 10 Feb, EP asked 11 Feb and received 20 Mar, issue 1 Apr,
    draft sent 3 Apr 2025."""
    ctx.clock = fixed_clock(TODAY)
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0100"))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    ep = steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 11), service="County EP Service")
    steps.record_advice_received(ctx, caseworker, ep, date(2025, 3, 20))
    steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 4, 1))
    steps.record_draft_sent(ctx, caseworker, cid, date(2025, 4, 3))
    return cid


def stored(ctx: AppContext, cid: int) -> Case:
    with ctx.db.sessions() as s:
        found = s.get(Case, cid)
        assert found is not None
        return found


def audit_rows(ctx: AppContext, cid: int, action: str) -> list[AuditEvent]:
    with ctx.db.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.case_id == cid, AuditEvent.action == action)
                              .order_by(AuditEvent.id)))


def ep_id(ctx: AppContext, cid: int) -> int:
    with ctx.db.sessions() as s:
        found = s.scalar(select(AdviceRequest.id).where(AdviceRequest.case_id == cid))
        assert found is not None
        return found


def test_a_recorded_date_is_corrected_with_its_reason_and_one_audit_row(ctx: AppContext, caseworker: Actor,
                                                                        case: int) -> None:
    version = stored(ctx, case).version
    new_version = correct_step(ctx, caseworker, case, "decision_to_assess", "decision_to_assess_on",
                               date(2025, 2, 12), "  typed the 10th; the letter went on the 12th ",
                               expected_version=version)
    assert new_version == version + 1
    assert stored(ctx, case).decision_to_assess_on == date(2025, 2, 12)
    [row] = audit_rows(ctx, case, "correct_step")
    assert row.actor_id == caseworker.id and row.entity == "case" and row.entity_id == case
    assert row.before == {"decision_to_assess_on": "2025-02-10"}
    assert row.after == {"decision_to_assess_on": "2025-02-12", "step": "decision_to_assess",
                         "what": "the decision to assess", "reason": "typed the 10th; the letter went on the 12th"}
    # The original step's own row is untouched: the history shows both.
    [original] = audit_rows(ctx, case, "record_decision_to_assess")
    assert original.after == {"decision_to_assess": True, "decision_to_assess_on": "2025-02-10"}


def test_the_history_shows_the_original_and_the_correction_in_words(ctx: AppContext, caseworker: Actor,
                                                                    case: int) -> None:
    correct_step(ctx, caseworker, case, "draft_sent", "draft_sent_on", date(2025, 4, 4), "posted a day later")
    history = load_case_detail(ctx, case, TODAY).history
    newest = history[0]
    assert newest.action == "corrected a step"
    assert newest.summary == "The draft plan: sent on 3 Apr 2025 → 4 Apr 2025. Reason: posted a day later"
    assert any(h.action == "record draft sent" and "3 Apr 2025" in h.summary for h in history)


def test_a_correction_that_breaks_a_later_step_is_refused_naming_it(ctx: AppContext, caseworker: Actor,
                                                                   case: int) -> None:
    version = stored(ctx, case).version
    with pytest.raises(ValidationError) as err:
        correct_step(ctx, caseworker, case, "decision_to_issue", "decision_to_issue_on", date(2025, 4, 7),
                     "wrong day")
    [reason] = err.value.for_field("new_date")
    assert "3 Apr 2025 is before the decision to issue a plan (7 Apr 2025)" in reason
    assert reason.endswith("correct or undo the draft plan sent on 3 Apr 2025 first")
    assert stored(ctx, case).decision_to_issue_on == date(2025, 4, 1)
    assert stored(ctx, case).version == version and not audit_rows(ctx, case, "correct_step")


def test_a_correction_is_checked_like_the_step_itself(ctx: AppContext, caseworker: Actor, case: int) -> None:
    with pytest.raises(ValidationError) as err:
        correct_step(ctx, caseworker, case, "draft_sent", "draft_sent_on", date(2025, 6, 3), "typo")
    assert err.value.for_field("new_date") == ["3 Jun 2025 is after today (2 Jun 2025)"]
    with pytest.raises(ValidationError) as err:
        correct_step(ctx, caseworker, case, "draft_sent", "draft_sent_on", date(2025, 4, 3), "typo")
    assert err.value.for_field("new_date") == ["3 Apr 2025 is the date already recorded"]
    with pytest.raises(ValidationError) as err:
        correct_step(ctx, caseworker, case, "received", "received_on", date(2016, 5, 1), "typo")
    assert "the request is dated before the child was born" in err.value.for_field("new_date")


def test_advice_and_exception_dates_are_corrected_on_their_own_rows(ctx: AppContext, caseworker: Actor,
                                                                    case: int) -> None:
    ep = ep_id(ctx, case)
    correct_step(ctx, caseworker, case, f"advice_received:{ep}", "received_on", date(2025, 3, 21), "date stamp")
    steps.record_exception(ctx, caseworker, case, "c", date(2025, 5, 1), "family bereavement")
    with ctx.db.sessions() as s:
        exception = s.scalars(select(StatutoryException)).one()
    correct_step(ctx, caseworker, case, f"exception:{exception.id}", "ended_on", date(2025, 5, 20), "back home")
    with ctx.db.sessions() as s:
        assert s.get(AdviceRequest, ep).received_on == date(2025, 3, 21)  # type: ignore[union-attr]
        assert s.get(StatutoryException, exception.id).ended_on == date(2025, 5, 20)  # type: ignore[union-attr]
    first, second = audit_rows(ctx, case, "correct_step")
    assert (first.entity, first.entity_id, first.before) == ("advice_request", ep,
                                                             {f"advice:{ep}.received_on": "2025-03-20"})
    assert second.after[f"exception:{exception.id}.ended_on"] == "2025-05-20"  # type: ignore[index]
    with pytest.raises(ValidationError) as err:  # ends before it began
        correct_step(ctx, caseworker, case, f"exception:{exception.id}", "ended_on", date(2025, 4, 1), "x")
    assert "is before the day the circumstances began" in err.value.for_field("new_date")[0]


def test_undoing_a_step_that_a_later_step_rests_on_is_refused_naming_the_later_step(
        ctx: AppContext, caseworker: Actor, case: int) -> None:
    with pytest.raises(ValidationError) as err:
        undo_step(ctx, caseworker, case, "decision_to_issue", "recorded on the wrong case")
    assert err.value.for_field("step") == [
        "the draft plan sent on 3 Apr 2025 rests on the decision to issue a plan notified on 1 Apr 2025: undo the "
        "draft plan sent on 3 Apr 2025 first"]
    with pytest.raises(ValidationError) as err:
        undo_step(ctx, caseworker, case, "decision_to_assess", "recorded on the wrong case")
    assert err.value.for_field("step")[0].endswith(
        "undo the draft plan sent on 3 Apr 2025 first, then the decision to issue a plan notified on 1 Apr 2025")
    assert stored(ctx, case).decision_to_issue is True


def test_undo_clears_the_step_and_the_request_can_go_on(ctx: AppContext, caseworker: Actor, case: int) -> None:
    undo_step(ctx, caseworker, case, "draft_sent", "the draft went to the wrong family; not sent to this one")
    c = stored(ctx, case)
    assert (c.draft_sent_on, c.draft_served_on) == (None, None)
    [row] = audit_rows(ctx, case, "undo_step")
    assert row.before == {"draft_sent_on": "2025-04-03", "draft_served_on": None}
    assert row.after == {"draft_sent_on": None, "draft_served_on": None, "step": "draft_sent",
                         "what": "the draft plan", "reason": "the draft went to the wrong family; not sent to this one"}
    assert load_case_detail(ctx, case, TODAY).history[0].summary.startswith(
        "Undid the draft plan (sent on 3 Apr 2025), recorded in error. Reason: the draft went")
    steps.record_draft_sent(ctx, caseworker, case, date(2025, 4, 10))  # the step can be recorded again
    undo_step(ctx, caseworker, case, "draft_sent", "again")
    undo_step(ctx, caseworker, case, "decision_to_issue", "not decided yet")
    assert stored(ctx, case).decision_to_issue is None


def test_an_advice_request_recorded_in_error_is_taken_off_after_its_receipt(ctx: AppContext, caseworker: Actor,
                                                                            case: int) -> None:
    ep = ep_id(ctx, case)
    with pytest.raises(ValidationError) as err:
        undo_step(ctx, caseworker, case, f"advice_request:{ep}", "asked the wrong service")
    assert err.value.for_field("step")[0].endswith("undo the EP advice received on 20 Mar 2025 first")
    undo_step(ctx, caseworker, case, f"advice_received:{ep}", "it was the health advice that came")
    undo_step(ctx, caseworker, case, f"advice_request:{ep}", "asked the wrong service")
    with ctx.db.sessions() as s:
        assert s.get(AdviceRequest, ep) is None
    last = audit_rows(ctx, case, "undo_step")[-1]
    assert (last.entity, last.entity_id) == ("advice_request", ep)
    assert last.before[f"advice:{ep}.requested_on"] == "2025-02-11"  # type: ignore[index]
    assert last.before["advice_request"]["service"] == "County EP Service"  # type: ignore[index]
    assert all(s.kind != "advice_request" for s in steps_on_record(ctx, case))


def test_an_exception_recorded_in_error_is_taken_off(ctx: AppContext, caseworker: Actor, case: int) -> None:
    steps.record_exception(ctx, caseworker, case, "d", date(2025, 5, 1), "away")
    [key] = [s.key for s in steps_on_record(ctx, case) if s.kind == "exception"]
    undo_step(ctx, caseworker, case, key, "recorded on the wrong case")
    with ctx.db.sessions() as s:
        assert s.scalars(select(StatutoryException)).all() == []


def test_a_reason_is_required_and_the_request_itself_cannot_be_undone(ctx: AppContext, caseworker: Actor,
                                                                      case: int) -> None:
    with pytest.raises(ValidationError) as err:
        correct_step(ctx, caseworker, case, "draft_sent", "draft_sent_on", date(2025, 4, 4), "   ")
    assert err.value.for_field("reason") == ["say why: the reason is kept in the case's history"]
    with pytest.raises(ValidationError) as err:
        undo_step(ctx, caseworker, case, "final_plan", "")
    assert err.value.for_field("reason") and err.value.for_field("step")  # no final plan is recorded
    with pytest.raises(ValidationError) as err:
        undo_step(ctx, caseworker, case, "received", "wrong child")
    assert err.value.for_field("step") == ["the request cannot be undone; correct its date instead"]
    assert not audit_rows(ctx, case, "undo_step") and not audit_rows(ctx, case, "correct_step")


def test_read_only_users_cannot_correct_or_undo(ctx: AppContext, reader: Actor, lead: Actor, case: int) -> None:
    with pytest.raises(PermissionDenied):
        correct_step(ctx, reader, case, "draft_sent", "draft_sent_on", date(2025, 4, 4), "typo")
    with pytest.raises(PermissionDenied):
        undo_step(ctx, reader, case, "draft_sent", "typo")
    correct_step(ctx, lead, case, "draft_sent", "draft_sent_on", date(2025, 4, 4), "a team lead may")
    assert stored(ctx, case).draft_sent_on == date(2025, 4, 4)


def test_a_stale_copy_is_refused(ctx: AppContext, caseworker: Actor, case: int) -> None:
    version = stored(ctx, case).version
    correct_step(ctx, caseworker, case, "draft_sent", "draft_sent_on", date(2025, 4, 4), "typo")
    with pytest.raises(ConflictError):
        undo_step(ctx, caseworker, case, "draft_sent", "typo", expected_version=version)
