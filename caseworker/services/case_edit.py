"""Correcting and completing the child's record once a request is registered: names, date of birth,
identifiers (UPN or why it is unknown, NHS number, ULN), postcode, SEN2 needs and current school.

The same checks as the new-request form and the tracker import (caseworker.services.person_checks,
statutory.validation); a new date of birth must still fit every request on record for the child. One
audit row per save with only the fields that changed, before and after; nothing is written when a
check fails, or when someone else changed the child since the form was opened (ConflictError).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, Problem, ValidationError
from caseworker.identifiers import normalise_nhs_number, normalise_postcode, normalise_uln, normalise_upn
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import writing
from caseworker.services.person_checks import check_identifier, check_lengths, check_needs, check_upn_unknown
from caseworker.statutory.rules import Rules
from caseworker.statutory.validation import check_child, check_names
from caseworker.store.audit import audit, changes
from caseworker.store.models import Case, Child, School

NAME_LIMIT = 100  # Child.forename and Child.surname
# The child's fields a save may change, in the order the history shows them.
CHILD_FIELDS = ("forename", "surname", "date_of_birth", "upn", "upn_unknown_reason", "nhs_number", "uln",
                "postcode", "primary_need", "secondary_need")


@dataclass(frozen=True, slots=True)
class ChildEdit:
    """The child as the form has it: every field, blank (None) where not known."""

    forename: str
    surname: str
    date_of_birth: date
    upn: str | None = None
    upn_unknown_reason: str | None = None
    nhs_number: str | None = None
    uln: str | None = None
    postcode: str | None = None
    primary_need: str | None = None
    secondary_need: str | None = None
    school_id: int | None = None


def check_child_details(child: ChildEdit, rules: Rules, today: date, *,
                        received: date | None = None) -> tuple[list[Problem], dict[str, Any]]:
    """Every problem with the child's details by field, and the values as they will be stored.

    The rules the new-request form and the import apply: names given and not a spreadsheet formula,
    identifiers that pass their checks, SEN2 codes, a date of birth not in the future (nor after the
    request ``received``, when a new one is being registered).
    """
    p: list[Problem] = []
    forename, surname = child.forename.strip(), child.surname.strip()
    if not forename:
        p.append(Problem("forename", "give the child's forename"))
    if not surname:
        p.append(Problem("surname", "give the child's surname"))
    check_names(p, {"forename": forename, "surname": surname})
    check_lengths(p, {"forename": forename, "surname": surname}, {"forename": NAME_LIMIT, "surname": NAME_LIMIT})
    check_child(p, child.date_of_birth, today, received=received)
    values: dict[str, Any] = {
        "forename": forename, "surname": surname, "date_of_birth": child.date_of_birth,
        "upn": check_identifier(p, "upn", child.upn, normalise_upn),
        "nhs_number": check_identifier(p, "nhs_number", child.nhs_number, normalise_nhs_number),
        "uln": check_identifier(p, "uln", child.uln, normalise_uln),
        "postcode": check_identifier(p, "postcode", child.postcode, normalise_postcode),
        "upn_unknown_reason": child.upn_unknown_reason or None,
        "primary_need": child.primary_need or None, "secondary_need": child.secondary_need or None,
    }
    check_upn_unknown(p, (child.upn or "").strip() or None, values["upn_unknown_reason"])
    check_needs(p, values["primary_need"], values["secondary_need"], rules)
    return p, values


def school_on_list(s: Session, school_id: int | None) -> int | None:
    """The child's school must be one on the council's list (letters may then go to it)."""
    if school_id is not None and s.get(School, school_id) is None:
        raise ValidationError(Problem("school", "that school is not on the council's list"))
    return school_id


def birth_fits_case(born: date, today: date, reference: str, received: date | None,
                    final_issued: date | None) -> list[Problem]:
    """A date of birth against one request (or plan in place): born by then and at most 25 (check_child),
    each problem beside the date of birth and naming the case."""
    found: list[Problem] = []
    check_child(found, born, today, received=received, final_issued=None if received else final_issued)
    return [Problem("date_of_birth", f"{_about_birth(f.reason)} ({reference})") for f in found
            if f.reason != "the date of birth is in the future"]


def _about_birth(reason: str) -> str:
    """check_child words one problem as about the request's date; on this form it is about the birth."""
    if reason == "the request is dated before the child was born":
        return "the request was received before this date of birth"
    return reason


def dates_still_fit(s: Session, child_id: int, born: date, today: date) -> list[Problem]:
    """A date of birth checked against every request (or plan in place) on record for the child."""
    p: list[Problem] = []
    for reference, received, issued in s.execute(
            select(Case.reference, Case.received_on, Case.final_issued_on).where(Case.child_id == child_id)
            .order_by(Case.id)):
        p += birth_fits_case(born, today, reference, received, issued)
    return p


def _snapshot(s: Session, child: Child) -> dict[str, Any]:
    shown = {f: getattr(child, f) for f in CHILD_FIELDS}
    school = s.get(School, child.school_id) if child.school_id is not None else None
    shown["school"] = school.name if school is not None else None
    return shown


def edit_child(ctx: AppContext, actor: Actor, case_id: int, edit: ChildEdit, *,
               expected_version: int | None = None) -> int:
    """Save the child's details from a case's record; returns the child's new version.

    ``expected_version`` is the child's version when the form was opened: a colleague's save in the
    meantime is a ConflictError, not overwritten.
    """
    require_writer(actor)
    today = ctx.today()
    problems, values = check_child_details(edit, ctx.engine.rules, today)
    if problems:
        raise ValidationError(problems)
    with writing(ctx, "edit the child") as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound(f"there is no case with id {case_id}")
        child = s.get(Child, case.child_id)
        assert child is not None  # the foreign key holds it
        if expected_version is not None and child.version != expected_version:
            raise ConflictError(f"{child.full_name}'s details were changed by someone else since you opened the "
                                "case; reload it to see their change and try again")
        values["school_id"] = school_on_list(s, edit.school_id)
        if values["date_of_birth"] != child.date_of_birth:
            problems = dates_still_fit(s, child.id, values["date_of_birth"], today)
            if problems:
                raise ValidationError(problems)
        before = _snapshot(s, child)
        for field, value in values.items():
            setattr(child, field, value)
        b, a = changes(before, _snapshot(s, child))
        if not a:
            return child.version  # nothing changed: no audit row, no new version
        s.flush()
        audit(s, actor_id=actor.id, action="edit_child", entity="child", entity_id=child.id, case_id=case.id,
              before=b, after=a)
        return child.version
