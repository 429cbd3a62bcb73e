"""The same child registered twice: found by UPN, NHS number, or name and date of birth, however keyed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caseworker.context import AppContext
from caseworker.errors import ValidationError
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.duplicates import NAME, UPN, ChildDetails, name_key, possible_duplicates
from caseworker.services.importing import import_tracker
from caseworker.store.models import Case

BORN = date(2016, 5, 4)


def register(ctx: AppContext, actor: Actor, reference: str, forename: str = "Zoë", surname: str = "Smith-Jones",
             born: date = BORN, **kw: object) -> int:
    req = steps.NewRequest(forename=forename, surname=surname, date_of_birth=born, received=date(2025, 1, 6),
                           reference=reference, **kw)  # type: ignore[arg-type]
    return steps.register_request(ctx, actor, req)


@pytest.mark.parametrize(("a", "b"), [
    (("Zoë", "Smith-Jones"), ("zoe", "smith jones")),
    (("Siobhán", "O'Connor"), ("SIOBHAN", "OConnor")),
    (("Ţurcanu", "Ana-Maria"), ("turcanu", "anamaria")),
    (("Jean Paul", "Dupont"), ("Jean-Paul", "Dupont")),
])
def test_names_match_whatever_the_keying(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert name_key(*a) == name_key(*b)


def test_different_names_do_not_match() -> None:
    assert name_key("Zoe", "Smith") != name_key("Zara", "Smith")


def test_the_same_child_is_found_by_name_and_birth_date(ctx: AppContext, caseworker: Actor) -> None:
    register(ctx, caseworker, "EHC-1")
    [match] = possible_duplicates(ctx, ChildDetails("ZOE", "smith jones", BORN))
    assert (match.reference, match.matched_on, match.is_open) == ("EHC-1", NAME, True)
    assert match.describe() == ("Zoë Smith-Jones (born 4 May 2016) has an open request on record with the same "
                                "name and date of birth: EHC-1")
    assert possible_duplicates(ctx, ChildDetails("Zoe", "Smith-Jones", date(2016, 5, 5))) == []


def test_the_same_child_is_found_by_upn_whatever_the_name(ctx: AppContext, caseworker: Actor) -> None:
    register(ctx, caseworker, "EHC-1", upn="B801200005001")
    [match] = possible_duplicates(ctx, ChildDetails("Zed", "Other", date(2015, 1, 1), upn="B801200005001"))
    assert (match.reference, match.matched_on) == ("EHC-1", UPN)


def test_a_finished_request_is_a_case_not_an_open_request(ctx: AppContext, caseworker: Actor) -> None:
    cid = register(ctx, caseworker, "EHC-1")
    steps.withdraw(ctx, caseworker, cid, date(2025, 2, 1), "family moved away")
    register(ctx, caseworker, "EHC-2")
    found = possible_duplicates(ctx, ChildDetails("Zoë", "Smith-Jones", BORN))
    assert [(m.reference, m.is_open) for m in found] == [("EHC-2", True), ("EHC-1", False)]
    assert "has a case on record" in found[1].describe()
    assert [m.reference for m in possible_duplicates(ctx, ChildDetails("Zoë", "Smith-Jones", BORN),
                                                     not_case=cid)] == ["EHC-2"]


def test_an_imported_new_row_for_a_stored_child_goes_in_with_a_warning(
        ctx: AppContext, lead: Actor, tmp_path: Path) -> None:
    register(ctx, lead, "EHC-1", upn="B801200005001")
    tracker = tmp_path / "t.csv"
    tracker.write_text("reference,forename,surname,date_of_birth,upn,request_received\n"
                       "EHC-9,Zoe,Smith Jones,2016-05-04,,2025-02-03\n"
                       "EHC-10,Ann,Other,2015-01-01,B801200005001,2025-02-03\n"
                       "EHC-11,Ann,Else,2015-01-01,,2025-02-03\n", "utf-8")
    report = import_tracker(ctx, lead, tracker)
    assert report.added == 3
    assert report.warnings == [
        "row 2, column surname: possibly the same child: Zoë Smith-Jones (born 4 May 2016) has an open request on "
        "record with the same name and date of birth: EHC-1",
        "row 3, column upn: possibly the same child: Zoë Smith-Jones (born 4 May 2016) has an open request on "
        "record with the same UPN: EHC-1"]


def test_a_second_open_request_for_the_same_child_needs_a_reason(ctx: AppContext, caseworker: Actor) -> None:
    register(ctx, caseworker, "EHC-1", upn="B801200005001")
    with pytest.raises(ValidationError) as refused:
        register(ctx, caseworker, "EHC-2", forename="Zoe", surname="Smith Jones")
    [problem] = refused.value.problems
    assert problem.field == "duplicate" and problem.reason == (
        "Zoë Smith-Jones (born 4 May 2016) has an open request on record with the same name and date of birth: "
        "EHC-1; open that case, or say why this is a second request for the same child")
    cid = register(ctx, caseworker, "EHC-2", duplicate_reason="The first request was made by the school; this "
                                                               "one by the parent")
    with ctx.db.sessions() as s:
        assert s.get(Case, cid).duplicate_reason.startswith("The first request")  # type: ignore[union-attr]
