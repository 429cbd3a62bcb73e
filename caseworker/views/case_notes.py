"""A case's diary as the Notes tab shows it, note search, and the follow-ups My day lists.

Notes come back newest first, each correction beside the note it corrects: the current wording first,
then what it replaced, marked amended with who changed it and when.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from caseworker.context import AppContext
from caseworker.services.case_notes import NOTE_KIND_TITLES, stored_time
from caseworker.store.case_select import reading
from caseworker.store.casefile_models import CaseNote
from caseworker.store.models import Case, Child, Staff

# Letters NFKD leaves whole (they are letters of their own, not a letter with an accent).
_PLAIN = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "\u0131": "i", "æ": "ae",
                        "Æ": "ae", "œ": "oe", "Œ": "oe", "ħ": "h", "þ": "th"})


def fold(text: str) -> str:
    """Text as search compares it: accents and case ignored ("zoe" finds Zoë, "turcanu" finds Ţurcanu),
    the same folding as the Cases search, kept here so the diary needs nothing from the Cases list."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def matches(words: str, text: str) -> bool:
    """Every word typed appears somewhere in the text (in any order)."""
    haystack = fold(text)
    return all(w in haystack for w in fold(words).split())


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    version: int
    case_id: int
    happened_at: datetime  # UTC
    kind: str
    kind_title: str
    text: str
    author: str  # display name; "" when the author's record is gone
    author_id: int | None
    written_at: datetime
    follow_up_on: date | None
    follow_up_done_on: date | None
    amends_id: int | None
    amended_by: str = ""  # who corrected this note ("" while it is the current wording)
    amended_at: datetime | None = None
    amended_by_id: int | None = None  # the note that corrects this one

    @property
    def is_current(self) -> bool:
        return self.amended_by_id is None

    @property
    def first_line(self) -> str:
        return self.text.strip().splitlines()[0] if self.text.strip() else ""

    @property
    def follow_up_open(self) -> bool:
        return self.is_current and self.follow_up_on is not None and self.follow_up_done_on is None


def _note_rows(s: Session, stmt: Select[CaseNote, str]) -> list[tuple[CaseNote, str | None]]:
    return [(n, name) for n, name in s.execute(stmt).all()]


def _views(rows: Iterable[tuple[CaseNote, str | None]]) -> list[NoteView]:
    """Views of the rows, each knowing which note (if any) corrected it."""
    rows = list(rows)
    corrected_by = {n.amends_id: (n, name) for n, name in rows if n.amends_id is not None}
    out = []
    for n, name in rows:
        fix = corrected_by.get(n.id)
        out.append(NoteView(
            n.id, n.version, n.case_id, stored_time(n.happened_at), n.kind, NOTE_KIND_TITLES.get(n.kind, n.kind),
            n.text, name or "", n.author_id, stored_time(n.written_at), n.follow_up_on, n.follow_up_done_on,
            n.amends_id, amended_by=(fix[1] or "") if fix else "",
            amended_at=stored_time(fix[0].written_at) if fix else None, amended_by_id=fix[0].id if fix else None))
    return out


def in_diary_order(notes: Sequence[NoteView]) -> list[NoteView]:
    """Newest first by the current wording's time; each correction's older versions straight after it."""
    by_id = {n.id: n for n in notes}

    def chain(current: NoteView) -> list[NoteView]:
        out = [current]
        while out[-1].amends_id is not None and out[-1].amends_id in by_id:
            out.append(by_id[out[-1].amends_id])
        return out

    currents = sorted((n for n in notes if n.is_current), key=lambda n: (n.happened_at, n.id), reverse=True)
    return [v for c in currents for v in chain(c)]


def _with_author() -> Select[CaseNote, str]:
    return select(CaseNote, Staff.display_name).outerjoin(Staff, Staff.id == CaseNote.author_id)


def case_notes(ctx: AppContext, case_id: int, search: str = "") -> list[NoteView]:
    """A case's diary in the Notes tab's order; with ``search``, only the entries whose words match."""
    with reading(ctx.db) as s:  # no transaction: nothing to begin or roll back over the network
        notes = _views(_note_rows(s, _with_author().where(CaseNote.case_id == case_id)))
    return filter_notes(in_diary_order(notes), search)


def filter_notes(ordered: Sequence[NoteView], search: str) -> list[NoteView]:
    """The entries whose words (or author) match; a correction and what it replaced stay together, so a
    match on any wording keeps the whole chain. Pure: the Notes tab filters as the user types."""
    if not search.strip():
        return list(ordered)
    by_id = {n.id: n for n in ordered}

    def current_of(note: NoteView) -> int:
        while note.amended_by_id is not None and note.amended_by_id in by_id:
            note = by_id[note.amended_by_id]
        return note.id

    chains = {current_of(n) for n in ordered if matches(search, n.text) or matches(search, n.author)}
    return [n for n in ordered if current_of(n) in chains]


@dataclass(frozen=True, slots=True)
class NoteHit:
    """A note found by searching every case's diary."""

    note: NoteView
    reference: str
    child: str


def search_notes(ctx: AppContext, words: str, *, limit: int = 200) -> list[NoteHit]:
    """Notes on any case whose text has every word typed (accents and case ignored), newest first."""
    if not words.strip():
        return []
    stmt = (select(CaseNote.id).order_by(CaseNote.happened_at.desc(), CaseNote.id.desc()))
    found: list[int] = []
    with ctx.db.sessions() as s:
        for note_id, text in s.execute(stmt.add_columns(CaseNote.text)).yield_per(2000):
            if matches(words, text):
                found.append(note_id)
                if len(found) >= limit:
                    break
        if not found:
            return []
        rows = s.execute(_with_author().add_columns(Case.reference, Child.forename, Child.surname)
                         .join(Case, Case.id == CaseNote.case_id).join(Child, Child.id == Case.child_id)
                         .where(CaseNote.id.in_(found))).all()
    order = {nid: i for i, nid in enumerate(found)}
    views = {v.id: v for v in _views((n, name) for n, name, *_ in rows)}
    hits = [NoteHit(views[n.id], ref, f"{fore} {sur}".strip()) for n, _name, ref, fore, sur in rows]
    return sorted(hits, key=lambda h: order[h.note.id])


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A note's open follow-up, due on or before today: what My day lists."""

    note_id: int
    note_version: int
    case_id: int
    reference: str
    child: str
    caseworker: str | None  # the case's caseworker (username)
    author: str | None  # the note's author (username)
    due: date
    first_line: str
    kind: str
    happened_at: datetime


def open_follow_ups(s: Session, today: date, username: str | None = None) -> list[FollowUp]:
    """Follow-ups due by ``today`` and not done, on notes not since corrected; for ``username``, those on
    their own notes or on cases they hold. One query, whatever the number of cases."""
    author, holder, newer = aliased(Staff), aliased(Staff), aliased(CaseNote)
    stmt = (select(CaseNote.id, CaseNote.version, CaseNote.case_id, Case.reference, Child.forename, Child.surname,
                   holder.username, author.username, CaseNote.follow_up_on, CaseNote.text, CaseNote.kind,
                   CaseNote.happened_at)
            .join(Case, Case.id == CaseNote.case_id).join(Child, Child.id == Case.child_id)
            .outerjoin(holder, holder.id == Case.caseworker_id).outerjoin(author, author.id == CaseNote.author_id)
            .outerjoin(newer, newer.amends_id == CaseNote.id)
            .where(and_(CaseNote.follow_up_on <= today, CaseNote.follow_up_done_on.is_(None), newer.id.is_(None))))
    if username is not None:
        stmt = stmt.where(or_(author.username == username, holder.username == username))
    out = []
    for nid, version, cid, ref, fore, sur, held_by, wrote, due, text, kind, at in s.execute(stmt):
        line = text.strip().splitlines()[0] if text.strip() else ""
        assert due is not None  # the query asks for follow-ups due by today
        out.append(FollowUp(nid, version, cid, ref, f"{fore} {sur}".strip(), held_by, wrote, due, line, kind,
                            stored_time(at)))
    return out
