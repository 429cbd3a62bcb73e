"""One case as its record screen shows it: header, deadlines, advice, contacts, exceptions, history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from caseworker.context import AppContext
from caseworker.errors import NotFound
from caseworker.letters.correspondent import main_correspondent_id
from caseworker.services.casefile import facts_of
from caseworker.services.named_setting import ADMISSION_DUTY_KINDS, SETTING_KIND_TITLES
from caseworker.statutory.engine import EXCUSED, STAGE_CLOSED, AdviceDeadline, RequestDeadlines
from caseworker.statutory.rules import Timescale
from caseworker.store.case_plan_select import case_plan, issued
from caseworker.store.case_select import case_lists, cases_with_rows, dates_of, reading, texts_of
from caseworker.store.models import AdviceRequest, AuditEvent, Case, School, Staff
from caseworker.views.case_people import ChildRecord, child_record
from caseworker.views.correction_words import ACTION_WORDS, correction_summary
from caseworker.views.plan_detail import PlanDetail, plan_detail_of, under_five
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
    """Many cases in at most three statements (a day's letters): the cases joined to their rows, their
    short lists in one union, and with ``with_history`` the audit trail; ids that do not exist are left
    out. ``with_plan`` works out each issued plan's own clocks too."""
    with reading(ctx.db) as s:
        found = cases_with_rows(s, case_ids)
        cases = [c for c, _ in found]
        ids = [c.id for c in cases]
        plans = issued(cases) if with_plan else []
        young = with_plan and any(under_five(c.child.date_of_birth, today) for c in cases if c.final_issued_on)
        lists = case_lists(s, ids, allocations=with_history, staff=with_history, plans=plans, council=young)
        trails = _history(s, ids) if with_history and ids else {}
        # Worked out while the connection is still held: a plan of a child under 5 reads the council's
        # review interval on it, one statement rather than a checkout and a transaction of its own.
        period = ctx.engine.rules.periods.get("school_consultation")
        details = {}
        for case, child_school in found:
            detail = _detail(ctx, case, today, child_school, trails.get(case.id, []), lists.staff_names)
            plan = plan_detail_of(ctx, case, case_plan(case, lists), today, s, lists) if with_plan else None
            details[case.id] = replace(
                detail, allocations=tuple(_allocation(r) for r in lists.allocations.get(case.id, ())),
                consultations=tuple(_consultation(r, period) for r in lists.consultations.get(case.id, ())),
                plan=plan)
    return details


def _consultation(row: tuple[Any, ...], period: Timescale | None) -> ConsultationView:
    row_id, school_id = row[0], row[1]
    sent, replied = dates_of(row)[:2]
    name, reply = texts_of(row)[:2]
    assert sent is not None
    due = period.last_day(sent) if period is not None else sent + CONSULTATION_REPLY
    return ConsultationView(row_id, school_id, name or "", sent, due, replied, reply or "")


def _setting(school: School | None) -> SettingView | None:
    if school is None:
        return None
    kind = school.kind or ""
    return SettingView(school.id, school.name, school.urn or "", kind, SETTING_KIND_TITLES.get(kind, "Kind not known"),
                       school.address or "", school.postcode or "", kind in ADMISSION_DUTY_KINDS)


def _allocation(row: tuple[Any, ...]) -> AllocationView:
    starts, ends = dates_of(row)[:2]
    who, by, reason = texts_of(row)
    assert starts is not None
    return AllocationView(who or "", starts, ends, reason or "", by or "system")


def _history(s: Session, case_ids: list[int]) -> dict[int, list[HistoryRow]]:
    actor = aliased(Staff)
    rows = s.execute(
        select(AuditEvent.case_id, AuditEvent.at, actor.display_name, AuditEvent.action, AuditEvent.before,
               AuditEvent.after)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.case_id.in_(case_ids)).order_by(AuditEvent.id.desc())).all()
    out: dict[int, list[HistoryRow]] = {}
    for case_id, at, who, action, before, after in rows:
        out.setdefault(case_id, []).append((at, who, action, before, after))
    return out


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
