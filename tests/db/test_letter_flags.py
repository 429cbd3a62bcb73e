"""Letters keep the dates they state; the log flags a letter once one of them is corrected or undone."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from sqlalchemy import select, update

from caseworker.context import AppContext, fixed_clock
from caseworker.services import letters as svc
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.corrections import correct_step, undo_step
from caseworker.statutory.corrections import day
from caseworker.store.models import AuditEvent, LetterRecord, Staff
from caseworker.views.letter_flags import LONDON
from caseworker.views.letter_log import letter_log
from caseworker.views.letter_recipients import load_case_letters
from tests.db.test_letters_service import EP, kit
from tests.db.test_services import new_request

__all__ = ["kit"]  # the letter kit fixture, shared with the letter service's tests
TODAY = date(2025, 4, 14)


@pytest.fixture
def case(ctx: AppContext, caseworker: Actor) -> int:
    ctx.clock = fixed_clock(TODAY)
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0200"))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 11), service=EP)
    return cid


def changed_on(ctx: AppContext) -> str:
    """The day (in England) the latest correction or undo was saved: audit rows carry the real time."""
    with ctx.db.sessions() as s:
        at = s.scalars(select(AuditEvent.at).where(AuditEvent.action.in_(("correct_step", "undo_step")))
                       .order_by(AuditEvent.id.desc())).first()
    assert at is not None
    return day((at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(LONDON).date())


def flags(ctx: AppContext, cid: int) -> dict[str, str]:
    return {e.template_id: e.flag for e in letter_log(ctx, cid)}


def stored_rests_on(ctx: AppContext) -> dict[str, object]:
    with ctx.db.sessions() as s:
        return {t: r for t, r in s.execute(select(LetterRecord.template_id, LetterRecord.rests_on))}


def test_a_letter_keeps_the_dates_it_states(ctx: AppContext, caseworker: Actor, kit: svc.LetterKit,
                                            case: int) -> None:
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("decision_to_assess"), kit)
    [ep] = [a.id for a in load_case_letters(ctx, case, TODAY).detail.advice]
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("advice_chase", advice_id=ep), kit)
    with ctx.db.session() as s:  # the change-of-caseworker letter gives the caseworker's phone and email
        s.execute(update(Staff).where(Staff.id == caseworker.id).values(phone="01432 260000", email="jo@example.org"))
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("change_of_caseworker"), kit)
    assert stored_rests_on(ctx) == {
        "decision_to_assess": {"decision_to_assess_on": "2025-02-10", "received_on": "2025-01-06"},
        "advice_chase": {f"advice:{ep}.requested_on": "2025-02-11", "received_on": "2025-01-06"},
        "change_of_caseworker": None,  # it states no recorded date
    }
    assert set(flags(ctx, case).values()) == {""}  # nothing has changed yet


def test_a_corrected_decision_date_flags_the_decision_letter_only(ctx: AppContext, caseworker: Actor,
                                                                  kit: svc.LetterKit, case: int) -> None:
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("decision_to_assess"), kit)
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("acknowledgement"), kit)
    correct_step(ctx, caseworker, case, "decision_to_assess", "decision_to_assess_on", date(2025, 2, 12),
                 "the letter went out on the 12th")
    assert flags(ctx, case) == {
        "decision_to_assess": f"the decision date it rests on was corrected on {changed_on(ctx)} (10 Feb 2025 → "
                              "12 Feb 2025)",
        "acknowledgement": ""}


def test_an_undone_advice_request_flags_its_chase(ctx: AppContext, caseworker: Actor, kit: svc.LetterKit,
                                                  case: int) -> None:
    [ep] = [a.id for a in load_case_letters(ctx, case, TODAY).detail.advice]
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("advice_chase", advice_id=ep), kit)
    undo_step(ctx, caseworker, case, f"advice_request:{ep}", "asked on the wrong case")
    assert flags(ctx, case)["advice_chase"] == ("the date the advice was requested it rests on was undone on "
                                                f"{changed_on(ctx)} (11 Feb 2025 → not recorded)")


def test_letters_made_before_dates_were_kept_and_void_letters_are_not_flagged(
        ctx: AppContext, caseworker: Actor, kit: svc.LetterKit, case: int) -> None:
    old = svc.make_letter(ctx, caseworker, case, svc.LetterRequest("decision_to_assess"), kit)
    void = svc.make_letter(ctx, caseworker, case, svc.LetterRequest("acknowledgement"), kit)
    with ctx.db.session() as s:  # as a letter made before this release was logged
        s.execute(update(LetterRecord).where(LetterRecord.id == old.id).values(rests_on=None))
    svc.mark_void(ctx, caseworker, void.id, "made twice")
    correct_step(ctx, caseworker, case, "decision_to_assess", "decision_to_assess_on", date(2025, 2, 12), "typo")
    correct_step(ctx, caseworker, case, "received", "received_on", date(2025, 1, 7), "typo")
    assert set(flags(ctx, case).values()) == {""}


def test_a_date_changed_another_way_is_flagged_too(ctx: AppContext, caseworker: Actor, kit: svc.LetterKit,
                                                   case: int) -> None:
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("decision_to_assess"), kit)
    # A new notification date, recorded when a decision letter goes out later than first recorded.
    svc.make_letter(ctx, caseworker, case, svc.LetterRequest("decision_to_assess", notified_on=date(2025, 4, 14)),
                    kit)
    first, second = sorted(letter_log(ctx, case), key=lambda e: e.id)
    assert first.flag == "the decision date it rests on has changed since it was made (10 Feb 2025 → 14 Apr 2025)"
    assert second.flag == ""
