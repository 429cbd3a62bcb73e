"""Writing whole cases in bulk: the tracker import and the demo builder share this path.

New cases go in with multi-row inserts (a 5,000-row tracker in well under a second); existing
references are updated through the ORM so each change is version-checked and audited field by field.
Runs inside the caller's transaction: the caller commits all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from caseworker.store.audit import audit, audit_many, changes
from caseworker.store.models import (
    AdviceRequest,
    AdviceService,
    Allocation,
    Case,
    Child,
    Contact,
    School,
    Staff,
    StatutoryException,
)
from caseworker.store.records import (
    AdviceRecord,
    CaseRecord,
    ContactRecord,
    PlanRecord,
    SchoolRecord,
    ServiceRecord,
    StaffRecord,
)

T = TypeVar("T")
CHUNK = 900  # stays under SQLite's bound-parameter limit for IN lists

CHILD_FIELDS = ("forename", "surname", "date_of_birth", "sex", "upn", "nhs_number", "uln",
                "postcode", "primary_need")
# CaseRecord field -> Case column.
CASE_COLUMN = {
    "received": "received_on", "request_source": "request_source",
    "decision_to_assess": "decision_to_assess", "decision_to_assess_on": "decision_to_assess_on",
    "decision_to_issue": "decision_to_issue", "decision_to_issue_on": "decision_to_issue_on",
    "draft_sent": "draft_sent_on", "draft_served": "draft_served_on",
    "final_issued": "final_issued_on", "withdrawn": "withdrawn_on", "withdrawn_reason": "withdrawn_reason",
}
CASE_STEP_FIELDS = tuple(CASE_COLUMN)
PLAN_FIELDS = tuple(f.name for f in fields(PlanRecord))


@dataclass
class WriteSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def bulk_insert(model: Any) -> Any:
    """A multi-row INSERT straight into the model's table. Every row of one call gives the same columns
    (blanks as None), so they go in batched statements; the ORM's bulk path would inspect each row
    again (half an import's time) for nothing the tables need."""
    return insert(model.__table__)


def _insert_returning_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        return _insert_sqlite(session, model, rows)
    stmt = bulk_insert(model).returning(model.__table__.c.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, rows))


def _insert_sqlite(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """SQLite cannot keep a batched RETURNING in the rows' order, so SQLAlchemy would send one INSERT per
    row (40,000 for a 20,000-row tracker). SQLite gives a new row the id after the largest, and from its
    first INSERT a transaction holds the database's write lock until it ends, so the rows inserted here
    took the last ids in order."""
    table = model.__table__
    session.execute(bulk_insert(model), rows)
    last = session.scalar(select(func.max(table.c.id))) or 0
    first = last - len(rows) + 1
    taken = session.scalar(select(func.count()).select_from(table).where(table.c.id >= first))
    if taken != len(rows):  # never expected: say so rather than link rows to the wrong ids
        raise RuntimeError(f"{len(rows)} rows added to {model.__tablename__} do not hold the ids {first} to {last}")
    return list(range(first, last + 1))


def ensure_staff(session: Session, usernames: set[str], summary: WriteSummary) -> dict[str, int]:
    """Staff ids by username; unknown usernames become inactive placeholders (reported)."""
    known = dict(session.execute(select(Staff.username, Staff.id)).all())
    missing = sorted(u for u in usernames if u not in known)
    rows = [{"username": u, "display_name": u, "role": "caseworker", "active": False, "fte": 1.0}
            for u in missing]
    for u, i in zip(missing, _insert_returning_ids(session, Staff, rows), strict=True):
        known[u] = i
        summary.warnings.append(f"caseworker {u!r} is not on the staff list: added as an inactive placeholder")
    return known


def add_staff(session: Session, staff: list[StaffRecord]) -> dict[str, int]:
    rows = [{"username": s.username, "display_name": s.display_name, "role": s.role, "team": s.team,
             "email": s.email, "phone": s.phone, "fte": s.fte, "capacity_points": s.capacity_points,
             "active": s.active} for s in staff]
    return dict(zip([s.username for s in staff], _insert_returning_ids(session, Staff, rows), strict=True))


def add_services(session: Session, services: list[ServiceRecord]) -> dict[str, int]:
    rows = [{"name": s.name, "kind": s.kind, "address": s.address, "postcode": s.postcode,
             "email": s.email, "lead_name": s.lead_name} for s in services]
    return dict(zip([s.name for s in services], _insert_returning_ids(session, AdviceService, rows),
                    strict=True))


def add_schools(session: Session, schools: list[SchoolRecord]) -> dict[str, int]:
    rows = [{"name": s.name, "urn": s.urn, "address": s.address, "postcode": s.postcode,
             "email": s.email} for s in schools]
    ids = _insert_returning_ids(session, School, rows)
    return {(s.urn or s.name): i for s, i in zip(schools, ids, strict=True)}


def ensure_schools(session: Session, records: list[CaseRecord]) -> dict[str, int]:
    """School ids keyed by URN (or name where no URN was given); missing schools are added."""
    known: dict[str, int] = {}
    for sid, urn, name in session.execute(select(School.id, School.urn, School.name)):
        known.setdefault(urn or name, sid)
        known.setdefault(name, sid)
    wanted: dict[str, SchoolRecord] = {}
    for r in records:
        key = r.school_urn or r.school_name
        if key and key not in known and key not in wanted:
            wanted[key] = SchoolRecord(name=r.school_name or f"School URN {r.school_urn}", urn=r.school_urn)
    known.update(add_schools(session, list(wanted.values())))
    return known


def ensure_services(session: Session, advice: Iterable[AdviceRecord]) -> dict[str, int]:
    known = dict(session.execute(select(AdviceService.name, AdviceService.id)).all())
    wanted: dict[str, ServiceRecord] = {}
    for a in advice:
        if a.service and a.service not in known and a.service not in wanted:
            wanted[a.service] = ServiceRecord(name=a.service, kind=a.kind)
    known.update(add_services(session, list(wanted.values())))
    return known


def existing_case_ids(session: Session, references: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(references):
        found.update(session.execute(
            select(Case.reference, Case.id).where(Case.reference.in_(part))).all())
    return found


def stored_spellings(session: Session, references: list[str]) -> dict[str, str]:
    """The stored spelling of each of ``references`` that is on record in any letter case, by its
    lower-cased form: a reference is the same whatever its case."""
    found: dict[str, str] = {}
    lowered = list(dict.fromkeys(r.lower() for r in references))
    for part in chunks(lowered):
        for (stored,) in session.execute(select(Case.reference).where(func.lower(Case.reference).in_(part))):
            found.setdefault(stored.lower(), stored)
    return found


def write_cases(session: Session, records: list[CaseRecord], *, actor_id: int | None, today: date,
                action: str = "import", audit_rows: bool = True) -> WriteSummary:
    """Add new references and update existing ones; the caller's transaction decides the outcome."""
    summary = WriteSummary()
    staff = ensure_staff(session, {r.caseworker for r in records if r.caseworker}, summary)
    schools = ensure_schools(session, records)
    services = ensure_services(session, (a for r in records for a in r.advice))
    existing = existing_case_ids(session, [r.reference for r in records])
    new = [r for r in records if r.reference not in existing]
    _insert_new(session, new, staff, schools, services, actor_id, today, action, audit_rows)
    summary.added = len(new)
    for r in records:
        if r.reference in existing:
            if _update_existing(session, existing[r.reference], r, staff, schools, services,
                                actor_id, action):
                summary.updated += 1
            else:
                summary.unchanged += 1
    return summary


def _school_key(r: CaseRecord) -> str | None:
    return r.school_urn or r.school_name


def _case_columns(r: CaseRecord) -> dict[str, Any]:
    return {column: getattr(r, f) for f, column in CASE_COLUMN.items()}


def _insert_new(session: Session, new: list[CaseRecord], staff: dict[str, int], schools: dict[str, int],
                services: dict[str, int], actor_id: int | None, today: date, action: str,
                audit_rows: bool) -> None:
    if not new:
        return
    child_rows = []
    for r in new:
        row = {f: getattr(r, f) for f in CHILD_FIELDS}
        key = _school_key(r)
        row["school_id"] = schools.get(key) if key else None
        child_rows.append(row)
    child_ids = _insert_returning_ids(session, Child, child_rows)
    contact_rows = [_contact_row(c, cid) for r, cid in zip(new, child_ids, strict=True) for c in r.contacts]
    if contact_rows:
        session.execute(bulk_insert(Contact), contact_rows)
    case_rows = []
    for r, cid in zip(new, child_ids, strict=True):
        row = _case_columns(r)
        row.update(reference=r.reference, child_id=cid, keyed_on=today,
                   caseworker_id=staff.get(r.caseworker) if r.caseworker else None)
        case_rows.append(row)
    case_ids = _insert_returning_ids(session, Case, case_rows)
    advice_rows = [
        {"case_id": kid, "kind": a.kind, "requested_on": a.requested, "received_on": a.received,
         "service_id": services.get(a.service) if a.service else None}
        for r, kid in zip(new, case_ids, strict=True) for a in r.advice if a.requested is not None]
    if advice_rows:
        session.execute(bulk_insert(AdviceRequest), advice_rows)
    exception_rows = [
        {"case_id": kid, "ground": e.ground, "recorded_on": e.recorded, "note": e.note,
         "recorded_by_id": actor_id}
        for r, kid in zip(new, case_ids, strict=True) for e in r.exceptions]
    if exception_rows:
        session.execute(bulk_insert(StatutoryException), exception_rows)
    allocation_rows = [
        {"case_id": kid, "staff_id": row["caseworker_id"], "from_on": r.received or r.final_issued or today,
         "reason": f"{action}: first allocation", "by_id": actor_id}
        for r, kid, row in zip(new, case_ids, case_rows, strict=True) if row["caseworker_id"] is not None]
    if allocation_rows:
        session.execute(bulk_insert(Allocation), allocation_rows)
    if audit_rows:
        audit_many(session, (
            {"actor_id": actor_id, "action": f"{action}.create", "entity": "case", "entity_id": kid,
             "case_id": kid, "before": None, "after": _record_summary(r)}
            for r, kid in zip(new, case_ids, strict=True)))


def _contact_row(c: ContactRecord, child_id: int) -> dict[str, Any]:
    return {"child_id": child_id, "role": c.role, "name": c.name, "address": c.address,
            "postcode": c.postcode, "email": c.email, "phone": c.phone,
            "main_correspondent": c.main_correspondent}


def _record_summary(r: CaseRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"reference": r.reference}
    for f in (*CHILD_FIELDS, "school_urn", "school_name", "caseworker", *CASE_STEP_FIELDS):
        v = getattr(r, f)
        if v is not None:
            out[f] = v
    if r.advice:
        out["advice"] = [{"kind": a.kind, "requested": a.requested, "received": a.received,
                          "service": a.service} for a in r.advice]
    if r.exceptions:
        out["exceptions"] = [{"ground": e.ground, "recorded": e.recorded} for e in r.exceptions]
    if r.plan is not None:  # written beside the case by the importing service (services/import_plans.py)
        out["plan"] = {f: v for f in PLAN_FIELDS if (v := getattr(r.plan, f)) is not None}
    return out


def _set(obj: Any, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply the given (non-None) values; return what changed as (before, after)."""
    given = {k: v for k, v in values.items() if v is not None}
    before, after = changes({k: getattr(obj, k) for k in given}, given)
    for k, v in after.items():
        setattr(obj, k, v)
    return before, after


def _update_existing(session: Session, case_id: int, r: CaseRecord, staff: dict[str, int],
                     schools: dict[str, int], services: dict[str, int], actor_id: int | None,
                     action: str) -> bool:
    case = session.scalars(select(Case).where(Case.id == case_id).options(
        selectinload(Case.advice_requests), selectinload(Case.exceptions),
        selectinload(Case.child).selectinload(Child.contacts))).one()
    changed = False
    child_values = {f: getattr(r, f) for f in CHILD_FIELDS}
    key = _school_key(r)
    child_values["school_id"] = schools.get(key) if key else None
    before, after = _set(case.child, child_values)
    if after:
        audit(session, actor_id=actor_id, action=f"{action}.update", entity="child",
              entity_id=case.child.id, case_id=case.id, before=before, after=after)
        changed = True
    case_values = _case_columns(r)
    case_values["caseworker_id"] = staff.get(r.caseworker) if r.caseworker else None
    before, after = _set(case, case_values)
    if after:
        audit(session, actor_id=actor_id, action=f"{action}.update", entity="case", entity_id=case.id,
              case_id=case.id, before=before, after=after)
        changed = True
    changed |= _update_contacts(session, case, r.contacts, actor_id, action)
    changed |= _update_advice(session, case, r.advice, services, actor_id, action)
    changed |= _update_exceptions(session, case, r, actor_id, action)
    session.flush()
    return changed


def _update_contacts(session: Session, case: Case, contacts: list[ContactRecord], actor_id: int | None,
                     action: str) -> bool:
    changed = False
    for c in contacts:
        current = next((x for x in case.child.contacts if x.main_correspondent == c.main_correspondent
                        and x.role == c.role), None)
        if current is None:
            new = Contact(**{k: v for k, v in _contact_row(c, case.child.id).items()})
            session.add(new)
            session.flush()
            audit(session, actor_id=actor_id, action=f"{action}.create", entity="contact", entity_id=new.id,
                  case_id=case.id, after=_contact_row(c, case.child.id))
            changed = True
            continue
        before, after = _set(current, {"name": c.name, "address": c.address, "postcode": c.postcode,
                                       "email": c.email, "phone": c.phone})
        parts = " ".join(p for p in (current.forename, current.surname) if p)
        if "name" in after and parts and parts != current.name:
            # The tracker gives only the whole name: a forename and surname that no longer make it are
            # cleared, so no letter greets the contact by a surname the import replaced.
            before.update(forename=current.forename, surname=current.surname)
            after.update(forename=None, surname=None)
            current.forename = current.surname = None
        if after:
            audit(session, actor_id=actor_id, action=f"{action}.update", entity="contact",
                  entity_id=current.id, case_id=case.id, before=before, after=after)
            changed = True
    return changed


def _update_advice(session: Session, case: Case, advice: list[AdviceRecord], services: dict[str, int],
                   actor_id: int | None, action: str) -> bool:
    changed = False
    for a in advice:
        values = {"requested_on": a.requested, "received_on": a.received,
                  "service_id": services.get(a.service) if a.service else None}
        current = next((x for x in case.advice_requests if x.kind == a.kind), None)
        if current is None:
            if a.requested is None:
                continue
            new = AdviceRequest(case_id=case.id, kind=a.kind, **values)
            session.add(new)
            session.flush()
            audit(session, actor_id=actor_id, action=f"{action}.create", entity="advice_request",
                  entity_id=new.id, case_id=case.id, after={"kind": a.kind, **values})
            changed = True
            continue
        before, after = _set(current, values)
        if after:
            audit(session, actor_id=actor_id, action=f"{action}.update", entity="advice_request",
                  entity_id=current.id, case_id=case.id, before=before, after=after)
            changed = True
    return changed


def _update_exceptions(session: Session, case: Case, r: CaseRecord, actor_id: int | None,
                       action: str) -> bool:
    have = {(e.ground, e.recorded_on) for e in case.exceptions}
    changed = False
    for e in r.exceptions:
        if (e.ground, e.recorded) in have:
            continue
        new = StatutoryException(case_id=case.id, ground=e.ground, recorded_on=e.recorded, note=e.note,
                                 recorded_by_id=actor_id)
        session.add(new)
        session.flush()
        audit(session, actor_id=actor_id, action=f"{action}.create", entity="statutory_exception",
              entity_id=new.id, case_id=case.id, after={"ground": e.ground, "recorded": e.recorded})
        changed = True
    return changed
