"""Writing what the demo records beyond a tracker row, after the cases are in: the kinds of settings,
who each advice service answers to, how advice requests went and their reg 8(2) excuses, exceptions'
dates, reg 6(4) advice already available, consultations and the settings plans name.

A handful of statements for the whole demo (multi-row inserts, one UPDATE run for many rows, and one
set-based UPDATE for the plans in place), so a national demo takes hardly longer than before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.orm import Session

from caseworker.demo.details import DemoRecord
from caseworker.demo.team import DemoSchool
from caseworker.store.models import (
    AdviceRequest,
    AdviceService,
    Case,
    Child,
    Consultation,
    ExistingAdvice,
    School,
    StatutoryException,
)
from caseworker.store.writer import bulk_insert, chunks


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def write_details(session: Session, requests: Sequence[DemoRecord], *, schools: Sequence[DemoSchool],
                  school_ids: dict[str, int], bodies: dict[str, str], service_ids: dict[str, int],
                  staff_ids: dict[str, int], actor: int) -> None:
    """``school_ids`` by URN and ``service_ids`` by name, as the writer added them."""
    _group_update(session, _table(School), "kind",
                  {school_ids[s.record.urn or s.name]: s.kind for s in schools})
    _group_update(session, _table(AdviceService), "body", {service_ids[name]: body for name, body in bodies.items()})
    cases = {ref: cid for ref, cid in session.execute(
        select(Case.reference, Case.id).where(Case.received_on.is_not(None)))}
    _advice(session, requests, cases)
    _exceptions(session, requests, cases)
    _existing_advice(session, requests, cases, staff_ids, actor)
    _consultations(session, requests, cases, school_ids)
    _named_settings(session, requests, cases, school_ids)


def _group_update(session: Session, table: Table, column: str, values: dict[int, str]) -> None:
    """Set ``column`` by id, one UPDATE per distinct value."""
    by_value: dict[str, list[int]] = {}
    for row_id, value in values.items():
        by_value.setdefault(value, []).append(row_id)
    for value, ids in sorted(by_value.items()):
        for part in chunks(sorted(ids)):
            session.execute(update(table).where(table.c.id.in_(list(part))).values({column: value}))


def _advice(session: Session, requests: Sequence[DemoRecord], cases: dict[str, int]) -> None:
    rows = []
    for r in requests:
        d = r.details
        for kind in sorted(set(d.sent_by) | d.covers_pfa | set(d.excuses)):
            excuse = d.excuses.get(kind)
            rows.append({"b_case": cases[r.reference], "b_kind": kind, "sent_by": d.sent_by.get(kind, "email"),
                         "covers_pfa": kind in d.covers_pfa, "excused_ground": excuse and excuse.ground,
                         "excused_from": excuse and excuse.began, "excused_to": excuse and excuse.ended,
                         "excused_note": excuse and excuse.note})
    if rows:
        t = _table(AdviceRequest)
        session.execute(update(t).where(and_(t.c.case_id == bindparam("b_case"), t.c.kind == bindparam("b_kind"))),
                        rows)


def _exceptions(session: Session, requests: Sequence[DemoRecord], cases: dict[str, int]) -> None:
    rows = [{"b_case": cases[r.reference], "b_ground": ground, "b_recorded": recorded, "began_on": began,
             "ended_on": ended}
            for r in requests for (ground, recorded), (began, ended) in r.details.exception_dates.items()
            if began != recorded or ended is not None]
    if rows:
        t = _table(StatutoryException)
        session.execute(update(t).where(and_(t.c.case_id == bindparam("b_case"), t.c.ground == bindparam("b_ground"),
                                             t.c.recorded_on == bindparam("b_recorded"))), rows)


def _existing_advice(session: Session, requests: Sequence[DemoRecord], cases: dict[str, int],
                     staff_ids: dict[str, int], actor: int) -> None:
    """Recorded with the decision to issue, by the caseworker who made it."""
    rows = []
    for r in requests:
        on: date | None = r.decision_to_issue_on
        for kind, reason in r.details.existing_advice.items():
            assert on is not None
            rows.append({"case_id": cases[r.reference], "kind": kind, "reason": reason, "recorded_on": on,
                         "recorded_by_id": staff_ids.get(r.caseworker or "", actor)})
    if rows:
        session.execute(bulk_insert(ExistingAdvice), rows)


def _consultations(session: Session, requests: Sequence[DemoRecord], cases: dict[str, int],
                   school_ids: dict[str, int]) -> None:
    rows = [{"case_id": cases[r.reference], "school_id": school_ids[c.school_urn], "sent_on": c.sent,
             "replied_on": c.replied, "reply": c.reply}
            for r in requests for c in r.details.consultations]
    if rows:
        session.execute(bulk_insert(Consultation), rows)


def _named_settings(session: Session, requests: Sequence[DemoRecord], cases: dict[str, int],
                    school_ids: dict[str, int]) -> None:
    """Plans issued in the last year name the setting drawn for them; plans in place name the child's
    own school or college (an under-5 at home, or a young person in work, has none)."""
    t = _table(Case)
    rows = [{"b_id": cases[r.reference], "named_setting_id": school_ids[r.details.named_setting_urn]}
            for r in requests if r.details.named_setting_urn is not None]
    if rows:
        session.execute(update(t).where(t.c.id == bindparam("b_id")), rows)
    own_school = select(Child.school_id).where(Child.id == t.c.child_id).scalar_subquery()
    session.execute(update(t).where(t.c.received_on.is_(None), t.c.final_issued_on.is_not(None))
                    .values(named_setting_id=own_school))
