"""Alembic owns the schema: the migrations build exactly what the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from caseworker.store.database import Database
from caseworker.store.location import SCHEMA_REVISION
from caseworker.store.models import Base


# SQLAlchemy cannot reflect an index on an expression from SQLite; the test below checks that one.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_references_are_indexed_whatever_their_letter_case(db: Database) -> None:
    listing = ("SELECT sql FROM sqlite_master WHERE name = 'ix_ehc_case_reference_lower'" if db.is_sqlite else
               "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_ehc_case_reference_lower'")
    with db.engine.connect() as conn:
        definition = conn.execute(text(listing)).scalar_one()
    plain = definition.lower().replace("::text", "").replace("((reference))", "(reference)")
    assert "lower(reference)" in plain


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
    upgrade(engine, "0001_initial")  # a database made by the first release, in use: rows point at rows
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff (id, username, display_name, role, fte, active, version) "
                          "VALUES (1, 'jsmith', 'Jo Smith', 'caseworker', 1.0, TRUE, 1)"))
        conn.execute(text("INSERT INTO child (id, forename, surname, date_of_birth, version) "
                          "VALUES (1, 'Zoë', 'Clarke', '2016-03-14', 1)"))
        conn.execute(text("INSERT INTO contact (child_id, role, name, address, main_correspondent, version) "
                          "VALUES (1, 'parent', 'Sam Clarke', '1 High Street', TRUE, 1)"))
        conn.execute(text("INSERT INTO ehc_case (id, reference, child_id, caseworker_id, received_on, keyed_on, "
                          "version) VALUES (1, 'EHC-1', 1, 1, '2025-01-06', '2025-01-06', 1)"))
        conn.execute(text("INSERT INTO allocation (case_id, staff_id, from_on, reason, version) "
                          "VALUES (1, 1, '2025-01-06', 'first', 1)"))
    engine.dispose()
    reopened = open_database(db_url)
    assert reopened.stored_revision() == SCHEMA_REVISION
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT display_name FROM staff")).scalar() == "Jo Smith"
        row = conn.execute(text("SELECT c.reference, ch.forename, s.username FROM ehc_case c JOIN child ch ON "
                                "ch.id = c.child_id JOIN staff s ON s.id = c.caseworker_id")).one()
        assert tuple(row) == ("EHC-1", "Zoë", "jsmith")
        if reopened.is_sqlite:  # foreign keys are enforced again after the migration
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    reopened.dispose()


def test_exceptions_and_advice_from_before_0005_keep_their_meaning(db_url: str) -> None:
    """Exceptions recorded before they carried dates began, as far as anyone knows, when recorded;
    advice asked before 'sent by' was recorded went by email; health services answer under reg 8."""
    from sqlalchemy import create_engine, text

    from caseworker.store.database import normalise_url, open_database
    from caseworker.store.migrate import upgrade

    engine = create_engine(normalise_url(db_url))
    upgrade(engine, "0004_caseload")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO child (id, forename, surname, date_of_birth, letters_to_parent, version) "
                          "VALUES (1, 'Zoë', 'Clarke', '2016-03-14', FALSE, 1)"))
        conn.execute(text("INSERT INTO ehc_case (id, reference, child_id, received_on, keyed_on, version) "
                          "VALUES (1, 'EHC-1', 1, '2025-01-06', '2025-01-06', 1)"))
        conn.execute(text("INSERT INTO statutory_exception (case_id, ground, recorded_on, note, version) "
                          "VALUES (1, 'c', '2025-02-05', 'bereavement', 1)"))
        conn.execute(text("INSERT INTO advice_service (id, name, kind, version) VALUES "
                          "(1, 'Marches ICB paediatrics', 'health', 1), (2, 'County EP Service', 'ep', 1)"))
        conn.execute(text("INSERT INTO advice_request (case_id, kind, service_id, requested_on, version) "
                          "VALUES (1, 'health', 1, '2025-02-11', 1)"))
    engine.dispose()
    reopened = open_database(db_url)
    with reopened.engine.connect() as conn:
        began, ended = conn.execute(text("SELECT began_on, ended_on FROM statutory_exception")).one()
        assert (str(began), ended) == ("2025-02-05", None)
        assert conn.execute(text("SELECT sent_by FROM advice_request")).scalar() == "email"
        bodies = dict(conn.execute(text("SELECT name, body FROM advice_service")).all())
        assert bodies == {"Marches ICB paediatrics": "health", "County EP Service": "council"}
        assert conn.execute(text("SELECT draft_sent_by FROM ehc_case")).scalar() == "email"
    reopened.dispose()
