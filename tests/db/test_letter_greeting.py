"""A letter greets a contact by title and surname when both are recorded, and a contact ended later keeps
the letters already made to them in the log (SQLite and PostgreSQL; the PDF read back with pdftotext)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from caseworker.context import AppContext
from caseworker.letters import LetterError
from caseworker.services import letters as svc
from caseworker.services.actor import Actor
from caseworker.services.contacts import ContactEdit, add_contact, end_contact
from caseworker.views.letter_log import letter_log
from tests.db.test_letters_service import kit, make_case, pdf_text  # noqa: F401  (kit is a fixture)

NICOLA = ContactEdit(role="parent", title="Ms", forename="Nicola", surname="Price", address="3 Castle Street\nHereford",
                     postcode="HR1 2NW", main_correspondent=True)


def test_a_letter_greets_ms_price_and_addresses_ms_nicola_price(ctx: AppContext, caseworker: Actor,
                                                                 kit: svc.LetterKit) -> None:  # noqa: F811
    cid = make_case(ctx, caseworker, contact_name=None, contact_address=None, contact_postcode=None)
    nicola = add_contact(ctx, caseworker, cid, NICOLA)
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit)
    text = pdf_text(made.pdf)
    assert "Dear Ms Price," in text and "Dear Nicola" not in text
    assert "Ms Nicola Price" in text and "3 Castle Street" in text
    assert made.recipient_name == "Ms Nicola Price"
    end_contact(ctx, caseworker, cid, nicola, ctx.today())
    assert [(e.id, e.recipient_name) for e in letter_log(ctx, cid)] == [(made.id, "Ms Nicola Price")]
    with pytest.raises(LetterError, match="stopped being a contact"):
        svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement", f"contact:{nicola}"), kit)


def test_without_a_title_the_letter_greets_the_whole_name(ctx: AppContext, caseworker: Actor,
                                                          kit: svc.LetterKit) -> None:  # noqa: F811
    cid = make_case(ctx, caseworker, contact_name=None, contact_address=None, contact_postcode=None)
    add_contact(ctx, caseworker, cid, replace(NICOLA, title=None))
    text = pdf_text(svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit).pdf)
    assert "Dear Nicola Price," in text
