"""One case as its record screen shows it: header, deadlines, advice, contacts, exceptions, history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from caseworker.context import AppContext
from caseworker.errors import NotFound
from caseworker.letters.correspondent import main_correspondent_id
from caseworker.services.casefile import facts_of
from caseworker.services.named_setting import ADMISSION_DUTY_KINDS, SETTING_KIND_TITLES
from caseworker.statutory.engine import EXCUSED, STAGE_CLOSED, AdviceDeadline, RequestDeadlines
from caseworker.statutory.rules import Timescale
from caseworker.store.models import AdviceRequest, Allocation, AuditEvent, Case, Child, Consultation, School, Staff
from caseworker.views.case_people import ChildRecord, child_record
from caseworker.views.correction_words import ACTION_WORDS, correction_summary
from caseworker.views.plan_detail import PlanDetail, load_plan_detail
from caseworker.vocabulary import ADVICE_SHORT, short_date

CONSULTATION_REPLY = timedelta(days=15)  # CoP 9.83, when a council's table has no "school_consultation" row


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
    title: str = ""
    forename: str = ""
    surname: str = ""
    relationship: str = ""  # to the child, in the family's words: "Mother", "Foster carer"
    ended_on: date | None = None  # ended contacts stay on record; letters are no longer offered to them
    version: int = 1

    @property
    def current(self) -> bool:
        return self.ended_on is None


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
    service_id: int | None = None
    sent_by: str = "email"
    delivered: date | None = None  # the adviser's receipt: the 6 weeks run from it
    excused_ground: str | None = None  # reg 8(2)
    excused_from: date | None = None
    excused_to: date | None = None
    bound_by_reg8: bool = False  # a health body or another council: the law itself sets the 6 weeks
    covers_pfa: bool = False


@dataclass(frozen=True, slots=True)
class ExceptionView:
    ground: str
    title: str
    recorded: date
    note: str
    id: int = 0
    began: date | None = None
    ended: date | None = None
    applies_to: tuple[str, ...] = ()  # the milestones its ground can excuse in law


@dataclass(frozen=True, slots=True)
class SettingView:
    """The school, college or setting named in section I of the plan."""

    id: int
    name: str
    urn: str
    kind: str  # one of SETTING_KINDS, "" when not yet known
    kind_title: str
    address: str
    postcode: str
    admission_duty: bool  # s43 applies to its kind


@dataclass(frozen=True, slots=True)
class ConsultationView:
    """A setting consulted on being named, with its 15 days to reply (CFA s39; CoP 9.83)."""

    id: int
    school_id: int
    school: str
    sent_on: date
    reply_due: date
    replied_on: date | None
    reply: str  # agrees, declines, other; "" while waiting


@dataclass(frozen=True, slots=True)
class AllocationView:
    """One spell of the case with a caseworker (history is never rewritten)."""

    caseworker: str  # display name; "" when nobody held it
    from_on: date
    to_on: date | None  # None: still with them
    reason: str
    by: str


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
    child_forename: str = ""
    school_id: int | None = None
    caseworker_phone: str = ""
    caseworker_email: str = ""
    caseworker_job_title: str = ""  # what their letters are signed as ("SEND Caseworker")
    letters_to_parent: bool = False  # a young person past school age asked for letters to go to their parent
    main_correspondent_id: int | None = None  # the contact "the family" letters go to (see letters.correspondent)
    allocations: tuple[AllocationView, ...] = ()  # newest first
    named_setting: SettingView | None = None
    consultations: tuple[ConsultationView, ...] = ()
    existing_advice: tuple[tuple[str, str], ...] = ()  # (kind, reason): advice already available, reg 6(4)
    draft_sent_by: str = "email"
    child_record: ChildRecord | None = None  # every field of the child, for the Edit child form
    plan: PlanDetail | None = None  # the plan once issued (its reviews, amendments, transfer, ceasing)

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
            return short_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return ", ".join(f"{FIELD_LABELS.get(k, k.replace('_', ' '))} {_value(k, v, staff)}"
                         for k, v in value.items() if v not in (None, "", False))
    if isinstance(value, list):
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


HistoryRow = tuple[datetime, str | None, str, Any, Any]


def _history_entry(at: datetime, who: str | None, action: str, before: Any, after: Any,
                   staff: dict[int, str]) -> HistoryEntry:
    if action in ACTION_WORDS:  # a correction or an undo reads as one sentence, with its reason
        return HistoryEntry(_as_utc(at), who or "system", ACTION_WORDS[action],
                            correction_summary(action, before, after))
    return HistoryEntry(_as_utc(at), who or "system", action.replace("_", " "), _summary(before, after, staff))


def load_case_detail(ctx: AppContext, case_id: int, today: date, *, with_history: bool = True) -> CaseDetail:
    """The case as its record shows it, with its plan once issued; ``with_history=False`` skips the audit
    trail."""
    found = load_case_details(ctx, [case_id], today, with_history=with_history, with_plan=True)
    if case_id not in found:
        raise NotFound(f"there is no case with id {case_id}")
    return found[case_id]


def load_case_details(ctx: AppContext, case_ids: Sequence[int], today: date, *,
                      with_history: bool = False, with_plan: bool = False) -> dict[int, CaseDetail]:
    """Many cases in a few queries (a day's letters); ids that do not exist are left out. ``with_plan``
    works out each issued plan's own clocks too (a few queries a case: the record's, one at a time)."""
    with ctx.db.sessions() as s:
        cases = s.scalars(select(Case).where(Case.id.in_(list(case_ids))).options(
            selectinload(Case.advice_requests).selectinload(AdviceRequest.service),
            selectinload(Case.exceptions), selectinload(Case.child).selectinload(Child.contacts),
            selectinload(Case.caseworker), selectinload(Case.named_setting),
            selectinload(Case.existing_advice))).all()
        consulted = _consultations(s, [c.id for c in cases], ctx.engine.rules.periods.get("school_consultation"))
        school_ids = {c.child.school_id for c in cases if c.child.school_id}
        schools = dict(s.execute(select(School.id, School.name).where(School.id.in_(school_ids))).all()) \
            if school_ids else {}
        staff: dict[int, str] = dict(s.execute(select(Staff.id, Staff.display_name)).all()) if with_history else {}
        spells = _allocations(s, [c.id for c in cases]) if with_history else {}
        details = {}
        for case in cases:
            history = _history(s, case.id) if with_history else []
            detail = _detail(ctx, case, today, schools.get(case.child.school_id or 0, ""), history, staff)
            details[case.id] = replace(detail, allocations=tuple(spells.get(case.id, ())),
                                       consultations=tuple(consulted.get(case.id, ())),
                                       plan=load_plan_detail(s, ctx, case, today) if with_plan else None)
        return details


def _consultations(s: Session, case_ids: list[int], period: Timescale | None) -> dict[int, list[ConsultationView]]:
    rows = s.execute(
        select(Consultation.case_id, Consultation.id, Consultation.school_id, School.name, Consultation.sent_on,
               Consultation.replied_on, Consultation.reply)
        .join(School, School.id == Consultation.school_id)
        .where(Consultation.case_id.in_(case_ids)).order_by(Consultation.case_id, Consultation.id)).all()
    out: dict[int, list[ConsultationView]] = {}
    for cid, row_id, school_id, name, sent, replied, reply in rows:
        due = period.last_day(sent) if period is not None else sent + CONSULTATION_REPLY
        out.setdefault(cid, []).append(ConsultationView(row_id, school_id, name, sent, due, replied, reply or ""))
    return out


def _setting(school: School | None) -> SettingView | None:
    if school is None:
        return None
    kind = school.kind or ""
    return SettingView(school.id, school.name, school.urn or "", kind, SETTING_KIND_TITLES.get(kind, "Kind not known"),
                       school.address or "", school.postcode or "", kind in ADMISSION_DUTY_KINDS)


def _allocations(s: Session, case_ids: list[int]) -> dict[int, list[AllocationView]]:
    holder, mover = aliased(Staff), aliased(Staff)
    rows = s.execute(
        select(Allocation.case_id, holder.display_name, Allocation.from_on, Allocation.to_on, Allocation.reason,
               mover.display_name)
        .outerjoin(holder, holder.id == Allocation.staff_id).outerjoin(mover, mover.id == Allocation.by_id)
        .where(Allocation.case_id.in_(case_ids)).order_by(Allocation.case_id, Allocation.id.desc())).all()
    out: dict[int, list[AllocationView]] = {}
    for cid, who, starts, ends, reason, by in rows:
        out.setdefault(cid, []).append(AllocationView(who or "", starts, ends, reason or "", by or "system"))
    return out


def _history(s: Session, case_id: int) -> list[HistoryRow]:
    actor = aliased(Staff)
    rows = s.execute(
        select(AuditEvent.at, actor.display_name, AuditEvent.action, AuditEvent.before, AuditEvent.after)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc())).all()
    return [(at, who, action, before, after) for at, who, action, before, after in rows]


def _advice_view(a: AdviceDeadline, row: AdviceRequest, versions: dict[int, int],
                 service_ids: dict[int, int | None], request_open: bool = True) -> AdviceView:
    # Advice still out when the request closed is no longer awaited: not late, not chased.
    closed = not request_open and a.received is None and a.status != EXCUSED
    status, days_late = (STAGE_CLOSED, 0) if closed else (a.status, a.days_late)
    return AdviceView(a.id or 0, versions.get(a.id or 0, 1), a.kind, a.service or "", a.requested, a.due, a.received,
                      status, days_late, service_ids.get(a.id or 0), a.sent_by, a.delivered, row.excused_ground,
                      row.excused_from, row.excused_to, bool(row.service and row.service.bound_by_reg8),
                      row.covers_pfa)


def _detail(ctx: AppContext, case: Case, today: date, school: str, history: list[HistoryRow],
            staff: dict[int, str]) -> CaseDetail:
    deadlines = ctx.engine.evaluate(facts_of(case), today) if case.received_on is not None else None
    versions = {a.id: a.version for a in case.advice_requests}
    service_ids = {a.id: a.service_id for a in case.advice_requests}
    child = case.child
    grounds = ctx.engine.rules.exception_grounds
    stored = {a.id: a for a in case.advice_requests}
    worker = case.caseworker
    contacts = tuple(ContactView(c.id, c.role, c.name, c.address or "", c.postcode or "", c.email or "",
                                 c.phone or "", c.main_correspondent, c.title or "", c.forename or "", c.surname or "",
                                 c.relationship_to_child or "", c.ended_on, c.version) for c in child.contacts)
    return CaseDetail(
        case_id=case.id, version=case.version, reference=case.reference, child=child.full_name,
        date_of_birth=child.date_of_birth, age=relativedelta(today, child.date_of_birth).years,
        upn=child.upn or "", school=school, primary_need=child.primary_need or "",
        caseworker=worker.username if worker else "", caseworker_name=worker.display_name if worker else "",
        received=case.received_on, final_issued=case.final_issued_on, deadlines=deadlines,
        advice=tuple(_advice_view(a, stored[a.id or 0], versions, service_ids, deadlines.is_open)
                     for a in deadlines.advice) if deadlines else (),
        contacts=contacts,
        exceptions=tuple(ExceptionView(e.ground, grounds.get(e.ground, {}).get("title", e.ground),
                                       e.recorded_on, e.note, e.id, e.began_on, e.ended_on,
                                       tuple(ctx.engine.applies_to(e.ground, case.received_on or e.recorded_on)))
                         for e in case.exceptions),
        named_setting=_setting(case.named_setting), draft_sent_by=case.draft_sent_by,
        existing_advice=tuple((e.kind, e.reason) for e in case.existing_advice),
        history=tuple(_history_entry(at, who, action, before, after, staff)
                      for at, who, action, before, after in history),
        child_forename=child.forename, school_id=child.school_id,
        caseworker_phone=(worker.phone or "") if worker else "",
        caseworker_email=(worker.email or "") if worker else "",
        caseworker_job_title=(worker.job_title or "") if worker else "", letters_to_parent=child.letters_to_parent,
        main_correspondent_id=main_correspondent_id([c for c in contacts if c.current], child.date_of_birth,
                                                    child.letters_to_parent, today),
        child_record=child_record(child),
    )
