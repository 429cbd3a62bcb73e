"""Database logins on the test PostgreSQL server: each person signs in as themselves.

The throwaway cluster trusts every local login; ``password_required`` adds a pg_hba.conf line in
front so that one login must give its password (scram-sha-256), and takes it away after.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseworker.store.database import open_database

_serial = itertools.count()


def new_login_name(stem: str) -> str:
    """A role name no other test (or earlier run against a given server) has used."""
    return f"{stem}_{os.getpid()}_{next(_serial)}"


def add_login(db_url: str, name: str, password: str | None = None) -> str:
    """A login (made unless the server has it) that may read and write every Caseworker table of
    ``db_url``'s database (the schema is made first, as the server's owner); its URL, with no password."""
    open_database(db_url).dispose()
    server = db_url.rsplit("/", 1)[0]
    engine = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is None:
            secret = f" PASSWORD '{password}'" if password else ""
            conn.execute(text(f'CREATE ROLE "{name}" LOGIN{secret}'))
    engine.dispose()
    owner = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        for what in ("TABLES", "SEQUENCES"):
            conn.execute(text(f'GRANT ALL ON ALL {what} IN SCHEMA public TO "{name}"'))
    owner.dispose()
    return make_url(db_url).set(username=name, password=None).render_as_string(hide_password=False)


def signed_in_as(db_url: str, username: str) -> tuple[str, list[str]]:
    """The database URL and options for a command acting as ``username``: ``--as`` on a SQLite file, the
    person's own login on PostgreSQL (where ``--as`` is refused)."""
    if db_url.startswith("sqlite"):
        return db_url, ["--as", username]
    return add_login(db_url, username), []


@contextmanager
def password_required(server: str, login: str) -> Iterator[None]:
    """While inside: ``login`` must sign in with its password; every other login is trusted as before."""
    engine = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        hba = Path(str(conn.execute(text("SHOW hba_file")).scalar_one()))
    if not os.access(hba, os.W_OK):
        engine.dispose()
        pytest.skip(f"cannot change {hba} on this server")
    before = hba.read_text()
    hba.write_text(f"host all {login} 127.0.0.1/32 scram-sha-256\nhost all {login} ::1/128 scram-sha-256\n"
                   + before)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_reload_conf()"))
        _wait_for_password_rule(server, login)
        yield
    finally:
        hba.write_text(before)
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_reload_conf()"))
        engine.dispose()


def _wait_for_password_rule(server: str, login: str) -> None:
    """The server reloads its rules a moment after being asked: wait until it wants the password."""
    import psycopg

    target = make_url(server)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            psycopg.connect(host=target.host, port=target.port, user=login, dbname="postgres").close()
        except psycopg.OperationalError as exc:
            if "password" in str(exc):
                return
        time.sleep(0.05)
    raise AssertionError("the server did not start asking for the password")
