"""Who is acting, and what their role lets them do.

The acting user of a command is ``--as USER``, else ``CASEWORKER_USER``, else the computer's login,
matched to a staff username. A database with no staff yet makes its first user its first admin.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.errors import PermissionDenied, UnknownUser
from caseworker.store.audit import audit
from caseworker.store.models import Staff

WRITERS = frozenset({"caseworker", "team_lead", "admin"})
ALLOCATORS = frozenset({"team_lead", "admin"})


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    username: str
    display_name: str
    role: str

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS

    @property
    def can_reallocate(self) -> bool:
        return self.role in ALLOCATORS


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers); fall back to the environment
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def requested_username(as_user: str | None) -> str:
    return as_user or os.environ.get("CASEWORKER_USER") or login_name()


def _actor(s: Staff) -> Actor:
    return Actor(s.id, s.username, s.display_name, s.role)


def resolve_actor(session: Session, as_user: str | None = None) -> Actor:
    """The staff member acting, or UnknownUser with what to do about it."""
    username = requested_username(as_user)
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is not None:
        if not staff.active:
            raise UnknownUser(f"{username!r} is on the staff list but not active; ask an admin to activate "
                              "the account")
        return _actor(staff)
    if session.scalar(select(func.count()).select_from(Staff)) == 0:
        first = Staff(username=username, display_name=username, role="admin", active=True, fte=1.0)
        session.add(first)
        session.flush()
        audit(session, actor_id=first.id, action="staff.first_admin", entity="staff", entity_id=first.id,
              after={"username": username, "role": "admin",
                     "why": "first user of a database with no staff"})
        return _actor(first)
    raise UnknownUser(f"{username!r} is not on this database's staff list; ask a team lead or admin to add "
                      "you, or act as a listed user with --as USER or CASEWORKER_USER")


def require_writer(actor: Actor) -> None:
    if not actor.can_write:
        raise PermissionDenied(f"{actor.username} has the {actor.role} role, which cannot change cases")


def require_allocator(actor: Actor) -> None:
    if not actor.can_reallocate:
        raise PermissionDenied(f"{actor.username} has the {actor.role} role; only a team lead or admin "
                               "can reallocate cases")
