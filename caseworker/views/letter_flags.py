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
from caseworker.store.models import AdviceRequest, AuditEvent, Case, StatutoryException

LONDON = ZoneInfo("Europe/London")
CORRECTIONS = ("correct_step", "undo_step")
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
    return now


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _shown(iso: str | None) -> str:
    return day(date.fromisoformat(iso)) if iso else "not recorded"


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
    verb = "corrected" if change.action == "correct_step" else "undone"
    when = day(_utc(change.at).astimezone(LONDON).date())
    return f"the {words} it rests on was {verb} on {when} {values}"
