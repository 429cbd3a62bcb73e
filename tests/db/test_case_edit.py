"""Correcting the child and the contacts from a case (SQLite and PostgreSQL): the import's checks by field,
roles, one audit row with before and after, stale copies refused, one main correspondent, ended contacts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.case_edit import ChildEdit, edit_child
from caseworker.services.contacts import ContactEdit, add_contact, change_contact, end_contact
from caseworker.services.importing import import_tracker
from caseworker.store.models import AuditEvent, Case, Child, Contact, School
from caseworker.views.case_detail import load_case_detail
from caseworker.views.letter_recipients import load_case_letters
from tests.db.conftest import TODAY
from tests.db.test_services import new_request

BORN = date(2016, 5, 4)


def register(ctx: AppContext, actor: Actor, **kw: object) -> int:
    return steps.register_request(ctx, actor, new_request(**kw))


def as_stored(ctx: AppContext, case_id: int) -> ChildEdit:
    """The child as the Edit child form opens with it."""
    record = load_case_detail(ctx, case_id, TODAY).child_record
    assert record is not None
    return ChildEdit(record.forename, record.surname, record.date_of_birth, upn=record.upn or None,
                     upn_unknown_reason=record.upn_unknown_reason or None, nhs_number=record.nhs_number or None,
                     uln=record.uln or None, postcode=record.postcode or None, primary_need=record.primary_need or None,
                     secondary_need=record.secondary_need or None, school_id=record.school_id)


def child_version(ctx: AppContext, case_id: int) -> int:
    record = load_case_detail(ctx, case_id, TODAY).child_record
    assert record is not None
    return record.version


def audit_rows(ctx: AppContext, case_id: int, action: str) -> list[tuple[Any, Any]]:
    with ctx.db.sessions() as s:
        return [(e.before, e.after) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == action)
            .order_by(AuditEvent.id))]


def add_school(ctx: AppContext, name: str = "Hillside Primary School") -> int:
    with ctx.db.session() as s:
        school = School(name=name, urn="116789", address="Hill Road\nHereford", postcode="HR2 7AB")
        s.add(school)
        s.flush()
        return school.id


# --- the child ---------------------------------------------------------------------------------------------


def test_a_corrected_child_is_saved_with_one_audit_row_of_what_changed(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker, upn="B801200005001")
    school = add_school(ctx)
    version = child_version(ctx, cid)
    edit = replace(as_stored(ctx, cid), surname="Price", nhs_number="943 476 5919", uln="9276308686",
                   postcode="hr2 7ab", primary_need="ASD", secondary_need="SLCN", school_id=school)
    new_version = edit_child(ctx, caseworker, cid, edit, expected_version=version)
    assert new_version == version + 1
    detail = load_case_detail(ctx, cid, TODAY)
    assert (detail.child, detail.school) == ("Zoë Price", "Hillside Primary School")
    record = detail.child_record
    assert record is not None
    assert (record.nhs_number, record.uln, record.postcode, record.secondary_need) == (
        "9434765919", "9276308686", "HR2 7AB", "SLCN")
    [(before, after)] = audit_rows(ctx, cid, "edit_child")
    assert before == {"surname": "Wiśniewska", "nhs_number": None, "uln": None, "postcode": None,
                      "primary_need": None, "secondary_need": None, "school": None}
    assert after == {"surname": "Price", "nhs_number": "9434765919", "uln": "9276308686", "postcode": "HR2 7AB",
                     "primary_need": "ASD", "secondary_need": "SLCN", "school": "Hillside Primary School"}
    assert "surname: Wiśniewska → Price" in detail.history[0].summary


def test_saving_the_child_unchanged_writes_nothing(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker)
    version = child_version(ctx, cid)
    assert edit_child(ctx, caseworker, cid, as_stored(ctx, cid), expected_version=version) == version
    assert audit_rows(ctx, cid, "edit_child") == []


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"forename": "  "}, "forename", "give the child's forename"),
    ({"surname": "=HYPERLINK(1)"}, "surname", "as a spreadsheet formula does"),
    ({"upn": "A801200005001"}, "upn", "its check letter does not match"),
    ({"nhs_number": "9434765918"}, "nhs_number", "its check digit does not match"),
    ({"uln": "0276308686"}, "uln", "not starting with 0"),
    ({"postcode": "HR1"}, "postcode", "is not a UK postcode"),
    ({"primary_need": "AUT"}, "primary_need", "not an SEN2 primary need code"),
    ({"primary_need": "ASD", "secondary_need": "ASD"}, "secondary_need", "another need than the primary"),
    ({"secondary_need": "SLCN"}, "secondary_need", "give the primary need first"),
    ({"upn": "B801200005001", "upn_unknown_reason": "UN1"}, "upn_unknown_reason", "clear the reason"),
    ({"upn_unknown_reason": "UN7"}, "upn_unknown_reason", "not an SEN2 reason"),
    ({"date_of_birth": date(2025, 3, 2)}, "date_of_birth", "in the future"),
    ({"date_of_birth": date(2025, 1, 7)}, "date_of_birth", "received before this date of birth (EHC-2025-0001)"),
    ({"date_of_birth": date(1999, 1, 5)}, "date_of_birth", "up to 25: born 5 Jan 1999, they were 26"),
])
def test_a_wrong_detail_is_refused_beside_its_field_and_nothing_is_written(
        ctx: AppContext, caseworker: Actor, change: dict[str, Any], field: str, words: str) -> None:
    cid = register(ctx, caseworker, reference="EHC-2025-0001", upn=None)
    with pytest.raises(ValidationError) as err:
        edit_child(ctx, caseworker, cid, replace(as_stored(ctx, cid), **change))
    assert any(words in reason for reason in err.value.for_field(field)), err.value.problems
    assert audit_rows(ctx, cid, "edit_child") == []
    assert load_case_detail(ctx, cid, TODAY).child == "Zoë Wiśniewska"


def test_a_date_of_birth_must_fit_every_request_for_the_child(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker, reference="EHC-2025-0001")
    with ctx.db.session() as s:  # an earlier request for the same child, received in 2020
        child_id = s.get(Case, cid).child_id  # type: ignore[union-attr]
        s.add(Case(reference="EHC-2020-0007", child_id=child_id, received_on=date(2020, 3, 2),
                   keyed_on=date(2020, 3, 2), withdrawn_on=date(2020, 4, 1), withdrawn_reason="moved away"))
    with pytest.raises(ValidationError) as err:
        edit_child(ctx, caseworker, cid, replace(as_stored(ctx, cid), date_of_birth=date(2021, 1, 1)))
    assert err.value.for_field("date_of_birth") == [
        "the request was received before this date of birth (EHC-2020-0007)"]
    edit_child(ctx, caseworker, cid, replace(as_stored(ctx, cid), date_of_birth=date(2016, 5, 14)))
    assert load_case_detail(ctx, cid, TODAY).date_of_birth == date(2016, 5, 14)


def test_a_upn_not_known_is_saved_with_its_reason(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker, upn=None)
    edit_child(ctx, caseworker, cid, replace(as_stored(ctx, cid), upn_unknown_reason="UN1"))
    record = load_case_detail(ctx, cid, TODAY).child_record
    assert record is not None and (record.upn, record.upn_unknown_reason) == ("", "UN1")


def test_a_school_not_on_the_councils_list_is_refused(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker)
    with pytest.raises(ValidationError) as err:
        edit_child(ctx, caseworker, cid, replace(as_stored(ctx, cid), school_id=999))
    assert err.value.for_field("school") == ["that school is not on the council's list"]


def test_a_read_only_user_cannot_edit_the_child(ctx: AppContext, caseworker: Actor, reader: Actor) -> None:
    cid = register(ctx, caseworker)
    with pytest.raises(PermissionDenied):
        edit_child(ctx, reader, cid, replace(as_stored(ctx, cid), surname="Price"))
    assert load_case_detail(ctx, cid, TODAY).child == "Zoë Wiśniewska"


def test_a_stale_copy_of_the_child_is_refused(ctx: AppContext, caseworker: Actor, lead: Actor) -> None:
    cid = register(ctx, caseworker)
    opened = child_version(ctx, cid)
    edit_child(ctx, lead, cid, replace(as_stored(ctx, cid), forename="Zoe"), expected_version=opened)
    with pytest.raises(ConflictError, match="changed by someone else"):
        edit_child(ctx, caseworker, cid, replace(as_stored(ctx, cid), surname="Price"), expected_version=opened)
    assert load_case_detail(ctx, cid, TODAY).child == "Zoe Wiśniewska"


def test_an_unknown_case_is_not_found(ctx: AppContext, caseworker: Actor) -> None:
    with pytest.raises(NotFound):
        edit_child(ctx, caseworker, 12345, ChildEdit("Zoë", "Price", BORN))


# --- contacts ----------------------------------------------------------------------------------------------

NICOLA = ContactEdit(role="parent", title="Ms", forename="Nicola", surname="Price", relationship_to_child="Mother",
                     address="3 Castle Street\nHereford", postcode="hr1 2nw", phone="01432 555 0192",
                     email="nicola.price@example.org")


def contacts(ctx: AppContext, case_id: int) -> dict[str, Contact]:
    with ctx.db.sessions() as s:
        child_id = s.scalar(select(Case.child_id).where(Case.id == case_id))
        return {c.name: c for c in s.scalars(select(Contact).where(Contact.child_id == child_id))}


def mains(ctx: AppContext, case_id: int) -> list[str]:
    return sorted(name for name, c in contacts(ctx, case_id).items() if c.main_correspondent and c.ended_on is None)


def test_the_first_contact_of_a_case_with_none_is_its_main_correspondent(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker, contact_name=None, contact_address=None, contact_postcode=None)
    assert load_case_letters(ctx, cid, TODAY).main_correspondent is None
    contact_id = add_contact(ctx, caseworker, cid, NICOLA)
    stored = contacts(ctx, cid)["Nicola Price"]  # the whole name is forename and surname; the title apart
    assert (stored.id, stored.title, stored.postcode, stored.relationship_to_child) == (
        contact_id, "Ms", "HR1 2NW", "Mother")
    main = load_case_letters(ctx, cid, TODAY).main_correspondent
    assert main is not None and (main.id, main.name, main.greeting) == (
        f"contact:{contact_id}", "Ms Nicola Price", "Dear Ms Price")
    [(before, after)] = audit_rows(ctx, cid, "add_contact")
    assert before is None and after["name"] == "Nicola Price" and after["main_correspondent"] is True


def test_making_one_contact_main_unmakes_the_other(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker)  # Łukasz Wiśniewski is the main correspondent
    nicola = add_contact(ctx, caseworker, cid, NICOLA)
    assert mains(ctx, cid) == ["Łukasz Wiśniewski"]  # added without asking to be main: the main one stays
    version = contacts(ctx, cid)["Nicola Price"].version
    change_contact(ctx, caseworker, cid, nicola, replace(NICOLA, main_correspondent=True), expected_version=version)
    assert mains(ctx, cid) == ["Nicola Price"]
    [(before, after)] = audit_rows(ctx, cid, "change_contact")
    assert before == {"main_correspondent": False}
    assert after == {"main_correspondent": True, "instead_of": "Łukasz Wiśniewski"}
    with pytest.raises(ValidationError) as err:  # unmarking the main one would leave letters with no one
        change_contact(ctx, caseworker, cid, nicola, NICOLA)
    assert "make another contact the main correspondent instead" in err.value.for_field("main_correspondent")[0]


def test_a_changed_contact_keeps_its_name_in_step_and_is_audited_once(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker, contact_name=None, contact_address=None, contact_postcode=None)
    nicola = add_contact(ctx, caseworker, cid, NICOLA)
    change_contact(ctx, caseworker, cid, nicola, replace(NICOLA, surname="Price-Okafor", title="Dr",
                                                         main_correspondent=True))
    stored = contacts(ctx, cid)["Nicola Price-Okafor"]
    assert (stored.title, stored.forename, stored.surname) == ("Dr", "Nicola", "Price-Okafor")
    [(before, after)] = audit_rows(ctx, cid, "change_contact")
    assert before == {"title": "Ms", "surname": "Price", "name": "Nicola Price"}
    assert after == {"title": "Dr", "surname": "Price-Okafor", "name": "Nicola Price-Okafor"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"surname": " "}, "surname", "give the contact's surname"),
    ({"forename": None, "title": None}, "forename", "or a title to greet them by"),
    ({"forename": "+Nicola"}, "forename", "as a spreadsheet formula does"),
    ({"postcode": "HR1"}, "postcode", "is not a UK postcode"),
    ({"email": "nicola.example.org"}, "email", "looks like name@example.org"),
    ({"phone": "555 0192"}, "phone", "10 to 15 digits"),
    ({"phone": "01432 five five five"}, "phone", "10 to 15 digits"),
    ({"role": "aunt"}, "role", "choose one of"),
    ({"title": "T" * 21}, "title", "too long (at most 20)"),
    ({"address": "3 Castle\x00Street"}, "address", "control character 0x00"),
])
def test_a_wrong_contact_detail_is_refused_beside_its_field(ctx: AppContext, caseworker: Actor,
                                                            change: dict[str, Any], field: str, words: str) -> None:
    cid = register(ctx, caseworker)
    with pytest.raises(ValidationError) as err:
        add_contact(ctx, caseworker, cid, replace(NICOLA, **change))
    assert any(words in reason for reason in err.value.for_field(field)), err.value.problems
    assert list(contacts(ctx, cid)) == ["Łukasz Wiśniewski"]


def test_the_young_person_is_one_contact(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker)
    add_contact(ctx, caseworker, cid, replace(NICOLA, role="young_person", title=None, forename="Zoë",
                                              surname="Wiśniewska"))
    with pytest.raises(ValidationError) as err:
        add_contact(ctx, caseworker, cid, replace(NICOLA, role="young_person"))
    assert err.value.for_field("role") == ["the young person is already a contact: change that contact instead"]


def test_an_ended_contact_gets_no_more_letters_and_the_main_one_needs_a_successor(
        ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker)
    lukasz = contacts(ctx, cid)["Łukasz Wiśniewski"].id
    nicola = add_contact(ctx, caseworker, cid, NICOLA)
    with pytest.raises(ValidationError) as err:
        end_contact(ctx, caseworker, cid, lukasz, TODAY)
    assert err.value.for_field("main_correspondent") == [
        "Łukasz Wiśniewski is the main correspondent: choose who letters go to instead"]
    with pytest.raises(ValidationError, match="not a day still to come"):
        end_contact(ctx, caseworker, cid, lukasz, date(2025, 3, 2), new_main_id=nicola)
    end_contact(ctx, caseworker, cid, lukasz, date(2025, 2, 28), new_main_id=nicola)
    assert mains(ctx, cid) == ["Nicola Price"]
    letters = load_case_letters(ctx, cid, TODAY)
    assert [r.id for r in letters.recipients if r.id.startswith("contact:")] == [f"contact:{nicola}"]
    detail = load_case_detail(ctx, cid, TODAY)
    ended = next(c for c in detail.contacts if c.id == lukasz)
    assert ended.ended_on == date(2025, 2, 28) and not ended.main_correspondent  # kept on record, never deleted
    [(before, after)] = audit_rows(ctx, cid, "end_contact")
    assert before == {"name": "Łukasz Wiśniewski", "ended_on": None, "main_correspondent": True}
    assert after == {"ended_on": "2025-02-28", "main_correspondent": False, "main_correspondent_now": "Nicola Price"}
    with pytest.raises(ValidationError, match="was ended as a contact on 28 Feb 2025"):
        change_contact(ctx, caseworker, cid, lukasz, replace(NICOLA, forename="Łukasz"))


def test_the_last_contact_can_be_ended(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker)
    end_contact(ctx, caseworker, cid, contacts(ctx, cid)["Łukasz Wiśniewski"].id, TODAY)
    assert mains(ctx, cid) == [] and load_case_letters(ctx, cid, TODAY).main_correspondent is None


def test_contacts_need_a_writer_and_a_fresh_copy(ctx: AppContext, caseworker: Actor, reader: Actor) -> None:
    cid = register(ctx, caseworker)
    lukasz = contacts(ctx, cid)["Łukasz Wiśniewski"]
    edit = ContactEdit(role="parent", forename="Łukasz", surname="Wiśniewski", address=lukasz.address,
                       postcode=lukasz.postcode, main_correspondent=True)
    for attempt in (lambda: add_contact(ctx, reader, cid, NICOLA),
                    lambda: change_contact(ctx, reader, cid, lukasz.id, edit),
                    lambda: end_contact(ctx, reader, cid, lukasz.id, TODAY)):
        with pytest.raises(PermissionDenied):
            attempt()
    change_contact(ctx, caseworker, cid, lukasz.id, replace(edit, phone="07700 900123"),
                   expected_version=lukasz.version)
    with pytest.raises(ConflictError, match="changed by someone else"):
        change_contact(ctx, caseworker, cid, lukasz.id, replace(edit, email="l@example.org"),
                       expected_version=lukasz.version)
    with pytest.raises(ConflictError):
        end_contact(ctx, caseworker, cid, lukasz.id, TODAY, expected_version=lukasz.version)
    assert contacts(ctx, cid)["Łukasz Wiśniewski"].phone == "07700 900123"


def test_another_childs_contact_cannot_be_changed_from_this_case(ctx: AppContext, caseworker: Actor) -> None:
    mine = register(ctx, caseworker)
    theirs = register(ctx, caseworker, forename="Aisha", surname="Rahman", contact_name="Farida Rahman")
    farida = contacts(ctx, theirs)["Farida Rahman"].id
    with pytest.raises(NotFound):
        change_contact(ctx, caseworker, mine, farida, NICOLA)
    with pytest.raises(NotFound):
        end_contact(ctx, caseworker, mine, farida, TODAY)


def test_a_new_request_records_school_nhs_number_and_the_contacts_phone(ctx: AppContext, caseworker: Actor) -> None:
    school = add_school(ctx)
    cid = register(ctx, caseworker, school_id=school, nhs_number="9434765919", contact_name=None,
                   contact_title="Mr", contact_forename="Łukasz", contact_surname="Wiśniewski",
                   contact_phone="01432  555 0192")
    detail = load_case_detail(ctx, cid, TODAY)
    assert detail.school == "Hillside Primary School"
    assert detail.child_record is not None and detail.child_record.nhs_number == "9434765919"
    [contact] = detail.contacts
    assert (contact.name, contact.title, contact.surname, contact.phone) == (
        "Łukasz Wiśniewski", "Mr", "Wiśniewski", "01432 555 0192")
    problems = steps.check_new_request(ctx, new_request(nhs_number="123", contact_phone="12", contact_title="Mr",
                                                        contact_name=None, contact_forename="Łukasz"))
    assert {p.field for p in problems} == {"nhs_number", "contact_phone", "contact_surname"}
    with pytest.raises(ValidationError) as err:
        register(ctx, caseworker, school_id=999)
    assert err.value.for_field("school") == ["that school is not on the council's list"]
    with ctx.db.sessions() as s:
        assert s.scalar(select(Child.id).where(Child.nhs_number == "9434765919")) is not None


def test_an_import_that_renames_a_contact_clears_the_parts_it_replaced(ctx: AppContext, caseworker: Actor,
                                                                       tmp_path: Path) -> None:
    cid = register(ctx, caseworker, reference="EHC-2025-0001", contact_name=None, contact_address=None,
                   contact_postcode=None)
    add_contact(ctx, caseworker, cid, NICOLA)
    path = tmp_path / "tracker.csv"
    path.write_text("reference,forename,surname,date_of_birth,request_received,parent_name\n"
                    "EHC-2025-0001,,,,,Nicola Smith\n", encoding="utf-8")  # blank cells keep what is stored
    import_tracker(ctx, caseworker, path)
    stored = contacts(ctx, cid)["Nicola Smith"]
    assert (stored.title, stored.forename, stored.surname) == ("Ms", None, None)
    main = load_case_letters(ctx, cid, TODAY).main_correspondent
    assert main is not None and (main.name, main.greeting) == ("Ms Nicola Smith", "Dear Nicola Smith")
    [(before, after)] = [(b, a) for b, a in audit_rows(ctx, cid, "import.update")]
    assert before == {"name": "Nicola Price", "forename": "Nicola", "surname": "Price"}
    assert after == {"name": "Nicola Smith", "forename": None, "surname": None}
