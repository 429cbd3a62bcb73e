"""Migration 0010: the staff already on record keep everything and gain an empty title and job title."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from caseworker.store.database import normalise_url, open_database
from caseworker.store.location import SCHEMA_REVISION
from caseworker.store.migrate import upgrade


def test_a_database_at_0009_keeps_its_staff_and_gains_their_titles(db_url: str) -> None:
    engine = create_engine(normalise_url(db_url))
    upgrade(engine, "0009_plans")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff (id, username, display_name, role, team, fte, active, started_on, "
                          "version) VALUES (1, 'jsmith', 'Jo Smith', 'caseworker', 'North', 0.6, TRUE, "
                          "'2024-09-02', 3)"))
    engine.dispose()
    reopened = open_database(db_url)
    try:
        assert reopened.stored_revision() == SCHEMA_REVISION
        with reopened.engine.begin() as conn:
            row = conn.execute(text("SELECT username, display_name, team, fte, version, title, job_title "
                                    "FROM staff")).one()
            assert tuple(row) == ("jsmith", "Jo Smith", "North", 0.6, 3, None, None)
            conn.execute(text("UPDATE staff SET title = 'Ms', job_title = 'SEND Caseworker' WHERE id = 1"))
    finally:
        reopened.dispose()
