"""Alembic environment: the engine is handed in by caseworker.store.migrate."""

from alembic import context
from sqlalchemy import Connection, Engine, create_engine

from caseworker.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_sqlite(connection: Connection) -> None:
    """Every step of an upgrade in one SQLite transaction, so a crash leaves the old schema whole.

    Python's sqlite3 module (before 3.12) commits before each CREATE, ALTER or DROP unless the driver is
    told to keep out of transactions: switch it off for this connection and open the transaction
    ourselves. SQLite alters a table by copying it and dropping the old one; with foreign keys enforced
    the drop fails on any table other rows point at (staff, child). Switch them off for the migration
    (the pragma only takes effect outside a transaction), then prove nothing was left dangling.
    """
    raw = connection.connection.dbapi_connection
    assert raw is not None
    previous = raw.isolation_level
    raw.isolation_level = None
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        with connection.begin():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            run(connection)
            dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if dangling:
                raise RuntimeError(f"the migration left rows pointing at missing rows: {dangling[:5]}")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        raw.isolation_level = previous


with engine.connect() as connection:
    if connection.dialect.name != "sqlite":
        with connection.begin():
            run(connection)
    else:
        run_sqlite(connection)
