"""The advice services already on record, by kind (offered as choices when advice is requested)."""

from __future__ import annotations

from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.store.models import AdviceService


def known_services(ctx: AppContext) -> dict[str, list[str]]:
    """Service names by kind of advice, in name order (runs on a worker thread)."""
    with ctx.db.sessions() as s:
        rows = s.execute(select(AdviceService.kind, AdviceService.name).order_by(AdviceService.name)).all()
    by_kind: dict[str, list[str]] = {}
    for kind, name in rows:
        by_kind.setdefault(kind, []).append(name)
    return by_kind
