"""The staff list, for pickers (who am I, whose work, reallocate to)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.services.actor import Actor
from caseworker.store.models import Staff


@dataclass(frozen=True, slots=True)
class StaffView:
    id: int
    username: str
    display_name: str
    role: str
    team: str
    active: bool

    def as_actor(self) -> Actor:
        return Actor(self.id, self.username, self.display_name, self.role)


def list_staff(ctx: AppContext, *, active_only: bool = True) -> list[StaffView]:
    stmt = select(Staff.id, Staff.username, Staff.display_name, Staff.role, Staff.team, Staff.active)
    if active_only:
        stmt = stmt.where(Staff.active.is_(True))
    with ctx.db.sessions() as s:
        rows = s.execute(stmt.order_by(Staff.display_name)).all()
    return [StaffView(i, u, n, r, t or "", a) for i, u, n, r, t, a in rows]
