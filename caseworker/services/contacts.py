"""The child's contacts (parents, carers, the young person): add, change and end them from a case.

A contact is never deleted: it is ended from a date, after which letters are no longer offered to
them, while the letters already made to them stay in the log. Among the current contacts exactly one
is the main correspondent, whom letters to "the family" go to: the first contact added is, marking
another unmarks the one before, and the main correspondent is ended only once someone else is chosen.
``name`` is the whole name letters print (forename and surname; the title is kept apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, Problem, ValidationError
from caseworker.identifiers import normalise_postcode
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import writing
from caseworker.services.person_checks import (
    check_control,
    check_email,
    check_identifier,
    check_lengths,
    check_phone,
    whole_name,
)
from caseworker.statutory.validation import check_names
from caseworker.store.audit import audit, changes
from caseworker.store.models import CONTACT_ROLES, Case, Contact
from caseworker.vocabulary import short_date

# The columns' lengths (store.models.Contact); an address as the import takes it.
LIMITS = {"title": 20, "forename": 100, "surname": 100, "relationship_to_child": 60, "address": 1000,
          "email": 200, "phone": 50}
FIELDS = ("role", "title", "forename", "surname", "name", "relationship_to_child", "address", "postcode", "phone",
          "email", "main_correspondent")


@dataclass(frozen=True, slots=True)
class ContactEdit:
    """A contact as the form has it (None or blank where not known)."""

    role: str
    surname: str
    forename: str | None = None
    title: str | None = None
    relationship_to_child: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    main_correspondent: bool = False


def _blank(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def check_contact(edit: ContactEdit) -> tuple[list[Problem], dict[str, Any]]:
    """Every problem with a contact's details by field, and the values as they will be stored."""
    p: list[Problem] = []
    values: dict[str, Any] = {f: _blank(getattr(edit, f)) for f in
                              ("title", "forename", "surname", "relationship_to_child", "address")}
    if edit.role not in CONTACT_ROLES:
        p.append(Problem("role", f"choose one of: {', '.join(CONTACT_ROLES)}"))
    if values["surname"] is None:
        p.append(Problem("surname", "give the contact's surname"))
    if values["forename"] is None and values["title"] is None:
        p.append(Problem("forename", "give the contact's forename, or a title to greet them by (Ms, Mr, Dr)"))
    check_names(p, {f: values[f] for f in ("title", "forename", "surname", "relationship_to_child")})
    check_lengths(p, {**values, "email": edit.email, "phone": edit.phone}, LIMITS)
    check_control(p, {"address": values["address"], "email": edit.email})
    values.update(
        role=edit.role, name=whole_name(values["forename"], values["surname"]),
        postcode=check_identifier(p, "postcode", edit.postcode, normalise_postcode),
        email=check_email(p, "email", edit.email), phone=check_phone(p, "phone", edit.phone),
        main_correspondent=edit.main_correspondent)
    return p, values


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {f: getattr(contact, f) for f in FIELDS} | {"ended_on": contact.ended_on}


def _current(s: Session, child_id: int) -> list[Contact]:
    return list(s.scalars(select(Contact).where(Contact.child_id == child_id, Contact.ended_on.is_(None))
                          .order_by(Contact.id)))


def _case(s: Session, case_id: int) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise NotFound(f"there is no case with id {case_id}")
    return case


def _young_person_once(values: dict[str, Any], others: list[Contact]) -> None:
    """The young person is one contact: a second would leave letters unsure whom to address."""
    if values["role"] == "young_person" and any(c.role == "young_person" for c in others):
        raise ValidationError(Problem("role", "the young person is already a contact: change that contact instead"))


def _mark_main(s: Session, contact: Contact, others: list[Contact]) -> str | None:
    """Make ``contact`` the one main correspondent; the name of the one it replaces, if any."""
    replaced = None
    for other in others:
        if other.id != contact.id and other.main_correspondent:
            other.main_correspondent = False
            replaced = other.name
    contact.main_correspondent = True
    return replaced


def add_contact(ctx: AppContext, actor: Actor, case_id: int, edit: ContactEdit) -> int:
    """Add a contact for the case's child; the first current contact is the main correspondent."""
    require_writer(actor)
    problems, values = check_contact(edit)
    _refuse(problems)
    with writing(ctx, "add a contact") as s:
        case = _case(s, case_id)
        current = _current(s, case.child_id)
        _young_person_once(values, current)
        contact = Contact(child_id=case.child_id, **{**values, "main_correspondent": False})
        s.add(contact)
        s.flush()
        replaced = None
        if values["main_correspondent"] or not any(c.main_correspondent for c in current):
            replaced = _mark_main(s, contact, current)
        s.flush()
        after = {k: v for k, v in _snapshot(contact).items() if v not in (None, "")}
        if replaced is not None:
            after["instead_of"] = replaced
        audit(s, actor_id=actor.id, action="add_contact", entity="contact", entity_id=contact.id, case_id=case.id,
              after=after)
        return contact.id


def _for_change(s: Session, case_id: int, contact_id: int, expected_version: int | None) -> tuple[Case, Contact]:
    case = _case(s, case_id)
    contact = s.get(Contact, contact_id)
    if contact is None or contact.child_id != case.child_id:
        raise NotFound(f"contact {contact_id} is not a contact of case {case.reference}")
    if expected_version is not None and contact.version != expected_version:
        raise ConflictError(f"{contact.name}'s details were changed by someone else since you opened the case; "
                            "reload it to see their change and try again")
    if contact.ended_on is not None:
        raise ValidationError(Problem("", f"{contact.name} was ended as a contact on {short_date(contact.ended_on)}: "
                                          "add them again if they are a contact once more"))
    return case, contact


def change_contact(ctx: AppContext, actor: Actor, case_id: int, contact_id: int, edit: ContactEdit, *,
                   expected_version: int | None = None) -> int:
    """Correct or complete a current contact; returns its new version."""
    require_writer(actor)
    problems, values = check_contact(edit)
    _refuse(problems)
    with writing(ctx, "change a contact") as s:
        case, contact = _for_change(s, case_id, contact_id, expected_version)
        others = [c for c in _current(s, case.child_id) if c.id != contact.id]
        _young_person_once(values, others)
        if contact.main_correspondent and not values["main_correspondent"] and others:
            raise ValidationError(Problem("main_correspondent", f"{contact.name} is the main correspondent: make "
                                                                "another contact the main correspondent instead"))
        before = _snapshot(contact)
        for field, value in values.items():
            if field != "main_correspondent":
                setattr(contact, field, value)
        replaced = _mark_main(s, contact, others) if values["main_correspondent"] else None
        if not values["main_correspondent"] and not any(o.main_correspondent for o in others):
            contact.main_correspondent = True  # letters need someone: no other current contact is marked
        b, a = changes(before, _snapshot(contact))
        if not a:
            return contact.version
        if replaced is not None:
            a["instead_of"] = replaced
        s.flush()
        audit(s, actor_id=actor.id, action="change_contact", entity="contact", entity_id=contact.id,
              case_id=case.id, before=b, after=a)
        return contact.version


def end_contact(ctx: AppContext, actor: Actor, case_id: int, contact_id: int, ended_on: date, *,
                new_main_id: int | None = None, expected_version: int | None = None) -> int:
    """End a contact from ``ended_on`` (today or before): no more letters are offered to them.

    Ending the main correspondent needs ``new_main_id``, the current contact letters go to instead.
    """
    require_writer(actor)
    if ended_on > ctx.today():
        raise ValidationError(Problem("ended_on", "a contact is ended from today or an earlier day, not a day "
                                                  "still to come"))
    with writing(ctx, "end a contact") as s:
        case, contact = _for_change(s, case_id, contact_id, expected_version)
        if ended_on < case.child.date_of_birth:
            raise ValidationError(Problem("ended_on", "that is before the child was born"))
        others = [c for c in _current(s, case.child_id) if c.id != contact.id]
        before: dict[str, Any] = {"name": contact.name, "ended_on": None,
                                  "main_correspondent": contact.main_correspondent}
        after: dict[str, Any] = {"ended_on": ended_on, "main_correspondent": False}
        if contact.main_correspondent and others:
            successor = next((c for c in others if c.id == new_main_id), None)
            if successor is None:
                raise ValidationError(Problem("main_correspondent", f"{contact.name} is the main correspondent: "
                                                                    "choose who letters go to instead"))
            _mark_main(s, successor, others)
            after["main_correspondent_now"] = successor.name
        contact.ended_on = ended_on
        contact.main_correspondent = False
        s.flush()
        audit(s, actor_id=actor.id, action="end_contact", entity="contact", entity_id=contact.id, case_id=case.id,
              before=before, after=after)
        return contact.version
