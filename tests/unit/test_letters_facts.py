"""Facts from a case as the record screen holds it: dates from the engine, recipients only from the case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from caseworker.letters import (
    LetterError,
    Recipient,
    contact_recipients,
    facts_from_detail,
    load_council_settings,
    load_templates,
)
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts
from caseworker.views.case_detail import AdviceView, CaseDetail, ContactView, ExceptionView

COUNCIL = load_council_settings()
TEMPLATES = load_templates()
ENGINE = DeadlineEngine()
RECEIVED = date(2025, 1, 6)
TODAY = date(2025, 4, 28)


def detail(**changes: object) -> CaseDetail:
    sent = RECEIVED + timedelta(days=100)
    facts = RequestFacts(reference="EHC-2025-0007", received=RECEIVED, child="Łukasz Wiśniewski",
                         decision_to_assess=True, decision_to_assess_on=RECEIVED + timedelta(days=40),
                         decision_to_issue=True, decision_to_issue_on=RECEIVED + timedelta(days=90), draft_sent=sent,
                         advice=[AdviceFacts("ep", RECEIVED + timedelta(days=41), None, "Marches EP Service", 31),
                                 AdviceFacts("health", RECEIVED + timedelta(days=41), RECEIVED + timedelta(days=70),
                                             "Marches Community Paediatrics", 32)],
                         exceptions=[ExceptionFacts("d", RECEIVED + timedelta(days=60), "family abroad")])
    deadlines = ENGINE.evaluate(facts, TODAY)
    advice = tuple(AdviceView(a.id or 0, 1, a.kind, a.service or "", a.requested, a.due, a.received, a.status,
                              a.days_late) for a in deadlines.advice)
    base = CaseDetail(
        case_id=7, version=3, reference="EHC-2025-0007", child="Łukasz Wiśniewski", date_of_birth=date(2014, 9, 2),
        age=10, upn="", school="Oakfield Primary School", primary_need="SLCN", caseworker="pshah",
        caseworker_name="Priya Shah", received=RECEIVED, final_issued=None, deadlines=deadlines, advice=advice,
        contacts=(ContactView(12, "parent", "Anna Wiśniewska", "5 Orchard Way\nMarchford", "MF3 9XY", "", "", True),
                  ContactView(13, "parent", "Piotr Wiśniewski", "Flat 2, 40 High Street, Westbury", "MF7 1AB", "",
                              "", False),
                  ContactView(14, "other", "Neighbour", "1 Road", "MF1 1AA", "", "", False),
                  ContactView(15, "carer", "No Address", "", "", "", "", False)),
        exceptions=(ExceptionView("d", "Absent from the area", RECEIVED + timedelta(days=60), "family abroad"),),
        history=())
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_case_contacts_are_the_recipients_main_correspondent_first() -> None:
    people = contact_recipients(detail())
    assert [r.id for r in people] == ["contact:12", "contact:13"]
    assert people[0].main_correspondent and people[0].address_lines == ("5 Orchard Way", "Marchford")
    assert people[1].address_lines == ("Flat 2", "40 High Street", "Westbury")
    assert people[0].kinds == {"parent", "main_correspondent"}


def test_dates_come_from_the_deadline_engine() -> None:
    d = detail()
    facts = facts_from_detail(d, contact_recipients(d)[0], COUNCIL, TODAY, ENGINE)
    sent = RECEIVED + timedelta(days=100)
    c = facts.case
    assert (c.decision_due, c.issue_decision_due, c.final_due) == (
        RECEIVED + timedelta(days=42), RECEIVED + timedelta(days=112), RECEIVED + timedelta(days=140))
    assert c.draft_latest_safe == RECEIVED + timedelta(days=140 - 15 - 7)
    assert (c.draft_served, c.family_comment_end, c.earliest_final) == (
        sent, sent + timedelta(days=14), sent + timedelta(days=15))
    assert facts.child.name == "Łukasz Wiśniewski" and facts.our_reference == "EHC-2025-0007"


def test_an_advice_chase_from_a_case() -> None:
    d = detail()
    ep = Recipient(id="service:4", kind="advice_service", name="Marches EP Service",
                   address_lines=("Riverside Centre", "Marchford"), postcode="MF1 3EP")
    facts = facts_from_detail(d, ep, COUNCIL, TODAY, ENGINE, advice_id=31)
    assert facts.advice is not None
    assert facts.advice.days_late == (TODAY - (RECEIVED + timedelta(days=83))).days
    assert facts.advice.kind_title == "Educational psychology advice"
    text = TEMPLATES.render("advice_chase", facts).text()
    assert f"{facts.advice.days_late} days late" in text
    on_time = facts_from_detail(d, replace(ep, name="Marches Community Paediatrics"), COUNCIL, TODAY, ENGINE,
                                advice_id=32)
    with pytest.raises(LetterError, match=r"advice\.days_late"):
        TEMPLATES.render("advice_chase", on_time)


def test_an_exception_notice_from_a_case() -> None:
    d = detail()
    facts = facts_from_detail(d, contact_recipients(d)[0], COUNCIL, TODAY, ENGINE, exception_index=0)
    assert facts.exception is not None and facts.exception.title == "Absent from the area"
    text = TEMPLATES.render("exception_notice", facts).text()
    assert "away from the area for four weeks or more" in text
    assert "family abroad" not in text  # the internal note stays internal


def test_a_letter_cannot_go_to_anyone_not_linked_to_the_case() -> None:
    d = detail()
    mum = contact_recipients(d)[0]
    other_family = Recipient(id="contact:99", kind="parent", name="Someone Else",
                             address_lines=("9 Elsewhere",), postcode="MF9 9ZZ")
    with pytest.raises(LetterError, match="not a contact of this case"):
        facts_from_detail(d, other_family, COUNCIL, TODAY, ENGINE)
    with pytest.raises(LetterError, match="not the one on record"):
        facts_from_detail(d, replace(mum, address_lines=("9 Elsewhere",)), COUNCIL, TODAY, ENGINE)
    with pytest.raises(LetterError, match="not the one on record"):
        facts_from_detail(d, replace(mum, addressee="Someone Else"), COUNCIL, TODAY, ENGINE)
    school = Recipient(id="school:3", kind="school", name="Oakfield Primary School", addressee="The Headteacher",
                       address_lines=("Oakfield Road",), postcode="MF7 2LS")
    assert facts_from_detail(d, school, COUNCIL, TODAY, ENGINE).recipient == school
    with pytest.raises(LetterError, match="must be one of the case's contacts"):
        facts_from_detail(d, replace(other_family, id="school:1"), COUNCIL, TODAY, ENGINE)
    with pytest.raises(LetterError, match="not the school recorded"):
        facts_from_detail(d, Recipient(id="school:8", kind="school", name="Hillside Academy",
                                       address_lines=("Hill Road",), postcode="MF1 2AB"), COUNCIL, TODAY, ENGINE)
    with pytest.raises(LetterError, match="advice was asked of Marches EP Service"):
        facts_from_detail(d, Recipient(id="service:9", kind="advice_service", name="Another Service",
                                       address_lines=("1 Road",), postcode="MF1 1AA"), COUNCIL, TODAY, ENGINE,
                          advice_id=31)
    with pytest.raises(LetterError, match="no postal address"):
        facts_from_detail(d, Recipient(id="contact:15", kind="carer", name="No Address", address_lines=(),
                                       postcode=""), COUNCIL, TODAY, ENGINE)


def test_recipient_ids_and_kinds_are_checked() -> None:
    with pytest.raises(LetterError, match="not a case contact"):
        Recipient(id="typed-in", kind="parent", name="X", address_lines=("1 Road",), postcode="")
    with pytest.raises(LetterError, match="unknown kind"):
        Recipient(id="contact:1", kind="uncle", name="X", address_lines=("1 Road",), postcode="")


def test_a_plan_in_place_has_no_request_dates() -> None:
    d = detail(deadlines=None, advice=(), final_issued=date(2024, 5, 1))
    facts = facts_from_detail(d, contact_recipients(d)[0], COUNCIL, TODAY, ENGINE)
    assert facts.case.final_due is None and facts.case.final_issued == date(2024, 5, 1)
    assert "Łukasz Wiśniewski" in TEMPLATES.render("final_plan_cover", facts).text()


def test_the_named_setting_is_a_recipient_only_as_recorded_in_section_i() -> None:
    from caseworker.views.case_detail import SettingView

    acorns = SettingView(9, "Little Acorns Pre-School", "", "early_years", "Early years setting",
                         "Church Hall\nMarchford", "MF2 1AC", False)
    setting = Recipient(id="setting:9", kind="named_setting", name="Little Acorns Pre-School",
                        address_lines=("Church Hall", "Marchford"), postcode="MF2 1AC")
    with pytest.raises(LetterError, match=r"no setting named in section I .* record the named setting"):
        facts_from_detail(detail(), setting, COUNCIL, TODAY, ENGINE)
    with pytest.raises(LetterError, match="not the setting named in the plan"):
        facts_from_detail(detail(named_setting=replace(acorns, id=10)), setting, COUNCIL, TODAY, ENGINE)
    facts = facts_from_detail(detail(named_setting=acorns), setting, COUNCIL, TODAY, ENGINE)
    assert facts.setting is not None and (facts.setting.kind, facts.setting.admission_duty) == ("early_years", False)


def test_an_exception_says_which_limits_still_to_come_it_can_excuse() -> None:
    d = detail()
    assert d.deadlines is not None
    ground_d = ExceptionView("d", "Absent from the area", RECEIVED + timedelta(days=60), "", 5,
                             began=RECEIVED + timedelta(days=55), ended=None,
                             applies_to=("decision_to_assess", "issue_decision", "final_plan"))
    ended_early = replace(ground_d, began=RECEIVED - timedelta(days=30), ended=RECEIVED - timedelta(days=1))
    d = replace(d, exceptions=(ground_d, ended_early))
    facts = facts_from_detail(d, contact_recipients(d)[0], COUNCIL, TODAY, ENGINE, exception_index=0)
    assert facts.exception is not None and facts.exception.began == RECEIVED + timedelta(days=55)
    # Decided and issued-or-not already: only the final plan is still to come (due Monday 26 May 2025).
    assert facts.exception.excuses == ("issuing the final EHC plan: normally within 20 weeks of the request, "
                                       "by Monday 26 May 2025",)
    assert facts.case.final_exception == "Absent from the area"
    late = facts_from_detail(d, contact_recipients(d)[0], COUNCIL, TODAY, ENGINE, exception_index=1)
    assert late.exception is not None and late.exception.excuses == ()  # ended before the request


def test_excused_advice_and_advice_sent_by_post() -> None:
    d = detail()
    ep = next(a for a in d.advice if a.id == 31)
    posted = replace(ep, sent_by="post", delivered=ep.requested + timedelta(days=2), excused_ground="absent")
    d = replace(d, advice=(posted, *[a for a in d.advice if a.id != 31]))
    service = Recipient(id="service:4", kind="advice_service", name="Marches EP Service",
                        address_lines=("Riverside Centre", "Marchford"), postcode="MF1 3EP")
    facts = facts_from_detail(d, service, COUNCIL, TODAY, ENGINE, advice_id=31)
    assert facts.advice is not None
    assert (facts.advice.by_post, facts.advice.delivered, facts.advice.excused) == (
        True, ep.requested + timedelta(days=2), "Away from the area")
    assert not facts.advice.bound_by_reg8
    icb = Recipient(id="commissioner:1", kind="health_commissioner", name="NHS Marches ICB",
                    address_lines=("Kingsway House",), postcode="HR1 2ER")
    assert facts_from_detail(d, icb, COUNCIL, TODAY, ENGINE, advice_id=31).advice.bound_by_reg8  # type: ignore[union-attr]
