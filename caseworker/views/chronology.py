"""Everything that happened on a case, in date order: the chronology a complaint, the Ombudsman or a
tribunal asks for, on screen and exported (caseworker/reports/chronology_pdf.py, chronology_csv.py).

The steps come from the case as it is recorded now (a corrected date shows where it now falls; the
correction is an event of its own on the day it was made), who recorded each from the audit trail;
advice, exceptions, allocations, consultations, letters, notes and documents from their own tables;
and every other change from the audit trail. Eleven queries for a whole case, none per event.

An event has the day it happened (England) and, when the record holds one, the moment: within a day,
dated steps come first in the order of the process, then timed events by time.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import NotFound
from caseworker.letters.resources import templates_dir
from caseworker.statutory.engine import EXEMPT, AdviceFacts, ExceptionFacts, RequestFacts
from caseworker.store.casefile_models import CaseDocument, CaseNote
from caseworker.store.models import (
    AdviceRequest,
    AdviceService,
    Allocation,
    AuditEvent,
    Case,
    Child,
    Consultation,
    ExistingAdvice,
    LetterRecord,
    School,
    Staff,
    StatutoryException,
)
from caseworker.views.chronology_audit import AuditRow, DateFixes, StepWho, audit_events, step_recorders
from caseworker.views.chronology_events import KINDS, LONDON, ChronologyEvent, dated, day, timed, utc

ADVICE_WORDS = {"ep": "EP", "health": "Health", "social_care": "Social care", "education": "Education",
                "other": "Other"}
NOTE_WORDS = {"phone": "Phone call", "email": "Email", "meeting": "Meeting", "visit": "Visit", "note": "Note"}
SENT_BY = {"email": "by email", "portal": "through the portal", "hand": "by hand", "post": "by post"}
NOTE_CHARS = 1000  # a long note is cut here in the index; the whole note stays in the case file


@dataclass(frozen=True, slots=True)
class ChronologyHeader:
    case_id: int
    reference: str
    child: str
    date_of_birth: date
    caseworker: str  # "" when nobody holds the case


@dataclass(frozen=True, slots=True)
class Chronology:
    header: ChronologyHeader
    events: tuple[ChronologyEvent, ...]

    def of_kinds(self, kinds: Iterable[str]) -> tuple[ChronologyEvent, ...]:
        wanted = set(kinds)
        return tuple(e for e in self.events if e.kind in wanted)


def chronology(ctx: AppContext, case_id: int) -> Chronology:
    """The case's whole chronology, oldest first."""
    with ctx.db.sessions() as s:
        header, case = _header(s, case_id)
        staff: dict[int, str] = dict(s.execute(select(Staff.id, Staff.display_name)).all())
        audit = [AuditRow(utc(at), staff.get(actor or 0, "system"), action, entity, eid, before or {}, after or {})
                 for at, actor, action, entity, eid, before, after in s.execute(
                     select(AuditEvent.at, AuditEvent.actor_id, AuditEvent.action, AuditEvent.entity,
                            AuditEvent.entity_id, AuditEvent.before, AuditEvent.after)
                     .where(AuditEvent.case_id == case_id).order_by(AuditEvent.id))]
        who = step_recorders(audit)
        service = AdviceService.id == AdviceRequest.service_id
        advice = [(a, name) for a, name in s.execute(select(AdviceRequest, AdviceService.name).outerjoin(
            AdviceService, service).where(AdviceRequest.case_id == case_id).order_by(AdviceRequest.id))]
        exceptions = list(s.scalars(select(StatutoryException).where(StatutoryException.case_id == case_id)
                                    .order_by(StatutoryException.id)))
        timing, fixes = _timing(ctx, case, advice, exceptions), DateFixes(audit)
        events = [*_steps(case, who, timing, fixes), *_advice(ctx, s, case_id, advice, who, staff, fixes),
                  *_exceptions(ctx, exceptions, who, staff, fixes), *_allocations(s, case_id, staff),
                  *_consultations(s, case_id), *_letters(s, case_id, staff), *_notes(s, case_id, staff),
                  *_documents(s, case_id, staff), *audit_events(audit, letter_titles())]
    events.sort(key=lambda e: (e.on, e.rank, e.at or datetime.min.replace(tzinfo=UTC)))
    return Chronology(header, tuple(events))


def _header(s: Session, case_id: int) -> tuple[ChronologyHeader, Any]:
    row = s.execute(select(Case.id, Case.reference, Child.forename, Child.surname, Child.date_of_birth,
                           Staff.display_name, Case.received_on, Case.request_source, Case.decision_to_assess,
                           Case.decision_to_assess_on, Case.decision_to_issue, Case.decision_to_issue_on,
                           Case.draft_sent_on, Case.draft_sent_by, Case.draft_served_on, Case.final_issued_on,
                           Case.withdrawn_on, Case.withdrawn_reason)
                    .join(Child, Child.id == Case.child_id).outerjoin(Staff, Staff.id == Case.caseworker_id)
                    .where(Case.id == case_id)).first()
    if row is None:
        raise NotFound(f"there is no case with id {case_id}")
    header = ChronologyHeader(row.id, row.reference, f"{row.forename} {row.surname}", row.date_of_birth,
                              row.display_name or "")
    return header, row


def _timing(ctx: AppContext, case: Any, advice: Sequence[tuple[AdviceRequest, str | None]],
            exceptions: Sequence[StatutoryException]) -> dict[str, str]:
    """For each statutory step done, its due date and whether it was met, as the deadline engine counts."""
    if case.received_on is None:
        return {}
    facts = RequestFacts(
        reference=case.reference, received=case.received_on, decision_to_assess=case.decision_to_assess,
        decision_to_assess_on=case.decision_to_assess_on, decision_to_issue=case.decision_to_issue,
        decision_to_issue_on=case.decision_to_issue_on, draft_sent=case.draft_sent_on,
        draft_served=case.draft_served_on, final_issued=case.final_issued_on, withdrawn=case.withdrawn_on,
        draft_sent_by=case.draft_sent_by,
        advice=[AdviceFacts(a.kind, a.requested_on, a.received_on, service, a.id, a.sent_by, a.excused_ground)
                for a, service in advice],
        exceptions=[ExceptionFacts(e.ground, e.recorded_on, e.note, e.began_on, e.ended_on) for e in exceptions])
    out = {}
    for m in ctx.engine.evaluate(facts, ctx.today()).milestones:
        if m.name == "final_plan":
            out["received"] = f"the final plan is due by {day(m.due)} (20 weeks)"
        if m.done is None or not m.binding:
            continue
        law = ctx.engine.rules.milestone(m.name).law
        late = (m.done - m.due).days
        met = "on time" if late <= 0 else f"{late} day{'s' if late != 1 else ''} late" + (
            ", excused by an exception" if m.status == EXEMPT else "")
        out[m.name] = f"Due by {day(m.due)} ({law}): {met}"
    return out


def _steps(case: Any, who: StepWho, timing: dict[str, str], fixes: DateFixes) -> list[ChronologyEvent]:
    """The case's own steps, on the dates now recorded, with their due dates."""
    out = []
    if case.received_on is not None:
        source = f" (from {case.request_source.replace('_', ' ')})" if case.request_source else ""
        out.append(dated(case.received_on, "step", "Request for an EHC needs assessment received", who.get("received"),
                         f"Request received{source}; {timing.get('received', '')}".rstrip("; ")
                         + fixes.note("received_on"), "Case record", 10))
    if case.decision_to_assess is not None:
        what = "Decision to assess" if case.decision_to_assess else "Decision not to assess"
        out.append(dated(case.decision_to_assess_on, "step", f"{what} notified", who.get("decision_to_assess"),
                         _joined(timing.get("decision_to_assess", ""), fixes.note("decision_to_assess_on")),
                         "Case record", 20))
    if case.decision_to_issue is not None:
        what = "Decision to issue a plan" if case.decision_to_issue else "Decision not to issue a plan"
        out.append(dated(case.decision_to_issue_on, "step", f"{what} notified", who.get("decision_to_issue"),
                         _joined(timing.get("issue_decision", ""), fixes.note("decision_to_issue_on")),
                         "Case record", 30))
    if case.draft_sent_on is not None:
        served = f"; served {day(case.draft_served_on)}" if case.draft_served_on else ""
        out.append(dated(case.draft_sent_on, "step", "Draft plan sent", who.get("draft_sent"),
                         f"Sent {SENT_BY.get(case.draft_sent_by, case.draft_sent_by)}{served}"
                         + fixes.note("draft_sent_on") + fixes.note("draft_served_on"), "Case record", 40))
    if case.final_issued_on is not None:
        out.append(dated(case.final_issued_on, "step", "Final plan issued", who.get("final_plan"),
                         _joined(timing.get("final_plan", ""), fixes.note("final_issued_on")), "Case record", 60))
    if case.withdrawn_on is not None:
        out.append(dated(case.withdrawn_on, "step", "Request withdrawn", who.get("withdraw"),
                         _joined(case.withdrawn_reason or "", fixes.note("withdrawn_on")), "Case record", 70))
    return out


def _joined(text: str, note: str) -> str:
    """A step's details with a correction note after them (the note starts "; ")."""
    return f"{text}{note}" if text else note[2:].capitalize() if note else ""


def _advice(ctx: AppContext, s: Session, case_id: int, rows: Sequence[tuple[AdviceRequest, str | None]],
            who: StepWho, staff: dict[int, str], fixes: DateFixes) -> list[ChronologyEvent]:
    out = []
    for a, service in rows:
        words = f"{ADVICE_WORDS.get(a.kind, a.kind)} advice"
        source = f"Advice request #{a.id}"
        due = ctx.engine.advice_due(a.requested_on, a.sent_by)
        asked = f"Asked of {service}" if service else "Adviser not recorded"
        asker = who.get(f"advice:{a.id}") or who.get(f"advice:{a.kind}:{a.requested_on.isoformat()}")
        out.append(dated(a.requested_on, "advice", f"{words} requested", asker,
                         f"{asked}, {SENT_BY.get(a.sent_by, a.sent_by)}; due {day(due)}"
                         + fixes.note(f"advice:{a.id}.requested_on"), source, 45))
        if a.received_on is not None:
            receiver = who.get(f"advice_received:{a.id}") or who.get(f"advice_received:{a.kind}:{a.received_on}")
            out.append(dated(a.received_on, "advice", f"{words} received", receiver,
                             f"Due {day(due)}" + (f", {(a.received_on - due).days} days late"
                                                  if a.received_on > due else ", on time")
                             + fixes.note(f"advice:{a.id}.received_on"), source, 46))
        if a.excused_ground is not None and a.excused_from is not None:
            title = ctx.engine.rules.advice_excuses.get(a.excused_ground, {}).get("title", a.excused_ground)
            until = f" to {day(a.excused_to)}" if a.excused_to else ""
            note = f". {a.excused_note}" if a.excused_note else ""
            out.append(dated(a.excused_from, "advice", f"{words}: adviser excused (reg 8(2))",
                             who.get(f"advice_excuse:{a.id}"), f"{title}, from {day(a.excused_from)}{until}{note}",
                             source, 47))
    for e in s.scalars(select(ExistingAdvice).where(ExistingAdvice.case_id == case_id).order_by(ExistingAdvice.id)):
        out.append(dated(e.recorded_on, "advice", f"{ADVICE_WORDS.get(e.kind, e.kind.upper())} advice already "
                         "available used (reg 6(4))", staff.get(e.recorded_by_id or 0, ""), e.reason,
                         "Case record", 48))
    return out


def _exceptions(ctx: AppContext, rows: Sequence[StatutoryException], who: StepWho, staff: dict[int, str],
                fixes: DateFixes) -> list[ChronologyEvent]:
    out = []
    grounds = ctx.engine.rules.exception_grounds
    for e in rows:
        title = grounds.get(e.ground, {}).get("title", e.ground)
        recorder = staff.get(e.recorded_by_id or 0, "") or who.get(f"exception:{e.id}")
        note = f". {e.note}" if e.note else ""
        source = f"Exception #{e.id}"
        out.append(dated(e.began_on, "exception", f"Exception ({e.ground}) began: {title}", recorder,
                         f"Recorded {day(e.recorded_on)}{note}" + fixes.note(f"exception:{e.id}.began_on"), source,
                         80))
        if e.ended_on is not None:
            out.append(dated(e.ended_on, "exception", f"Exception ({e.ground}) ended: {title}", recorder,
                             _joined("", fixes.note(f"exception:{e.id}.ended_on")), source, 81))
    return out


def _allocations(s: Session, case_id: int, staff: dict[int, str]) -> list[ChronologyEvent]:
    rows = s.scalars(select(Allocation).where(Allocation.case_id == case_id).order_by(Allocation.id))
    out = []
    for a in rows:
        holder = staff.get(a.staff_id or 0, "") or "nobody"
        letter = "; the family's change-of-caseworker letter asked for" if a.family_letter else ""
        out.append(dated(a.from_on, "allocation", f"Allocated to {holder}", staff.get(a.by_id or 0, "system"),
                         f"{a.reason}{letter}" if a.reason else letter.lstrip("; "), "Allocation history", 5))
    return out


def _consultations(s: Session, case_id: int) -> list[ChronologyEvent]:
    rows = s.execute(select(Consultation, School.name).join(School, School.id == Consultation.school_id)
                     .where(Consultation.case_id == case_id).order_by(Consultation.id)).all()
    out = []
    for c, school in rows:
        source = f"Consultation #{c.id}"
        out.append(dated(c.sent_on, "consultation", f"{school} consulted on being named", "", "", source, 50))
        if c.replied_on is not None:
            reply = {"agrees": "agrees to be named", "declines": "declines"}.get(c.reply or "", "replied")
            out.append(dated(c.replied_on, "consultation", f"{school} replied: {reply}", "", "", source, 51))
    return out


def letter_titles() -> dict[str, str]:
    """Each letter template's title, read from the settings at the top of its file (not the whole template)."""
    folder = templates_dir()
    try:
        files = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.txt")))
    except OSError:
        return {}
    return _titles(str(folder), files)


@lru_cache(maxsize=4)
def _titles(folder: str, files: tuple[tuple[str, int], ...]) -> dict[str, str]:
    out = {}
    for name, _mtime in files:
        try:
            head = Path(folder, name).read_text("utf-8").split("+++")[1]
            meta = tomllib.loads(head)
        except (OSError, UnicodeDecodeError, IndexError, tomllib.TOMLDecodeError):
            continue  # the letters themselves say what is wrong with a template; here it keeps its id
        if isinstance(meta.get("id"), str) and isinstance(meta.get("title"), str):
            out[meta["id"]] = meta["title"]
    return out


def _letters(s: Session, case_id: int, staff: dict[int, str]) -> list[ChronologyEvent]:
    rows = s.execute(select(LetterRecord.id, LetterRecord.template_id, LetterRecord.recipient_name,
                            LetterRecord.made_at, LetterRecord.made_by_id, LetterRecord.letter_date,
                            LetterRecord.sha256, LetterRecord.template_version)
                     .where(LetterRecord.case_id == case_id).order_by(LetterRecord.id)).all()
    titles = letter_titles()
    return [timed(made_at, "letter", f"Letter made: {titles.get(template, template.replace('_', ' '))}",
                  staff.get(by or 0, "system"),
                  f"To {to}; dated {day(letter_date)}; template version {version}",
                  f"Letter log #{lid}, SHA-256 {sha[:12]}")
            for lid, template, to, made_at, by, letter_date, sha, version in rows]


def _notes(s: Session, case_id: int, staff: dict[int, str]) -> list[ChronologyEvent]:
    out = []
    for n in s.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)):
        text = n.text if len(n.text) <= NOTE_CHARS else n.text[:NOTE_CHARS].rstrip() + "… (continued in the note)"
        what = NOTE_WORDS.get(n.kind, n.kind.capitalize())
        if n.amends_id is not None:
            what += f" (amends note #{n.amends_id})"
        follow = f" Follow up by {day(n.follow_up_on)}." if n.follow_up_on else ""
        written = utc(n.written_at).astimezone(LONDON)
        out.append(timed(n.happened_at, "note", what, staff.get(n.author_id or 0, ""),
                         f"{text}{follow}", f"Case note #{n.id}, written {day(written.date())} {written:%H:%M}"))
    return out


def _documents(s: Session, case_id: int, staff: dict[int, str]) -> list[ChronologyEvent]:
    rows = s.execute(select(CaseDocument.id, CaseDocument.file_name, CaseDocument.kind, CaseDocument.description,
                            CaseDocument.dated, CaseDocument.added_at, CaseDocument.added_by_id, CaseDocument.size,
                            CaseDocument.sha256)
                     .where(CaseDocument.case_id == case_id).order_by(CaseDocument.id)).all()
    out = []
    for did, name, kind, description, bears, added_at, by, size, sha in rows:
        parts = [f"{kind.capitalize()}, " + (f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} bytes")]
        if bears is not None:
            parts.append(f"dated {day(bears)}")
        if description:
            parts.append(description)
        out.append(timed(added_at, "document", f"Document added: {name}", staff.get(by or 0, ""), "; ".join(parts),
                         f"Document #{did}, SHA-256 {sha[:12]}"))
    return out


__all__ = ["KINDS", "Chronology", "ChronologyEvent", "ChronologyHeader", "chronology"]
