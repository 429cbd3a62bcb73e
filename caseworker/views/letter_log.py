"""The letters made for a case, newest first (without the PDFs, which are fetched one at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from caseworker.context import AppContext
from caseworker.store.models import LetterRecord, Staff
from caseworker.views.letter_flags import LoggedLetter, letter_flags


@dataclass(frozen=True, slots=True)
class LetterLogEntry:
    id: int
    case_id: int
    template_id: str
    template_version: str
    recipient_id: str
    recipient_name: str
    recipient_address: str
    letter_date: date
    made_at: datetime
    made_by: str
    status: str  # made, sent, void
    status_at: datetime | None
    status_by: str
    void_reason: str
    sha256: str
    about: str
    version: int
    # Why it may need remaking: a date it states was corrected after it was made ("" when none was).
    flag: str = ""


def letter_log(ctx: AppContext, case_id: int) -> list[LetterLogEntry]:
    maker, marker = aliased(Staff), aliased(Staff)
    stmt = (select(LetterRecord.id, LetterRecord.case_id, LetterRecord.template_id, LetterRecord.template_version,
                   LetterRecord.recipient_id, LetterRecord.recipient_name, LetterRecord.recipient_address,
                   LetterRecord.letter_date, LetterRecord.made_at, maker.display_name, LetterRecord.status,
                   LetterRecord.status_at, marker.display_name, LetterRecord.void_reason, LetterRecord.sha256,
                   LetterRecord.about, LetterRecord.version, LetterRecord.rests_on)
            .outerjoin(maker, maker.id == LetterRecord.made_by_id)
            .outerjoin(marker, marker.id == LetterRecord.status_by_id)
            .where(LetterRecord.case_id == case_id).order_by(LetterRecord.id.desc()))
    with ctx.db.sessions() as s:
        rows = s.execute(stmt).all()
        flags = letter_flags(s, case_id, [LoggedLetter(r.id, r.made_at, r.status, r.rests_on) for r in rows])
    return [LetterLogEntry(i, c, t, tv, rid, rn, ra, ld, _utc(ma), mb or "system", st, _utc(sa) if sa else None,
                           sb or "", vr or "", sha, ab or "", v, flags.get(i, ""))
            for i, c, t, tv, rid, rn, ra, ld, ma, mb, st, sa, sb, vr, sha, ab, v, _rests in rows]


def _utc(at: datetime) -> datetime:
    """SQLite hands back naive timestamps; they were written in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
