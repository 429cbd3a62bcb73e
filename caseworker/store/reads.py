"""The report read path in plain SQL over the database driver.

The morning report must be instant at a large council's scale, so this path reads the three tables
the engine needs through the DB-API connection directly (sqlite3 or psycopg), with no ORM and no
per-row objects beyond the engine's own. The ORM code reaches the same function through its
session's connection, so there is one query, not two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

from caseworker.statutory.engine import AdviceFacts, ExceptionFacts, RequestFacts, collector_paused

OPEN_REQUEST_SQL = (
    "c.received_on IS NOT NULL AND c.withdrawn_on IS NULL AND c.final_issued_on IS NULL"
    " AND (c.decision_to_assess IS NULL OR c.decision_to_assess = {true})"
    " AND (c.decision_to_issue IS NULL OR c.decision_to_issue = {true})"
)


class Dialect:
    """What differs between drivers: placeholders, booleans and how dates arrive."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.mark = "?" if name == "sqlite" else "%s"
        self.true = "1" if name == "sqlite" else "TRUE"
        # sqlite3 hands dates back as ISO text; psycopg as date objects.
        self.to_date: Callable[[Any], date | None] = (
            _iso_or_none if name == "sqlite" else _identity_date)

    def to_bool(self, value: Any) -> bool | None:
        return None if value is None else bool(value)


def _iso_or_none(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _identity_date(value: Any) -> date | None:
    return value  # type: ignore[no-any-return]


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


def _filters(d: Dialect, open_only: bool, caseworker: str | None,
             references: Sequence[str] | None) -> tuple[str, list[Any]]:
    where = ["c.received_on IS NOT NULL"]
    params: list[Any] = []
    if open_only:
        where.append(OPEN_REQUEST_SQL.format(true=d.true))
    if caseworker is not None:
        where.append(f"s.username = {d.mark}")
        params.append(caseworker)
    if references is not None:
        refs = list(references) or [""]
        where.append(f"c.reference IN ({', '.join([d.mark] * len(refs))})")
        params.extend(refs)
    return " AND ".join(where), params


def load_request_facts(conn: Any, d: Dialect, *, open_only: bool = True, caseworker: str | None = None,
                       references: Sequence[str] | None = None) -> list[RequestFacts]:
    """Requests (open ones by default) with their advice and exceptions, sorted by reference."""
    with collector_paused():
        return _load_request_facts(conn, d, open_only, caseworker, references)


def _load_request_facts(conn: Any, d: Dialect, open_only: bool, caseworker: str | None,
                        references: Sequence[str] | None) -> list[RequestFacts]:
    where, params = _filters(d, open_only, caseworker, references)
    cases_from = ("FROM ehc_case c JOIN child ch ON ch.id = c.child_id "
                  "LEFT JOIN staff s ON s.id = c.caseworker_id WHERE " + where)
    cur = conn.cursor()
    cur.execute(
        "SELECT c.id, c.reference, ch.forename, ch.surname, s.username, c.received_on, c.decision_to_assess,"
        " c.decision_to_assess_on, c.decision_to_issue, c.decision_to_issue_on, c.draft_sent_on,"
        " c.draft_served_on, c.final_issued_on, c.withdrawn_on, c.draft_sent_by " + cases_from
        + " ORDER BY c.reference",
        params)
    to_date, to_bool = d.to_date, d.to_bool
    facts: list[RequestFacts] = []
    by_id: dict[int, RequestFacts] = {}
    for (cid, ref, forename, surname, username, received, dta, dta_on, dti, dti_on, sent, served, final,
         withdrawn, sent_by) in cur.fetchall():
        f = RequestFacts(ref, to_date(received), f"{forename} {surname}", username,  # type: ignore[arg-type]
                         to_bool(dta), to_date(dta_on), to_bool(dti), to_date(dti_on), to_date(sent),
                         to_date(served), to_date(final), to_date(withdrawn), [], [], cid, sent_by)
        facts.append(f)
        by_id[cid] = f
    if facts:
        # The advice and the exceptions in one statement (one round trip to a team database): advice rows
        # (tag 1) then exception rows (tag 2), each in the order recorded.
        ids = "SELECT c.id " + cases_from
        cur.execute(
            "SELECT 1, a.case_id, a.id, a.kind, v.name, a.sent_by, a.excused_ground, a.requested_on,"
            " a.received_on, CAST(NULL AS DATE) FROM advice_request a"
            f" LEFT JOIN advice_service v ON v.id = a.service_id WHERE a.case_id IN ({ids})"
            " UNION ALL SELECT 2, e.case_id, e.id, e.ground, e.note, NULL, NULL, e.recorded_on, e.began_on, e.ended_on"
            f" FROM statutory_exception e WHERE e.case_id IN ({ids}) ORDER BY 1, 3", params + params)
        for tag, case_id, row_id, word, text, sent_by, excused, first, second, third in cur.fetchall():
            if tag == 1:
                by_id[case_id].advice.append(AdviceFacts(
                    word, to_date(first), to_date(second), text, row_id, sent_by, excused))  # type: ignore[arg-type]
            else:
                by_id[case_id].exceptions.append(ExceptionFacts(
                    word, to_date(first), text, to_date(second), to_date(third)))  # type: ignore[arg-type]
    cur.close()
    return facts
