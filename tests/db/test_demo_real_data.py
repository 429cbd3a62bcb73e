"""``caseworker demo`` never writes over anything but its own demo data, whatever the URL.

The probe's case: a database that once held a demo and later got real cases lost them to a rebuild.
Every refusal here must leave the database as it was (on SQLite, byte for byte).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from caseworker.context import AppContext, fixed_clock
from caseworker.demo import DemoRefused, build_demo
from caseworker.services import steps
from caseworker.services.actor import resolve_actor
from caseworker.store.database import open_database
from caseworker.store.models import AppMeta, Case, Child, Contact, Staff
from caseworker.store.records import StaffRecord
from caseworker.store.writer import add_staff

TODAY = date(2025, 3, 3)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(url: str, model: type) -> int:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        db.dispose()


def admin_of(url: str) -> str:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return str(s.scalars(select(Staff.username).where(Staff.role == "admin")).first())
    finally:
        db.dispose()


def register_real_case(url: str) -> None:
    """A team lead registers a real request in the demo database, as someone did in the window."""
    db = open_database(url)
    try:
        ctx = AppContext(db, clock=fixed_clock(TODAY))
        with db.session() as s:
            actor = resolve_actor(s, "lead")
        steps.register_request(ctx, actor, steps.NewRequest("Real", "Child", date(2015, 1, 1), TODAY,
                                                            reference="REAL-1", contact_name="Real Parent"))
    finally:
        db.dispose()


def test_a_demo_that_got_a_real_case_is_refused_and_kept_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    url = f"sqlite:///{path}"
    build_demo(url, scale="tiny", today=TODAY, login="lead")
    register_real_case(url)
    cases = count(url, Case)
    before = digest(path)
    with pytest.raises(DemoRefused, match=r"is a demo database, but it now holds 1 case the demo did not make"):
        build_demo(url, scale="tiny", today=TODAY, login="lead")
    assert digest(path) == before and count(url, Case) == cases


def test_the_command_says_so_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    url = f"sqlite:///{path}"
    build_demo(url, scale="tiny", today=TODAY, login="lead")
    register_real_case(url)
    before = digest(path)
    done = subprocess.run([sys.executable, "-m", "caseworker.cli", "--database", url, "demo", "--scale", "county"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "the demo did not make" in done.stderr, done.stderr
    assert digest(path) == before


@pytest.mark.parametrize("model", [Staff, Child, Contact])
def test_any_person_the_demo_did_not_make_is_real_data(tmp_path: Path, model: type) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    build_demo(url, scale="tiny", today=TODAY, login="lead")
    db = open_database(url)
    with db.session() as s:
        if model is Staff:
            add_staff(s, [StaffRecord("newcomer", "New Comer", "caseworker")])
        elif model is Child:
            s.add(Child(forename="Real", surname="Child", date_of_birth=date(2015, 1, 1)))
        else:
            child = s.scalars(select(Child.id)).first()
            s.add(Contact(child_id=child, role="parent", name="Real Parent"))
    db.dispose()
    with pytest.raises(DemoRefused, match=f"1 row in {model.__tablename__} the demo did not make"):
        build_demo(url, scale="tiny", today=TODAY, login="lead")


def test_practising_on_the_demo_does_not_stop_a_rebuild(tmp_path: Path) -> None:
    """Recording steps on the demo's own cases is what a demo is for: it can still be rebuilt."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first = build_demo(url, scale="tiny", today=TODAY, login="lead")
    db = open_database(url)
    ctx = AppContext(db, clock=fixed_clock(TODAY))
    with db.session() as s:
        actor = resolve_actor(s, "lead")
        case_id = s.scalars(select(Case.id).where(Case.received_on.is_not(None), Case.withdrawn_on.is_(None),
                                                  Case.decision_to_assess.is_(None))).first()
    assert case_id is not None
    steps.withdraw(ctx, actor, case_id, TODAY, "practice")
    db.dispose()
    again = build_demo(url, scale="tiny", today=TODAY, login="lead")
    assert again.open_requests == first.open_requests


def test_a_demo_from_before_the_record_is_judged_by_its_audit_trail(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    build_demo(url, scale="tiny", today=TODAY, login="lead")
    db = open_database(url)
    with db.session() as s:
        s.execute(delete(AppMeta).where(AppMeta.key == "demo_made"))  # as an older version left it
    db.dispose()
    build_demo(url, scale="tiny", today=TODAY, login="lead")  # nothing added since: rebuilt
    db = open_database(url)
    with db.session() as s:
        s.execute(delete(AppMeta).where(AppMeta.key == "demo_made"))
    db.dispose()
    register_real_case(url)
    with pytest.raises(DemoRefused, match="1 case the demo did not make"):
        build_demo(url, scale="tiny", today=TODAY, login="lead")


@pytest.mark.postgres
def test_a_shared_demo_is_rebuilt_only_by_one_of_its_admins(pg_server: str) -> None:
    from tests.db.conftest import _fresh_pg_database

    url = _fresh_pg_database(pg_server)
    build_demo(url, scale="tiny", today=TODAY, login="lead")  # a new, empty database needs nobody
    for who in (None, "lead", "nobody"):  # the demo's team lead is not an admin
        with pytest.raises(DemoRefused, match=r"shared demo: only one of its admins may rebuild it"):
            build_demo(url, scale="tiny", today=TODAY, login="lead", acting=who)
    rebuilt = build_demo(url, scale="tiny", today=date(2025, 6, 2), login="lead", acting=admin_of(url))
    assert rebuilt.today == date(2025, 6, 2)
    register_real_case(url)
    cases = count(url, Case)
    with pytest.raises(DemoRefused, match="1 case the demo did not make"):
        build_demo(url, scale="tiny", today=TODAY, login="lead", acting=admin_of(url))
    assert count(url, Case) == cases
