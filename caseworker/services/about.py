"""What the About dialog says of the database in use: where it is (no password) and its schema revision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from caseworker.context import AppContext
from caseworker.logs import without_password
from caseworker.store.location import SCHEMA_REVISION


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    address: str  # the URL with any password shown as ***
    revision: str | None  # as stored in the database; None for an empty one
    expected: str  # the revision this version of Caseworker works with
    problem: str | None = None  # why the revision could not be read (the server went away)


def database_facts(ctx: AppContext) -> DatabaseFacts:
    address = without_password(ctx.db.describe())
    try:
        return DatabaseFacts(address, ctx.db.stored_revision(), SCHEMA_REVISION)
    except SQLAlchemyError as exc:
        return DatabaseFacts(address, None, SCHEMA_REVISION, str(exc).splitlines()[0])
