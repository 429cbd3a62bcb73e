"""Is this child already on record? Registering a request, or importing a new row, for a child whose
UPN, NHS number, or name and date of birth match a stored child says so, naming the stored case.

Names match ignoring letter case, accents, spaces, hyphens and apostrophes ("Zoë Smith-Jones" is
"zoe smithjones", "O'Connor" is "OConnor"), because the same child is keyed differently by different
people; a date of birth must match exactly. A few queries for many children, none per child.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.store.models import Case, Child
from caseworker.store.writer import chunks

UPN, NHS, NAME = "UPN", "NHS number", "name and date of birth"
# Characters people type differently for the same name: dropped before comparing.
_IGNORED = frozenset(" -'\u2019\u2010\u2011\u2012\u2013.")


def name_key(forename: str, surname: str) -> str:
    """One child's name as compared for duplicates: no case, accents, spaces, hyphens or apostrophes."""
    whole = unicodedata.normalize("NFKD", f"{forename} {surname}".casefold())
    return "".join(ch for ch in whole if not unicodedata.combining(ch) and ch not in _IGNORED)


@dataclass(frozen=True, slots=True)
class ChildDetails:
    """What identifies a child being registered or imported."""

    forename: str
    surname: str
    date_of_birth: date
    upn: str | None = None
    nhs_number: str | None = None


@dataclass(frozen=True, slots=True)
class StoredMatch:
    """A stored case whose child looks like the one being registered."""

    case_id: int
    reference: str
    child: str
    date_of_birth: date
    matched_on: str  # UPN, NHS number, or name and date of birth
    is_open: bool  # an assessment request still running (not finished, withdrawn or refused)

    def describe(self) -> str:
        state = "an open request" if self.is_open else "a case"
        return (f"{self.child} (born {self.date_of_birth.day} {self.date_of_birth:%b %Y}) has {state} on record "
                f"with the same {self.matched_on}: {self.reference}")


def possible_duplicates(ctx: AppContext, child: ChildDetails, *, not_case: int | None = None) -> list[StoredMatch]:
    """Stored cases that look like the same child, open requests first (for the new-request window)."""
    with ctx.db.sessions() as s:
        found = matches_for(s, [child]).get(0, [])
    return [m for m in found if m.case_id != not_case]


def matches_for(s: Session, children: Sequence[ChildDetails]) -> dict[int, list[StoredMatch]]:
    """For each of ``children`` (by position) the stored cases that look like it, in bulk."""
    dobs = sorted({c.date_of_birth for c in children})
    upns = sorted({c.upn for c in children if c.upn})
    nhs = sorted({c.nhs_number for c in children if c.nhs_number})
    stored = list(_stored_children(s, dobs, upns, nhs))
    by_upn: dict[str, list[_Stored]] = {}
    by_nhs: dict[str, list[_Stored]] = {}
    by_name: dict[tuple[str, date], list[_Stored]] = {}
    for row in stored:
        if row.upn:
            by_upn.setdefault(row.upn, []).append(row)
        if row.nhs_number:
            by_nhs.setdefault(row.nhs_number, []).append(row)
        by_name.setdefault((row.key, row.date_of_birth), []).append(row)
    out: dict[int, list[StoredMatch]] = {}
    for i, c in enumerate(children):
        hits = _hits(c, by_upn, by_nhs, by_name)
        if hits:
            out[i] = hits
    return out


@dataclass(frozen=True, slots=True)
class _Stored:
    case_id: int
    reference: str
    forename: str
    surname: str
    date_of_birth: date
    upn: str | None
    nhs_number: str | None
    is_open: bool

    @property
    def key(self) -> str:
        return name_key(self.forename, self.surname)


def _stored_children(s: Session, dobs: Sequence[date], upns: Sequence[str],
                     nhs: Sequence[str]) -> Iterable[_Stored]:
    seen: set[int] = set()
    for column, values in ((Child.date_of_birth, dobs), (Child.upn, upns), (Child.nhs_number, nhs)):
        for part in chunks(list(values)):
            stmt = select(Case.id, Case.reference, Child.forename, Child.surname, Child.date_of_birth, Child.upn,
                          Child.nhs_number, Case.received_on, Case.final_issued_on, Case.withdrawn_on,
                          Case.decision_to_assess, Case.decision_to_issue).join(
                Child, Child.id == Case.child_id).where(or_(column.in_(part)))
            for row in s.execute(stmt):
                if row[0] in seen:
                    continue
                seen.add(row[0])
                received, final, withdrawn, assess, issue = row[7:12]
                is_open = (received is not None and final is None and withdrawn is None and assess is not False
                           and issue is not False)
                yield _Stored(*row[:7], is_open=is_open)


def _hits(c: ChildDetails, by_upn: dict[str, list[_Stored]], by_nhs: dict[str, list[_Stored]],
          by_name: dict[tuple[str, date], list[_Stored]]) -> list[StoredMatch]:
    found: dict[int, StoredMatch] = {}
    candidates = ((UPN, by_upn.get(c.upn, []) if c.upn else []),
                  (NHS, by_nhs.get(c.nhs_number, []) if c.nhs_number else []),
                  (NAME, by_name.get((name_key(c.forename, c.surname), c.date_of_birth), [])))
    for matched_on, rows in candidates:
        for r in rows:
            found.setdefault(r.case_id, StoredMatch(r.case_id, r.reference, f"{r.forename} {r.surname}",
                                                    r.date_of_birth, matched_on, r.is_open))
    return sorted(found.values(), key=lambda m: (not m.is_open, m.reference))
