"""Correct a step's recorded date, or undo a step recorded in error, always with a reason.

Any writer (caseworker, team lead, admin) may; a read-only user may not. Like every step it runs in one
transaction: the case is loaded, a stale copy refused, the change checked with the same rules the steps
and the import use (caseworker/statutory/corrections.py: the whole request re-validated, and for an
undo the order of the process, naming the later step to undo first), then written with one audit row,
``correct_step`` or ``undo_step``, holding the values before and after, the step and the reason. The
original step's own audit row is never touched, so the history shows both.

Dates in the audit row are keyed as letters key the dates they state (``decision_to_assess_on``,
``advice:12.requested_on``), so the letter log can say when a date a letter states was corrected.
What undoing each step does: ``caseworker.statutory.corrections.UNDO`` and docs/corrections.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.context import AppContext
from caseworker.errors import Problem, ValidationError
from caseworker.letters.rests_on import row_key
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import check_version, facts_of, load_case, validate_case, writing
from caseworker.statutory.corrections import (
    RecordedStep,
    correction_problems,
    find_step,
    recorded_steps,
    undo_problems,
)
from caseworker.store.audit import audit
from caseworker.store.models import AdviceRequest, Case, StatutoryException

CORRECT, UNDO = "correct_step", "undo_step"
# The columns undoing each of the case's own steps clears.
CASE_COLUMNS = {"decision_to_assess": ("decision_to_assess", "decision_to_assess_on"),
                "decision_to_issue": ("decision_to_issue", "decision_to_issue_on"),
                "draft_sent": ("draft_sent_on", "draft_served_on"), "final_plan": ("final_issued_on",),
                "withdraw": ("withdrawn_on", "withdrawn_reason")}
EXCUSE_COLUMNS = ("excused_ground", "excused_from", "excused_to", "excused_note")
Row = Case | AdviceRequest | StatutoryException


def steps_on_record(ctx: AppContext, case_id: int) -> list[RecordedStep]:
    """Every step recorded on a case, with its dates, as the correction form offers them."""
    with ctx.db.sessions() as s:
        case = _request(s, case_id)
        return recorded_steps(facts_of(case), [e.id for e in case.exceptions])


def correct_step(ctx: AppContext, actor: Actor, case_id: int, key: str, column: str, new: date | None, reason: str,
                 *, expected_version: int | None = None) -> int:
    """Change one recorded date of step ``key`` (``column``: decision_to_assess_on, requested_on, began_on, ...)
    to ``new`` (None clears a date that may be left out). Returns the case's new version."""
    require_writer(actor)
    with writing(ctx, "correct a step") as s:
        case = _request(s, case_id)
        check_version(case, expected_version)
        facts, ids = facts_of(case), [e.id for e in case.exceptions]
        problems = correction_problems(facts, ids, key, column, new, reason, ctx.today(), ctx.engine,
                                       case.child.date_of_birth)
        if problems:
            raise ValidationError(problems)
        step = find_step(facts, ids, key)
        assert step is not None  # correction_problems refuses a step not on record
        row = _row(case, step)
        old = getattr(row, column)
        setattr(row, column, new)
        _revalidate(ctx, s, case)
        where = _key(step, column)
        audit(s, actor_id=actor.id, action=CORRECT, entity=_entity(row), entity_id=row.id, case_id=case.id,
              before={where: old}, after={where: new, "step": key, "what": step.what, "reason": reason.strip()})
        s.flush()
        return case.version


def undo_step(ctx: AppContext, actor: Actor, case_id: int, key: str, reason: str, *,
              expected_version: int | None = None) -> int:
    """Take step ``key`` off the record (what that means per step: ``UNDO`` in statutory.corrections).
    Returns the case's new version."""
    require_writer(actor)
    with writing(ctx, "undo a step") as s:
        case = _request(s, case_id)
        check_version(case, expected_version)
        facts, ids = facts_of(case), [e.id for e in case.exceptions]
        problems = undo_problems(facts, ids, key, reason, ctx.today(), ctx.engine)
        if problems:
            raise ValidationError(problems)
        step = find_step(facts, ids, key)
        assert step is not None
        row = _row(case, step)
        entity, entity_id = _entity(row), row.id
        before, after = _take_off(s, row, step)
        _revalidate(ctx, s, case)
        audit(s, actor_id=actor.id, action=UNDO, entity=entity, entity_id=entity_id, case_id=case.id,
              before=before, after=after | {"step": key, "what": step.what, "reason": reason.strip()})
        s.flush()
        return case.version


def _request(s: Session, case_id: int) -> Case:
    case = load_case(s, case_id)
    if case.received_on is None:
        raise ValidationError(Problem("case", "this is a plan in place with no assessment request on record"))
    return case


def _row(case: Case, step: RecordedStep) -> Row:
    """Where the step is stored: the case itself, an advice request or an exception."""
    if step.kind == "exception":
        return next(e for e in case.exceptions if e.id == step.row_id)
    if step.kind.startswith("advice_"):
        return next(a for a in case.advice_requests if a.id == step.row_id)
    return case


def _entity(row: Row) -> str:
    return {Case: "case", AdviceRequest: "advice_request", StatutoryException: "statutory_exception"}[type(row)]


def _key(step: RecordedStep, column: str) -> str:
    """The audit key of a date: the case's column, or ``advice:12.requested_on`` for a row's."""
    if step.kind == "exception":
        return row_key("exception", step.row_id or 0, column)
    if step.kind.startswith("advice_"):
        return row_key("advice", step.row_id or 0, column)
    return column


def _take_off(s: Session, row: Row, step: RecordedStep) -> tuple[dict[str, Any], dict[str, Any]]:
    """Undo ``step`` on ``row``; the values before and after, keyed for the audit row."""
    if isinstance(row, Case):
        columns: tuple[str, ...] = CASE_COLUMNS[step.kind]
    elif step.kind == "advice_received":
        columns = ("received_on",)
    elif step.kind == "advice_excuse":
        columns = EXCUSE_COLUMNS
    else:  # the whole advice request or exception, recorded in error: its row goes, the audit keeps it
        return _delete(s, row, step)
    before = {_key(step, c): getattr(row, c) for c in columns}
    for column in columns:
        setattr(row, column, None)
    return before, dict.fromkeys(before)


def _delete(s: Session, row: Row, step: RecordedStep) -> tuple[dict[str, Any], dict[str, Any]]:
    if isinstance(row, AdviceRequest):
        dates: tuple[str, ...] = ("requested_on", "received_on", "excused_from", "excused_to")
        kept: dict[str, Any] = {"kind": row.kind, "service": row.service.name if row.service else None,
                                "sent_by": row.sent_by, "covers_pfa": row.covers_pfa,
                                "document_id": row.document_id}
    else:
        assert isinstance(row, StatutoryException)
        dates = ("began_on", "ended_on", "recorded_on")
        kept = {"ground": row.ground, "note": row.note}
    before = {_key(step, c): getattr(row, c) for c in dates}
    s.delete(row)
    return before | {step.kind: kept}, dict.fromkeys(before) | {step.kind: None}


def _revalidate(ctx: AppContext, s: Session, case: Case) -> None:
    """The whole request checked again as stored, as every step is (a safety net under the checks above)."""
    flag_modified(case, "reference")  # the case's version moves with every change recorded on it
    s.flush()
    s.expire(case, ["advice_requests", "exceptions"])
    validate_case(ctx, case)
