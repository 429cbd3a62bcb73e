"""Sample facts for the demo, the documentation pictures, the tests and the benchmark.

Every person and address here is invented; the council is the fictional Marches County Council of
resources/letters/council.sample.toml.
"""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.letters.facts import (
    AdviceLetterFacts,
    CaseFacts,
    ChildFacts,
    ExceptionLetterFacts,
    LetterFacts,
    Recipient,
)
from caseworker.letters.settings import CouncilSettings

SAMPLE_NAMES = ("Zoë Clarke", "Łukasz Wiśniewski", "Ștefan Popescu", "Nguyễn Thị Hà", "Aisha Rahman")
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
    return ExceptionLetterFacts(
        ground="d", title="Absent from the area",
        text="The child, the parent or the young person is away from the area for four weeks or more in a row",
        recorded=today - timedelta(days=2))


SAMPLE_REASONS = (
    "The information from school shows that Oakfield Primary School is meeting the child's needs well "
    "through SEN support, including small-group reading support three times a week.",
    "The reports we received show good progress over the last two terms with the support already in place.",
)


def sample_facts(council: CouncilSettings, child: str = "Aisha Rahman", recipient: Recipient | None = None,
                 today: date = SAMPLE_TODAY) -> LetterFacts:
    """Facts with everything recorded, so any template can be made."""
    return LetterFacts(council=council, recipient=recipient or sample_parent(),
                       child=ChildFacts(name=child, date_of_birth=date(2016, 3, 14)),
                       case=sample_case(today), today=today, our_reference="EHC-2025-0042/PS",
                       advice=sample_advice(today), exception=sample_exception(today), reasons=SAMPLE_REASONS)


def sample_recipient_for(kinds: tuple[str, ...]) -> Recipient:
    """A sample recipient a template with these allowed kinds may go to."""
    if {"main_correspondent", "parent"} & set(kinds):
        return sample_parent()
    if "advice_service" in kinds:
        return sample_service()
    return sample_school()
