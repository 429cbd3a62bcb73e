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


def test_an_older_database_is_migrated_on_start_and_keeps_its_data(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    from caseworker.store.database import normalise_url, open_database
    from caseworker.store.migrate import upgrade

    engine = create_engine(normalise_url(db_url))
    upgrade(engine, "0001_initial")  # a database made by the first release
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff (username, display_name, role, fte, active, version) "
                          "VALUES ('jsmith', 'Jo Smith', 'caseworker', 1.0, TRUE, 1)"))
    engine.dispose()
    reopened = open_database(db_url)
    assert reopened.stored_revision() == SCHEMA_REVISION
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT display_name FROM staff")).scalar() == "Jo Smith"
    reopened.dispose()
