"""A letter's status in the log: made, then sent or void (with a reason); nothing deletes a letter."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.errors import NotFound, Problem, ValidationError
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import writing
from caseworker.store.audit import audit, now_utc
from caseworker.store.models import LetterRecord

# made -> sent, made -> void, sent -> void (returned undelivered, or sent in error); void is final.
NEXT_STATUS = {"made": {"sent", "void"}, "sent": {"void"}, "void": set()}


def mark_sent(ctx: AppContext, actor: Actor, letter_ids: Sequence[int]) -> int:
    """Mark letters as posted; returns how many changed (letters already sent are left as they are)."""
    return _set_status(ctx, actor, letter_ids, "sent", None)


def mark_void(ctx: AppContext, actor: Actor, letter_id: int, reason: str) -> None:
    """Void a letter (it stays in the log, marked void, with the reason)."""
    if not reason.strip():
        raise ValidationError(Problem("reason", "say why the letter is void"))
    _set_status(ctx, actor, [letter_id], "void", reason.strip())


def _set_status(ctx: AppContext, actor: Actor, letter_ids: Sequence[int], status: str, reason: str | None) -> int:
    require_writer(actor)
    changed = 0
    with writing(ctx, f"mark letters {status}") as s:
        rows = {r.id: r for r in s.scalars(select(LetterRecord).where(LetterRecord.id.in_(list(letter_ids))))}
        for lid in letter_ids:
            row = rows.get(lid)
            if row is None:
                raise NotFound(f"there is no letter {lid}")
            if row.status == status and status == "sent":
                continue
            if status not in NEXT_STATUS[row.status]:
                raise ValidationError(Problem("status", f"letter {lid} is {row.status}; it cannot be marked {status}"))
            before = row.status
            row.status, row.status_at, row.status_by_id = status, now_utc(), actor.id
            if reason:
                row.void_reason = reason
            audit(s, actor_id=actor.id, action=f"letter.{status}", entity="letter", entity_id=row.id,
                  case_id=row.case_id, before={"status": before},
                  after={"status": status, "template": row.template_id, **({"reason": reason} if reason else {})})
            changed += 1
    return changed
