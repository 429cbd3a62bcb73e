"""Who is acting, and what their role lets them do.

On a team's PostgreSQL database the person acting is the database login itself: the server has
already checked who they are (password, .pgpass or single sign-on), and their staff username is that
login. Naming someone else (``--as USER`` or ``CASEWORKER_USER``) is refused there. On a personal
SQLite file there is no sign-in, so the acting user is ``--as USER``, else ``CASEWORKER_USER``, else
the computer's login.

Either way the name is matched to an active staff record; a database with no staff yet makes its
first user its first admin (audited).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import Connection, func, literal_column, select, text
from sqlalchemy.orm import Session

from caseworker.errors import PermissionDenied, UnknownUser
from caseworker.store.audit import audit
from caseworker.store.models import Staff

WRITERS = frozenset({"caseworker", "team_lead", "admin"})
ALLOCATORS = frozenset({"team_lead", "admin"})
# Any fixed number: two first logins of an empty database take turns, so only one becomes its admin.
_FIRST_ADMIN_LOCK = 0x43570014


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
    """On a personal SQLite file: ``--as``, else CASEWORKER_USER, else the computer's login."""
    return as_user or os.environ.get("CASEWORKER_USER") or login_name()


def on_server(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def database_login(session: Session) -> str | None:
    """The login this session's connection signed in as, on a server database; None on SQLite.

    ``session_user`` rather than ``current_user``: the latter changes inside SECURITY DEFINER functions
    and after SET ROLE, while the login the server authenticated stays the same."""
    if not on_server(session):
        return None
    return str(session.scalar(text("SELECT session_user")))


def server_login(url: str) -> str | None:
    """The login a server database URL signs in as, asking the server (libpq may take the user from the
    environment, .pgpass or Kerberos); None for SQLite. For commands that have a URL and no session yet."""
    from sqlalchemy import create_engine

    from caseworker.store.database import normalise_url

    normal = normalise_url(url)
    if not normal.startswith("postgresql"):
        return None
    engine = create_engine(normal)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT session_user")).scalar_one())
    finally:
        engine.dispose()


def refuse_naming_someone(login: str, as_user: str | None) -> None:
    """On a team database nobody chooses whom they act as: refuse ``--as`` and CASEWORKER_USER."""
    if as_user:
        raise PermissionDenied(f"on a team database you act as your own database login ({login}); --as is only "
                               "for a personal SQLite file")
    if os.environ.get("CASEWORKER_USER"):
        raise PermissionDenied(f"on a team database you act as your own database login ({login}); "
                               "CASEWORKER_USER is only for a personal SQLite file, so unset it")


def acting_username(session: Session, as_user: str | None = None) -> str:
    """The staff username of whoever is acting in this session (see the module's description)."""
    login = database_login(session)
    if login is None:
        return requested_username(as_user)
    refuse_naming_someone(login, as_user)
    return login


def acting_actor(session: Session, as_user: str | None = None) -> Actor:
    """Who is acting in this session, as the commands and the window must work it out."""
    return resolve_actor(session, acting_username(session, as_user))


def signed_in_actor(conn: Connection, as_user: str | None = None) -> Actor | None:
    """On a team database with nobody named: the login's active staff record, in one statement (run it
    outside a transaction: a desktop starting over a network would spend four round trips otherwise).
    None in every other case (SQLite, someone named, no such active record), for ``acting_actor`` to
    settle, refuse with its reasons, or make the first admin."""
    if conn.dialect.name != "postgresql" or as_user or os.environ.get("CASEWORKER_USER"):
        return None
    staff = Staff.__table__.c  # Core columns: no mapper configuration before the window paints
    row = conn.execute(select(staff.id, staff.username, staff.display_name, staff.role)
                       .where(staff.username == literal_column("session_user"), staff.active.is_(True))).first()
    return None if row is None else Actor(row.id, row.username, row.display_name, row.role)


def demo_builder(url: str, as_user: str | None = None) -> tuple[str, str]:
    """For ``caseworker demo``: the login the demo is made for (its team lead) and who is building it (a
    shared demo already there is replaced only by one of its admins). On a server both are the database
    login, since that is who will open it; on SQLite the computer's login and the ``--as`` user."""
    login = server_login(url)
    if login is None:
        return login_name(), requested_username(as_user)
    refuse_naming_someone(login, as_user)
    return login, login


def _actor(s: Staff) -> Actor:
    return Actor(s.id, s.username, s.display_name, s.role)


def resolve_actor(session: Session, username: str | None = None) -> Actor:
    """The active staff member ``username`` (the caller has settled who acts: a test, the demo), or with
    no name whoever is acting in this session; UnknownUser says what to do when there is nobody."""
    if username is None:
        return acting_actor(session)
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        first = _first_admin(session, username)
        if first is not None:
            return first
        raise UnknownUser(_not_on_staff(session, username))
    if not staff.active:
        raise UnknownUser(f"{username!r} is on this database's staff list but not active; "
                          + ask_an_admin(session, "activate the account"))
    return _actor(staff)


def _first_admin(session: Session, username: str) -> Actor | None:
    """With no staff at all, ``username`` becomes the first admin (audited); else None."""
    if on_server(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_ADMIN_LOCK})
    if session.scalar(select(func.count()).select_from(Staff)) != 0:
        return None
    first = Staff(username=username, display_name=username, role="admin", active=True, fte=1.0)
    session.add(first)
    session.flush()
    audit(session, actor_id=first.id, action="staff.first_admin", entity="staff", entity_id=first.id,
          after={"username": username, "role": "admin", "why": "first user of a database with no staff"})
    return _actor(first)


def ask_an_admin(session: Session, to_do: str, most: int = 3) -> str:
    """The words "ask an admin (kim, pat) to <to_do>", naming the active admins a person can go to."""
    names = list(session.scalars(select(Staff.username).where(Staff.role == "admin", Staff.active.is_(True))
                                 .order_by(Staff.username).limit(most + 1)))
    if not names:
        return f"there is no active admin, so ask whoever looks after this database to {to_do}"
    shown = ", ".join(names[:most]) + (" or another" if len(names) > most else "")
    return f"ask an admin ({shown}) to {to_do}"


def _not_on_staff(session: Session, username: str) -> str:
    if username == database_login(session):
        return (f"your database login {username!r} is not on this database's staff list; "
                + ask_an_admin(session, f"add {username} as a member of staff"))
    return (f"{username!r} is not on this database's staff list; {ask_an_admin(session, 'add you')}, or act "
            "as a listed user with --as USER or CASEWORKER_USER")


def require_writer(actor: Actor) -> None:
    if not actor.can_write:
        raise PermissionDenied(f"{actor.username} has the {actor.role} role, which cannot change cases")


def require_allocator(actor: Actor) -> None:
    if not actor.can_reallocate:
        raise PermissionDenied(f"{actor.username} has the {actor.role} role; only a team lead or admin "
                               "can reallocate cases")
