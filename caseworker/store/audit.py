"""The audit trail: one row per change, with who, when, and the values before and after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from caseworker.store.models import AuditEvent


def jsonable(value: Any) -> Any:
    """Dates as ISO text so the audit JSON reads the same on SQLite and PostgreSQL."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def now_utc() -> datetime:
    return datetime.now(UTC)


def audit(session: Session, *, actor_id: int | None, action: str, entity: str,
          entity_id: int | None, case_id: int | None = None,
          before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    session.add(AuditEvent(
        at=now_utc(), actor_id=actor_id, action=action, entity=entity, entity_id=entity_id,
        case_id=case_id, before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    ))


def audit_many(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Bulk audit rows (for imports): each dict has the AuditEvent columns except ``at``."""
    at = now_utc()
    payload = [{**r, "at": at, "before": jsonable(r.get("before")), "after": jsonable(r.get("after"))}
               for r in rows]
    if payload:
        table: Table = AuditEvent.__table__  # type: ignore[assignment]
        session.execute(insert(table), payload)  # the table itself: no per-row ORM bookkeeping


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
