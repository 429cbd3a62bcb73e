"""Every statutory letter (docs/law.md#letter-list) made from recorded cases through the service, found again in the
log, with its recipient from the case and its content checked with pdftotext."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import select, update

from caseworker.context import AppContext, fixed_clock
from caseworker.letters.templates import about_a_plan
from caseworker.services import case_links, steps
from caseworker.services import letters as svc
from caseworker.services.actor import Actor
from caseworker.store.models import AdviceService, AppMeta, Child, Organisation, School, Staff
from caseworker.views.letter_log import letter_log
from caseworker.views.letter_recipients import load_case_letters
from tests.db.test_services import new_request

EP = "Marches Educational Psychology Service"


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


@pytest.fixture
def recorded(ctx: AppContext, caseworker: Actor, lead: Actor) -> dict[str, int]:
    """Three requests: one taken to a final plan, one not assessed, one assessed but no plan issued."""
    with ctx.db.session() as s:
        s.add(AppMeta(key="demo", value="1"))
        s.add(AdviceService(name=EP, kind="ep", address="Riverside Centre\nMarchford", postcode="MF1 3EP"))
        s.add_all([School(name="Oakfield Primary School", address="Oakfield Road\nWestbury", postcode="MF7 2LS"),
                   School(name="Riverside Special School", address="Mill Lane\nMarchford", postcode="MF2 4QT")])
        s.add(Organisation(kind="health_commissioner", name="NHS Marches ICB", address="Kingsway House\nHereford",
                           postcode="HR1 2ER"))
        s.execute(update(Staff).values(phone="01632 960011", email="team@marches.example.gov.uk"))
    ctx.clock = fixed_clock(date(2025, 6, 20))
    full = steps.register_request(ctx, caseworker, new_request(reference="EHC-A", received=date(2025, 1, 6)))
    with ctx.db.session() as s:
        oakfield = s.scalar(select(School.id).where(School.name.like("Oakfield%")))
        riverside = s.scalar(select(School.id).where(School.name.like("Riverside%")))
        icb = s.scalar(select(Organisation.id))
        s.execute(update(Child).values(school_id=oakfield))
    assert oakfield and riverside and icb
    steps.record_decision_to_assess(ctx, caseworker, full, True, date(2025, 2, 10))
    steps.request_advice(ctx, caseworker, full, "ep", date(2025, 2, 11), service=EP)
    steps.record_exception(ctx, caseworker, full, "d", date(2025, 3, 1), "family abroad for five weeks")
    steps.record_decision_to_issue(ctx, caseworker, full, True, date(2025, 4, 7))
    steps.record_draft_sent(ctx, caseworker, full, date(2025, 4, 14), served_on=date(2025, 4, 16))
    case_links.record_consultation(ctx, caseworker, full, riverside, date(2025, 4, 15))
    case_links.link_organisation(ctx, caseworker, full, icb)
    steps.reallocate(ctx, lead, full, "alead", "new starter settling in", family_letter=True)
    refused = steps.register_request(ctx, caseworker, new_request(reference="EHC-B", received=date(2025, 5, 1)))
    steps.record_decision_to_assess(ctx, caseworker, refused, False, date(2025, 6, 2))
    no_plan = steps.register_request(ctx, caseworker, new_request(reference="EHC-C", received=date(2025, 1, 13)))
    steps.record_decision_to_assess(ctx, caseworker, no_plan, True, date(2025, 2, 17))
    steps.record_decision_to_issue(ctx, caseworker, no_plan, False, date(2025, 4, 28))
    case_links.link_organisation(ctx, caseworker, no_plan, icb)  # a "no" to a plan is copied to the ICB
    return {"full": full, "refused": refused, "no_plan": no_plan, "riverside": riverside, "icb": icb}


REASONS = ("Oakfield Primary School is meeting the needs through SEN support.",)


def test_every_statutory_letter_is_made_from_the_case_and_found_in_the_log(
        ctx: AppContext, caseworker: Actor, recorded: dict[str, int]) -> None:
    kit = svc.load_letter_kit(ctx)
    full = load_case_letters(ctx, recorded["full"], ctx.today())
    [advice] = full.detail.advice
    [exception] = full.detail.exceptions
    plan = [  # (case, request, words the letter must carry)
        ("full", svc.LetterRequest("acknowledgement"), "Monday 6 January 2025"),
        ("full", svc.LetterRequest("decision_to_assess"), "Zoë Wiśniewska"),
        ("full", svc.LetterRequest("advice_request", advice_id=advice.id), "6 weeks"),
        ("full", svc.LetterRequest("advice_chase", advice_id=advice.id), "days late"),
        ("full", svc.LetterRequest("exception_notice", exception_id=exception.id), "away from the area"),
        ("full", svc.LetterRequest("draft_plan_cover"), "15 days"),
        ("full", svc.LetterRequest("school_consultation", f"school:{recorded['riverside']}"),
         "Riverside Special School"),
        ("full", svc.LetterRequest("change_of_caseworker"), "Alead"),
        ("refused", svc.LetterRequest("decision_not_to_assess", reasons=REASONS), "meeting the needs"),
        ("no_plan", svc.LetterRequest("decision_not_to_issue", f"commissioner:{recorded['icb']}", reasons=REASONS),
         "NHS Marches ICB"),
    ]
    for which, request, words in plan:
        made = svc.make_letter(ctx, caseworker, recorded[which], request, kit)
        assert words in text_of(made.pdf), (request.template_id, words)
    steps.record_advice_received(ctx, caseworker, advice.id, date(2025, 4, 10))
    steps.record_final_plan(ctx, caseworker, recorded["full"], date(2025, 5, 2))
    final = svc.make_letter(ctx, caseworker, recorded["full"], svc.LetterRequest("final_plan_cover"), kit)
    assert "Tribunal" in text_of(final.pdf) and "mediation" in text_of(final.pdf).lower()
    # The letters about a plan in place are made from recorded plans in tests/db/test_plan_letters.py.
    made_ids = {t for t, _ in kit.templates.titles() if not about_a_plan(kit.templates.get(t))}
    logged = {e.template_id for cid in (recorded["full"], recorded["refused"], recorded["no_plan"])
              for e in letter_log(ctx, cid)}
    assert logged == made_ids and len(logged) == 11  # all eleven, each in its case's log
    for entry in letter_log(ctx, recorded["full"]):
        assert svc.stored_pdf(ctx, entry.id)[:5] == b"%PDF-"


def test_a_consulted_school_and_a_linked_body_become_recipients_and_can_be_removed(
        ctx: AppContext, caseworker: Actor, recorded: dict[str, int]) -> None:
    ids = {r.id: r.kind for r in load_case_letters(ctx, recorded["full"], ctx.today()).recipients}
    assert ids[f"school:{recorded['riverside']}"] == "school_consulted"
    assert ids[f"commissioner:{recorded['icb']}"] == "health_commissioner"
    case_links.unlink_organisation(ctx, caseworker, recorded["full"], recorded["icb"])
    ids = {r.id for r in load_case_letters(ctx, recorded["full"], ctx.today()).recipients}
    assert f"commissioner:{recorded['icb']}" not in ids
    with pytest.raises(Exception, match="not recorded"):
        case_links.unlink_organisation(ctx, caseworker, recorded["full"], recorded["icb"])
