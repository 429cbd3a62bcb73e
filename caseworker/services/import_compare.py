"""Which stored cases a tracker row would leave exactly as they are, found in bulk.

Re-importing a tracker is mostly rows nobody changed. The case writer (``store.writer.write_cases``)
loads each stored case through the ORM to compare it field by field: right for the few that changed,
but minutes for 200,000 that did not. Here the stored values of a whole part of the file are read in
a handful of queries and compared the way the writer compares them (a blank cell leaves the stored
value; only a given value that differs is a change), so only rows that change something reach the
writer. A row this cannot prove unchanged goes to the writer, which decides as it always has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.store.models import AdviceRequest, AdviceService, Case, Child, Contact, School, StatutoryException
from caseworker.store.records import CaseRecord
from caseworker.store.writer import CASE_COLUMN, CHILD_FIELDS, chunks

CONTACT_FIELDS = ("name", "address", "postcode", "email", "phone")


def _differs(given: dict[str, Any], stored: Any) -> bool:
    return any(v is not None and v != stored[k] for k, v in given.items())


class StoredValues:
    """The stored values of some cases, as the writer would compare them."""

    def __init__(self, s: Session, case_ids: Sequence[int]) -> None:
        self.cases: dict[int, Any] = {}
        self.contacts: dict[int, list[Any]] = defaultdict(list)  # child id -> contacts, by id
        self.advice: dict[int, list[Any]] = defaultdict(list)  # case id -> advice requests, by id
        self.exceptions: dict[int, set[tuple[str, Any]]] = defaultdict(set)
        child_columns = [getattr(Child, f) for f in CHILD_FIELDS]
        case_columns = [getattr(Case, c) for c in CASE_COLUMN.values()]
        for part in chunks(sorted(case_ids)):
            ids = list(part)
            rows = s.execute(select(Case.id, Case.child_id, Child.school_id, *child_columns, *case_columns)
                             .join(Child, Child.id == Case.child_id).where(Case.id.in_(ids)))
            children = []
            for row in rows:
                self.cases[row.id] = row._mapping
                children.append(row.child_id)
            for c in s.execute(select(Contact.child_id, Contact.role, Contact.main_correspondent,
                                      *(getattr(Contact, f) for f in CONTACT_FIELDS))
                               .where(Contact.child_id.in_(children)).order_by(Contact.id)):
                self.contacts[c.child_id].append(c._mapping)
            for a in s.execute(select(AdviceRequest.case_id, AdviceRequest.kind, AdviceRequest.requested_on,
                                      AdviceRequest.received_on, AdviceRequest.service_id)
                               .where(AdviceRequest.case_id.in_(ids)).order_by(AdviceRequest.id)):
                self.advice[a.case_id].append(a._mapping)
            for cid, ground, recorded in s.execute(select(
                    StatutoryException.case_id, StatutoryException.ground, StatutoryException.recorded_on)
                    .where(StatutoryException.case_id.in_(ids))):
                self.exceptions[cid].add((ground, recorded))


class Lookups:
    """Schools and advice services by the keys the writer finds them by (a missing one is a change)."""

    def __init__(self, s: Session) -> None:
        self.schools: dict[str, int] = {}
        for sid, urn, name in s.execute(select(School.id, School.urn, School.name)):
            self.schools.setdefault(urn or name, sid)
            self.schools.setdefault(name, sid)
        self.services: dict[str, int] = dict(s.execute(select(AdviceService.name, AdviceService.id)).all())


def unchanged(r: CaseRecord, case_id: int, stored: StoredValues, known: Lookups) -> bool:
    """True only if writing ``r`` over the stored case would change nothing (its caseworker aside:
    the import allocates separately, caseworker.services.import_allocation)."""
    case = stored.cases.get(case_id)
    if case is None or r.caseworker:
        return False
    child = {f: getattr(r, f) for f in CHILD_FIELDS}
    key = r.school_urn or r.school_name
    if key:
        school = known.schools.get(key)
        if school is None:
            return False
        child["school_id"] = school
    if _differs(child, case) or _differs({c: getattr(r, f) for f, c in CASE_COLUMN.items()}, case):
        return False
    return (_contacts_unchanged(r, stored.contacts.get(case["child_id"], []))
            and _advice_unchanged(r, stored.advice.get(case_id, []), known.services)
            and all((e.ground, e.recorded) in stored.exceptions.get(case_id, ()) for e in r.exceptions))


def _contacts_unchanged(r: CaseRecord, contacts: list[Any]) -> bool:
    for c in r.contacts:
        current = next((x for x in contacts if x["main_correspondent"] == c.main_correspondent
                        and x["role"] == c.role), None)
        if current is None or _differs({f: getattr(c, f) for f in CONTACT_FIELDS}, current):
            return False
    return True


def _advice_unchanged(r: CaseRecord, advice: list[Any], services: dict[str, int]) -> bool:
    for a in r.advice:
        current = next((x for x in advice if x["kind"] == a.kind), None)
        if current is None:
            if a.requested is None:
                continue
            return False
        service = None
        if a.service:
            service = services.get(a.service)
            if service is None:
                return False
        if _differs({"requested_on": a.requested, "received_on": a.received, "service_id": service}, current):
            return False
    return True
