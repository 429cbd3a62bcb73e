"""Where the data lives and how to open it.

Default: a SQLite file in the user's data directory, WAL and foreign keys on. A team shares one
PostgreSQL database by setting ``CASEWORKER_DATABASE_URL``. Alembic builds both from the same
migrations; start-up only reads the stored revision (a single-row query) and migrates when behind.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from caseworker.errors import CaseworkerError
from caseworker.store.location import (
    SCHEMA_REVISION,
    data_dir,
    default_database_url,
    demo_database_url,
    sqlite_url,
)
from caseworker.store.models import AppMeta
from caseworker.store.notify import send_changes_on_commit

log = logging.getLogger("caseworker")

__all__ = [
    "NETWORK_LIMITS",
    "Database",
    "DatabaseError",
    "data_dir",
    "default_database_url",
    "demo_database_url",
    "open_database",
    "sqlite_url",
]


class DatabaseError(CaseworkerError):
    """The database cannot be used as it is; the message says why and what to do."""


SUPPORTED = ("sqlite", "postgresql")
# Tables any Caseworker database has; a SQLite file with other tables and none of these is someone else's.
OWN_TABLES = frozenset({"alembic_version", "ehc_case", "staff", "child"})


def first_line(exc: BaseException) -> str:
    """The driver's own reason, without SQLAlchemy's background links and SQL echo."""
    reason = getattr(exc, "orig", None) or exc
    text_ = str(reason).strip().splitlines()
    return text_[0] if text_ else type(reason).__name__


def login_refused(exc: BaseException, url: URL) -> str | None:
    """In plain words, when the server would not let this login into the database at all: after
    `db init-team` only logins in one of the team's roles may connect, and a login joins one when an admin
    puts its person on the staff list. None for any other fault."""
    if "permission denied for database" not in first_line(exc):
        return None
    return (f"The login {url.username!r} may not use the team database {url.database!r} on "
            f"{url.host or 'this computer'}: only people on the team's staff list can. Ask the team's admin "
            "to add you (or to make you active again); they may need your login name.")


def check_url(url: str) -> URL:
    """A URL Caseworker can use, or a DatabaseError saying what is wrong with it."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"{url!r} is not a database address (use sqlite:///path/file.sqlite or "
                            "postgresql://user@host/database)") from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise DatabaseError(f"Caseworker works with SQLite files and PostgreSQL, not {backend!r}")
    if backend == "sqlite" and not parsed.database:
        raise DatabaseError("give the SQLite file's path: sqlite:///path/file.sqlite")
    return parsed


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    parsed = check_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _prepare_folder(path: Path) -> None:
    """The app's own data folder is made on first use; any other folder must already exist."""
    folder = path.parent
    if folder.is_dir():
        return
    if folder == data_dir() or data_dir() in folder.parents:
        folder.mkdir(parents=True, exist_ok=True)
        return
    raise DatabaseError(f"the folder {folder} does not exist; create it or choose another place for {path.name}")


def _refuse_foreign_file(path: Path) -> None:
    """Look at an existing SQLite file read-only before opening it for real: opening switches a file to
    WAL mode, which must never happen to a file that is not a database or is another program's."""
    import sqlite3

    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a SQLite database ({exc})") from exc
    if tables and not tables & OWN_TABLES:
        raise DatabaseError(foreign_tables_message(str(path), tables))


def foreign_tables_message(where: str, tables: set[str]) -> str:
    shown = ", ".join(sorted(tables)[:5])
    return (f"{where} holds another program's tables ({shown}); Caseworker will not add its own to it: "
            "give a new file or Caseworker's own database")


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _prepare_folder(Path(parsed.database))
            _refuse_foreign_file(Path(parsed.database))
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No HSTORE columns here, so the dialect need not look the type up (three round trips) on first connect.
    engine = create_engine(url, pool_recycle=1800, connect_args=server_connect_args(parsed), use_native_hstore=False)
    ping_when_idle(engine)
    return engine


# A pooled connection unused for this long is pinged before it is handed out; one used more recently is
# handed out at once. Pinging on every checkout (pool_pre_ping) cost a round trip per case opened, the
# dearest part of opening one over a VPN; a connection broken since (the server restarted) fails its
# statement once, which the window reports and the live-update monitor notices.
PING_AFTER_IDLE_SECONDS = 30.0


def ping_when_idle(engine: Engine) -> None:
    import time

    from sqlalchemy.exc import DisconnectionError

    @event.listens_for(engine, "checkin")
    def _note_checkin(dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            if not dbapi_conn.autocommit:
                dbapi_conn.rollback()
        except Exception as exc:  # the driver's own errors: the pool drops it and connects afresh
            raise DisconnectionError(f"a pooled connection was lost: {exc}") from exc


def server_connect_args(parsed: URL) -> dict[str, Any]:
    """The network limits, and for psycopg no server-side prepared statements: a statement run five times
    would otherwise be prepared in a round trip of its own, and the many shapes of the case record's
    union fill the driver's cache, whose clearing (DEALLOCATE ALL) costs another."""
    args = network_limits(parsed)
    if parsed.get_driver_name() == "psycopg" and "prepare_threshold" not in parsed.query:
        args["prepare_threshold"] = None
    if "options" not in parsed.query:
        # No JIT compiling: the desktop's statements are short, and one the planner overcosts was measured
        # spending 1.9 s of 2 s compiling itself. A URL's own options= (a DBA's choice) wins.
        args["options"] = "-c jit=off"
    return args


# A server gone quiet (a network drop, a VPN down) is noticed in about half a minute, not the two hours of
# the system's TCP defaults; a connection attempt gives up after ten seconds. The URL's own values win.
NETWORK_LIMITS = {"connect_timeout": 10, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                  "keepalives_count": 3}


def network_limits(parsed: URL) -> dict[str, Any]:
    return {key: value for key, value in NETWORK_LIMITS.items() if key not in parsed.query}


def backup_sqlite(path: Path, revision: str) -> Path:
    """A consistent copy of a live SQLite file (the online backup API), named for the schema it holds."""
    import sqlite3
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.before-upgrade-from-{revision}-{stamp}{path.suffix}")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        copy.close()
    finally:
        source.close()
    return target


class Database:
    """An engine and its session factory, for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Who sent a notification: a desktop skips its own (its windows announced the change already).
        self.origin = uuid.uuid4().hex[:12]
        if not self.is_sqlite:
            send_changes_on_commit(self.sessions, self.origin)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def describe(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def short_name(self) -> str:
        """What to call the database in a status bar: the file name, or the server and database."""
        url = make_url(self.url)
        if self.is_sqlite:
            return Path(url.database or "memory").name
        return f"{url.database} on {url.host or 'localhost'}"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        with self.sessions() as s, s.begin():
            yield s

    def stored_revision(self) -> str | None:
        """The schema revision recorded in the database, or None for an empty database."""
        # Every start asks this: one statement outside a transaction (over a network a BEGIN, a catalogue
        # look-up and a ROLLBACK would be three round trips more). The table is looked for only when it fails.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            try:
                revision: str | None = conn.scalar(text("SELECT version_num FROM alembic_version"))
            except DBAPIError:
                # A new, empty database has no such table; any other failure (the server gone) is raised.
                if conn.invalidated or inspect(conn).has_table("alembic_version"):
                    raise
                return None
            return revision

    def upgrade(self) -> Path | None:
        """Bring the schema up to date; returns the copy taken first of a SQLite file holding data.

        The upgrade itself is one transaction (migrations/env.py), so a crash leaves the old schema; the
        copy is for a mistake in a migration, found after the fact.
        """
        from caseworker.store.migrate import upgrade

        with self.reporting():
            if self.stored_revision() is None:
                self._refuse_foreign()
            copy = self._copy_before_upgrade()
            upgrade(self.engine)
        return copy

    @contextmanager
    def reporting(self) -> Iterator[None]:
        """Turn a failure to reach or read the database into one plain DatabaseError."""
        try:
            yield
        except DBAPIError as exc:
            refused = login_refused(exc, make_url(self.url))
            if refused is not None:
                raise DatabaseError(refused) from exc
            raise DatabaseError(f"cannot use the database at {self.describe()}: {first_line(exc)}") from exc

    def _copy_before_upgrade(self) -> Path | None:
        revision = self.stored_revision()
        path = make_url(self.url).database
        if not self.is_sqlite or revision is None or not path or path == ":memory:" or not self._holds_data():
            return None
        return backup_sqlite(Path(path), revision)

    def _holds_data(self) -> bool:
        with self.engine.connect() as conn:
            return any(conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
                       for table in ("ehc_case", "staff"))

    def ensure_schema(self) -> None:
        """Cheap check at start-up; migrate an empty or older database, refuse a newer one or one that
        is not Caseworker's. Any failure to reach or read it is one plain DatabaseError."""
        with self.reporting():
            self._ensure_schema()

    def _refuse_foreign(self) -> None:
        with self.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if tables and not tables & OWN_TABLES:
            raise DatabaseError(foreign_tables_message(self.describe(), tables))

    def _ensure_schema(self) -> None:
        rev = self.stored_revision()
        if rev is None:
            self._refuse_foreign()
        if rev == SCHEMA_REVISION:
            return
        from caseworker.store.migrate import known_revisions

        if rev is not None and rev not in known_revisions():
            raise DatabaseError(
                f"The database at {self.describe()} is at schema revision {rev}, which this version "
                "of Caseworker does not know. Use the newer version of Caseworker that updated it.")
        copy = self.upgrade()
        if copy is not None:
            log.warning("upgraded the database from schema %s to %s; a copy as it was is at %s", rev,
                        SCHEMA_REVISION, copy)

    def meta(self, key: str) -> str | None:
        # One statement, no transaction: over a network a BEGIN and a ROLLBACK are round trips too.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # The table's own columns, not the mapped class: an ORM select would configure every mapper
            # first (tens of milliseconds at the desktop's start, before its window could paint).
            table = AppMeta.__table__
            return conn.scalar(select(table.c.value).where(table.c.key == key))

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    db = Database(url or default_database_url())
    if migrate:
        db.ensure_schema()
    return db
