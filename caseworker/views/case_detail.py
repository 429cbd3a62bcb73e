"""One case as its record screen shows it: header, deadlines, advice, contacts, exceptions, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from caseworker.context import AppContext
from caseworker.errors import NotFound
from caseworker.reports.deadlines import ADVICE_SHORT
from caseworker.services.casefile import facts_of
from caseworker.statutory.engine import RequestDeadlines
from caseworker.store.models import AdviceRequest, AuditEvent, Case, Child, School, Staff


@dataclass(frozen=True, slots=True)
class ContactView:
    id: int
    role: str
    name: str
    address: str
    postcode: str
    email: str
    phone: str
    main_correspondent: bool


@dataclass(frozen=True, slots=True)
class AdviceView:
    id: int
    version: int
    kind: str
    service: str
    requested: date
    due: date
    received: date | None
    status: str
    days_late: int


@dataclass(frozen=True, slots=True)
class ExceptionView:
    ground: str
    title: str
    recorded: date
    note: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    summary: str


@dataclass(frozen=True, slots=True)
class CaseDetail:
    case_id: int
    version: int
    reference: str
    child: str
    date_of_birth: date
    age: int
    upn: str
    school: str
    primary_need: str
    caseworker: str
    caseworker_name: str
    received: date | None
    final_issued: date | None
    deadlines: RequestDeadlines | None  # None for a plan in place
    advice: tuple[AdviceView, ...]
    contacts: tuple[ContactView, ...]
    exceptions: tuple[ExceptionView, ...]
    history: tuple[HistoryEntry, ...]

    @property
    def stage(self) -> str:
        return self.deadlines.stage if self.deadlines is not None else "plan"


FIELD_LABELS = {
    "received_on": "received", "decision_to_assess": "decision to assess",
    "decision_to_assess_on": "assessment decision notified", "decision_to_issue": "decision to issue",
    "decision_to_issue_on": "issue decision notified", "draft_sent_on": "draft sent",
    "draft_served_on": "draft served", "final_issued_on": "final plan issued", "withdrawn_on": "withdrawn",
    "withdrawn_reason": "reason", "caseworker_id": "caseworker", "requested_on": "requested",
    "request_source": "request from",
}


def _value(key: str, value: Any, staff: dict[int, str]) -> str:
    if key == "caseworker_id" and isinstance(value, int):
        return staff.get(value, str(value))
    if key == "kind" and isinstance(value, str):
        return ADVICE_SHORT.get(value, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value).strftime("%d %b %Y")
        except ValueError:
            return value
    if isinstance(value, list | dict):
        return f"{len(value)} item(s)"
    return str(value)


def _summary(before: dict[str, Any] | None, after: dict[str, Any] | None, staff: dict[int, str]) -> str:
    """"what: old → new" pairs, in words a caseworker can read."""
    parts = []
    for key, new in (after or {}).items():
        label = FIELD_LABELS.get(key, key.replace("_", " "))
        old = (before or {}).get(key)
        shown = _value(key, new, staff)
        parts.append(f"{label}: {_value(key, old, staff)} → {shown}" if old is not None else f"{label}: {shown}")
    return "; ".join(parts)


def _as_utc(at: datetime) -> datetime:
    """SQLite hands back naive timestamps; they were written in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def load_case_detail(ctx: AppContext, case_id: int, today: date) -> CaseDetail:
    with ctx.db.sessions() as s:
        case = s.scalar(select(Case).where(Case.id == case_id).options(
            selectinload(Case.advice_requests).selectinload(AdviceRequest.service),
            selectinload(Case.exceptions), selectinload(Case.child).selectinload(Child.contacts),
            selectinload(Case.caseworker)))
        if case is None:
            raise NotFound(f"there is no case with id {case_id}")
        school = s.get(School, case.child.school_id) if case.child.school_id else None
        actor = aliased(Staff)
        history = s.execute(
            select(AuditEvent.at, actor.display_name, AuditEvent.action, AuditEvent.before, AuditEvent.after)
            .outerjoin(actor, actor.id == AuditEvent.actor_id)
            .where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc())).all()
        deadlines = ctx.engine.evaluate(facts_of(case), today) if case.received_on is not None else None
        versions = {a.id: a.version for a in case.advice_requests}
        staff = dict(s.execute(select(Staff.id, Staff.display_name)).all())
        child = case.child
        grounds = ctx.engine.rules.exception_grounds
        return CaseDetail(
            case_id=case.id, version=case.version, reference=case.reference, child=child.full_name,
            date_of_birth=child.date_of_birth, age=relativedelta(today, child.date_of_birth).years,
            upn=child.upn or "", school=school.name if school else "", primary_need=child.primary_need or "",
            caseworker=case.caseworker.username if case.caseworker else "",
            caseworker_name=case.caseworker.display_name if case.caseworker else "",
            received=case.received_on, final_issued=case.final_issued_on, deadlines=deadlines,
            advice=tuple(AdviceView(a.id or 0, versions.get(a.id or 0, 1), a.kind, a.service or "", a.requested,
                                    a.due, a.received, a.status, a.days_late)
                         for a in (deadlines.advice if deadlines else [])),
            contacts=tuple(ContactView(c.id, c.role, c.name, c.address or "", c.postcode or "", c.email or "",
                                       c.phone or "", c.main_correspondent) for c in child.contacts),
            exceptions=tuple(ExceptionView(e.ground, grounds.get(e.ground, {}).get("title", e.ground),
                                           e.recorded_on, e.note) for e in case.exceptions),
            history=tuple(HistoryEntry(_as_utc(at), who or "system", action.replace("_", " "),
                                       _summary(before, after, staff))
                          for at, who, action, before, after in history),
        )
