"""Telling every open desktop what changed: NOTIFY on the team's PostgreSQL database, sent on commit.

Done in the application, not by triggers: every service writes through a ``Database`` session, so one
set of session hooks covers them all (the window, the command line, an import) with no migration. Each
flush notes which cases its rows belong to (a row's ``case_id``, a case's own id, an audit event's
case); Core inserts and updates run through ``Session.execute`` are read from their parameters. Just
before the commit one ``pg_notify`` goes out inside the same transaction, so PostgreSQL delivers it
only if the commit succeeds, and never for a rolled-back change. A personal SQLite file has no other
desktops: nothing is installed there.

The payload is small JSON: which database object sent it (a desktop skips its own news, announced
already), who acted (the staff id of the audit events), which cases (or none: "reload everything",
when there are too many to list or a change belongs to no one case), what kinds of thing, and when.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

log = logging.getLogger("caseworker")

CHANNEL = "caseworker"
MOST_CASES = 200  # beyond this the payload says "everything" (NOTIFY payloads stop at 8000 bytes)
PENDING = "caseworker.changes"  # the key in Session.info

STAFF_TABLES = frozenset({"staff", "staff_absence"})
SETTINGS_TABLES = frozenset({"council_settings", "app_meta"})


@dataclass
class PendingChanges:
    """What one transaction has changed so far."""

    cases: set[int] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    actor_id: int | None = None
    untied: bool = False  # a change no case id was found for (a school renamed, a bulk UPDATE)

    def note_row(self, table: str, values: Mapping[str, Any]) -> None:
        """One row written: which case it belongs to, and what kind of thing it is."""
        if table == "audit_event":
            self._note_audit(values)
            return
        case_id = values.get("id") if table == "ehc_case" else values.get("case_id")
        if isinstance(case_id, int):
            self.cases.add(case_id)
            self.kinds.add("allocation" if table == "allocation" else "case")
        elif table in STAFF_TABLES:
            self.kinds.add("staff")
        elif table in SETTINGS_TABLES:
            self.kinds.add("settings")
        else:
            self.untied = True
            self.kinds.add("case")

    def _note_audit(self, values: Mapping[str, Any]) -> None:
        case_id, actor_id = values.get("case_id"), values.get("actor_id")
        if isinstance(case_id, int):
            self.cases.add(case_id)
            self.kinds.add("case")
        if isinstance(actor_id, int):
            self.actor_id = actor_id

    @property
    def any(self) -> bool:
        return bool(self.cases or self.kinds or self.untied)


@dataclass(frozen=True)
class Change:
    """One notification as a desktop reads it. ``cases`` None: too many or unknown, reload everything."""

    origin: str
    cases: tuple[int, ...] | None
    kinds: frozenset[str]
    actor_id: int | None
    at: datetime

    @property
    def everything(self) -> bool:
        return self.cases is None


def payload_of(changes: PendingChanges, origin: str, at: datetime) -> str:
    # A row tied to no case is listed by the audit events of the same change when there are any (a
    # child edited on a case); with none, nobody can tell which cases it touches.
    known = sorted(changes.cases)
    everything = (changes.untied and not known) or len(known) > MOST_CASES
    return json.dumps({"o": origin, "a": changes.actor_id, "c": None if everything else known,
                       "k": sorted(changes.kinds), "t": at.timestamp()}, separators=(",", ":"))


def read_payload(payload: str) -> Change | None:
    """A notification's payload, or None for one not sent by Caseworker (logged, then ignored)."""
    try:
        data = json.loads(payload)
        cases = data["c"]
        return Change(origin=str(data["o"]), cases=None if cases is None else tuple(int(c) for c in cases),
                      kinds=frozenset(str(k) for k in data.get("k", ())),
                      actor_id=data.get("a") if isinstance(data.get("a"), int) else None,
                      at=datetime.fromtimestamp(float(data["t"]), UTC))
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignored a notification on %r that is not Caseworker's: %s", CHANNEL, exc)
        return None


def _pending(session: Session) -> PendingChanges:
    found = session.info.get(PENDING)
    if not isinstance(found, PendingChanges):
        found = session.info[PENDING] = PendingChanges()
    return found


def _columns_of(obj: Any) -> dict[str, Any]:
    """The values a flushed ORM object holds that say whose it is (read from its state: no lazy load)."""
    state = obj.__dict__
    return {key: state.get(key) for key in ("id", "case_id", "actor_id") if key in state}


def _after_flush(session: Session, _context: Any) -> None:
    pending = _pending(session)
    written: Iterable[Any] = (*session.new, *session.deleted,
                              *(o for o in session.dirty if session.is_modified(o, include_collections=False)))
    for obj in written:
        table = getattr(obj, "__tablename__", None)
        if isinstance(table, str):
            pending.note_row(table, _columns_of(obj))


def _after_execute(state: ORMExecuteState) -> None:
    """A Core or bulk INSERT / UPDATE / DELETE through the session: its parameters name the cases."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if not isinstance(table, str):
        return
    pending = _pending(state.session)
    params = state.parameters
    rows: list[Mapping[str, Any]] = list(params) if isinstance(params, list) else \
        [params if isinstance(params, Mapping) else {}]
    if state.is_insert and table != "ehc_case":
        for row in rows:
            pending.note_row(table, row)
    else:  # an UPDATE or DELETE's rows are chosen by its WHERE, which is not read here
        pending.note_row(table, {})


def _before_commit(session: Session, origin: str) -> None:
    session.flush()  # the commit's own flush comes after this hook: take its rows into account now
    pending = session.info.pop(PENDING, None)
    if not isinstance(pending, PendingChanges) or not pending.any:
        return
    payload = payload_of(pending, origin, datetime.now(UTC))
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(PENDING, None)


def send_changes_on_commit(sessions: sessionmaker[Session], origin: str) -> None:
    """Install the hooks on a session factory: each commit that changed anything notifies ``CHANNEL``."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _after_execute)
    event.listen(sessions, "before_commit", lambda session: _before_commit(session, origin))
    event.listen(sessions, "after_rollback", _forget)




def is_lost_contact(exc: BaseException) -> bool:
    """True when ``exc`` says the database could not be reached (server down or restarting, network
    gone), rather than that it refused what was asked."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig if exc.orig is not None else exc
    try:
        import psycopg
    except ImportError:  # a SQLite-only install
        return False
    return isinstance(exc, psycopg.OperationalError)


def watch_for_lost_contact(engine: Engine, callback: Callable[[], None]) -> None:
    """Call ``callback`` (on whatever thread met it) when a statement or a new connection fails because
    the server cannot be reached. SQLAlchemy has already dropped the pool's connections by then."""

    def seen(context: ExceptionContext) -> None:
        if context.is_disconnect or is_lost_contact(context.original_exception):
            callback()

    event.listen(engine, "handle_error", seen)


__all__ = ["CHANNEL", "Change", "PendingChanges", "is_lost_contact", "payload_of", "read_payload",
           "send_changes_on_commit", "watch_for_lost_contact"]
