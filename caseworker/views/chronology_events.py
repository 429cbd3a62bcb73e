"""One line of a case's chronology, and the small helpers every source of lines shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from caseworker.vocabulary import short_date

LONDON = ZoneInfo("Europe/London")
KINDS = {"step": "Steps", "correction": "Corrections", "advice": "Advice", "exception": "Exceptions",
         "allocation": "Allocations", "consultation": "Consultations", "letter": "Letters", "note": "Notes",
         "document": "Documents", "change": "Other changes"}


@dataclass(frozen=True, slots=True)
class ChronologyEvent:
    on: date  # the day it happened, in England
    at: datetime | None  # the moment (UTC), when the record holds one
    kind: str  # one of KINDS
    what: str
    who: str
    details: str
    source: str  # where it is recorded, so each line can be found again
    rank: int = 0  # order within a day among dated steps (the order of the process)

    @property
    def when(self) -> str:
        shown = short_date(self.on)
        return f"{shown} {self.at.astimezone(LONDON):%H:%M}" if self.at is not None else shown


def utc(at: datetime) -> datetime:
    """SQLite hands back naive timestamps; they were written in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def day(d: date | None) -> str:
    return short_date(d)


def dated(on: date, kind: str, what: str, who: str, details: str, source: str, rank: int = 50) -> ChronologyEvent:
    return ChronologyEvent(on, None, kind, what, who, details, source, rank)


def timed(at: datetime, kind: str, what: str, who: str, details: str, source: str) -> ChronologyEvent:
    moment = utc(at)
    return ChronologyEvent(moment.astimezone(LONDON).date(), moment, kind, what, who, details, source, 100)
