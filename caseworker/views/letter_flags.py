"""Letters whose dates have changed since they were made: the letter log flags each one, saying which date
it states, when that date was corrected or undone, and from what to what, so the caseworker can void it
and make it again. A letter made before letters kept their dates (``rests_on`` empty) is not flagged,
nor is a void one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.letters.rests_on import CASE_DATES, row_key, words_for
from caseworker.statutory.corrections import day
from caseworker.store.models import AdviceRequest, AuditEvent, Case, School, StatutoryException
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview

LONDON = ZoneInfo("Europe/London")
CORRECTIONS = ("correct_step", "undo_step", "correct_plan_date")
ADVICE_DATES = ("requested_on", "received_on")
EXCEPTION_DATES = ("began_on", "ended_on", "recorded_on")


@dataclass(frozen=True, slots=True)
class LoggedLetter:
    """What a flag needs of a logged letter."""

    id: int
    made_at: datetime
    status: str
    rests_on: dict[str, Any] | None


def recorded_now(s: Session, case_id: int) -> dict[str, str | None]:
    """Every date a letter can state, as the case holds it now, keyed as letters store them (3 queries)."""
    now: dict[str, str | None] = {}
    case = s.execute(select(*(getattr(Case, c) for c in CASE_DATES)).where(Case.id == case_id)).first()
    if case is not None:
        now.update({c: _iso(v) for c, v in zip(CASE_DATES, case, strict=True)})
    for rid, *values in s.execute(select(AdviceRequest.id, AdviceRequest.requested_on, AdviceRequest.received_on)
                                  .where(AdviceRequest.case_id == case_id)):
        now.update({row_key("advice", rid, c): _iso(v) for c, v in zip(ADVICE_DATES, values, strict=True)})
    for rid, *values in s.execute(select(StatutoryException.id, StatutoryException.began_on,
                                         StatutoryException.ended_on, StatutoryException.recorded_on)
                                  .where(StatutoryException.case_id == case_id)):
        now.update({row_key("exception", rid, c): _iso(v) for c, v in zip(EXCEPTION_DATES, values, strict=True)})
    now.update(plan_now(s, case_id))
    return now


def plan_now(s: Session, case_id: int) -> dict[str, str | None]:
    """The plan facts a plan letter can state, as the plan holds them now (5 queries)."""
    now: dict[str, str | None] = {"named_setting": s.scalar(
        select(School.name).join(Case, Case.named_setting_id == School.id).where(Case.id == case_id))}
    for rid, meeting, decision, notified in s.execute(
            select(PlanReview.id, PlanReview.meeting_on, PlanReview.decision, PlanReview.notified_on)
            .where(PlanReview.case_id == case_id)):
        now.update({row_key("review", rid, "meeting_on"): _iso(meeting), row_key("review", rid, "decision"): decision,
                    row_key("review", rid, "notified_on"): _iso(notified)})
    for rid, sent, final in s.execute(select(PlanAmendment.id, PlanAmendment.notice_sent_on,
                                             PlanAmendment.final_issued_on).where(PlanAmendment.case_id == case_id)):
        now.update({row_key("amendment", rid, "notice_sent_on"): _iso(sent),
                    row_key("amendment", rid, "final_issued_on"): _iso(final)})
    for rid, moves, consulted in s.execute(
            select(PhaseTransfer.id, PhaseTransfer.transfer_date, School.name)
            .outerjoin(School, School.id == PhaseTransfer.consulted_school_id).where(PhaseTransfer.case_id == case_id)):
        now.update({row_key("transfer", rid, "transfer_date"): _iso(moves),
                    row_key("transfer", rid, "consulted"): consulted})
    for rid, decided, reason in s.execute(select(PlanCease.id, PlanCease.decided_on, PlanCease.reason)
                                          .where(PlanCease.case_id == case_id)):
        now.update({row_key("cease", rid, "decided_on"): _iso(decided),
                    row_key("cease", rid, "reason"): None if reason is None else str(reason)})
    return now


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _shown(value: str | None) -> str:
    """A stated date as a day; a setting, decision or reason as recorded."""
    if not value:
        return "not recorded"
    try:
        return day(date.fromisoformat(value))
    except ValueError:
        return value


def letter_flags(s: Session, case_id: int, letters: Sequence[LoggedLetter]) -> dict[int, str]:
    """letter id -> why it may need remaking, for each letter whose stated dates no longer match the case."""
    kept = [m for m in letters if m.rests_on and m.status != "void"]
    if not kept:
        return {}
    now = recorded_now(s, case_id)
    changes = s.execute(select(AuditEvent.at, AuditEvent.action, AuditEvent.before, AuditEvent.after)
                        .where(AuditEvent.case_id == case_id, AuditEvent.action.in_(CORRECTIONS))
                        .order_by(AuditEvent.id.desc())).all()
    out = {}
    for m in kept:
        assert m.rests_on is not None
        parts = [_why(key, stated, now.get(key), m.made_at, changes)
                 for key, stated in m.rests_on.items() if now.get(key) != stated]
        if parts:
            out[m.id] = "; ".join(parts)
    return out


def _why(key: str, stated: str | None, current: str | None, made_at: datetime, changes: Sequence[Any]) -> str:
    words = words_for(key)
    change = next((c for c in changes if _utc(c.at) > _utc(made_at) and key in (c.before or {})), None)
    values = f"({_shown(stated)} → {_shown(current)})"
    if change is None:
        return f"the {words} it rests on has changed since it was made {values}"
    verb = "undone" if change.action == "undo_step" else "corrected"
    when = day(_utc(change.at).astimezone(LONDON).date())
    return f"the {words} it rests on was {verb} on {when} {values}"
