"""The letters say only what is true in law (docs/law.md#letters), read back from the PDFs with pdftotext:
the rights paragraphs go to the parent or young person only, copies say so in one line; the final plan
goes to the setting named in section I, worded by its kind; a decision letter carries the notification
date on record; no letter states a passed date as a duty still to come; "the law requires" only to a
body reg 8 binds; excused advice is never chased."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from sqlalchemy import select, update

from caseworker.context import AppContext, fixed_clock
from caseworker.letters import LetterError
from caseworker.letters.words import MONTHS, long_date
from caseworker.services import case_links, steps
from caseworker.services import letters as svc
from caseworker.services.actor import Actor
from caseworker.services.advice import excuse_advice
from caseworker.services.named_setting import name_setting
from caseworker.store.models import AdviceService, AppMeta, AuditEvent, Case, Child, Organisation, School, Staff
from caseworker.views.letters_queue import letters_to_send
from tests.db.test_services import new_request

EP = "Marches Educational Psychology Service"
HEALTH = "Wye Valley NHS Trust"
RIGHTS = ("Your rights", "Your right to appeal", "mediation certificate", "Marches SENDIASS (fictional)",
          "Marches Mediation Partnership (fictional)", "within 2 months of the date of this letter")
TOLD = "We have written separately to the family to explain the right to appeal to the Tribunal"
REASONS = ("Oakfield Primary School meets the needs through SEN support.", "Progress this year is good.")


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def printed_date(pdf: bytes) -> str:
    """The date in the letter's reference block, as printed ("24 February 2025")."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    found = re.search(r"\bDate\s+(\d{1,2} [A-Z][a-z]+ \d{4})", out.decode())
    assert found is not None
    return found.group(1)


@pytest.fixture
def world(ctx: AppContext) -> dict[str, int]:
    """The council's lists: an EP service of its own and an NHS trust, three settings of different kinds,
    an ICB and children's social care (all with addresses)."""
    with ctx.db.session() as s:
        s.add(AppMeta(key="demo", value="1"))
        s.add_all([AdviceService(name=EP, kind="ep", body="council", address="Riverside Centre\nMarchford",
                                 postcode="MF1 3EP"),
                   AdviceService(name=HEALTH, kind="health", body="health", address="County Hospital\nHereford",
                                 postcode="HR1 2ER")])
        schools = [School(name="Oakfield Primary School", kind="maintained", address="Oakfield Road\nWestbury",
                          postcode="MF7 2LS"),
                   School(name="Little Acorns Pre-School", kind="early_years", address="Church Hall\nMarchford",
                          postcode="MF2 1AC"),
                   School(name="Riverside Special School", kind="maintained", address="Mill Lane\nMarchford",
                          postcode="MF2 4QT")]
        orgs = [Organisation(kind="health_commissioner", name="NHS Marches ICB", address="Kingsway House\nHereford",
                             postcode="HR1 2ER"),
                Organisation(kind="social_care", name="Marches Children's Social Care", address="County Hall\n"
                             "Marchford", postcode="MF1 1AA")]
        s.add_all([*schools, *orgs])
        s.execute(update(Staff).values(phone="01632 960011", email="team@marches.example.gov.uk"))
        s.flush()
        return {"oakfield": schools[0].id, "acorns": schools[1].id, "riverside": schools[2].id,
                "icb": orgs[0].id, "social_care": orgs[1].id}


def on(ctx: AppContext, day: date) -> None:
    ctx.clock = fixed_clock(day)


def new_case(ctx: AppContext, actor: Actor, world: dict[str, int], reference: str, received: date, **kw: object) -> int:
    """A request for a child at Oakfield, with the ICB and social care recorded on the case."""
    cid = steps.register_request(ctx, actor, new_request(reference=reference, received=received, **kw))
    with ctx.db.session() as s:
        s.execute(update(Child).where(Child.id == select(Case.child_id).where(Case.id == cid).scalar_subquery())
                  .values(school_id=world["oakfield"]))
    for org in ("icb", "social_care"):
        case_links.link_organisation(ctx, actor, cid, world[org])
    return cid


def make(ctx: AppContext, actor: Actor, cid: int, template: str, to: str | None = None, **kw: object) -> str:
    request = svc.LetterRequest(template, recipient_id=to, **kw)  # type: ignore[arg-type]
    return text_of(svc.make_letter(ctx, actor, cid, request, svc.load_letter_kit(ctx)).pdf)


# --- who gets the rights paragraphs (CFA s51; docs/law.md#appealable) ---------------------------------------


def test_only_the_family_gets_the_rights_and_every_copy_says_in_one_line_that_it_was_told(
        ctx: AppContext, caseworker: Actor, world: dict[str, int]) -> None:
    on(ctx, date(2025, 5, 20))
    refused = new_case(ctx, caseworker, world, "EHC-A", date(2025, 1, 13))
    steps.record_decision_to_assess(ctx, caseworker, refused, False, date(2025, 2, 24))
    no_plan = new_case(ctx, caseworker, world, "EHC-B", date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, no_plan, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, caseworker, no_plan, False, date(2025, 4, 28))
    final = new_case(ctx, caseworker, world, "EHC-C", date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, final, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, caseworker, final, True, date(2025, 4, 7))
    steps.record_draft_sent(ctx, caseworker, final, date(2025, 4, 14))
    steps.record_final_plan(ctx, caseworker, final, date(2025, 5, 20))
    name_setting(ctx, caseworker, final, world["riverside"])
    school, icb, care = f"school:{world['oakfield']}", f"commissioner:{world['icb']}", \
        f"social_care:{world['social_care']}"
    letters = [(refused, "decision_not_to_assess", [school, icb, care]),
               (no_plan, "decision_not_to_issue", [school, icb, care]),
               (final, "final_plan_cover", [f"setting:{world['riverside']}", icb])]
    for cid, template, copies in letters:
        reasons = REASONS if template != "final_plan_cover" else ()
        family = make(ctx, caseworker, cid, template, reasons=reasons)
        assert all(phrase in family for phrase in RIGHTS), template
        assert "written separately" not in family
        for to in copies:
            copy = make(ctx, caseworker, cid, template, to, reasons=reasons)
            assert [phrase for phrase in RIGHTS if phrase in copy] == [], (template, to)
            assert copy.count("right to appeal") == 1 and TOLD in copy, (template, to)


def test_a_refusal_to_issue_is_queued_for_the_icb_and_the_school_too(ctx: AppContext, caseworker: Actor,
                                                                     world: dict[str, int]) -> None:
    on(ctx, date(2025, 4, 30))
    cid = new_case(ctx, caseworker, world, "EHC-B", date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, caseworker, cid, False, date(2025, 4, 28))

    def waiting() -> list[str | None]:
        return [q.request.recipient_id for q in letters_to_send(ctx, ctx.today())
                if q.case_id == cid and q.template_id == "decision_not_to_issue"]

    assert waiting() == [None, f"school:{world['oakfield']}", f"commissioner:{world['icb']}"]  # reg 10(2)
    make(ctx, caseworker, cid, "decision_not_to_issue", reasons=REASONS)  # the family's letter
    assert waiting() == [f"school:{world['oakfield']}", f"commissioner:{world['icb']}"]
    make(ctx, caseworker, cid, "decision_not_to_issue", f"commissioner:{world['icb']}", reasons=REASONS)
    assert waiting() == [f"school:{world['oakfield']}"]


# --- the final plan to the setting named in section I (s42, s43) -------------------------------------------


def test_the_final_plan_goes_to_the_named_setting_worded_by_its_kind(ctx: AppContext, caseworker: Actor,
                                                                     world: dict[str, int]) -> None:
    on(ctx, date(2025, 5, 20))
    cid = new_case(ctx, caseworker, world, "EHC-C", date(2025, 1, 6), date_of_birth=date(2021, 9, 1))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 4, 7))
    steps.record_draft_sent(ctx, caseworker, cid, date(2025, 4, 14))
    steps.record_final_plan(ctx, caseworker, cid, date(2025, 5, 20))
    with pytest.raises(LetterError, match="none is recorded: record the named setting"):
        make(ctx, caseworker, cid, "final_plan_cover", f"school:{world['oakfield']}")
    with pytest.raises(LetterError, match="record the named setting"):
        make(ctx, caseworker, cid, "final_plan_cover", f"setting:{world['acorns']}")
    name_setting(ctx, caseworker, cid, world["acorns"])  # a pre-school: s43 does not apply
    pre_school = make(ctx, caseworker, cid, "final_plan_cover", f"setting:{world['acorns']}")
    assert "Little Acorns Pre-School" in pre_school and "Dear Manager" in pre_school
    assert "admit" not in pre_school and "section 43" not in pre_school
    assert "section F of the plan is our duty as the council (section 42 of the Act)" in pre_school
    assert "every 3 to 6 months" in pre_school  # the child is 3: reviews for under-5s (CoP 9.178)
    with pytest.raises(LetterError, match=r"Little Acorns Pre-School \(recipient setting:\d+\), not to Oakfield"):
        make(ctx, caseworker, cid, "final_plan_cover", f"school:{world['oakfield']}")  # never the school on record
    name_setting(ctx, caseworker, cid, world["riverside"])  # a maintained school must admit (s43)
    maintained = make(ctx, caseworker, cid, "final_plan_cover", f"setting:{world['riverside']}")
    assert "the law requires you to admit Zoë (section 43 of the Children and Families Act 2014)" in maintained
    assert "section F of the plan is our duty as the council" in maintained


# --- the notification date (docs/law.md#letter-dates) --------------------------------------------------------


def test_a_decision_letter_carries_the_recorded_notification_date_or_a_new_one_recorded(
        ctx: AppContext, caseworker: Actor, world: dict[str, int]) -> None:
    on(ctx, date(2025, 2, 24))
    cid = new_case(ctx, caseworker, world, "EHC-A", date(2025, 1, 13))
    steps.record_decision_to_assess(ctx, caseworker, cid, False, date(2025, 2, 24))
    on(ctx, date(2025, 3, 3))  # a week later
    kit = svc.load_letter_kit(ctx)
    request = svc.LetterRequest("decision_not_to_assess", reasons=REASONS)
    late = svc.notification_check(ctx, cid, request)
    assert late is not None and (late.recorded, late.today) == (date(2025, 2, 24), date(2025, 3, 3))
    kept = svc.make_letter(ctx, caseworker, cid, request, kit)
    text = text_of(kept.pdf)
    assert kept.letter_date == date(2025, 2, 24) and "recorded as notified on 24 February 2025" in kept.warning
    assert printed_date(kept.pdf) == "24 February 2025" and f"(that is, by {long_date(date(2025, 4, 24))})" in text
    assert "We missed that date" not in text  # told on the day: week 6 was met
    assert svc.record_reprint(ctx, caseworker, kept.id) == kept.pdf  # a reprint keeps the original date
    told_now = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest(
        "decision_not_to_assess", reasons=REASONS, notified_on=date(2025, 3, 3)), kit)
    text = text_of(told_now.pdf)
    assert told_now.letter_date == date(2025, 3, 3) and not told_now.warning
    assert printed_date(told_now.pdf) == "3 March 2025" and f"(that is, by {long_date(date(2025, 5, 3))})" in text
    assert "should have told you our decision by Monday 24 February 2025" in text and "we are sorry" in text
    with ctx.db.sessions() as s:
        assert s.scalar(select(Case.decision_to_assess_on).where(Case.id == cid)) == date(2025, 3, 3)
        assert s.scalar(select(AuditEvent.after).where(
            AuditEvent.action == "record_notification_date_decision_to_assess")) == \
            {"decision_to_assess_on": "2025-03-03"}
    assert svc.notification_check(ctx, cid, request) is None


def test_a_final_cover_made_months_later_keeps_the_appeal_window_of_the_day_the_plan_was_issued(
        ctx: AppContext, caseworker: Actor, world: dict[str, int]) -> None:
    on(ctx, date(2025, 5, 20))
    cid = new_case(ctx, caseworker, world, "EHC-C", date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 4, 7))
    steps.record_draft_sent(ctx, caseworker, cid, date(2025, 4, 14))
    steps.record_final_plan(ctx, caseworker, cid, date(2025, 5, 5))
    on(ctx, date(2025, 12, 2))
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("final_plan_cover"), svc.load_letter_kit(ctx))
    text = text_of(made.pdf)
    assert printed_date(made.pdf) == "5 May 2025" and f"by {long_date(date(2025, 7, 5))}" in text
    assert "February 2026" not in text
    with pytest.raises(LetterError, match="only a decision letter carries a notification date"):
        make(ctx, caseworker, cid, "acknowledgement", notified_on=date(2025, 12, 2))
    with pytest.raises(Exception, match="after today"):
        make(ctx, caseworker, cid, "final_plan_cover", notified_on=date(2025, 12, 3))


# --- no passed date as a duty still to come (docs/law.md#letter-dates) -------------------------------------

LONG_DATE = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (\d{1,2}) "
                       rf"({'|'.join(MONTHS)}) (\d{{4}})")
# A sentence naming a date already gone must say that it has gone (or be plainly about the past).
PAST_WORDS = ("passed", "missed", "should have", "was due", "ended", "ran from", "asked you on", "first asked",
              "received on", "we received", "dated", "born", "sent the request", "reached you on", "since",
              "applied from")


def duties_in_the_past(text: str, today: date) -> list[str]:
    """Sentences that name a date before ``today`` without saying it has passed."""
    found = []
    for sentence in re.split(r"(?<=[.:])\s+", text):
        for day, month, year in LONG_DATE.findall(sentence):
            when = date(int(year), MONTHS.index(month) + 1, int(day))
            if when < today and not any(w in sentence.lower() for w in PAST_WORDS):
                found.append(sentence)
    return found


def assessing(ctx: AppContext, caseworker: Actor, world: dict[str, int], reference: str) -> tuple[int, int]:
    """Received Monday 6 January 2025 (week 6: 17 Feb; draft latest safe 4 May; week 20: Monday 26 May);
    assessed on 10 February; EP advice asked of the council's own service on 11 February (due 25 March)."""
    cid = new_case(ctx, caseworker, world, reference, date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    advice = steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 11), service=EP)
    return cid, advice


@pytest.mark.parametrize(("today", "says"), [
    (date(2025, 5, 20), "can no longer meet that date"),  # week 20 is still to come, but cannot be met
    (date(2025, 6, 2), "That date has passed"),  # week 20 has gone
])
def test_letters_made_late_say_what_was_missed_and_never_set_a_passed_date_as_a_duty(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], today: date, says: str) -> None:
    on(ctx, today)
    cid, advice = assessing(ctx, caseworker, world, "EHC-D")
    service = None
    texts = {t: make(ctx, caseworker, cid, t, service, advice_id=advice if t.startswith("advice") else None)
             for t in ("acknowledgement", "decision_to_assess", "advice_request", "advice_chase")}
    for template, text in texts.items():
        assert duties_in_the_past(text, today) == [], template
    assert says in texts["decision_to_assess"] and "we are sorry" in texts["decision_to_assess"].lower()
    assert "That date has passed, and we are sorry for the delay" in texts["acknowledgement"]  # week 6 had gone
    assert "it was due by Tuesday 25 March 2025, 6 weeks after the request reached you. That date has passed" \
        in texts["advice_request"]
    if today == date(2025, 5, 20):
        assert "that date will now be missed" in texts["advice_chase"]  # the chase says week 20 *will* be missed
        assert long_date(date(2025, 6, 4)) in texts["advice_chase"]  # the earliest lawful final
    else:
        assert "already waiting longer than the law allows" in texts["advice_chase"]


@pytest.mark.parametrize(("today", "says"), [
    (date(2025, 5, 20), "The law says we must do this by Monday 26 May 2025"),
    (date(2025, 6, 2), "We should have issued the final EHC plan by Monday 26 May 2025, 20 weeks after we "
                       "received the request. That date has passed, and we are sorry"),
])
def test_a_draft_cover_made_after_the_family_s_15_days_apologises(ctx: AppContext, caseworker: Actor,
                                                                   world: dict[str, int], today: date,
                                                                   says: str) -> None:
    on(ctx, today)
    cid, _advice = assessing(ctx, caseworker, world, "EHC-E")
    steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 4, 28))
    steps.record_draft_sent(ctx, caseworker, cid, date(2025, 5, 1))  # by email: the 15 days end on 15 May
    text = make(ctx, caseworker, cid, "draft_plan_cover")
    assert duties_in_the_past(text, today) == []
    assert "Your 15 days to comment on the draft ran from Thursday 1 May 2025 to Thursday 15 May 2025" in text
    assert "We are sorry that this letter reaches you after they ended" in text and says in text
    assert "Please send us your comments by" not in text


def test_an_exception_notice_names_its_dates_and_the_limits_it_can_excuse(ctx: AppContext, caseworker: Actor,
                                                                         world: dict[str, int]) -> None:
    on(ctx, date(2025, 3, 3))
    cid, _advice = assessing(ctx, caseworker, world, "EHC-F")
    steps.record_exception(ctx, caseworker, cid, "d", date(2025, 3, 3), "abroad", began_on=date(2025, 2, 20))
    text = make(ctx, caseworker, cid, "exception_notice")
    assert "has applied since Thursday 20 February 2025" in text
    assert "issuing the final EHC plan: normally within 20 weeks of the request, by Monday 26 May 2025" in text
    assert "telling you whether we will carry out" not in text  # decided on 10 February: nothing to excuse
    assert duties_in_the_past(text, ctx.today()) == []


# --- advice: the adviser's receipt, reg 8 wording, excused advice -----------------------------------------


def test_the_law_requires_only_of_a_body_reg_8_binds(ctx: AppContext, caseworker: Actor,
                                                    world: dict[str, int]) -> None:
    on(ctx, date(2025, 2, 13))
    cid = new_case(ctx, caseworker, world, "EHC-G", date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    ep = steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 11), service=EP, sent_by="post")
    health = steps.request_advice(ctx, caseworker, cid, "health", date(2025, 2, 11), service=HEALTH)
    own = make(ctx, caseworker, cid, "advice_request", advice_id=ep)
    assert "The law requires" not in own and "Our standard is for advice to reach us within 6 weeks" in own
    # Posted on Tuesday 11 February: with the adviser on Thursday 13 February; due 6 weeks after that.
    assert "it is taken to reach you on Thursday 13 February 2025" in own and "by Thursday 27 March 2025" in own
    nhs = make(ctx, caseworker, cid, "advice_request", advice_id=health)
    assert "The law requires advice to reach us within 6 weeks" in nhs and "regulation 8" in nhs
    assert "Our standard" not in nhs and "by Tuesday 25 March 2025" in nhs
    icb = make(ctx, caseworker, cid, "advice_request", f"commissioner:{world['icb']}", advice_id=health)
    assert "The law requires" in icb
    school = make(ctx, caseworker, cid, "advice_request", f"school:{world['oakfield']}", advice_id=ep)
    assert "The law requires" not in school and "Our standard" in school
    on(ctx, date(2025, 4, 1))
    assert "The law requires" not in make(ctx, caseworker, cid, "advice_chase", advice_id=ep)
    assert "The law requires advice within 6 weeks" in make(ctx, caseworker, cid, "advice_chase", advice_id=health)


def test_excused_advice_is_never_chased(ctx: AppContext, caseworker: Actor, world: dict[str, int]) -> None:
    on(ctx, date(2025, 4, 1))
    cid, advice = assessing(ctx, caseworker, world, "EHC-H")  # due 25 March: a week late

    def chases() -> list[int | None]:
        return [q.request.advice_id for q in letters_to_send(ctx, ctx.today()) if q.template_id == "advice_chase"]

    assert chases() == [advice]
    excuse_advice(ctx, caseworker, advice, "missed_appointment", date(2025, 3, 10))
    assert chases() == []
    with pytest.raises(LetterError, match=r"excused under regulation 8\(2\), so it is not chased"):
        make(ctx, caseworker, cid, "advice_chase", advice_id=advice)
