"""The steps of the 20-week process, each a command a caseworker records as it happens.

Every function takes the application context and the acting staff member, and either commits the
whole step (with its audit row) or raises ValidationError / PermissionDenied / ConflictError /
NotFound having written nothing. Dates are checked against ``ctx.today()`` and the rest of the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.context import AppContext
from caseworker.errors import ConflictError, Problem, ValidationError
from caseworker.identifiers import normalise_nhs_number, normalise_postcode, normalise_upn
from caseworker.services.actor import Actor, require_allocator, require_writer
from caseworker.services.advice import add_existing_advice, advice_for_change, check_sent_by
from caseworker.services.case_edit import ChildEdit, check_child_details, school_on_list
from caseworker.services.casefile import (
    change_case,
    check_version,
    load_case,
    refuse_unless_possible,
    service_id,
    staff_by_username,
    validate_case,
    writing,
)
from caseworker.services.duplicates import ChildDetails, matches_for
from caseworker.services.person_checks import check_email, check_identifier, check_phone, whole_name
from caseworker.statutory.engine import ExceptionFacts
from caseworker.statutory.validation import check_exception, check_names, check_received
from caseworker.store.audit import audit
from caseworker.store.models import AdviceRequest, Allocation, Case, Child, Contact, StatutoryException
from caseworker.vocabulary import short_date


@dataclass
class NewRequest:
    """What the team knows when a request for an EHC needs assessment arrives."""

    forename: str
    surname: str
    date_of_birth: date
    received: date
    reference: str | None = None
    request_source: str | None = None
    upn: str | None = None
    postcode: str | None = None
    primary_need: str | None = None
    caseworker: str | None = None
    contact_name: str | None = None
    contact_role: str = "parent"
    contact_address: str | None = None
    contact_postcode: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    # Title, forename and surname apart, so letters greet "Dear Ms Price"; contact_name is the whole name
    # when only that is known.
    contact_title: str | None = None
    contact_forename: str | None = None
    contact_surname: str | None = None
    nhs_number: str | None = None
    school_id: int | None = None  # the child's current school, from the council's list
    # Why this is a second open request for a child who already has one (the window asks).
    duplicate_reason: str | None = None

    @property
    def contact_whole_name(self) -> str | None:
        return whole_name(self.contact_forename, self.contact_surname) or self.contact_name


def check_new_request(ctx: AppContext, req: NewRequest) -> list[Problem]:
    today = ctx.today()
    # The child as the case record's edit form checks it, by the tracker import's rules (io/checks.py).
    p, _ = check_child_details(ChildEdit(req.forename, req.surname, req.date_of_birth, upn=req.upn,
                                         nhs_number=req.nhs_number, postcode=req.postcode,
                                         primary_need=req.primary_need), ctx.engine.rules, today, received=req.received)
    check_names(p, {"contact_name": req.contact_name, "contact_forename": req.contact_forename,
                    "contact_surname": req.contact_surname})
    if req.received > today:
        p.append(Problem("request_received", "the request cannot be received after today"))
    check_received(p, req.received, ctx.engine)
    has_contact_details = any((req.contact_address, req.contact_postcode, req.contact_email, req.contact_phone,
                               req.contact_title, req.contact_forename))
    if has_contact_details and not (req.contact_whole_name or "").strip():
        p.append(Problem("contact_name", "give the main contact's name, or clear their details"))
    elif (req.contact_title or req.contact_forename) and not (req.contact_surname or "").strip():
        p.append(Problem("contact_surname", "give the main contact's surname too"))
    check_email(p, "contact_email", req.contact_email)
    check_phone(p, "contact_phone", req.contact_phone)
    if req.request_source and req.request_source not in ctx.engine.rules.request_sources:
        p.append(Problem("request_source", f"use one of {', '.join(ctx.engine.rules.request_sources)}"))
    check_identifier(p, "contact_postcode", req.contact_postcode, normalise_postcode)
    return p


def next_reference(session: Session, year: int) -> str:
    """The next free reference of the form EHC-YYYY-NNNN."""
    prefix = f"EHC-{year}-"
    count = session.scalar(select(func.count()).select_from(Case).where(Case.reference.like(f"{prefix}%")))
    n = (count or 0) + 1
    while reference_in_use(session, f"{prefix}{n:04d}"):
        n += 1
    return f"{prefix}{n:04d}"


def register_request(ctx: AppContext, actor: Actor, req: NewRequest) -> int:
    """Open a case for a new request; the 20-week clock starts on the day it was received."""
    require_writer(actor)
    problems = check_new_request(ctx, req)
    if problems:
        raise ValidationError(problems)
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            return _register(ctx, actor, req)
        except IntegrityError as exc:
            # Someone registered a request at the same moment and took the reference first.
            if req.reference or "reference" not in str(exc.orig):
                raise
    raise ConflictError("could not find a free reference while colleagues were registering requests; try again")


REFERENCE_ATTEMPTS = 10


def reference_in_use(s: Session, reference: str) -> bool:
    """References are the same whatever their case: "ehc-2025-0001" is EHC-2025-0001."""
    return s.scalar(select(Case.id).where(func.lower(Case.reference) == reference.lower())) is not None


def _register(ctx: AppContext, actor: Actor, req: NewRequest) -> int:
    with writing(ctx, "register request") as s:
        reference = req.reference or next_reference(s, req.received.year)
        if req.reference and reference_in_use(s, reference):
            raise ValidationError(Problem("reference", f"{reference} is already in use"))
        caseworker_id = staff_by_username(s, req.caseworker).id if req.caseworker else None
        child = Child(forename=req.forename.strip(), surname=req.surname.strip(),
                      date_of_birth=req.date_of_birth, primary_need=req.primary_need,
                      upn=normalise_upn(req.upn) if req.upn else None,
                      postcode=normalise_postcode(req.postcode) if req.postcode else None,
                      nhs_number=normalise_nhs_number(req.nhs_number) if req.nhs_number else None,
                      school_id=school_on_list(s, req.school_id))
        s.add(child)
        s.flush()
        if req.contact_whole_name:
            s.add(Contact(child_id=child.id, role=req.contact_role, name=req.contact_whole_name,
                          title=req.contact_title or None, forename=req.contact_forename or None,
                          surname=req.contact_surname or None, phone=check_phone([], "", req.contact_phone),
                          address=req.contact_address, email=req.contact_email, main_correspondent=True,
                          postcode=normalise_postcode(req.contact_postcode) if req.contact_postcode else None))
        refuse_second_open_request(s, req)  # after the fields' own checks (the school on the list)
        case = Case(reference=reference, child_id=child.id, caseworker_id=caseworker_id,
                    received_on=req.received, keyed_on=ctx.today(), request_source=req.request_source,
                    duplicate_reason=(req.duplicate_reason or "").strip() or None)
        s.add(case)
        s.flush()
        if caseworker_id is not None:
            s.add(Allocation(case_id=case.id, staff_id=caseworker_id, from_on=ctx.today(),
                             reason="allocated on registration", by_id=actor.id))
        audit(s, actor_id=actor.id, action="register_request", entity="case", entity_id=case.id,
              case_id=case.id, after={"reference": reference, "child": f"{child.forename} {child.surname}",
                                      "received_on": req.received, "caseworker_id": caseworker_id,
                                      "duplicate_reason": case.duplicate_reason})
        return case.id


def refuse_second_open_request(s: Session, req: NewRequest) -> None:
    """A child with an open request gets a second one only with a reason (checked inside the transaction,
    so two people registering the same child at once cannot both slip through unseen)."""
    if (req.duplicate_reason or "").strip():
        return
    child = ChildDetails(req.forename, req.surname, req.date_of_birth, req.upn, req.nhs_number)
    open_ones = [m for m in matches_for(s, [child]).get(0, []) if m.is_open]
    if open_ones:
        raise ValidationError(Problem("duplicate", f"{open_ones[0].describe()}; open that case, or say why this "
                                                   "is a second request for the same child"))


def record_decision_to_assess(ctx: AppContext, actor: Actor, case_id: int, assess: bool, on: date, *,
                              expected_version: int | None = None) -> int:
    def change(_s: Session, case: Case) -> None:
        refuse_unless_possible(case, "decision_to_assess")
        case.decision_to_assess, case.decision_to_assess_on = assess, on

    return change_case(ctx, actor, case_id, "record_decision_to_assess", change,
                       expected_version=expected_version)


def request_advice(ctx: AppContext, actor: Actor, case_id: int, kind: str, requested_on: date, *,
                   service: str | None = None, sent_by: str = "email", covers_pfa: bool = False,
                   expected_version: int | None = None) -> int:
    """Ask an adviser for advice; their own 6-week clock runs from the day they receive the request
    (the day sent, or for post the second working day after). Returns the advice id."""
    if kind not in ctx.engine.rules.advice_kinds:
        raise ValidationError(Problem("kind", f"{kind!r} is not a kind of advice"))
    check_sent_by(sent_by, "sent_by")
    created: list[AdviceRequest] = []

    def change(s: Session, case: Case) -> dict[str, Any]:
        refuse_unless_possible(case, "request_advice")
        advice = AdviceRequest(case_id=case.id, kind=kind, requested_on=requested_on, sent_by=sent_by,
                               covers_pfa=covers_pfa, service_id=service_id(s, service, kind))
        s.add(advice)
        created.append(advice)
        return {"advice": {"kind": kind, "requested_on": requested_on, "sent_by": sent_by, "service": service,
                           "covers_pfa": covers_pfa}}

    change_case(ctx, actor, case_id, "request_advice", change, expected_version=expected_version)
    return created[0].id


def record_advice_received(ctx: AppContext, actor: Actor, advice_id: int, received_on: date, *,
                           expected_version: int | None = None) -> int:
    require_writer(actor)
    with writing(ctx, "record advice received") as s:
        advice = advice_for_change(s, advice_id, expected_version)
        if advice.received_on is not None:
            raise ValidationError(Problem("received", f"advice was already recorded as received on "
                                                      f"{short_date(advice.received_on)}"))
        case = load_case(s, advice.case_id)
        refuse_unless_possible(case, "advice_received")
        before = advice.received_on
        advice.received_on = received_on
        flag_modified(case, "reference")  # the case's version moves with every step recorded on it
        s.flush()
        s.expire(case, ["advice_requests"])
        validate_case(ctx, case)
        audit(s, actor_id=actor.id, action="record_advice_received", entity="advice_request",
              entity_id=advice.id, case_id=case.id, before={"received_on": before},
              after={"received_on": received_on})
        return advice.version


def record_decision_to_issue(ctx: AppContext, actor: Actor, case_id: int, issue: bool, on: date, *,
                             existing_advice: Mapping[str, str] | None = None,
                             expected_version: int | None = None) -> int:
    """``existing_advice``: for a kind reg 6(1) requires but nobody was asked for, the reason advice
    already available was used instead (reg 6(4)); see ``advice_missing``."""
    def change(s: Session, case: Case) -> dict[str, Any] | None:
        refuse_unless_possible(case, "decision_to_issue")
        case.decision_to_issue, case.decision_to_issue_on = issue, on
        return add_existing_advice(s, case, existing_advice or {}, actor, ctx.today())

    return change_case(ctx, actor, case_id, "record_decision_to_issue", change,
                       expected_version=expected_version)


def record_draft_sent(ctx: AppContext, actor: Actor, case_id: int, sent_on: date, *, sent_by: str = "email",
                      served_on: date | None = None, existing_advice: Mapping[str, str] | None = None,
                      expected_version: int | None = None) -> int:
    """Record the draft plan sent; the family's 15 days begin with the day it is served: the day sent,
    for post the second working day after, or ``served_on`` when another day is known."""
    check_sent_by(sent_by, "draft_plan_sent_by")

    def change(s: Session, case: Case) -> dict[str, Any] | None:
        refuse_unless_possible(case, "draft_sent")
        case.draft_sent_on, case.draft_sent_by, case.draft_served_on = sent_on, sent_by, served_on
        return add_existing_advice(s, case, existing_advice or {}, actor, ctx.today())

    return change_case(ctx, actor, case_id, "record_draft_sent", change, expected_version=expected_version)


def record_final_plan(ctx: AppContext, actor: Actor, case_id: int, issued_on: date, *,
                      expected_version: int | None = None) -> int:
    def change(_s: Session, case: Case) -> None:
        refuse_unless_possible(case, "final_plan")
        case.final_issued_on = issued_on

    return change_case(ctx, actor, case_id, "record_final_plan", change, expected_version=expected_version)


def record_exception(ctx: AppContext, actor: Actor, case_id: int, ground: str, recorded_on: date,
                     note: str = "", *, began_on: date | None = None, ended_on: date | None = None,
                     expected_version: int | None = None) -> int:
    """Record an exception: it switches off the deadlines its ground and dates excuse, without moving
    them (docs/law.md#exceptions). ``began_on`` defaults to the day it is recorded."""
    def change(s: Session, case: Case) -> dict[str, Any]:
        refuse_unless_possible(case, "exception")
        began = began_on or recorded_on
        problems: list[Problem] = []
        assert case.received_on is not None  # change_case refuses a plan in place
        check_exception(problems, ExceptionFacts(ground, recorded_on, note, began, ended_on), case.received_on,
                        ctx.today(), ctx.engine)
        if problems:  # before the row is written: the database would refuse some of these less clearly
            raise ValidationError(problems)
        s.add(StatutoryException(case_id=case.id, ground=ground, recorded_on=recorded_on, note=note,
                                 began_on=began, ended_on=ended_on, recorded_by_id=actor.id))
        return {"exception": {"ground": ground, "began_on": began, "ended_on": ended_on,
                              "recorded_on": recorded_on, "note": note}}

    if ground not in ctx.engine.rules.exception_grounds:
        raise ValidationError(Problem("exception_ground", f"{ground!r} is not a ground (use a, b, c or d)"))
    return change_case(ctx, actor, case_id, f"record_exception_{ground}", change,
                       expected_version=expected_version)


def withdraw(ctx: AppContext, actor: Actor, case_id: int, on: date, reason: str, *,
             expected_version: int | None = None) -> int:
    def change(_s: Session, case: Case) -> None:
        if not reason.strip():
            raise ValidationError(Problem("withdrawn_reason", "say why the request was withdrawn"))
        refuse_unless_possible(case, "withdraw")
        case.withdrawn_on, case.withdrawn_reason = on, reason.strip()

    return change_case(ctx, actor, case_id, "withdraw", change, expected_version=expected_version)


def reallocate(ctx: AppContext, actor: Actor, case_id: int, to_username: str, reason: str, *,
               expected_version: int | None = None, family_letter: bool = False) -> int:
    """Move a case to another caseworker (team leads and admins only); the history keeps both spells.

    ``family_letter`` asks for the change-of-caseworker letter: it then waits in "Letters to send".
    """
    require_allocator(actor)
    if not reason.strip():
        raise ValidationError(Problem("reason", "say why the case is moving"))
    with writing(ctx, "reallocate") as s:
        case = load_case(s, case_id)
        check_version(case, expected_version)
        to = staff_by_username(s, to_username)
        if not to.active:
            raise ValidationError(Problem("caseworker", f"{to.username} is not an active member of staff"))
        if to.role == "read_only":
            raise ValidationError(Problem("caseworker", f"{to.username} has a read-only role"))
        if case.caseworker_id == to.id:
            raise ValidationError(Problem("caseworker", f"the case is already with {to.username}"))
        today = ctx.today()
        current = s.scalar(select(Allocation).where(Allocation.case_id == case.id, Allocation.to_on.is_(None)))
        if current is not None:
            current.to_on = today
        before = case.caseworker_id
        case.caseworker_id = to.id
        s.add(Allocation(case_id=case.id, staff_id=to.id, from_on=today, reason=reason.strip(), by_id=actor.id,
                         family_letter=family_letter))
        s.flush()
        audit(s, actor_id=actor.id, action="reallocate", entity="case", entity_id=case.id, case_id=case.id,
              before={"caseworker_id": before},
              after={"caseworker_id": to.id, "reason": reason.strip(), "family_letter": family_letter})
        return case.version
