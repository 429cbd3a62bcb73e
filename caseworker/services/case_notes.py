"""The case diary: add a note, correct it with an amendment, and mark its follow-up done.

A note is never deleted or rewritten. A correction is a new note that names the one it corrects
(``amends_id``); the original stays, shown as amended. Only the note's author, a team lead or an admin
may amend it. Each change is one transaction with one audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, PermissionDenied, Problem, ValidationError
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import writing
from caseworker.store.audit import audit, now_utc
from caseworker.store.casefile_models import NOTE_KINDS, CaseNote
from caseworker.store.models import Case

LONDON = ZoneInfo("Europe/London")
NOTE_KIND_TITLES = {"phone": "Phone call", "email": "Email", "meeting": "Meeting", "visit": "Visit",
                    "note": "Note"}
MAX_TEXT = 10_000  # about four pages: a diary entry, not a report (attach a report as a document)
FOLLOW_UP_REACH = timedelta(days=366)  # a follow-up further off than a year is a plan, not a reminder
CLOCK_SKEW = timedelta(minutes=5)  # two computers' clocks seldom agree to the second


@dataclass(frozen=True, slots=True)
class NoteInput:
    """What the caseworker typed: when it happened, what kind of contact, the words, any follow-up."""

    happened_at: datetime
    kind: str
    text: str
    follow_up_on: date | None = None


def as_utc(at: datetime) -> datetime:
    """A time as stored: in UTC; a time given without a zone is taken as English local time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=LONDON)
    return at.astimezone(UTC)


def stored_time(at: datetime) -> datetime:
    """A time read back (SQLite returns it without its zone; it was written in UTC)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def london_day(at: datetime) -> date:
    return as_utc(at).astimezone(LONDON).date()


def default_happened_at(today: date) -> datetime:
    """Now, on the app's today (a test or a demo fixed on another day gets that day at this time)."""
    now = datetime.now(LONDON)
    return now if now.date() == today else datetime.combine(today, now.time().replace(microsecond=0), LONDON)


def note_problems(note: NoteInput, today: date) -> list[Problem]:
    """Everything wrong with a note as typed, each against its field (the dialog shows the same words)."""
    problems: list[Problem] = []
    if note.kind not in NOTE_KINDS:
        problems.append(Problem("kind", f"{note.kind!r} is not a kind of note (use {', '.join(NOTE_KINDS)})"))
    words = note.text.strip()
    if not words:
        problems.append(Problem("text", "write what happened"))
    elif len(words) > MAX_TEXT:
        problems.append(Problem("text", f"a note can be at most {MAX_TEXT:,} characters (this one is "
                                        f"{len(words):,}); attach a longer record as a document"))
    day = london_day(note.happened_at)
    later_today = day == datetime.now(LONDON).date() and as_utc(note.happened_at) > now_utc() + CLOCK_SKEW
    if day > today or later_today:
        problems.append(Problem("happened_at", "a note records what has happened: the time cannot be in the "
                                               "future"))
    if note.follow_up_on is not None:
        if note.follow_up_on < day:
            problems.append(Problem("follow_up_on", f"the follow-up cannot be before the day it happened "
                                                    f"({day:%d/%m/%Y})"))
        elif note.follow_up_on > today + FOLLOW_UP_REACH:
            problems.append(Problem("follow_up_on", "a follow-up can be at most a year ahead"))
    return problems


def check_note(note: NoteInput, today: date) -> None:
    problems = note_problems(note, today)
    if problems:
        raise ValidationError(problems)


def _fields(note: CaseNote) -> dict[str, Any]:
    """What an audit row says of a note: what was written, never less."""
    return {"happened_at": stored_time(note.happened_at).isoformat(), "kind": note.kind, "text": note.text,
            "follow_up_on": note.follow_up_on, "follow_up_done_on": note.follow_up_done_on,
            "amends_id": note.amends_id}


def _new_note(case_id: int, note: NoteInput, actor: Actor, amends: CaseNote | None = None) -> CaseNote:
    done = None
    if amends is not None and amends.follow_up_on == note.follow_up_on:
        done = amends.follow_up_done_on  # the same follow-up, already done: a correction does not reopen it
    return CaseNote(case_id=case_id, happened_at=as_utc(note.happened_at), kind=note.kind, text=note.text.strip(),
                    author_id=actor.id, written_at=now_utc(), follow_up_on=note.follow_up_on,
                    follow_up_done_on=done, amends_id=amends.id if amends is not None else None)


def add_note(ctx: AppContext, actor: Actor, case_id: int, note: NoteInput) -> int:
    """Write a new note in the case's diary; returns its id."""
    require_writer(actor)
    check_note(note, ctx.today())
    with writing(ctx, "add a note") as s:
        if s.get(Case, case_id) is None:
            raise NotFound(f"there is no case with id {case_id}")
        row = _new_note(case_id, note, actor)
        s.add(row)
        s.flush()
        audit(s, actor_id=actor.id, action="add_case_note", entity="case_note", entity_id=row.id,
              case_id=case_id, before={}, after=_fields(row))
        return row.id


def note_for_change(s: Session, note_id: int, expected_version: int | None) -> CaseNote:
    """The note to act on: refused if someone changed it since it was read, or if it was already corrected."""
    note = s.get(CaseNote, note_id)
    if note is None:
        raise NotFound(f"there is no note with id {note_id}")
    if expected_version is not None and note.version != expected_version:
        raise ConflictError("this note was changed by someone else since you opened it; reload and try again")
    newer = s.scalar(select(CaseNote.id).where(CaseNote.amends_id == note.id))
    if newer is not None:
        raise ConflictError("this note has already been amended: amend the newest version (reload to see it)")
    return note


def may_amend(actor: Actor, author_id: int | None) -> bool:
    """The author corrects their own note; a team lead or admin may correct anyone's."""
    return actor.can_write and (actor.id == author_id or actor.can_reallocate)


def amend_note(ctx: AppContext, actor: Actor, note_id: int, note: NoteInput, *,
               expected_version: int | None = None) -> int:
    """Correct a note: a new note that names the one it corrects, which stays as it was. Returns the new id."""
    require_writer(actor)
    check_note(note, ctx.today())
    with writing(ctx, "amend a note") as s:
        original = note_for_change(s, note_id, expected_version)
        if not may_amend(actor, original.author_id):
            raise PermissionDenied(f"{actor.username} did not write this note; only its author, a team lead or "
                                   "an admin can amend it")
        before = _fields(original)
        row = _new_note(original.case_id, note, actor, amends=original)
        s.add(row)
        flag_modified(original, "text")  # bumps its version: two amendments of one note cannot both land
        s.flush()
        audit(s, actor_id=actor.id, action="amend_case_note", entity="case_note", entity_id=row.id,
              case_id=original.case_id, before=before, after=_fields(row))
        return row.id


def follow_up_done(ctx: AppContext, actor: Actor, note_id: int, *, expected_version: int | None = None) -> int:
    """Mark a note's follow-up done today; it leaves My day. Returns the note's new version."""
    require_writer(actor)
    today = ctx.today()
    with writing(ctx, "mark a follow-up done") as s:
        note = note_for_change(s, note_id, expected_version)
        if note.follow_up_on is None:
            raise ValidationError(Problem("follow_up_on", "this note has no follow-up"))
        if note.follow_up_done_on is not None:
            raise ValidationError(Problem("follow_up_on", f"this follow-up was already done on "
                                                          f"{note.follow_up_done_on:%d/%m/%Y}"))
        note.follow_up_done_on = today
        s.flush()
        audit(s, actor_id=actor.id, action="case_note_follow_up_done", entity="case_note", entity_id=note.id,
              case_id=note.case_id, before={"follow_up_done_on": None},
              after={"follow_up_done_on": today, "follow_up_on": note.follow_up_on})
        return note.version
