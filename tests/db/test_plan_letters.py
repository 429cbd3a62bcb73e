"""Letters about a plan in place, made through the service from a plan recorded step by step and read back
with pdftotext (docs/law.md#letters): the review invitation with its typed time and place, the review
decision, proposed amendments, the final amended plan, the decision to cease and the consultation about
a phase transfer. Decision letters carry the date recorded on the plan, the rights paragraphs go to the
family only, no passed date is stated as a duty still to come, and nothing is made before its facts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import update

from caseworker.context import AppContext
from caseworker.letters import LetterError
from caseworker.letters.words import MONTHS
from caseworker.services import letters as svc
from caseworker.services import plan_cease, plan_transfers, plans, steps
from caseworker.services.actor import Actor
from caseworker.services.named_setting import name_setting
from caseworker.store.models import School
from caseworker.views.letter_log import letter_log
from caseworker.views.letter_recipients import load_case_letters
from tests.db.test_letters_law import (
    LONG_DATE,
    PAST_WORDS,
    RIGHTS,
    TOLD,
    new_case,
    on,
    printed_date,
    text_of,
    world,  # noqa: F401  (a fixture)
)

PLAN_LETTERS = ("annual_review_invitation", "review_decision", "amendment_notice", "amended_plan_cover",
                "cease_decision", "phase_transfer_consultation")
REASONS = ("Zoë now makes good progress with the support her school gives from its own resources.",)
# Past facts these letters tell of, besides those the request's letters use.
PLAN_PAST = (*PAST_WORDS, "considered the report", "we told", "proposed to you on", "appealed", "issued")


def no_passed_duties(text: str, today: date) -> list[str]:
    """Sentences naming a day before ``today`` without saying it is past (docs/law.md#letter-dates)."""
    found = []
    for sentence in re.split(r"(?<=[.:])\s+", text):
        for day, month, year in LONG_DATE.findall(sentence):
            if date(int(year), MONTHS.index(month) + 1, int(day)) < today and \
                    not any(w in sentence.lower() for w in PLAN_PAST):
                found.append(sentence)
    return found


def make(ctx: AppContext, actor: Actor, cid: int, template: str, to: str | None = None,
         **kw: object) -> svc.MadeLetter:
    request = svc.LetterRequest(template, recipient_id=to, **kw)  # type: ignore[arg-type]
    return svc.make_letter(ctx, actor, cid, request, svc.load_letter_kit(ctx))


def text(made: svc.MadeLetter) -> str:
    return text_of(made.pdf)


@pytest.fixture
def planned(ctx: AppContext, caseworker: Actor, world: dict[str, int]) -> int:  # noqa: F811
    """Zoë's request, received Monday 6 January 2025, ends in a final plan issued on Tuesday 20 May 2025
    naming Riverside Special School; Oakfield is her current school; the ICB and social care are recorded."""
    on(ctx, date(2025, 5, 20))
    cid = new_case(ctx, caseworker, world, "EHC-P", date(2025, 1, 6))
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 10))
    steps.record_decision_to_issue(ctx, caseworker, cid, True, date(2025, 4, 7))
    steps.record_draft_sent(ctx, caseworker, cid, date(2025, 4, 14))
    steps.record_final_plan(ctx, caseworker, cid, date(2025, 5, 20))
    name_setting(ctx, caseworker, cid, world["riverside"])
    return cid


@pytest.fixture
def academy_id(ctx: AppContext) -> int:
    """The secondary a phase transfer consults: Wye Valley Academy, in the council's schools list."""
    with ctx.db.session() as s:
        school = School(name="Wye Valley Academy", kind="academy", address="Ross Road\nHereford", postcode="HR2 7AA")
        s.add(school)
        s.flush()
        return int(school.id)


def test_the_plan_letters_are_offered_for_a_plan_in_place_and_not_for_a_request(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int) -> None:  # noqa: F811
    request = new_case(ctx, caseworker, world, "EHC-R", date(2025, 5, 1))
    kit = svc.load_letter_kit(ctx)
    for cid, offered in ((planned, True), (request, False)):
        case = load_case_letters(ctx, cid, ctx.today())
        assert (case.plan is not None) is offered
        family = case.main_correspondent
        assert family is not None
        ids = {t.id for t in kit.templates.for_recipient(family, plan_in_place=case.plan is not None)}
        assert (set(PLAN_LETTERS) - {"phase_transfer_consultation"} <= ids) is offered
        assert not ids & set(PLAN_LETTERS) or offered
        assert "acknowledgement" in ids
    with pytest.raises(LetterError, match="there is no plan in place"):
        make(ctx, caseworker, request, "review_decision")


def test_the_review_invitation_gives_the_meeting_and_the_advice_date_to_the_reg_20_list(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 3, 2))
    with pytest.raises(LetterError, match=r"plan\.review_meeting"):  # no meeting recorded yet
        make(ctx, caseworker, planned, "annual_review_invitation", meeting_time="10am", meeting_place="School")
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 20), invitations_sent_on=date(2026, 3, 2))
    with pytest.raises(LetterError, match=r"meeting\.time, meeting\.place"):
        make(ctx, caseworker, planned, "annual_review_invitation")
    typed = {"meeting_time": "10am to 11:30am", "meeting_place": "Riverside Special School, the library"}
    family = text(make(ctx, caseworker, planned, "annual_review_invitation", **typed))
    for words in ("Date: Monday 20 April 2026", "Time: 10am to 11:30am",
                  "Place: Riverside Special School, the library", "by Monday 6 April 2026", "Your views",
                  "by Monday 4 May 2026", "by Monday 18 May 2026", "Marches SENDIASS (fictional)"):
        assert words in family, words
    copies = {to: text(make(ctx, caseworker, planned, "annual_review_invitation", to, **typed))
              for to in (f"school:{world['oakfield']}", f"setting:{world['riverside']}",
                         f"commissioner:{world['icb']}", f"social_care:{world['social_care']}")}
    for to, copy in copies.items():
        assert "regulation 20" in copy and "Your advice" in copy and "Your views" not in copy, to
        assert no_passed_duties(copy, ctx.today()) == [], to
    assert "health care professional" in copies[f"commissioner:{world['icb']}"]
    assert "social care officer" in copies[f"social_care:{world['social_care']}"]
    on(ctx, date(2026, 4, 10))  # inside the 2 weeks: the advice is late, and the letter says so
    late = text(make(ctx, caseworker, planned, "annual_review_invitation", **typed))
    assert "That should have been by Monday 6 April 2026: the date has passed" in late and "we are sorry" in late
    assert no_passed_duties(late, ctx.today()) == []
    with pytest.raises(LetterError, match="time is 61 characters"):
        make(ctx, caseworker, planned, "annual_review_invitation", meeting_time="x" * 61, meeting_place="here")
    on(ctx, date(2026, 4, 21))
    with pytest.raises(LetterError, match="the review meeting on 20 April 2026 has passed"):
        make(ctx, caseworker, planned, "annual_review_invitation", **typed)


def test_a_review_decision_to_keep_the_plan_is_appealable_and_dated_as_recorded(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 4, 20))
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 20))
    with pytest.raises(LetterError, match=r"cannot be made until these are recorded: plan\.review_decision"):
        make(ctx, caseworker, planned, "review_decision")
    on(ctx, date(2026, 5, 26))
    plans.record_review_decision(ctx, caseworker, planned, "maintain", date(2026, 5, 26))  # 5 weeks: late
    made = make(ctx, caseworker, planned, "review_decision")
    family = text(made)
    assert printed_date(made.pdf) == "26 May 2026" and made.letter_date == date(2026, 5, 26)
    assert all(phrase in family for phrase in RIGHTS) and "written separately" not in family
    assert "only about the school, college or other setting named in the plan" in family
    assert "keep Zoë's EHC plan as it is" in family and "by Tuesday 25 May 2027" in family  # 12 months
    assert "within 4 weeks of the meeting, by Monday 18 May 2026. We missed that date" in family
    for to in (f"school:{world['oakfield']}", f"setting:{world['riverside']}"):
        copy = text(make(ctx, caseworker, planned, "review_decision", to))
        assert [p for p in RIGHTS if p in copy] == [] and TOLD in copy, to
    on(ctx, date(2026, 6, 2))  # a week later: still dated as recorded, with a warning
    again = make(ctx, caseworker, planned, "review_decision")
    assert printed_date(again.pdf) == "26 May 2026"
    assert "correct the date recorded on the plan first" in again.warning
    late = svc.notification_check(ctx, planned, svc.LetterRequest("review_decision"))
    assert late is not None and not late.recordable
    with pytest.raises(LetterError, match="recorded on the plan: correct it there"):
        make(ctx, caseworker, planned, "review_decision", notified_on=date(2026, 6, 2))


def test_a_review_deciding_to_amend_sends_the_proposed_amendments_then_the_amended_plan(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 5, 11))
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 27))
    plans.record_review_decision(ctx, caseworker, planned, "amend", date(2026, 5, 11),
                                 amendment_notice_sent=date(2026, 5, 11))
    with pytest.raises(LetterError, match=r"decided to amend the plan.*amendment_notice"):
        make(ctx, caseworker, planned, "review_decision")
    notice = make(ctx, caseworker, planned, "amendment_notice")
    words = text(notice)
    assert printed_date(notice.pdf) == "11 May 2026" and notice.letter_date == date(2026, 5, 11)
    for phrase in ("the report of the review meeting on Monday 27 April 2026", "the plan should be amended",
                   "at least 15 days",
                   "comments by Monday 25 May 2026", "a maintained school or a maintained nursery school",
                   "ask to meet one of our officers", "by Monday 6 July 2026"):
        assert phrase in words, phrase
    assert "Your rights" not in words and "mediation certificate" not in words  # nothing to appeal yet
    school = text(make(ctx, caseworker, planned, "amendment_notice", f"school:{world['oakfield']}"))
    assert "They have until Monday 25 May 2026 to comment" in school
    with pytest.raises(LetterError, match=r"plan\.amended_plan_issued"):
        make(ctx, caseworker, planned, "amended_plan_cover")
    on(ctx, date(2026, 6, 15))
    plans.record_amended_plan(ctx, caseworker, planned, issued_on=date(2026, 6, 15))
    cover = make(ctx, caseworker, planned, "amended_plan_cover")
    family = text(cover)
    assert printed_date(cover.pdf) == "15 June 2026" and all(phrase in family for phrase in RIGHTS)
    assert "final amended Education, Health and Care (EHC) plan for Zoë Wiśniewska, dated Monday 15 June 2026" \
        in family and "proposed to you on Monday 11 May 2026" in family
    setting = text(make(ctx, caseworker, planned, "amended_plan_cover", f"setting:{world['riverside']}"))
    assert "the law requires you to admit Zoë (section 43" in setting and TOLD in setting
    icb = text(make(ctx, caseworker, planned, "amended_plan_cover", f"commissioner:{world['icb']}"))
    assert "section G of the plan, as amended" in icb and "Your rights" not in icb
    for made in (family, setting, icb):
        assert no_passed_duties(made, ctx.today()) == []


def test_amendments_made_late_apologise_instead_of_setting_passed_dates(
        ctx: AppContext, caseworker: Actor, planned: int) -> None:
    on(ctx, date(2026, 2, 2))
    plans.record_amendment_notice(ctx, caseworker, planned, date(2026, 2, 2))
    on(ctx, date(2026, 4, 6))  # the 15 days and the 8 weeks have both gone
    words = text(make(ctx, caseworker, planned, "amendment_notice"))
    assert "We are proposing to amend" in words  # not after a review
    assert "ran from Monday 2 February 2026 to Monday 16 February 2026" in words
    assert "by Monday 30 March 2026, 8 weeks after we sent you the proposed changes. That date has passed" in words
    assert "Please send us your comments by" not in words
    assert no_passed_duties(words, ctx.today()) == []


def test_a_decision_to_cease_keeps_the_plan_while_an_appeal_is_possible(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int) -> None:  # noqa: F811
    on(ctx, date(2026, 3, 2))
    plan_cease.propose_cease(ctx, caseworker, planned, date(2026, 3, 2))
    with pytest.raises(LetterError, match=r"plan\.cease_decided"):
        make(ctx, caseworker, planned, "cease_decision", reasons=REASONS)
    on(ctx, date(2026, 3, 30))
    plan_cease.decide_cease(ctx, caseworker, planned, date(2026, 3, 30))
    with pytest.raises(LetterError, match="reasons"):
        make(ctx, caseworker, planned, "cease_decision")
    made = make(ctx, caseworker, planned, "cease_decision", reasons=REASONS)
    family = text(made)
    assert printed_date(made.pdf) == "30 March 2026" and all(phrase in family for phrase in RIGHTS)
    assert "On Monday 2 March 2026 we told you that we were considering" in family
    assert "1. Zoë now makes good progress" in family
    assert "that is until Saturday 30 May 2026, and, if you appeal, until the Tribunal has decided" in family
    assert "only about the school" not in family  # an appeal against ceasing always needs mediation first
    for to in (f"setting:{world['riverside']}", f"commissioner:{world['icb']}"):
        copy = text(make(ctx, caseworker, planned, "cease_decision", to, reasons=REASONS))
        assert TOLD in copy and "Your rights" not in copy and "until we tell you that the plan has ceased" in copy
    on(ctx, date(2026, 4, 20))
    plan_cease.record_cease_appeal(ctx, caseworker, planned, lodged_on=date(2026, 4, 20))
    pending = text(make(ctx, caseworker, planned, "cease_decision", reasons=REASONS))
    assert "You appealed to the Tribunal against this decision on Monday 20 April 2026" in pending
    assert no_passed_duties(pending, ctx.today()) == []


def test_a_review_deciding_to_cease_is_told_in_the_cease_letter(ctx: AppContext, caseworker: Actor,
                                                                planned: int) -> None:
    on(ctx, date(2026, 5, 1))
    plans.record_review_meeting(ctx, caseworker, planned, date(2026, 4, 20))
    plans.record_review_decision(ctx, caseworker, planned, "cease", date(2026, 5, 1))
    with pytest.raises(LetterError, match="decision to cease letter"):
        make(ctx, caseworker, planned, "review_decision")
    words = text(make(ctx, caseworker, planned, "cease_decision", reasons=REASONS))
    assert "Following the annual review meeting on Monday 20 April 2026" in words
    assert "until Wednesday 1 July 2026" in words
    on(ctx, date(2026, 5, 4))
    plan_cease.withdraw_cease(ctx, caseworker, planned, date(2026, 5, 4))
    with pytest.raises(LetterError, match="withdrawn on 4 May 2026"):
        make(ctx, caseworker, planned, "cease_decision", reasons=REASONS)


def test_the_phase_transfer_consultation_goes_to_the_setting_consulted(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int, academy_id: int) -> None:  # noqa: F811
    on(ctx, date(2026, 10, 5))
    plan_transfers.record_transfer(ctx, caseworker, planned, "school", date(2027, 9, 1))
    with pytest.raises(LetterError, match="no setting is recorded as consulted"):
        make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{world['oakfield']}")
    plan_transfers.record_transfer_consultation(ctx, caseworker, planned, academy_id, date(2026, 10, 5))
    recipients = {r.id: r.kind for r in load_case_letters(ctx, planned, ctx.today()).recipients}
    assert recipients[f"school:{academy_id}"] == "school_consulted"
    made = make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{academy_id}")
    words = text(made)
    assert "Wye Valley Academy" in words and "Dear Headteacher" in words
    for phrase in ("Zoë is due to move to their next school on Wednesday 1 September 2027",
                   "by Sunday 14 February 2027", "Please reply within 15 days, by Tuesday 20 October 2026"):
        assert phrase in words, phrase
    with pytest.raises(LetterError, match=r"goes to Wye Valley Academy \(recipient school:\d+\)"):
        make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{world['oakfield']}")
    on(ctx, date(2027, 2, 22))  # the February deadline gone: the letter says so
    late = text(make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{academy_id}"))
    assert "by Sunday 14 February 2027. That date has passed" in late
    assert no_passed_duties(late, ctx.today()) == []
    on(ctx, date(2027, 9, 2))  # after the move: nothing left to consult on
    with pytest.raises(LetterError, match="the move on 1 September 2027 has passed"):
        make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{academy_id}")
    logged = {e.template_id for e in letter_log(ctx, planned)}
    assert logged == {"phase_transfer_consultation"}


def test_the_current_school_is_consulted_as_itself_when_the_child_stays_on(
        ctx: AppContext, caseworker: Actor, world: dict[str, int], planned: int) -> None:  # noqa: F811
    """A move into the sixth form of the school the child already attends: the school is written to once."""
    on(ctx, date(2026, 11, 2))
    with ctx.db.session() as s:
        s.execute(update(School).where(School.id == world["oakfield"]).values(kind="maintained"))
    plan_transfers.record_transfer(ctx, caseworker, planned, "post16", date(2027, 9, 1))
    plan_transfers.record_transfer_consultation(ctx, caseworker, planned, world["oakfield"], date(2026, 11, 2))
    words = text(make(ctx, caseworker, planned, "phase_transfer_consultation", f"school:{world['oakfield']}"))
    assert "move from school to post-16 education on Wednesday 1 September 2027" in words
    assert "by Tuesday 30 March 2027" in words
