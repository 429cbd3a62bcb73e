"""Writing the demo council to a database, safely.

The demo only ever replaces its own data: a database holding anything and not marked as a demo is
refused and left exactly as it was, and so is a demo that has since been given people the demo did not
make (a case registered or imported, a child, a contact or a member of staff added): whatever the URL,
a rebuild would wipe them. A demo is marked in ``app_meta`` (``demo`` = ``1``, with its scale, ``today``
and seed) and records there the highest id it made in each of those tables (``demo_made``); changes to
the demo's own rows (practising on its cases) are its own and do not stop a rebuild.

On a server database (PostgreSQL), which a whole team may be using, only one of the demo's admins may
rebuild it (``acting``: the database login running the build). Everything is written in one transaction
through the same bulk path the tracker import uses (``write_cases``): on a server the old demo is
emptied in that same transaction, after its tables are locked and checked again, so a failed or killed
build leaves the old demo as it was.
"""

from __future__ import annotations

import gc
import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, delete, func, inspect, select, table, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from caseworker.demo.generate import DemoData, generate, scale_named
from caseworker.demo.history import write_history
from caseworker.demo.organisations import write_organisations
from caseworker.demo.staffing import write_staffing
from caseworker.demo.write_details import write_details
from caseworker.demo.write_plans import describe_plans, write_plan_histories
from caseworker.errors import CaseworkerError
from caseworker.services.council_settings import sample_council_record
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.audit import audit
from caseworker.store.database import Database, normalise_url, open_database
from caseworker.store.models import AppMeta, AuditEvent, Base, Case, Child, Contact, Staff, StatutoryException
from caseworker.store.queries import load_request_facts
from caseworker.store.writer import add_schools, add_services, add_staff, chunks, write_cases

DEMO_KEYS = ("demo", "demo_scale", "demo_today", "demo_seed", "demo_made")
# Tables whose rows are someone: rows here that the demo did not make are real data.
PEOPLE = (Staff, Child, Contact, Case)
# Before ``demo_made`` was recorded: what the audit trail says about cases added since the build.
CASE_CREATIONS = ("register_request", "import.create")
UPN_NOT_YET_ASSIGNED = "UN1"  # SEN2: aged under 6 and not yet given a UPN (check)
IGNORED_TABLES = frozenset({"alembic_version", "app_meta"})


class DemoRefused(CaseworkerError):
    """The target database holds real data (it is not a demo), so the demo will not replace it."""


@dataclass
class DemoSummary:
    url: str
    scale: str
    today: date
    seed: int
    login: str
    staff: int = 0
    caseworkers: int = 0
    plans: int = 0  # every plan issued: those in place before the history and those issued since
    plans_in_place: int = 0
    issued_recently: int = 0
    open_requests: int = 0
    closed: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)
    late_ep: int = 0
    late_health: int = 0
    advice_received_late: int = 0
    advice_due_this_week: int = 0
    overdue_milestones: int = 0
    milestones_due_this_week: int = 0
    exceptions: int = 0
    plan_lines: list[str] = field(default_factory=list)  # reviews, amendments, transfers, ceasing
    seconds: float = 0.0

    def describe(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        stages = ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_stage.items()))
        return [
            f"Demo database ({self.scale}, today {self.today.isoformat()}, seed {self.seed}): {self.url}",
            f"  staff {self.staff:,} ({self.caseworkers:,} caseworkers); you are team lead {self.login!r}",
            f"  plans {self.plans:,} ({self.plans_in_place:,} from before the history, "
            f"{self.issued_recently:,} issued in the last year)",
            f"  open requests {self.open_requests:,} ({stages}); closed {self.closed:,}",
            f"  late advice: EP {self.late_ep:,}, health {self.late_health:,}; received late "
            f"{self.advice_received_late:,}; advice due this week {self.advice_due_this_week:,}",
            f"  milestones overdue {self.overdue_milestones:,}, due this week {self.milestones_due_this_week:,}; "
            f"exceptions {self.exceptions:,}",
            *self.plan_lines,
            f"  built in {self.seconds:.1f} s",
        ]


def build_demo(url: str, *, scale: str = "county", today: date, login: str, seed: int = 2014,
               acting: str | None = None) -> DemoSummary:
    """Build (or rebuild) a deterministic demo SEND team at ``url``; refuse to touch real data.

    ``acting``: who is rebuilding; on a server database an existing demo is replaced only by one of its
    admins.
    """
    started = time.perf_counter()
    spec = scale_named(scale)
    if not login:
        raise ValueError("give the login name of the team lead the demo is for")
    prepare_target(url, acting)
    # Millions of short-lived objects and no reference cycles worth collecting: the cyclic collector
    # would only rescan them (a third of a large build's time). Restored however the build ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = generate(spec, today=today, login=login, seed=seed)
        db = open_database(url)
        try:
            with db.session() as session:
                if not db.is_sqlite:
                    _clear_server_demo(session, url)
                _write(session, data, login, seed, db.is_sqlite)
            summary = summarise(db, data, login, seed)
        finally:
            db.dispose()
    finally:
        if collecting:
            gc.enable()
    summary.seconds = time.perf_counter() - started
    return summary


# ---------------------------------------------------------------- safety


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def describe_contents(url: str) -> tuple[dict[str, int], bool]:
    """Rows per table that holds any (bookkeeping tables aside), and whether it is marked a demo.

    Reads without migrating or changing any setting, so a refused database is left as it was.
    """
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        return {}, False
    with _reading(url) as conn:
        names = inspect(conn).get_table_names()
        rows = {}
        for name in names:
            if name in IGNORED_TABLES:
                continue
            n = conn.execute(select(func.count()).select_from(table(name))).scalar_one()
            if n:
                rows[name] = int(n)
        return rows, "app_meta" in names and _meta(conn, "demo") == "1"


@contextmanager
def _reading(url: str) -> Iterator[Connection]:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            yield conn
    except DemoRefused:
        raise
    except Exception as exc:  # not a database we can read: never replace it
        raise DemoRefused(f"{_describe(url)} cannot be read as a Caseworker database ({exc.__class__.__name__}); "
                          "the demo will not replace it. Choose another database for the demo.") from exc
    finally:
        engine.dispose()


def _meta(conn: Connection, key: str) -> str | None:
    value = conn.execute(text("SELECT value FROM app_meta WHERE key = :key"), {"key": key}).scalar()
    return None if value is None else str(value)


def not_made_by_demo(conn: Connection) -> dict[str, int]:
    """Rows of people (staff, children, contacts, cases) in a demo database that the demo did not make."""
    recorded = _meta(conn, "demo_made")
    if recorded is None:  # a demo built before it recorded what it made: ask the audit trail
        build = conn.execute(text("SELECT max(id) FROM audit_event WHERE action = 'demo.build'")).scalar() or 0
        added = conn.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.id > build, AuditEvent.entity == "case", AuditEvent.action.in_(CASE_CREATIONS))).scalar_one()
        return {Case.__tablename__: int(added)} if added else {}
    try:
        made = {str(k): int(v) for k, v in json.loads(recorded).items()}
    except (ValueError, TypeError, AttributeError):
        return {"app_meta": 1}  # cannot tell what the demo made: treat it as holding real data
    found = {}
    for model in PEOPLE:
        name = model.__tablename__
        n = conn.execute(select(func.count()).select_from(model).where(model.id > made.get(name, 0))).scalar_one()
        if n:
            found[name] = int(n)
    return found


def _acting_admin(conn: Connection, acting: str | None) -> bool:
    if not acting:
        return False
    row = conn.execute(select(Staff.role, Staff.active).where(Staff.username == acting)).first()
    return row is not None and row.role == "admin" and bool(row.active)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _describe(url: str) -> str:
    path = _sqlite_path(url)
    if path is not None:
        return f"The file {path}"
    return "The database at " + make_url(normalise_url(url)).render_as_string(hide_password=True)


def _held(rows: dict[str, int]) -> str:
    cases = rows.get(Case.__tablename__, 0)
    if cases:
        return _plural(cases, "case")
    return ", ".join(f"{_plural(n, 'row')} in {t}" for t, n in sorted(rows.items()))


def prepare_target(url: str, acting: str | None = None) -> None:
    """Refuse a database with real data, and a server demo unless an admin rebuilds it; delete a previous
    demo's SQLite files."""
    rows, is_demo = describe_contents(url)
    if rows and not is_demo:
        raise DemoRefused(f"{_describe(url)} holds {_held(rows)} and is not a demo database, so the demo will "
                          "not replace it. Build the demo in its own database (the default demo file, "
                          "or another --database).")
    path = _sqlite_path(url)
    if is_demo:
        with _reading(url) as conn:
            _refuse_real_data(url, conn)
            if path is None and not _acting_admin(conn, acting):
                raise DemoRefused(f"{_describe(url)} is a shared demo: only one of its admins may rebuild it, "
                                  f"and {acting or 'you'} {'is not' if acting else 'are not'} one. Sign in to "
                                  "the database as one of the demo's admins to rebuild it, or build the demo "
                                  "in a new database.")
    if path is not None and is_demo:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            except OSError as exc:  # Windows will not delete a file another program has open
                raise DemoRefused(f"The previous demo {path} cannot be replaced while it is in use ({exc}); "
                                  "close any Caseworker window using the demo and try again.") from exc


def _refuse_real_data(url: str, conn: Connection) -> None:
    foreign = not_made_by_demo(conn)
    if foreign:
        raise DemoRefused(f"{_describe(url)} is a demo database, but it now holds {_held(foreign)} the demo did "
                          "not make, so the demo will not replace it. Keep it, or build the demo in another "
                          "database (--database).")


def _clear_server_demo(session: Session, url: str) -> None:
    """Empty a previous demo in a server database, in the build's own transaction: its tables locked first
    and checked again, so nobody's new case slips in between the check and the emptying."""
    if session.execute(select(AppMeta.value).where(AppMeta.key == "demo")).scalar() != "1":
        return
    bind = session.get_bind()
    names = ", ".join(bind.dialect.identifier_preparer.format_table(t) for t in reversed(Base.metadata.sorted_tables))
    session.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
    _refuse_real_data(url, session.connection())
    session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


# ---------------------------------------------------------------- writing


def _write(session: Session, data: DemoData, login: str, seed: int, sqlite: bool) -> None:
    if sqlite:  # one big transaction on a file nobody else needs yet; it commits as a whole either way
        session.execute(text("PRAGMA cache_size=-200000"))
    staff_ids = add_staff(session, data.staff)
    school_ids = add_schools(session, data.school_records)
    service_ids = add_services(session, data.services)
    actor = staff_ids[login]
    for batch in chunks(data.requests, 5_000):
        write_cases(session, list(batch), actor_id=actor, today=data.today, action="demo", audit_rows=False)
    write_history(session, data.requests, actor)
    for plans in data.plan_batches():
        for part in chunks(plans, 5_000):
            write_cases(session, list(part), actor_id=actor, today=data.today, action="demo", audit_rows=False)
    write_details(session, data.requests, schools=data.schools, school_ids=school_ids, bodies=data.service_bodies,
                  service_ids=service_ids, staff_ids=staff_ids, actor=actor)
    write_plan_histories(session, today=data.today, seed=seed, scale=data.scale.name, schools=data.schools,
                         school_ids=school_ids)
    session.execute(update(Child).where(Child.upn.is_(None)).values(upn_unknown_reason=UPN_NOT_YET_ASSIGNED))
    write_organisations(session)
    write_staffing(session, data.team, data.today, staff_ids)
    session.add(sample_council_record(actor))  # the sample council's letterhead, for the Settings dialog to show
    made = {m.__tablename__: session.scalar(select(func.max(m.id))) or 0 for m in PEOPLE}
    meta = {"demo": "1", "demo_scale": data.scale.name, "demo_today": data.today.isoformat(),
            "demo_seed": str(seed), "demo_made": json.dumps(made, sort_keys=True)}
    session.execute(delete(AppMeta).where(AppMeta.key.in_(DEMO_KEYS)))
    session.add_all(AppMeta(key=k, value=v) for k, v in meta.items())
    audit(session, actor_id=actor, action="demo.build", entity="database", entity_id=None,
          after={**meta, "login": login})


# ---------------------------------------------------------------- summary


def summarise(db: Database, data: DemoData, login: str, seed: int) -> DemoSummary:
    today = data.today
    s = DemoSummary(url=db.describe(), scale=data.scale.name, today=today, seed=seed, login=login)
    s.staff = len(data.staff)
    s.caseworkers = sum(1 for x in data.staff if x.role == "caseworker")
    with db.sessions() as session:
        s.plans = _count(session, Case.final_issued_on.is_not(None))
        s.plans_in_place = _count(session, Case.final_issued_on.is_not(None), Case.received_on.is_(None))
        s.issued_recently = s.plans - s.plans_in_place
        s.exceptions = int(session.scalar(select(func.count()).select_from(StatutoryException)) or 0)
        requests = _count(session, Case.received_on.is_not(None))
        facts = load_request_facts(session)
        s.plan_lines = describe_plans(session, today)
    results = DeadlineEngine().evaluate_all(facts, today)
    s.open_requests = len(results)
    s.closed = requests - s.open_requests - s.issued_recently
    s.by_stage = dict(Counter(r.stage for r in results))
    for r in results:
        for m in r.milestones:
            if m.status == "overdue":
                s.overdue_milestones += 1
            elif m.status == "due_soon":
                s.milestones_due_this_week += 1
        for a in r.advice:
            if a.status == "late":
                s.late_ep += a.kind == "ep"
                s.late_health += a.kind == "health"
            elif a.status == "received_late":
                s.advice_received_late += 1
            elif a.status == "due_soon":
                s.advice_due_this_week += 1
    return s


def _count(session: Session, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(Case).where(*where)) or 0)
