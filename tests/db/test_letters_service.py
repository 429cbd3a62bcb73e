"""Letters made from a case: recipients only from the case, the log, the queue (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseworker.context import AppContext, fixed_clock
from caseworker.errors import PermissionDenied, ValidationError
from caseworker.letters import LetterError
from caseworker.letters.errors import SettingsError
from caseworker.services import letters as svc
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.store.models import AdviceService, AuditEvent, Child, Contact, LetterRecord, Staff
from caseworker.views.letter_log import letter_log
from caseworker.views.letter_recipients import load_case_letters
from caseworker.views.letters_queue import letters_to_send
from tests.db.test_services import new_request

EP = "Marches Educational Psychology Service"


def pdf_text(pdf: bytes, mode: str = "-layout") -> str:
    return subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True, check=True).stdout \
        .decode("utf-8")


@pytest.fixture
def kit(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> svc.LetterKit:
    with ctx.db.session() as s:  # the tests' databases are demo-like: the sample council letterhead is fine
        from caseworker.store.models import AppMeta
        s.add(AppMeta(key="demo", value="1"))
        s.add(AdviceService(name=EP, kind="ep", address="Riverside Centre\nBridge Street\nMarchford",
                            postcode="MF1 3EP", lead_name="Dr Ruth Okafor"))
    monkeypatch.delenv(svc.COUNCIL_ENV, raising=False)
    return svc.load_letter_kit(ctx)


def make_case(ctx: AppContext, actor: Actor, reference: str = "EHC-2025-0001", **kw: object) -> int:
    ctx.clock = fixed_clock(date(2025, 3, 1))
    # Each reference its own child (born a day apart): one child's second open request would need a reason.
    kw.setdefault("date_of_birth", date(2016, 5, 4) + timedelta(days=int(reference[-4:]) - 1))
    return steps.register_request(ctx, actor, new_request(reference=reference, **kw))


def logged(ctx: AppContext) -> int:
    with ctx.db.sessions() as s:
        return s.scalar(select(func.count()).select_from(LetterRecord)) or 0


def test_a_letter_goes_to_the_main_correspondent_and_is_logged_whole(ctx: AppContext, caseworker: Actor,
                                                                     kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker)
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit)
    text = pdf_text(made.pdf)
    assert made.recipient_name == "Łukasz Wiśniewski" and "Łukasz Wiśniewski" in text and "12 Bath Street" in text
    assert "Zoë Wiśniewska" in text and "HR1 2HQ" in text
    assert made.sha256 == hashlib.sha256(made.pdf).hexdigest()
    [entry] = letter_log(ctx, cid)
    assert (entry.template_id, entry.recipient_name, entry.status, entry.sha256) == (
        "acknowledgement", "Łukasz Wiśniewski", "made", made.sha256)
    assert svc.stored_pdf(ctx, made.id) == made.pdf
    assert svc.record_reprint(ctx, caseworker, made.id) == made.pdf  # a reprint is the logged document
    with ctx.db.sessions() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == cid, AuditEvent.entity ==
                                                                  "letter").order_by(AuditEvent.id)))
    assert actions == ["letter.make", "letter.reprint"]


def test_another_case_s_contact_cannot_be_written_to(ctx: AppContext, caseworker: Actor, kit: svc.LetterKit) -> None:
    mine = make_case(ctx, caseworker)
    theirs = make_case(ctx, caseworker, "EHC-2025-0002", forename="Aisha", surname="Rahman",
                       contact_name="Farida Rahman", contact_address="Flat 3, Linden Court\nMarchford")
    their_contact = load_case_letters(ctx, theirs, ctx.today()).main_correspondent
    assert their_contact is not None
    with pytest.raises(LetterError, match="not linked to this case"):
        svc.make_letter(ctx, caseworker, mine, svc.LetterRequest("acknowledgement", their_contact.id), kit)
    assert logged(ctx) == 0


def test_a_preview_is_stamped_and_not_logged(ctx: AppContext, caseworker: Actor, kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker)
    pdf = svc.preview_letter(ctx, cid, svc.LetterRequest("acknowledgement"), kit)
    assert logged(ctx) == 0
    assert "PREVIEW" in pdf_text(pdf, "-raw")  # the stamp runs diagonally across every page
    assert "PREVIEW" not in pdf_text(svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"),
                                                     kit).pdf, "-raw")
    assert logged(ctx) == 1  # only the letter made, not the preview


def test_decision_not_to_assess_needs_reasons_and_carries_the_rights(ctx: AppContext, caseworker: Actor,
                                                                      kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker)
    with pytest.raises(LetterError, match="not to assess is not recorded"):  # a letter cannot run ahead of the case
        svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("decision_not_to_assess", reasons=("x",)), kit)
    steps.record_decision_to_assess(ctx, caseworker, cid, False, date(2025, 2, 10))
    with pytest.raises(LetterError, match="reasons"):
        svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("decision_not_to_assess"), kit)
    with pytest.raises(LetterError, match="to assess is not recorded"):
        svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("decision_to_assess"), kit)
    reasons = ("School is meeting Zoë's needs through SEN support.",)
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("decision_not_to_assess", reasons=reasons), kit)
    text = " ".join(pdf_text(made.pdf).split())
    assert "meeting Zoë's needs through SEN support" in text
    assert "Your rights" in text and "mediation" in text.lower() and "SENDIASS" in text


def test_status_moves_forward_only_and_void_needs_a_reason(ctx: AppContext, caseworker: Actor,
                                                           kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker)
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit)
    assert svc.mark_sent(ctx, caseworker, [made.id]) == 1
    assert svc.mark_sent(ctx, caseworker, [made.id]) == 0  # already sent: left alone
    with pytest.raises(ValidationError):
        svc.mark_void(ctx, caseworker, made.id, "  ")
    svc.mark_void(ctx, caseworker, made.id, "returned: addressee moved")
    with pytest.raises(ValidationError, match="void"):
        svc.mark_sent(ctx, caseworker, [made.id])
    [entry] = letter_log(ctx, cid)
    assert (entry.status, entry.void_reason) == ("void", "returned: addressee moved")


def test_read_only_users_make_no_letters(ctx: AppContext, caseworker: Actor, reader: Actor,
                                         kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker)
    with pytest.raises(PermissionDenied):
        svc.make_letter(ctx, reader, cid, svc.LetterRequest("acknowledgement"), kit)
    assert logged(ctx) == 0


def test_late_advice_is_queued_chased_to_its_service_and_leaves_the_queue(ctx: AppContext, caseworker: Actor,
                                                                         kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker, received=date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 1, 20))
    advice = steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 1, 21), service=EP)
    today = date(2025, 3, 10)  # due 4 March: 6 days late
    ctx.clock = fixed_clock(today)
    [chase] = [q for q in letters_to_send(ctx, today) if q.template_id == "advice_chase"]
    assert (chase.case_id, chase.request.advice_id, chase.days_late) == (cid, advice, 6)
    batch = svc.make_letters(ctx, caseworker, [(chase.case_id, chase.request)], kit, combine=True)
    assert not batch.problems and batch.combined is not None
    [made] = batch.made
    text = " ".join(pdf_text(made.pdf).split())
    assert made.recipient_name == EP and "For the attention of Dr Ruth Okafor" in text and "6 days late" in text
    assert "Łukasz" not in text  # a letter to the service does not carry the family's address
    assert not [q for q in letters_to_send(ctx, today) if q.template_id == "advice_chase"]
    steps.record_advice_received(ctx, caseworker, advice, today)
    with pytest.raises(LetterError, match="days_late"):  # arrived: nothing left to chase
        svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("advice_chase", advice_id=advice), kit)


def test_a_cancelled_batch_logs_nothing(ctx: AppContext, caseworker: Actor, kit: svc.LetterKit) -> None:
    cids = [make_case(ctx, caseworker, f"EHC-2025-000{i}") for i in range(1, 4)]
    batch = svc.make_letters(ctx, caseworker, [(c, svc.LetterRequest("acknowledgement")) for c in cids], kit,
                             progress=lambda done, total: done < 2)
    assert batch.cancelled and not batch.made and logged(ctx) == 0


def test_a_batch_reports_the_letters_it_cannot_make_and_keeps_order(ctx: AppContext, caseworker: Actor,
                                                                     kit: svc.LetterKit) -> None:
    cids = [make_case(ctx, caseworker, f"EHC-2025-000{i}") for i in range(1, 4)]
    items = [(cids[0], svc.LetterRequest("acknowledgement")), (cids[1], svc.LetterRequest("decision_not_to_issue")),
             (cids[2], svc.LetterRequest("acknowledgement"))]
    batch = svc.make_letters(ctx, caseworker, items, kit, combine=True)
    assert [m.case_id for m in batch.made] == [cids[0], cids[2]]
    assert [(p.reference, p.template_id) for p in batch.problems] == [("EHC-2025-0002", "decision_not_to_issue")]
    assert batch.combined is not None and pdf_text(batch.combined).count("Our reference") == 2


def test_the_young_person_is_the_main_correspondent_after_school_age(ctx: AppContext, caseworker: Actor,
                                                                     kit: svc.LetterKit) -> None:
    # Born 4 May 2008: turns 16 on 4 May 2024, so compulsory school age ended on Friday 28 June 2024.
    cid = make_case(ctx, caseworker, date_of_birth=date(2008, 5, 4))
    with ctx.db.session() as s:
        child_id = s.scalar(select(Child.id).join(Contact).where(Contact.name == "Łukasz Wiśniewski"))
        s.add(Contact(child_id=child_id, role="young_person", name="Zoë Wiśniewska",
                      address="Room 4, Castle House\nHereford", postcode="HR4 0AA"))
    main = load_case_letters(ctx, cid, ctx.today()).main_correspondent
    assert main is not None and main.name == "Zoë Wiśniewska"
    assert load_case_letters(ctx, cid, date(2024, 6, 27)).main_correspondent.name == "Łukasz Wiśniewski"  # type: ignore[union-attr]
    with ctx.db.session() as s:
        s.get(Child, child_id).letters_to_parent = True  # type: ignore[union-attr]
    assert load_case_letters(ctx, cid, ctx.today()).main_correspondent.name == "Łukasz Wiśniewski"  # type: ignore[union-attr]


def test_a_reallocation_can_queue_the_family_letter(ctx: AppContext, caseworker: Actor, lead: Actor,
                                                    kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker)
    with ctx.db.session() as s:
        new = s.get(Staff, lead.id)
        assert new is not None
        new.phone, new.email = "01632 960123", "a.lead@marches.example.gov.uk"
    steps.reallocate(ctx, lead, cid, "alead", "covering a long absence", family_letter=True)
    [queued] = [q for q in letters_to_send(ctx, ctx.today()) if q.template_id == "change_of_caseworker"]
    made = svc.make_letter(ctx, lead, cid, queued.request, kit)
    assert "Alead" in pdf_text(made.pdf) and "absence" not in pdf_text(made.pdf)  # never the reason for the move
    assert not [q for q in letters_to_send(ctx, ctx.today()) if q.template_id == "change_of_caseworker"]


def test_a_real_database_needs_the_council_s_own_settings(ctx: AppContext, tmp_path: object,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(svc.COUNCIL_ENV, raising=False)
    with pytest.raises(SettingsError, match=r"council\.toml"):
        svc.load_letter_kit(ctx)


def test_a_refusal_closes_the_request_but_its_letter_waits_until_made(ctx: AppContext, caseworker: Actor,
                                                                      kit: svc.LetterKit) -> None:
    cid = make_case(ctx, caseworker, received=date(2025, 1, 20))
    steps.record_decision_to_assess(ctx, caseworker, cid, False, date(2025, 2, 24))
    waiting = [q for q in letters_to_send(ctx, ctx.today()) if q.case_id == cid]
    assert [(q.template_id, q.needs_reasons) for q in waiting] == [("decision_not_to_assess", True)]
    svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("decision_not_to_assess", reasons=("Needs met.",)), kit)
    assert not [q for q in letters_to_send(ctx, ctx.today()) if q.case_id == cid]
    assert not [q for q in letters_to_send(ctx, date(2025, 4, 1)) if q.case_id == cid]  # and none once it is old
