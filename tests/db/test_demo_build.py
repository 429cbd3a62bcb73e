"""Building the demo database: deterministic, marked as a demo, and never over real data."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseworker.demo import DemoRefused, build_demo, describe_contents
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.database import Database, open_database
from caseworker.store.models import AppMeta, Case, Child, Contact, Staff
from caseworker.store.queries import load_request_facts
from caseworker.store.records import CaseRecord, ContactRecord
from caseworker.store.writer import write_cases

TODAY = date(2025, 3, 3)


def facts_of(url: str) -> list[object]:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return list(load_request_facts(s, open_only=False))
    finally:
        db.dispose()


def meta(url: str) -> dict[str, str]:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return dict(s.execute(select(AppMeta.key, AppMeta.value)).all())
    finally:
        db.dispose()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_and_today_build_the_same_database(tmp_path: Path) -> None:
    one, two = f"sqlite:///{tmp_path / 'one.sqlite'}", f"sqlite:///{tmp_path / 'two.sqlite'}"
    build_demo(one, scale="tiny", today=TODAY, login="lead", seed=5)
    build_demo(two, scale="tiny", today=TODAY, login="lead", seed=5)
    assert facts_of(one) == facts_of(two)
    assert len(facts_of(one)) > 40


def test_county_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    summary = build_demo(url, scale="county", today=TODAY, login="rcarter")
    assert summary.plans == 1300 and summary.open_requests == 300
    assert summary.staff == 12 and summary.caseworkers == 8
    assert set(summary.by_stage) == {"request", "assessment", "drafting"}
    assert sum(summary.by_stage.values()) == 300
    assert summary.late_ep and summary.late_health and summary.overdue_milestones
    assert summary.advice_due_this_week and summary.milestones_due_this_week and summary.exceptions
    assert summary.closed > 0 and summary.issued_recently > 0
    assert "rcarter" in summary.describe()
    assert meta(url) == {"demo": "1", "demo_scale": "county", "demo_today": "2025-03-03", "demo_seed": "2014"}
    db = open_database(url)
    try:
        with db.sessions() as s:
            lead = s.scalars(select(Staff).where(Staff.username == "rcarter")).one()
            assert lead.role == "team_lead" and lead.active
            assert Counter(s.scalars(select(Staff.role))) == {"caseworker": 8, "team_lead": 2, "admin": 1,
                                                              "read_only": 1}
            # Every child has exactly one main correspondent; children without a UPN say why.
            mains = s.execute(select(Contact.child_id, func.count()).where(Contact.main_correspondent)
                              .group_by(Contact.child_id)).all()
            assert len(mains) == s.scalar(select(func.count()).select_from(Child))
            assert all(n == 1 for _, n in mains)
            assert s.scalar(select(func.count()).select_from(Child).where(
                Child.upn.is_(None), Child.upn_unknown_reason.is_(None))) == 0
            facts = load_request_facts(s)
        results = DeadlineEngine().evaluate_all(facts, TODAY)
        assert len(results) == 300 and all(r.is_open for r in results)
    finally:
        db.dispose()


def _real_database(url: str) -> None:
    db = open_database(url)
    try:
        with db.session() as s:
            write_cases(s, [CaseRecord("REAL-1", "Amelia", "Jones", date(2015, 1, 1), received=date(2025, 1, 6),
                                       contacts=[ContactRecord("Sarah Jones")])],
                        actor_id=None, today=TODAY)
    finally:
        db.dispose()


def test_a_database_with_real_cases_is_refused_and_left_untouched(db_url: str) -> None:
    _real_database(db_url)
    before = facts_of(db_url)
    with pytest.raises(DemoRefused, match="holds 1 case and is not a demo"):
        build_demo(db_url, scale="tiny", today=TODAY, login="lead")
    assert facts_of(db_url) == before
    assert "demo" not in meta(db_url)


def test_a_refused_sqlite_file_keeps_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "caseworker.sqlite"
    _real_database(f"sqlite:///{path}")
    before = digest(path)
    with pytest.raises(DemoRefused):
        build_demo(f"sqlite:///{path}", scale="tiny", today=TODAY, login="lead")
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_staff_alone_is_real_data_too(db: Database) -> None:
    with db.session() as s:
        s.add(Staff(username="first", display_name="First Admin", role="admin", fte=1.0, active=True))
    with pytest.raises(DemoRefused, match="holds 1 row in staff"):
        build_demo(db.url, scale="tiny", today=TODAY, login="lead")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"Dear diary, this is not a database." * 100)
    with pytest.raises(DemoRefused, match="cannot be read"):
        build_demo(f"sqlite:///{path}", scale="tiny", today=TODAY, login="lead")
    assert path.read_bytes().startswith(b"Dear diary")


def test_an_empty_database_may_take_the_demo(db: Database) -> None:
    assert describe_contents(db.url) == ({}, False)
    summary = build_demo(db.url, scale="tiny", today=TODAY, login="lead")
    assert summary.open_requests == 40


def test_a_rerun_replaces_the_demo(db_url: str) -> None:
    first = build_demo(db_url, scale="tiny", today=TODAY, login="lead", seed=1)
    first_facts = facts_of(db_url)
    second = build_demo(db_url, scale="tiny", today=date(2025, 6, 2), login="other", seed=2)
    assert second.open_requests == first.open_requests == 40
    assert meta(db_url)["demo_seed"] == "2" and meta(db_url)["demo_today"] == "2025-06-02"
    db = open_database(db_url)
    try:
        with db.sessions() as s:
            assert s.scalar(select(Staff.role).where(Staff.username == "other")) == "team_lead"
            assert s.scalar(select(Staff.id).where(Staff.username == "lead")) is None
            requests = s.scalar(select(func.count()).select_from(Case).where(Case.received_on.is_not(None)))
        assert requests == second.open_requests + second.closed + second.issued_recently
    finally:
        db.dispose()
    # Rebuilding the first demo gives exactly the first demo again, ids included.
    build_demo(db_url, scale="tiny", today=TODAY, login="lead", seed=1)
    assert facts_of(db_url) == first_facts
