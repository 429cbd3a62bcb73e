"""Over the demo team's real-looking data: every letter goes to someone linked to its case and never names
another case's child (docs/law.md#letters: misdirection must be impossible by construction)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.demo import build_demo
from caseworker.letters import LetterError
from caseworker.services.letters import LetterKit, LetterRequest, compose, load_letter_kit
from caseworker.store.database import open_database
from caseworker.store.models import Case, Child
from caseworker.views.letter_recipients import CaseLetters, load_many_case_letters

TODAY = date(2025, 6, 2)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, dict[int, CaseLetters], LetterKit]]:
    path: Path = tmp_path_factory.mktemp("letters-demo") / "demo.sqlite"
    build_demo(f"sqlite:///{path}", scale="tiny", today=TODAY, login="lead")
    db = open_database(f"sqlite:///{path}")
    ctx = AppContext(db=db, clock=fixed_clock(TODAY))
    with db.sessions() as s:
        ids = list(s.scalars(select(Case.id).order_by(Case.id)))
    yield ctx, load_many_case_letters(ctx, ids, TODAY), load_letter_kit(ctx)
    db.dispose()


def other_children(ctx: AppContext, case: CaseLetters) -> set[str]:
    """Every other child's name, except names that also belong to someone on this case (a parent can share
    a name with another family's child)."""
    with ctx.db.sessions() as s:
        names = {f"{f} {n}" for f, n in s.execute(select(Child.forename, Child.surname))}
    ours = {case.detail.child, case.detail.caseworker_name, *(c.name for c in case.detail.contacts),
            *(r.name for r in case.recipients)}
    return {n for n in names if n not in ours and not any(n in o for o in ours)}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_letter_goes_to_its_own_case_and_names_no_other_child(
        demo: tuple[AppContext, dict[int, CaseLetters], LetterKit], data: st.DataObject) -> None:
    ctx, cases, kit = demo
    case = cases[data.draw(st.sampled_from(sorted(cases)), label="case")]
    template = data.draw(st.sampled_from([t for t, _ in kit.templates.titles()]), label="template")
    recipient = data.draw(st.sampled_from([None, *(r.id for r in case.recipients)]), label="recipient")
    advice = data.draw(st.sampled_from([None, *(a.id for a in case.detail.advice)]), label="advice")
    request = LetterRequest(template, recipient, advice_id=advice, reasons=("Needs are met at SEN support.",))
    try:
        letter = compose(case, request, kit, ctx, TODAY)
    except LetterError:
        event("refused")  # the wrong recipient for the letter, or facts not yet recorded: refused, not sent
        return
    event("made")
    linked = {r.id: r for r in case.recipients}
    assert letter.recipient.id in linked and letter.recipient == linked[letter.recipient.id]
    text = letter.text()
    assert case.detail.child in text or template in {"school_consultation"}
    assert not [n for n in other_children(ctx, case) if n in text]


def test_every_case_has_exactly_one_main_correspondent_from_its_own_contacts(
        demo: tuple[AppContext, dict[int, CaseLetters], LetterKit]) -> None:
    _, cases, _ = demo
    for case in cases.values():
        mains = [r for r in case.recipients if r.main_correspondent]
        assert len(mains) == 1, case.detail.reference
        assert mains[0].id in {f"contact:{c.id}" for c in case.detail.contacts}
        assert [r.name for r in case.recipients if r.kind == "health_commissioner"] == [
            "NHS Marches Integrated Care Board"]  # decisions and final plans are copied to the ICB


def test_a_recipient_from_another_case_is_refused(demo: tuple[AppContext, dict[int, CaseLetters], LetterKit]) -> None:
    ctx, cases, kit = demo
    first, second = (cases[i] for i in sorted(cases)[:2])
    stranger = second.main_correspondent
    assert stranger is not None and stranger.id not in {r.id for r in first.recipients}
    with pytest.raises(LetterError, match="not linked"):
        compose(first, LetterRequest("acknowledgement", stranger.id), kit, ctx, TODAY)
