"""The case list's search text, read in one query on SQLite and PostgreSQL: folded, and covering the child's
identifiers and postcode, the school and named setting, and every contact's name and postcode."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.services.actor import Actor
from caseworker.services.steps import NewRequest, register_request
from caseworker.store.models import Case, Child, Contact, School
from caseworker.text_folding import fold_for_search
from caseworker.views.case_list import load_case_rows
from tests.db.conftest import TODAY


def register(ctx: AppContext, actor: Actor, forename: str, surname: str) -> int:
    return register_request(ctx, actor, NewRequest(forename, surname, date(2014, 9, 1), date(2025, 2, 3),
                                                   caseworker=actor.username))


def test_search_text_holds_identifiers_schools_and_the_whole_family(ctx: AppContext, caseworker: Actor) -> None:
    zoe = register(ctx, caseworker, "Zoë", "Ångström")
    alone = register(ctx, caseworker, "Elena", "Ţurcanu")
    with ctx.db.session() as s:
        school, setting = School(name="Ysgol Gymraeg"), School(name="Oak Hill Special School")
        s.add_all([school, setting])
        s.flush()
        case = s.get(Case, zoe)
        assert case is not None
        child = s.scalar(select(Child).where(Child.id == case.child_id))
        assert child is not None
        child.nhs_number, child.uln, child.postcode, child.school_id = "9434765919", "1000000018", "HR4 9DL", school.id
        case.named_setting_id = setting.id
        s.add_all([Contact(child_id=child.id, role="parent", name="Małgorzata Ångström", postcode="HR4 9DL"),
                   Contact(child_id=child.id, role="carer", name="Seán O'Connor", postcode="SW1A 1AA"),
                   Contact(child_id=child.id, role="parent", name="No Postcode")])

    rows = {r.case_id: r for r in load_case_rows(ctx, TODAY)}
    assert len(rows) == 2
    text = rows[zoe].search_text
    assert text == fold_for_search(text)  # folded once, as it loaded
    words = text.split()
    for expected in ("zoe", "angstrom", rows[zoe].reference.lower(), "9434765919", "1000000018", "ysgol", "oak",
                     "malgorzata", "sean", "oconnor", "postcode", "hr4", "9dl", "hr49dl", "sw1a", "1aa", "sw1a1aa"):
        assert expected in words, expected
    assert words.count("hr49dl") == 1  # the child's and a parent's postcode, once
    assert rows[alone].search_text == f"elena turcanu {rows[alone].reference.lower()}"
