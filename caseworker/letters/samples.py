"""Sample facts for the demo, the documentation pictures, the tests and the benchmark.

Every person and address here is invented; the council is the fictional Marches County Council of
resources/letters/council.sample.toml.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from caseworker.letters.facts import (
    AdviceLetterFacts,
    CaseFacts,
    ChildFacts,
    ExceptionLetterFacts,
    LetterFacts,
    MeetingFacts,
    PlanLetterFacts,
    Recipient,
    SettingFacts,
)
from caseworker.letters.settings import CouncilSettings
from caseworker.letters.words import long_date

SAMPLE_NAMES = ("Zoë Clarke", "Łukasz Wiśniewski", "Ștefan Popescu", "Nguyễn Thị Hà", "Aisha Rahman")
# What each is called after the first mention (a Vietnamese name gives the family name first).
SAMPLE_FORENAMES = {"Zoë Clarke": "Zoë", "Łukasz Wiśniewski": "Łukasz", "Ștefan Popescu": "Ștefan",
                    "Nguyễn Thị Hà": "Hà", "Aisha Rahman": "Aisha"}
SAMPLE_TODAY = date(2025, 5, 26)


def sample_parent(name: str = "Farida Rahman", contact_id: int = 12) -> Recipient:
    return Recipient(id=f"contact:{contact_id}", kind="parent", name=name,
                     address_lines=("Flat 3, Linden Court", "14 Mill Lane", "Marchford"), postcode="MF2 4QT",
                     main_correspondent=True)


def sample_service() -> Recipient:
    return Recipient(id="service:5", kind="advice_service", name="Marches Educational Psychology Service",
                     address_lines=("Riverside Centre", "Bridge Street", "Marchford"), postcode="MF1 3EP",
                     salutation="Dear colleague")


def sample_school() -> Recipient:
    return Recipient(id="school:3", kind="school", name="Oakfield Primary School", addressee="The Headteacher",
                     address_lines=("Oakfield Road", "Westbury-on-Marches"), postcode="MF7 2LS",
                     salutation="Dear Headteacher")


def sample_setting() -> Recipient:
    """The setting named in section I of the sample plan (here the child's own school)."""
    return Recipient(id="setting:3", kind="named_setting", name="Oakfield Primary School",
                     addressee="The Headteacher", address_lines=("Oakfield Road", "Westbury-on-Marches"),
                     postcode="MF7 2LS", salutation="Dear Headteacher")


def sample_commissioner() -> Recipient:
    return Recipient(id="commissioner:1", kind="health_commissioner", name="NHS Marches Integrated Care Board",
                     address_lines=("Kingsway House", "Marchford"), postcode="MF1 2ER", salutation="Dear colleague")


def sample_case(today: date = SAMPLE_TODAY, received: date | None = None) -> CaseFacts:
    """A request well into its 20 weeks, with every date recorded."""
    received = received or today - timedelta(days=100)
    served = received + timedelta(days=98)
    return CaseFacts(
        reference="EHC-2025-0042", stage="drafting", received=received, caseworker_name="Priya Shah",
        caseworker_phone="01632 960011", caseworker_email="priya.shah@marches.example.gov.uk",
        school="Oakfield Primary School", decision_due=received + timedelta(days=42),
        decision_to_assess_on=received + timedelta(days=38), issue_decision_due=received + timedelta(days=112),
        decision_to_issue_on=received + timedelta(days=95), draft_latest_safe=received + timedelta(days=118),
        draft_sent=served, draft_served=served, family_comment_end=served + timedelta(days=14),
        earliest_final=served + timedelta(days=15), final_due=received + timedelta(days=140),
        final_issued=received + timedelta(days=136))


def sample_advice(today: date = SAMPLE_TODAY) -> AdviceLetterFacts:
    requested = today - timedelta(days=51)
    return AdviceLetterFacts(kind="ep", kind_title="Educational psychology advice",
                             service="Marches Educational Psychology Service", requested=requested,
                             due=requested + timedelta(days=42), days_late=9)


def sample_exception(today: date = SAMPLE_TODAY) -> ExceptionLetterFacts:
    final_due = sample_case(today).final_due
    assert final_due is not None
    return ExceptionLetterFacts(
        ground="d", title="Absent from the area",
        text="The child, the parent or the young person is away from the area for four weeks or more in a row",
        recorded=today - timedelta(days=2), began=today - timedelta(days=9),
        excuses=(f"issuing the final EHC plan: normally within 20 weeks of the request, by {long_date(final_due)}",))


def sample_plan() -> PlanLetterFacts:
    """A plan issued in June 2023 and kept after its first review; its second review meets in June 2025.
    It was amended in spring 2025, the child moves to secondary school in September 2027, and a proposal
    to cease it was decided in May 2025: every plan letter can be made from it, each on its own day."""
    return PlanLetterFacts(
        issued=date(2023, 6, 19), next_review_due=date(2025, 6, 9), review_meeting=date(2025, 6, 5),
        invitations_sent=date(2025, 5, 6), advice_by=date(2025, 5, 22), review_report_due=date(2025, 6, 19),
        review_decision_due=date(2025, 7, 3), last_review_meeting=date(2024, 5, 20), review_decision="maintain",
        review_decision_notified=date(2024, 6, 10), amendment_notice_sent=date(2025, 3, 3),
        amendment_served=date(2025, 3, 3), amendment_comments_until=date(2025, 3, 17),
        amended_plan_due=date(2025, 4, 28), amended_plan_issued=date(2025, 4, 14), amendment_follows_review=False,
        last_review_decision_due=date(2024, 6, 17), cease_follows_review=False, transfer_kind="school",
        transfer_date=date(2027, 9, 1), transfer_due=date(2027, 2, 14), transfer_consulted=date(2026, 10, 5),
        transfer_school="Marchford Academy", cease_proposed=date(2025, 4, 28), cease_decided=date(2025, 5, 19),
        appeal_until=date(2025, 7, 19))


SAMPLE_MEETING = MeetingFacts(time="10am to 11:30am", place="the Willow Room, Oakfield Primary School")


SAMPLE_REASONS = (
    "The information from school shows that Oakfield Primary School is meeting the child's needs well "
    "through SEN support, including small-group reading support three times a week.",
    "The reports we received show good progress over the last two terms with the support already in place.",
)


def sample_facts(council: CouncilSettings, child: str = "Aisha Rahman", recipient: Recipient | None = None,
                 today: date = SAMPLE_TODAY) -> LetterFacts:
    """Facts with everything recorded, so any template can be made."""
    return LetterFacts(council=council, recipient=recipient or sample_parent(),
                       child=ChildFacts(name=child, date_of_birth=date(2016, 3, 14),
                                        first_name=SAMPLE_FORENAMES.get(child, child.split()[0])),
                       case=sample_case(today), today=today, our_reference="EHC-2025-0042/PS",
                       advice=sample_advice(today), exception=sample_exception(today), reasons=SAMPLE_REASONS,
                       setting=SettingFacts(name="Oakfield Primary School", kind="maintained",
                                            kind_title="Maintained school", admission_duty=True),
                       plan=sample_plan(), meeting=SAMPLE_MEETING)


def _step_day(template_id: str, facts: LetterFacts) -> date:
    """The day the sample case's letter of this kind would be made: the step it tells of."""
    c, advice, exception = facts.case, facts.advice, facts.exception
    days = {"acknowledgement": c.received, "decision_to_assess": c.decision_to_assess_on,
            "decision_not_to_assess": c.decision_to_assess_on, "decision_not_to_issue": c.decision_to_issue_on,
            "advice_request": advice.requested if advice else None, "draft_plan_cover": c.draft_sent,
            "school_consultation": c.draft_sent, "final_plan_cover": c.final_issued,
            "exception_notice": exception.recorded if exception else None}
    p = facts.plan
    if p is not None:
        days |= {"annual_review_invitation": p.invitations_sent, "review_decision": p.review_decision_notified,
                 "amendment_notice": p.amendment_notice_sent, "amended_plan_cover": p.amended_plan_issued,
                 "cease_decision": p.cease_decided, "phase_transfer_consultation": p.transfer_consulted}
    return days.get(template_id) or facts.today


def sample_facts_for(template_id: str, council: CouncilSettings, child: str = "Aisha Rahman",
                     recipient: Recipient | None = None) -> LetterFacts:
    """Sample facts for one letter, made on the day of the step it tells of (a decision letter dated
    with the decision's notification date), so no sample speaks of a date it should not have passed."""
    facts = sample_facts(council, child, recipient)
    day = _step_day(template_id, facts)
    return replace(facts, today=day, letter_date=day)


def sample_recipient_for(kinds: tuple[str, ...]) -> Recipient:
    """A sample recipient a template with these allowed kinds may go to."""
    if {"main_correspondent", "parent"} & set(kinds):
        return sample_parent()
    if "advice_service" in kinds:
        return sample_service()
    return sample_school()
