"""A plausible case history for the demo: one audit entry per step, dated the day it happened.

Real cases build their history as steps are recorded; demo cases are written in bulk, so without
this their History tab would be empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from caseworker.store.models import AuditEvent, Case, Staff
from caseworker.store.records import CaseRecord
from caseworker.store.writer import chunks


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _steps(r: CaseRecord) -> Iterator[tuple[date, str, dict[str, Any]]]:
    assert r.received is not None
    yield r.received, "register_request", {"received_on": r.received.isoformat()}
    if r.decision_to_assess_on is not None:
        yield r.decision_to_assess_on, "record_decision_to_assess", {
            "decision_to_assess": r.decision_to_assess, "decision_to_assess_on": r.decision_to_assess_on.isoformat()}
    for a in r.advice:
        if a.requested is not None:
            yield a.requested, "request_advice", {"kind": a.kind, "service": a.service,
                                                  "requested_on": a.requested.isoformat()}
        if a.received is not None:
            yield a.received, "record_advice_received", {"kind": a.kind, "received_on": a.received.isoformat()}
    for e in r.exceptions:
        yield e.recorded, f"record_exception_{e.ground}", {"ground": e.ground, "note": e.note}
    if r.decision_to_issue_on is not None:
        yield r.decision_to_issue_on, "record_decision_to_issue", {
            "decision_to_issue": r.decision_to_issue, "decision_to_issue_on": r.decision_to_issue_on.isoformat()}
    if r.draft_sent is not None:
        yield r.draft_sent, "record_draft_sent", {"draft_sent_on": r.draft_sent.isoformat()}
    if r.final_issued is not None:
        yield r.final_issued, "record_final_plan", {"final_issued_on": r.final_issued.isoformat()}
    if r.withdrawn is not None:
        yield r.withdrawn, "withdraw", {"withdrawn_on": r.withdrawn.isoformat(), "withdrawn_reason": r.withdrawn_reason}


def write_history(session: Session, requests: Sequence[CaseRecord], fallback_actor: int) -> int:
    """Audit rows for every step of the demo's requests; returns how many were written."""
    staff = dict(session.execute(select(Staff.username, Staff.id)).all())
    case_ids: dict[str, int] = {}
    for part in chunks([r.reference for r in requests]):
        case_ids.update(session.execute(select(Case.reference, Case.id).where(Case.reference.in_(part))).all())
    rows: list[dict[str, Any]] = []
    for r in requests:
        cid = case_ids[r.reference]
        actor = staff.get(r.caseworker or "", fallback_actor)
        for order, (day, action, after) in enumerate(sorted(_steps(r), key=lambda s: s[0])):
            rows.append({"at": _at(day, 9 + min(order, 8)), "actor_id": actor, "action": action,
                         "entity": "case", "entity_id": cid, "case_id": cid, "before": None, "after": after})
    for batch in chunks(rows, 5_000):
        session.execute(insert(AuditEvent).execution_options(render_nulls=True), list(batch))
    return len(rows)
