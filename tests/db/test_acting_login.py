"""Who is acting: the database login on a team's PostgreSQL, ``--as`` and CASEWORKER_USER on a SQLite file.

Through the command line (``balance --apply`` needs a team lead or admin, so its answer shows whom the
command took to be acting) and the services the window uses.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from caseworker.errors import PermissionDenied, UnknownUser
from caseworker.services.actor import acting_actor, demo_builder
from caseworker.store.database import Database, open_database
from caseworker.store.models import AuditEvent, Staff
from tests.db.conftest import _fresh_pg_database, add_staff
from tests.db.logins import add_login, new_login_name

TODAY = "2025-03-03"


@pytest.fixture
def pg_url(pg_server: str) -> str:
    return _fresh_pg_database(pg_server)


def balance(url: str, *extra: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    """``caseworker balance --apply`` (team leads and admins only) as its own process."""
    env = {k: v for k, v in os.environ.items() if k != "CASEWORKER_USER"}
    if user is not None:
        env["CASEWORKER_USER"] = user
    return subprocess.run([sys.executable, "-m", "caseworker.cli", "--database", url, *extra, "balance", "--apply",
                           "--today", TODAY], capture_output=True, text=True, timeout=120, env=env)


def staff(url: str) -> list[tuple[str, str, bool]]:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return [(r.username, r.role, r.active) for r in s.scalars(select(Staff).order_by(Staff.id))]
    finally:
        db.dispose()


def login_of(url: str) -> str:
    return str(make_url(url).username)


def with_team(url: str) -> tuple[str, str]:
    """A team lead and a caseworker, each with a login of their own; their logins' URLs."""
    lead, worker = new_login_name("lead"), new_login_name("worker")
    db = open_database(url)
    add_staff(db, lead, "team_lead")
    add_staff(db, worker, "caseworker")
    db.dispose()
    return add_login(url, lead), add_login(url, worker)


@pytest.mark.postgres
def test_the_login_is_who_acts(pg_url: str) -> None:
    lead_url, worker_url = with_team(pg_url)
    worker = login_of(worker_url)
    assert balance(lead_url).returncode == 0
    refused = balance(worker_url)
    assert refused.returncode == 1
    assert f"{worker} has the caseworker role; only a team lead or admin can reallocate" in refused.stderr
    db = open_database(worker_url)
    with db.session() as s:
        assert acting_actor(s).username == worker
    db.dispose()


@pytest.mark.postgres
def test_naming_someone_else_is_refused_on_a_team_database(pg_url: str) -> None:
    lead_url, worker_url = with_team(pg_url)
    lead, worker = login_of(lead_url), login_of(worker_url)
    named = balance(worker_url, "--as", lead)
    assert named.returncode == 1
    assert named.stderr == (f"caseworker: on a team database you act as your own database login ({worker}); --as "
                            "is only for a personal SQLite file\n")
    by_environment = balance(worker_url, user=lead)
    assert by_environment.returncode == 1
    assert by_environment.stderr == (f"caseworker: on a team database you act as your own database login "
                                     f"({worker}); CASEWORKER_USER is only for a personal SQLite file, so unset it\n")


@pytest.mark.postgres
def test_the_first_login_of_a_database_with_no_staff_becomes_its_admin(pg_url: str) -> None:
    first, second = new_login_name("kim"), new_login_name("pat")
    first_url, second_url = add_login(pg_url, first), add_login(pg_url, second)
    assert balance(first_url, "--as", first).returncode == 1  # refused before anyone is made admin
    assert staff(pg_url) == []
    assert balance(first_url).returncode == 0
    assert staff(pg_url) == [(first, "admin", True)]
    db = open_database(pg_url)
    with db.sessions() as s:
        events = [(e.action, e.actor_id, (e.after or {}).get("username")) for e in s.scalars(select(AuditEvent))]
    db.dispose()
    assert events == [("staff.first_admin", 1, first)]
    refused = balance(second_url)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"caseworker: your database login '{second}' is not on this database's staff list; ask an admin "
        f"({first}) to add {second} as a member of staff")
    assert staff(pg_url) == [(first, "admin", True)]


@pytest.mark.postgres
def test_two_first_logins_at_once_make_one_admin(pg_url: str) -> None:
    first, second = new_login_name("kim"), new_login_name("pat")
    first_db, second_db = open_database(add_login(pg_url, first)), open_database(add_login(pg_url, second))
    outcome: list[object] = []

    def second_signs_in() -> None:
        try:
            with second_db.session() as s:
                outcome.append(acting_actor(s))
        except UnknownUser as exc:
            outcome.append(exc)

    try:
        with first_db.session() as s:
            assert acting_actor(s).role == "admin"  # made, not yet committed
            other = threading.Thread(target=second_signs_in)
            other.start()
            time.sleep(0.5)
            assert other.is_alive() and outcome == []  # waiting for the first to finish
        other.join(10)
        [refused] = outcome
        assert isinstance(refused, UnknownUser) and f"ask an admin ({first})" in str(refused)
    finally:
        first_db.dispose()
        second_db.dispose()
    assert staff(pg_url) == [(first, "admin", True)]


@pytest.mark.postgres
def test_an_inactive_member_of_staff_is_refused(pg_url: str) -> None:
    boss, gone = new_login_name("boss"), new_login_name("gone")
    db = open_database(pg_url)
    add_staff(db, boss, "admin")
    add_staff(db, gone, "team_lead")
    with db.session() as s:
        s.scalars(select(Staff).where(Staff.username == gone)).one().active = False
    db.dispose()
    refused = balance(add_login(pg_url, gone))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"caseworker: '{gone}' is on this database's staff list but not active; ask an admin ({boss}) to "
        "activate the account")


@pytest.mark.postgres
def test_a_demo_on_a_server_is_made_for_and_by_the_login(pg_url: str) -> None:
    from caseworker.demo import build_demo
    from caseworker.demo.build import DemoRefused

    login = new_login_name("demo")
    url = add_login(pg_url, login)
    assert demo_builder(url) == (login, login)
    with pytest.raises(PermissionDenied, match=rf"your own database login \({login}\); --as is only"):
        demo_builder(url, "someone")
    build_demo(pg_url, scale="tiny", today=date.fromisoformat(TODAY), login=login)
    db = open_database(url)
    with db.session() as s:
        assert acting_actor(s).role == "team_lead"  # the demo's team lead is the login that will open it
    db.dispose()
    with pytest.raises(DemoRefused, match=f"and {login} is not one. Sign in to the database as one of the"):
        build_demo(url, scale="tiny", today=date.fromisoformat(TODAY), login=login, acting=login)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_sqlite_file_keeps_as_and_caseworker_user(
        db: Database, db_url: str) -> None:
    add_staff(db, "alead", "team_lead")
    add_staff(db, "jsmith", "caseworker")
    assert balance(db_url, "--as", "alead").returncode == 0
    by_environment = balance(db_url, user="jsmith")
    assert by_environment.returncode == 1 and "jsmith has the caseworker role" in by_environment.stderr
    assert balance(db_url, "--as", "alead", user="jsmith").returncode == 0  # --as before the environment
    stranger = balance(db_url, "--as", "stranger")
    assert stranger.returncode == 1
    assert stranger.stderr == ("caseworker: 'stranger' is not on this database's staff list; there is no active "
                               "admin, so ask whoever looks after this database to add you, or act as a listed "
                               "user with --as USER or CASEWORKER_USER\n")
