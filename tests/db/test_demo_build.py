"""Building the demo database: deterministic, marked as a demo, and never over real data."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from caseworker.demo import DemoRefused, build_demo, describe_contents
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.database import Database, open_database
from caseworker.store.models import (
    AdviceRequest,
    AdviceService,
    AppMeta,
    Case,
    Child,
    Consultation,
    Contact,
    ExistingAdvice,
    School,
    Staff,
)
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


def details_of(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """What the engine's facts leave out: settings named and consulted, advice already available, kinds."""
    db = open_database(url)
    try:
        with db.sessions() as s:
            return {
                "named": [tuple(r) for r in s.execute(select(Case.reference, School.name, School.kind).join(
                    School, School.id == Case.named_setting_id).order_by(Case.reference))],
                "consulted": [tuple(r) for r in s.execute(select(
                    Case.reference, School.name, Consultation.sent_on, Consultation.replied_on, Consultation.reply)
                    .select_from(Consultation).join(Case, Case.id == Consultation.case_id)
                    .join(School, School.id == Consultation.school_id).order_by(Consultation.id))],
                "available": [tuple(r) for r in s.execute(select(
                    ExistingAdvice.case_id, ExistingAdvice.kind, ExistingAdvice.reason).order_by(ExistingAdvice.id))],
                "advice": [tuple(r) for r in s.execute(select(
                    AdviceRequest.id, AdviceRequest.covers_pfa, AdviceRequest.excused_from, AdviceRequest.excused_to,
                    AdviceRequest.excused_note).order_by(AdviceRequest.id))],
            }
    finally:
        db.dispose()


def test_same_seed_and_today_build_the_same_database(tmp_path: Path) -> None:
    one, two = f"sqlite:///{tmp_path / 'one.sqlite'}", f"sqlite:///{tmp_path / 'two.sqlite'}"
    build_demo(one, scale="tiny", today=TODAY, login="lead", seed=5)
    build_demo(two, scale="tiny", today=TODAY, login="lead", seed=5)
    assert facts_of(one) == facts_of(two)
    assert len(facts_of(one)) > 40
    assert details_of(one) == details_of(two)
    assert details_of(one)["named"] and details_of(one)["consulted"]


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
    assert meta(url) == {"demo": "1", "demo_scale": "county", "demo_today": "2025-03-03", "demo_seed": "2014",
                         "demo_made": '{"child": 1803, "contact": 2867, "ehc_case": 1803, "staff": 12}'}
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


def test_the_county_demo_is_right_in_law_in_its_details(tmp_path: Path) -> None:
    """Named settings of many kinds fitting the child's age, consultations and their replies, posted and
    excused advice, advice already available, who each service answers to, and exceptions' own dates."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    build_demo(url, scale="county", today=TODAY, login="rcarter")
    db = open_database(url)
    try:
        with db.sessions() as s:
            named = s.execute(select(School.kind, Child.date_of_birth, Case.received_on).join(
                Case, Case.named_setting_id == School.id).join(Child, Child.id == Case.child_id)).all()
            kinds = Counter(kind for kind, *_ in named)
            assert {"maintained", "academy", "fe_college", "nmss", "s41_independent", "independent",
                    "early_years"} <= set(kinds)
            assert kinds["maintained"] + kinds["academy"] > len(named) / 2
            assert all((TODAY - born).days < 6 * 365 for kind, born, _ in named if kind == "early_years")
            assert all((TODAY - born).days >= 16 * 365 for kind, born, _ in named if kind == "fe_college")
            assert s.scalar(select(func.count()).select_from(Case).where(
                Case.final_issued_on.is_(None), Case.named_setting_id.is_not(None))) == 0  # drafts name none
            replies = Counter(s.scalars(select(Consultation.reply)))
            assert replies["agrees"] and replies["declines"] and replies[None]
            assert s.scalar(select(func.count()).select_from(ExistingAdvice)) > 0
            ways = Counter(s.scalars(select(AdviceRequest.sent_by)))
            assert ways["post"] and ways["portal"] and ways["email"] > ways["post"] + ways["portal"]
            assert s.scalar(select(func.count()).select_from(AdviceRequest).where(
                AdviceRequest.excused_ground.is_not(None))) > 0
            bodies = dict(s.execute(select(AdviceService.name, AdviceService.body)).all())
            assert bodies["Wye Valley NHS Trust (DMO)"] == "health"
            assert bodies["Herefordshire Educational Psychology Service"] == "council"
            assert bodies["Beacon Special School"] == "school"
            facts = load_request_facts(s, open_only=False)
    finally:
        db.dispose()
    engine = DeadlineEngine()
    exceptions = [(f, e) for f in facts for e in f.exceptions]
    assert any(e.start < f.received for f, e in exceptions)
    [(over, _)] = [(f, e) for f, e in exceptions if e.ended is not None and e.ended < f.received]
    # Its circumstances were over before the request came: the decision to assess is overdue all the same.
    assert engine.evaluate(over, TODAY).milestone("decision_to_assess").status == "overdue"
    assert Counter(a.status for f in facts for a in engine.evaluate(f, TODAY).advice)["excused"] > 0


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


def admin_of(url: str) -> str:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return str(s.scalars(select(Staff.username).where(Staff.role == "admin")).first())
    finally:
        db.dispose()


def test_a_rerun_replaces_the_demo(db_url: str) -> None:
    first = build_demo(db_url, scale="tiny", today=TODAY, login="lead", seed=1)
    first_facts = facts_of(db_url)
    # On a shared (server) database only one of the demo's admins may rebuild it.
    second = build_demo(db_url, scale="tiny", today=date(2025, 6, 2), login="other", seed=2,
                        acting=admin_of(db_url))
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
    build_demo(db_url, scale="tiny", today=TODAY, login="lead", seed=1, acting=admin_of(db_url))
    assert facts_of(db_url) == first_facts
