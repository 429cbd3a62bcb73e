"""A caseworker's job title from the staff list signs their letters under their name."""

from __future__ import annotations

from caseworker.context import AppContext
from caseworker.services import letters as svc
from caseworker.services.actor import Actor
from caseworker.services.staff import change_staff
from tests.db.conftest import add_staff
from tests.db.test_letters_service import kit, make_case, pdf_text

__all__ = ["kit"]  # the fixture, used by name

JOB = "Senior SEND Caseworker"


def test_a_letter_is_signed_with_the_caseworkers_job_title(ctx: AppContext, caseworker: Actor,
                                                           kit: svc.LetterKit) -> None:
    admin = add_staff(ctx.db, "boss", "admin")
    cid = make_case(ctx, caseworker)
    before = pdf_text(svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit).pdf)
    assert caseworker.display_name in before and JOB not in before
    change_staff(ctx, admin, caseworker.username, {"job_title": JOB})
    after = pdf_text(svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit).pdf)
    lines = [line.strip() for line in after.splitlines() if line.strip()]
    assert lines[lines.index(caseworker.display_name) + 1] == JOB
