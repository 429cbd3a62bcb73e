"""The requests' read (``reads.load_request_facts``) as SQLAlchemy Core selects over the models' tables.

These selects are the one statement of what the read asks for. The nightly ``caseworker deadlines`` runs
them without loading SQLAlchemy (importing it takes about 0.2 s, the whole of that command's budget): it
runs their SQL text, compiled from here for SQLite and for PostgreSQL and kept in ``request_sql.py``.
``tests/unit/test_request_sql.py`` compiles these selects again and fails if any text differs from the
kept one, so the two cannot drift apart; after changing a select here, or a table they read, regenerate:

    python -m caseworker.store.request_selects

The read path as a whole is described in docs/read-path.md.
"""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Date, and_, cast, false, literal_column, null, or_, select, union_all
from sqlalchemy.engine import Dialect as SqlDialect
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.expression import CompoundSelect, bindparam

from caseworker.store.models import AdviceRequest, AdviceService, Case, Child, Staff, StatutoryException
from caseworker.store.reads import REFERENCES_MARK

Rows = Select[*tuple[Any, ...]]
GENERATED = Path(__file__).with_name("request_sql.py")
# The statements, by (which, open requests only, one caseworker's, given references). "cases": the requests;
# "events": their advice and exceptions in one statement (one round trip to a team's server).
KEYS: list[tuple[str, bool, bool, bool]] = [
    (which, *flags) for which in ("cases", "events")  # type: ignore[misc]
    for flags in itertools.product((True, False), repeat=3)]


def open_request_clause() -> ColumnElement[bool]:
    """A request still running: received, not withdrawn, no "no" at either decision, no final yet."""
    return and_(
        Case.received_on.is_not(None),
        Case.withdrawn_on.is_(None),
        Case.final_issued_on.is_(None),
        or_(Case.decision_to_assess.is_(None), Case.decision_to_assess.is_not(false())),
        or_(Case.decision_to_issue.is_(None), Case.decision_to_issue.is_not(false())),
    )


def _references() -> BindParameter[Any]:
    """The list of references, bound when the statement runs: SQLAlchemy compiles it as REFERENCES_MARK, where
    the reader writes one placeholder per reference."""
    return bindparam("references", expanding=True)


def _which_cases(stmt: Rows, open_only: bool, by_caseworker: bool, by_references: bool) -> Rows:
    """``stmt`` (reading ``ehc_case``) joined to the child and caseworker and narrowed to the requests asked
    for. A plan in place imported without a request (never received) is no request."""
    stmt = stmt.join(Child, Child.id == Case.child_id).outerjoin(Staff, Staff.id == Case.caseworker_id)
    stmt = stmt.where(open_request_clause() if open_only else Case.received_on.is_not(None))
    if by_caseworker:
        stmt = stmt.where(Staff.username == bindparam("caseworker"))
    if by_references:
        stmt = stmt.where(Case.reference.in_(_references()))
    return stmt


def request_cases(open_only: bool, by_caseworker: bool, by_references: bool) -> Rows:
    """The requests with their child's name and caseworker, sorted by reference."""
    stmt = select(Case.id, Case.reference, Child.forename, Child.surname, Staff.username, Case.received_on,
                  Case.decision_to_assess, Case.decision_to_assess_on, Case.decision_to_issue,
                  Case.decision_to_issue_on, Case.draft_sent_on, Case.draft_served_on, Case.final_issued_on,
                  Case.withdrawn_on, Case.draft_sent_by).select_from(Case)
    return _which_cases(stmt, open_only, by_caseworker, by_references).order_by(Case.reference)


def request_events(open_only: bool, by_caseworker: bool, by_references: bool) -> CompoundSelect[*tuple[Any, ...]]:
    """The same requests' advice (tag 1) then exceptions (tag 2), each in the order recorded, as rows of
    (tag, case id, row id, kind or ground, service or note, sent by, excused ground, three dates)."""
    advice = _which_cases(
        select(literal_column("1").label("tag"), AdviceRequest.case_id, AdviceRequest.id.label("row_id"),
               AdviceRequest.kind.label("word"), AdviceService.name.label("words"), AdviceRequest.sent_by,
               AdviceRequest.excused_ground, AdviceRequest.requested_on.label("day_1"),
               AdviceRequest.received_on.label("day_2"), cast(null(), Date).label("day_3"))
        .select_from(AdviceRequest).join(Case, Case.id == AdviceRequest.case_id)
        .outerjoin(AdviceService, AdviceService.id == AdviceRequest.service_id),
        open_only, by_caseworker, by_references)
    exceptions = _which_cases(
        select(literal_column("2"), StatutoryException.case_id, StatutoryException.id, StatutoryException.ground,
               StatutoryException.note, null(), null(), StatutoryException.recorded_on,
               StatutoryException.began_on, StatutoryException.ended_on)
        .select_from(StatutoryException).join(Case, Case.id == StatutoryException.case_id),
        open_only, by_caseworker, by_references)
    return union_all(advice, exceptions).order_by(literal_column("tag"), literal_column("row_id"))


def dialects() -> dict[str, SqlDialect]:
    """The dialects the stored text is compiled for, with the parameter style each driver is given."""
    # Imported here, for the generator only: the PostgreSQL dialects bring asyncio with them, which a
    # desktop on a SQLite file would otherwise load before its first paint.
    from sqlalchemy.dialects import postgresql, sqlite

    return {"sqlite": sqlite.dialect(paramstyle="named"), "postgresql": postgresql.psycopg.dialect()}  # type: ignore[no-untyped-call]


def compiled(key: tuple[str, bool, bool, bool], dialect: SqlDialect) -> str:
    which, *flags = key
    stmt = request_cases(*flags) if which == "cases" else request_events(*flags)
    text = str(stmt.compile(dialect=dialect))
    if flags[2] and REFERENCES_MARK not in text:  # the reader would then bind no references at all
        raise ValueError(f"SQLAlchemy no longer marks an expanding list as {REFERENCES_MARK}: update reads.py")
    return text


def module_text() -> str:
    """The whole of ``request_sql.py`` as compiled now."""
    lines = ['"""SQL text compiled from store/request_selects.py: generated, do not edit.',
             "",
             "Regenerate with ``python -m caseworker.store.request_selects``; tests/unit/test_request_sql.py",
             'fails while this differs from what the selects compile to today."""',
             "",
             "STATEMENTS: dict[tuple[str, str, bool, bool, bool], str] = {"]
    for name, dialect in dialects().items():
        for key in KEYS:
            lines.append(f"    {(name, *key)!r}: (")
            text = compiled(key, dialect)
            lines.extend(f"        {line!r}" for line in _lines(text))
            lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _lines(text: str, width: int = 106) -> list[str]:
    """The statement as it compiled, cut after spaces into pieces of about ``width`` characters (and after
    each of its own line breaks) that join back to exactly the text."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True) or [""]:
        piece = ""
        for word in re.split(r"(?<= )", line):
            if piece and len(piece) + len(word) > width:
                pieces.append(piece)
                piece = ""
            piece += word
        pieces.append(piece)
    return pieces


def main() -> int:
    GENERATED.write_text(module_text(), encoding="utf-8")
    print(f"wrote {GENERATED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
