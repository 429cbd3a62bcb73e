"""The shared shape of every case command: load, check, change, validate, audit, commit.

A command runs in one transaction. It loads the case with its advice and exceptions, refuses a
stale ``expected_version``, applies its change, re-validates the whole request with the same rules
the import uses, writes one audit row with the values before and after, and commits. Any failure
rolls everything back, so nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, Problem, ValidationError
from caseworker.services.actor import Actor, require_writer
from caseworker.statutory.engine import AdviceFacts, ExceptionFacts, RequestFacts
from caseworker.statutory.preconditions import STEP_FIELD, step_blocked
from caseworker.statutory.validation import check_request
from caseworker.store.audit import audit, changes
from caseworker.store.models import AdviceRequest, AdviceService, Case, Staff

CASE_FIELDS = ("received_on", "request_source", "decision_to_assess", "decision_to_assess_on",
               "decision_to_issue", "decision_to_issue_on", "draft_sent_on", "draft_sent_by", "draft_served_on",
               "final_issued_on", "withdrawn_on", "withdrawn_reason", "caseworker_id", "named_setting_id")


def facts_of(case: Case) -> RequestFacts:
    """The engine's view of a stored case (its ORM rows already loaded)."""
    assert case.received_on is not None, "a plan in place has no request clock"
    return RequestFacts(
        reference=case.reference, received=case.received_on, child=case.child.full_name,
        caseworker=case.caseworker.username if case.caseworker else None,
        decision_to_assess=case.decision_to_assess, decision_to_assess_on=case.decision_to_assess_on,
        decision_to_issue=case.decision_to_issue, decision_to_issue_on=case.decision_to_issue_on,
        draft_sent=case.draft_sent_on, draft_served=case.draft_served_on, final_issued=case.final_issued_on,
        withdrawn=case.withdrawn_on, draft_sent_by=case.draft_sent_by,
        advice=[AdviceFacts(a.kind, a.requested_on, a.received_on, a.service.name if a.service else None, a.id,
                            a.sent_by, a.excused_ground)
                for a in case.advice_requests],
        exceptions=[ExceptionFacts(e.ground, e.recorded_on, e.note, e.began_on, e.ended_on)
                    for e in case.exceptions],
        id=case.id,
    )


def refuse_unless_possible(case: Case, step: str) -> None:
    """Refuse a step the request's present state does not allow (the forms show the same words)."""
    reason = step_blocked(facts_of(case), step)
    if reason is not None:
        raise ValidationError(Problem(STEP_FIELD[step], reason))


def snapshot(case: Case) -> dict[str, Any]:
    return {f: getattr(case, f) for f in CASE_FIELDS}


def load_case(session: Session, case_id: int) -> Case:
    case = session.scalar(select(Case).where(Case.id == case_id).options(
        selectinload(Case.advice_requests).selectinload(AdviceRequest.service),
        selectinload(Case.exceptions), selectinload(Case.child), selectinload(Case.caseworker)))
    if case is None:
        raise NotFound(f"there is no case with id {case_id}")
    return case


def case_id_for(ctx: AppContext, reference: str) -> int:
    with ctx.db.sessions() as s:
        cid = s.scalar(select(Case.id).where(Case.reference == reference))
    if cid is None:
        raise NotFound(f"there is no case with reference {reference!r}")
    return cid


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            f"case {case.reference} was changed by someone else since you opened it (your copy is "
            f"version {expected_version}, the stored one is {case.version}); reload it and try again")


def validate_case(ctx: AppContext, case: Case) -> None:
    problems = check_request(facts_of(case), ctx.today(), ctx.engine)
    if problems:
        raise ValidationError(problems)


@contextmanager
def writing(ctx: AppContext, what: str) -> Iterator[Session]:
    """A transaction that turns a lost optimistic-lock race into a ConflictError."""
    try:
        with ctx.db.session() as s:
            yield s
    except StaleDataError as exc:
        raise ConflictError(f"{what}: someone else saved a change at the same moment; reload and try "
                            "again") from exc


def change_case(ctx: AppContext, actor: Actor, case_id: int, action: str,
                change: Callable[[Session, Case], dict[str, Any] | None], *,
                expected_version: int | None = None) -> int:
    """Run one step on a case; returns the case's new version.

    ``change`` may return a description of rows it added (an advice request, an exception): it goes into
    the audit row's "after" beside the case's own changed fields.
    """
    require_writer(actor)
    with writing(ctx, action) as s:
        case = load_case(s, case_id)
        check_version(case, expected_version)
        if case.received_on is None:
            raise ValidationError(Problem("case", "this is a plan in place with no assessment request on record"))
        before = snapshot(case)
        added = change(s, case)
        # Every step bumps the case's version, even one that only adds a row (advice, an exception),
        # so two people recording steps on the same case at once cannot both succeed unseen.
        flag_modified(case, "reference")
        s.flush()
        s.expire(case, ["advice_requests", "exceptions", "existing_advice"])
        validate_case(ctx, case)
        b, a = changes(before, snapshot(case))
        a.update(added or {})
        audit(s, actor_id=actor.id, action=action, entity="case", entity_id=case.id, case_id=case.id,
              before=b, after=a)
        s.flush()
        return case.version


def service_id(session: Session, name: str | None, kind: str) -> int | None:
    """The advice service by name, added if new (services are named as the team knows them)."""
    if not name:
        return None
    sid = session.scalar(select(AdviceService.id).where(AdviceService.name == name))
    if sid is None:
        svc = AdviceService(name=name, kind=kind)
        session.add(svc)
        session.flush()
        sid = svc.id
    return sid


def staff_by_username(session: Session, username: str) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        raise NotFound(f"{username!r} is not on the staff list")
    return staff

