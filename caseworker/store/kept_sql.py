"""Writing Core selects out as SQL text for the headless reports, which run it without SQLAlchemy.

``request_selects`` and ``plan_selects`` each keep a generated module of plain strings (``request_sql.py``,
``plan_sql.py``): their selects compiled for SQLite and for PostgreSQL, with the parameter style each
driver is given. A unit test compiles the selects again and fails on any difference. See docs/read-path.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect as SqlDialect


def dialects() -> dict[str, SqlDialect]:
    """The dialects the kept text is compiled for, with the parameter style each driver is given."""
    # Imported here, for the generator and its test only: the PostgreSQL dialects bring asyncio with them,
    # which a desktop on a SQLite file would otherwise load before its first paint.
    from sqlalchemy.dialects import postgresql, sqlite

    return {"sqlite": sqlite.dialect(paramstyle="named"), "postgresql": postgresql.psycopg.dialect()}  # type: ignore[no-untyped-call]


def module_text(source: str, name: str, annotation: str, statements: Iterable[tuple[tuple[object, ...], str]]) -> str:
    """A generated module holding ``statements`` (key, SQL text) in the dictionary ``name``."""
    test = f"tests/unit/test_{source.removesuffix('_selects')}_sql.py"
    lines = [f'"""SQL text compiled from store/{source}.py: generated, do not edit.',
             "",
             f"Regenerate with ``python -m caseworker.store.{source}``; {test}",
             'fails while this differs from what the selects compile to today."""',
             "",
             f"{name}: {annotation} = {{"]
    for key, text in statements:
        lines.append(f"    {key!r}: (")
        lines.extend(f"        {piece!r}" for piece in pieces(text))
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def pieces(text: str, width: int = 106) -> list[str]:
    """The statement as it compiled, cut after spaces into pieces of about ``width`` characters (and after
    each of its own line breaks) that join back to exactly the text."""
    found: list[str] = []
    for line in text.splitlines(keepends=True) or [""]:
        piece = ""
        for word in re.split(r"(?<= )", line):
            if piece and len(piece) + len(word) > width:
                found.append(piece)
                piece = ""
            piece += word
        found.append(piece)
    return found
