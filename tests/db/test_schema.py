"""Alembic owns the schema: the migrations build exactly what the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caseworker.store.database import Database
from caseworker.store.location import SCHEMA_REVISION
from caseworker.store.models import Base


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_opening_again_does_not_migrate(db: Database) -> None:
    assert db.stored_revision() == SCHEMA_REVISION
    db.ensure_schema()  # a second start only reads the revision
    assert db.stored_revision() == SCHEMA_REVISION


def test_sqlite_runs_with_foreign_keys_and_wal(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
