"""Advice beyond the request itself: how a request went, reg 8(2) excuses, and advice already
available used under reg 6(4) (docs/law.md#advice)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, Problem, ValidationError
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import load_case, writing
from caseworker.statutory.engine import AdviceFacts
from caseworker.statutory.preview import advice_excuse_problems
from caseworker.statutory.required_advice import PFA, REQUIRED_TITLES, missing_advice
from caseworker.store.audit import audit
from caseworker.store.models import SENT_BY, AdviceRequest, Case, ExistingAdvice


def check_sent_by(sent_by: str, field: str) -> None:
    if sent_by not in SENT_BY:
        raise ValidationError(Problem(field, f"{sent_by!r} is not a way of sending (use {', '.join(SENT_BY)})"))


def kinds_on_record(case: Case) -> set[str]:
    """Kinds of advice asked for or recorded as already available, with "pfa" when covered."""
    kinds = {a.kind for a in case.advice_requests} | {e.kind for e in case.existing_advice}
    if any(a.covers_pfa for a in case.advice_requests):
        kinds.add(PFA)
    return kinds


def advice_missing(ctx: AppContext, case_id: int, on: date) -> list[str]:
    """The kinds reg 6(1) requires that this case has no advice for, as of ``on`` (a form asks for the
    reg 6(4) reason before a decision to issue or a draft)."""
    with ctx.db.sessions() as s:
        case = load_case(s, case_id)
        return missing_advice(kinds_on_record(case), case.child.date_of_birth, on)


def add_existing_advice(s: Session, case: Case, reasons: Mapping[str, str], actor: Actor,
                        today: date) -> dict[str, Any] | None:
    """Record advice already available (reg 6(4)) for each kind given, with its reason."""
    if not reasons:
        return None
    added = {}
    for kind, reason in reasons.items():
        if kind not in REQUIRED_TITLES:
            raise ValidationError(Problem("existing_advice", f"{kind!r} is not advice reg 6(1) requires"))
        if not reason.strip():
            raise ValidationError(Problem("existing_advice", f"say why the {REQUIRED_TITLES[kind]} already "
                                                             "available is enough (reg 6(4))"))
        s.add(ExistingAdvice(case_id=case.id, kind=kind, reason=reason.strip(), recorded_on=today,
                             recorded_by_id=actor.id))
        added[kind] = reason.strip()
    return {"existing_advice": added}


def excuse_advice(ctx: AppContext, actor: Actor, advice_id: int, ground: str, began_on: date, *,
                  ended_on: date | None = None, note: str = "", expected_version: int | None = None) -> int:
    """Record a reg 8(2) excuse on an advice request: it is then shown "excused" and never chased.

    The circumstances must have arisen by the end of the adviser's 6 weeks and not ended before the
    adviser received the request. Returns the advice request's new version.
    """
    require_writer(actor)
    if ground not in ctx.engine.rules.advice_excuses:
        raise ValidationError(Problem("excused_ground", f"{ground!r} is not a reg 8(2) ground "
                                                        f"(use {', '.join(ctx.engine.rules.advice_excuses)})"))
    with writing(ctx, "excuse advice") as s:
        advice = advice_for_change(s, advice_id, expected_version)
        facts = AdviceFacts(advice.kind, advice.requested_on, advice.received_on, sent_by=advice.sent_by)
        problems = advice_excuse_problems(facts, began_on, ended_on, ctx.today(), ctx.engine)
        if problems:
            raise ValidationError(problems)
        before = {"excused_ground": advice.excused_ground, "excused_from": advice.excused_from,
                  "excused_to": advice.excused_to}
        advice.excused_ground, advice.excused_from, advice.excused_to = ground, began_on, ended_on
        advice.excused_note = note.strip() or None
        case = load_case(s, advice.case_id)
        flag_modified(case, "reference")  # the case moves on with every step recorded on it
        s.flush()
        audit(s, actor_id=actor.id, action="excuse_advice", entity="advice_request", entity_id=advice.id,
              case_id=case.id, before=before,
              after={"excused_ground": ground, "excused_from": began_on, "excused_to": ended_on, "note": note})
        return advice.version


def advice_for_change(s: Session, advice_id: int, expected_version: int | None) -> AdviceRequest:
    """The advice request to change, refusing a stale copy (someone changed it since it was read)."""
    advice = s.get(AdviceRequest, advice_id)
    if advice is None:
        raise NotFound(f"there is no advice request with id {advice_id}")
    if expected_version is not None and advice.version != expected_version:
        raise ConflictError("this advice request was changed by someone else since you opened it; "
                            "reload it and try again")
    return advice
