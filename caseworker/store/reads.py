"""The report read path over the database driver: the requests the deadline engine reads.

The morning report must be instant at a large council's scale, so this path runs through the DB-API
connection directly (sqlite3 or psycopg), with no ORM and no per-row objects beyond the engine's own. What
it asks is written once, as SQLAlchemy Core selects in ``request_selects.py``; this module runs their SQL
text as compiled for each database and kept in ``request_sql.py`` (a test holds the two to the same text),
because importing SQLAlchemy would cost the nightly command more than its whole budget. The ORM code
reaches the same function through its session's connection, so there is one query, not two. See
docs/read-path.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

from caseworker.statutory.engine import AdviceFacts, ExceptionFacts, RequestFacts, collector_paused
from caseworker.store.request_sql import STATEMENTS

# SQLAlchemy's mark for a list bound at run time (``request_selects.REFERENCES_MARK``, kept here too so the
# report need not import SQLAlchemy to read it).
REFERENCES_MARK = "__[POSTCOMPILE_references]"


class Dialect:
    """What the driver-level reads still need to know of their database, with no SQL written by hand: which
    kept SQL text runs (by ``name``), how a list's placeholders are written into it, and how dates and
    booleans arrive. The headless reports have no SQLAlchemy dialect to ask, so ``connect`` gives one."""

    def __init__(self, name: str) -> None:
        self.name = name

    def named(self, parameter: str) -> str:
        """A placeholder for a parameter given by name, in the style the kept SQL text uses."""
        return f":{parameter}" if self.name == "sqlite" else f"%({parameter})s"

    def day_reader(self) -> Callable[[Any], Any]:
        """How this driver's dates become ``date`` for one read (sqlite3 hands back ISO text, psycopg
        ``date``): a dictionary lookup (done in C for every day seen before), not a Python call per value,
        as the same days recur across thousands of rows."""
        return (_IsoDays() if self.name == "sqlite" else _SameDays()).__getitem__

    def to_bool(self, value: Any) -> bool | None:
        return None if value is None else bool(value)

    def bool_reader(self) -> Callable[[Any], bool | None]:
        """``to_bool`` as a dictionary lookup (in C, as for the days, where it was a Python call per value):
        SQLite's 0 and 1 and psycopg's ``bool`` (equal to 0 and 1, so the same keys serve), or NULL."""
        return _Bools().__getitem__


class _Bools(dict[Any, Any]):
    """A driver's booleans -> ``bool`` or None; any other value a column may hold is read as ``to_bool`` does."""

    def __init__(self) -> None:
        super().__init__({None: None, 0: False, 1: True})

    def __missing__(self, key: Any) -> bool | None:
        return None if key is None else bool(key)


class _IsoDays(dict[Any, Any]):
    """SQLite's ISO text -> ``date``, each distinct day parsed once."""

    def __missing__(self, key: str | None) -> date | None:
        value = self[key] = None if key is None else date.fromisoformat(key)
        return value


class _SameDays(dict[Any, Any]):
    """The driver's own ``date`` objects (PostgreSQL), passed through."""

    def __missing__(self, key: date | None) -> date | None:
        self[key] = key
        return key


def connect(url: str) -> tuple[Any, Dialect]:
    """A DB-API connection for a database URL (sqlite:///path or postgresql[+psycopg]://...)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        import sqlite3

        path = unquote(parts.path[1:]) if parts.path.startswith("/") else parts.path
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return conn, Dialect("sqlite")
    if scheme in ("postgresql", "postgres"):
        import psycopg

        return psycopg.connect(parts._replace(scheme="postgresql").geturl()), Dialect("postgresql")
    raise ValueError(f"unsupported database URL scheme {parts.scheme!r}")


def stored_revision(conn: Any) -> str | None:
    """The Alembic revision, or None if the database has no schema yet."""
    cur = conn.cursor()
    try:
        cur.execute("SELECT version_num FROM alembic_version")
        row = cur.fetchone()
    except Exception:
        conn.rollback()
        return None
    finally:
        cur.close()
    return row[0] if row else None


def _statement(d: Dialect, which: str, open_only: bool, caseworker: str | None,
               references: Sequence[str] | None) -> tuple[str, dict[str, Any]]:
    """The kept SQL text for this read on this database, and its parameters by name."""
    text = STATEMENTS[(d.name, which, open_only, caseworker is not None, references is not None)]
    params: dict[str, Any] = {} if caseworker is None else {"caseworker": caseworker}
    if references is not None:
        # One placeholder per reference where SQLAlchemy would expand the list (none would match nothing).
        values = list(references) or [""]
        names = [f"references_{i}" for i in range(len(values))]
        params.update(zip(names, values, strict=True))
        text = text.replace(REFERENCES_MARK, ", ".join(d.named(n) for n in names))
    return text, params


def load_request_facts(conn: Any, d: Dialect, *, open_only: bool = True, caseworker: str | None = None,
                       references: Sequence[str] | None = None) -> list[RequestFacts]:
    """Requests (open ones by default) with their advice and exceptions, sorted by reference."""
    with collector_paused():
        return _load_request_facts(conn, d, open_only, caseworker, references)


def _load_request_facts(conn: Any, d: Dialect, open_only: bool, caseworker: str | None,
                        references: Sequence[str] | None) -> list[RequestFacts]:
    cur = conn.cursor()
    cur.execute(*_statement(d, "cases", open_only, caseworker, references))
    to_date, to_bool = d.day_reader(), d.bool_reader()
    facts: list[RequestFacts] = []
    by_id: dict[int, RequestFacts] = {}
    # Rows taken one at a time from the cursor, not fetchall(): every row as a tuple is never held beside the
    # facts built from it (a few MB less at a large council's scale).
    for (cid, ref, forename, surname, username, received, dta, dta_on, dti, dti_on, sent, served, final,
         withdrawn, sent_by) in cur:
        f = RequestFacts(ref, to_date(received), f"{forename} {surname}", username,
                         to_bool(dta), to_date(dta_on), to_bool(dti), to_date(dti_on), to_date(sent),
                         to_date(served), to_date(final), to_date(withdrawn), [], [], cid, sent_by)
        facts.append(f)
        by_id[cid] = f
    if facts:
        # The advice and the exceptions in one statement (one round trip to a team database): advice rows
        # (tag 1) and exception rows (tag 2) interleaved, each kind in the order recorded.
        cur.execute(*_statement(d, "events", open_only, caseworker, references))
        for tag, case_id, row_id, word, text, sent_by, excused, first, second, third in cur:
            if tag == 1:
                by_id[case_id].advice.append(AdviceFacts(
                    word, to_date(first), to_date(second), text, row_id, sent_by, excused))
            else:
                by_id[case_id].exceptions.append(ExceptionFacts(
                    word, to_date(first), text, to_date(second), to_date(third)))
    cur.close()
    return facts
