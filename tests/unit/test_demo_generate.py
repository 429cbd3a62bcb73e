"""The demo's records, before any database: deterministic, valid, realistic, every kind of work."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import date

import pytest

from caseworker.demo.details import DemoRecord, Details
from caseworker.demo.generate import SCALES, DemoData, generate, scale_named
from caseworker.demo.names import ascii_slug, child_name, feminine_surname
from caseworker.demo.people import end_of_compulsory_school_age
from caseworker.identifiers import normalise_nhs_number, normalise_postcode, normalise_uln, normalise_upn
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts
from caseworker.statutory.required_advice import school_year
from caseworker.statutory.validation import check_request
from caseworker.store.records import CaseRecord

TODAY = date(2025, 3, 3)
ENGINE = DeadlineEngine()


def facts(r: CaseRecord) -> RequestFacts:
    """A demo request as the engine sees it once built, with how advice went and the exceptions' dates."""
    assert r.received is not None
    d = r.details if isinstance(r, DemoRecord) else Details()
    return RequestFacts(
        r.reference, r.received, f"{r.forename} {r.surname}", r.caseworker, r.decision_to_assess,
        r.decision_to_assess_on, r.decision_to_issue, r.decision_to_issue_on, r.draft_sent, r.draft_served,
        r.final_issued, r.withdrawn,
        [AdviceFacts(a.kind, a.requested, a.received, a.service, sent_by=d.sent_by.get(a.kind, "email"),
                     excused_ground=d.excuses[a.kind].ground if a.kind in d.excuses else None)
         for a in r.advice if a.requested],
        [ExceptionFacts(e.ground, e.recorded, e.note, *d.exception_dates.get((e.ground, e.recorded), (None, None)))
         for e in r.exceptions])


def everything(data: DemoData) -> list[CaseRecord]:
    return data.requests + [r for batch in data.plan_batches(500) for r in batch]


@pytest.fixture(scope="module")
def county() -> DemoData:
    return generate(SCALES["county"], today=TODAY, login="rcarter", seed=2014)


@pytest.fixture(scope="module")
def county_records(county: DemoData) -> list[CaseRecord]:
    return everything(county)


def test_same_seed_and_today_give_the_same_records() -> None:
    one = generate(SCALES["tiny"], today=TODAY, login="lead", seed=7)
    two = generate(SCALES["tiny"], today=TODAY, login="lead", seed=7)
    assert [dataclasses.asdict(r) for r in everything(one)] == [dataclasses.asdict(r) for r in everything(two)]
    assert one.staff == two.staff and one.services == two.services


def test_another_seed_gives_other_people() -> None:
    one = generate(SCALES["tiny"], today=TODAY, login="lead", seed=7)
    two = generate(SCALES["tiny"], today=TODAY, login="lead", seed=8)
    assert [r.surname for r in one.requests] != [r.surname for r in two.requests]


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown demo scale"):
        scale_named("galactic")


def test_county_counts_are_the_targets(county: DemoData, county_records: list[CaseRecord]) -> None:
    open_requests = [r for r in county.requests if ENGINE.evaluate(facts(r), TODAY).is_open]
    assert len(open_requests) == 300
    assert sum(r.final_issued is not None for r in county_records) == 1300
    stages = Counter(ENGINE.evaluate(facts(r), TODAY).stage for r in county.requests)
    assert 50 <= stages["closed"] <= 400 and 50 <= stages["issued"] <= 600
    roles = Counter(s.role for s in county.staff)
    assert roles == {"caseworker": 8, "team_lead": 2, "admin": 1, "read_only": 1}
    assert len({r.reference for r in county_records}) == len(county_records)


def test_the_login_is_a_team_lead(county: DemoData) -> None:
    me = [s for s in county.staff if s.username == "rcarter"]
    assert len(me) == 1 and me[0].role == "team_lead" and me[0].display_name != "rcarter"
    assert {s.team for s in county.staff if s.role == "caseworker"} == {"North", "South", "East", "West"}
    assert all(s.email and s.email.endswith("@example.gov.uk") for s in county.staff)
    assert all(s.phone and s.phone.startswith("01632 960") for s in county.staff)  # Ofcom drama range


def test_every_identifier_is_valid_and_unique(county_records: list[CaseRecord]) -> None:
    upns = [r.upn for r in county_records if r.upn]
    nhs = [r.nhs_number for r in county_records if r.nhs_number]
    ulns = [r.uln for r in county_records if r.uln]
    assert all(normalise_upn(u) == u and u[1:4] == "884" for u in upns)
    assert all(normalise_nhs_number(n) == n and n.startswith("999") for n in nhs)  # the NHS test range
    assert all(normalise_uln(u) == u for u in ulns)
    assert len(set(upns)) == len(upns) and len(set(nhs)) == len(nhs) and len(set(ulns)) == len(ulns)
    assert len(nhs) == len(county_records)
    for r in county_records:
        assert r.date_of_birth is not None
        age = (TODAY - r.date_of_birth).days / 365.25
        assert 0 <= age < 26
        assert (r.uln is not None) == (age >= 14) or abs(age - 14) < 0.01
        assert r.postcode is not None and normalise_postcode(r.postcode) == r.postcode
        assert r.postcode.startswith("HR")
        for c in r.contacts:
            assert c.address and c.postcode and normalise_postcode(c.postcode) == c.postcode
            assert c.email is None or c.email.rsplit("@", 1)[1] in ("example.com", "example.org", "example.net")
            assert c.phone is None or c.phone.startswith(("01632 960", "07700 900"))


def test_every_request_passes_the_import_checks(county: DemoData) -> None:
    for r in county.requests:
        assert check_request(facts(r), TODAY, ENGINE) == [], r.reference


def test_names_come_from_many_communities(county_records: list[CaseRecord]) -> None:
    names = {f"{r.forename} {r.surname}" for r in county_records}
    assert any(not n.isascii() for n in names)
    assert any("'" in n or "-" in n for n in names)
    needs = Counter(r.primary_need for r in county_records)
    assert needs.most_common(1)[0][0] == "ASD"
    assert {"ASD", "SEMH", "SLCN"} <= {n for n, _ in needs.most_common(4)}


def test_surnames_take_their_communitys_forms() -> None:
    assert feminine_surname("polish", "Wiśniewski") == "Wiśniewska"
    assert feminine_surname("bulgarian", "Ivanov") == "Ivanova"
    assert feminine_surname("lithuanian", "Kazlauskas") == "Kazlauskaitė"
    assert feminine_surname("lithuanian", "Kazlauskas", married=True) == "Kazlauskienė"
    assert feminine_surname("english", "Smith") == "Smith"
    assert ascii_slug("Łukasz Wiśniewski") == "lukaszwisniewski"
    assert ascii_slug("O'Connor-Smith") == "oconnorsmith"
    rng = random.Random(3)
    girls = [child_name(rng, "F") for _ in range(400)]
    assert not any(p.surname.endswith("ski") for p in girls)


def test_each_child_has_exactly_one_main_correspondent(county_records: list[CaseRecord]) -> None:
    young_people = 0
    for r in county_records:
        assert sum(c.main_correspondent for c in r.contacts) == 1, r.reference
        assert r.date_of_birth is not None
        over_school_age = end_of_compulsory_school_age(r.date_of_birth) < TODAY
        has_yp = any(c.role == "young_person" for c in r.contacts)
        assert has_yp == over_school_age, r.reference
        young_people += any(c.role == "young_person" and c.main_correspondent for c in r.contacts)
    assert young_people > 50


def test_end_of_compulsory_school_age() -> None:
    assert end_of_compulsory_school_age(date(2009, 5, 10)) == date(2025, 6, 27)
    assert end_of_compulsory_school_age(date(2008, 10, 1)) == date(2025, 6, 27)
    assert end_of_compulsory_school_age(date(2009, 8, 31)) == date(2025, 6, 27)
    assert end_of_compulsory_school_age(date(2009, 9, 1)) == date(2026, 6, 26)
    assert end_of_compulsory_school_age(date(2008, 2, 29)) == date(2024, 6, 28)


@pytest.mark.parametrize("seed", [1, 2014, 99])
def test_even_the_tiny_demo_shows_every_kind_of_work(seed: int) -> None:
    data = generate(SCALES["tiny"], today=TODAY, login="lead", seed=seed)
    results = ENGINE.evaluate_all([facts(r) for r in data.requests], TODAY)
    open_ = [d for d in results if d.is_open]
    assert len(open_) == SCALES["tiny"].open_requests
    assert {"request", "assessment", "drafting"} <= {d.stage for d in open_}
    assert {"issued", "closed"} <= {d.stage for d in results}
    milestones = Counter(m.status for d in open_ for m in d.milestones)
    assert milestones["overdue"] and milestones["due_soon"] and milestones["exempt"]
    advice = Counter((a.kind, a.status) for d in open_ for a in d.advice)
    assert advice[("ep", "late")] and advice[("health", "late")]
    assert sum(n for (_, status), n in advice.items() if status == "due_soon")
    assert sum(n for (_, status), n in advice.items() if status == "received_late")
    finals = Counter(d.milestone("final_plan").status for d in results if d.stage == "issued")
    assert finals["met"] and finals["met_late"]
    grounds = [e.recorded for d in open_ for e in d.facts.exceptions]
    assert grounds
    assert any(d.facts.draft_served and d.facts.draft_served > (d.facts.draft_sent or TODAY) for d in results)


def test_advice_lateness_follows_the_national_pattern(county: DemoData) -> None:
    days: dict[str, list[int]] = {}
    for r in county.requests:
        for a in r.advice:
            if a.requested and a.received:
                days.setdefault(a.kind, []).append((a.received - a.requested).days)

    def median(xs: list[int]) -> int:
        return sorted(xs)[len(xs) // 2]

    assert median(days["ep"]) > 50 and median(days["health"]) > 45
    assert median(days["education"]) < 42


def test_plans_in_place_have_no_request_clock(county: DemoData) -> None:
    plans = [r for batch in county.plan_batches() for r in batch]
    assert len(plans) == county.plans_in_place
    for r in plans:
        assert r.is_plan_in_place and r.caseworker
        assert r.final_issued is not None and r.date_of_birth is not None
        assert r.date_of_birth < r.final_issued <= TODAY


def test_what_a_request_records_beyond_a_tracker_row_is_lawful(county: DemoData) -> None:
    seen: Counter[str] = Counter()
    for r in county.requests:
        d, asked = r.details, {a.kind: a for a in r.advice}
        assert set(d.sent_by) <= set(asked) and set(d.sent_by.values()) <= {"post", "portal"}
        seen.update(d.sent_by.values())
        for kind, x in d.excuses.items():  # reg 8(2): within the adviser's 6 weeks, up to today
            a = asked[kind]
            assert a.requested is not None and x.ground in ENGINE.rules.advice_excuses
            how = d.sent_by.get(kind, "email")
            assert ENGINE.delivered(a.requested, how) <= x.began <= min(ENGINE.advice_due(a.requested, how), TODAY)
            assert x.ended is None or x.began <= x.ended <= TODAY
            assert a.received is None or a.received > x.began
            seen["excused"] += 1
        for c in d.consultations:
            assert c.sent == r.draft_sent and (c.replied is None) == (c.reply is None)
            assert c.replied is None or c.sent < c.replied <= TODAY
            seen[f"reply {c.reply}"] += 1
        if d.existing_advice:  # reg 6(4): with the "yes" to issue, for a required kind nobody was asked for
            assert r.decision_to_issue is True and not set(d.existing_advice) & set(asked)
            seen["available"] += 1
        if r.decision_to_issue:
            assert {"education", "health", "ep", "social_care"} <= set(asked) | set(d.existing_advice)
            assert r.date_of_birth is not None and r.decision_to_issue_on is not None
            if school_year(r.date_of_birth, r.decision_to_issue_on) >= 10:  # year 9 when advice was asked
                assert "education" in d.covers_pfa, r.reference
                seen["pfa"] += 1
        assert (d.named_setting_urn is not None) == (r.final_issued is not None and r.school_urn is not None)
        assert r.received is not None
        seen["began before the request"] += any(began < r.received for began, _ in d.exception_dates.values())
        seen["ended before the request"] += any(ended is not None and ended < r.received
                                                for _, ended in d.exception_dates.values())
    assert seen["post"] and seen["portal"] and seen["excused"] and seen["available"] and seen["pfa"]
    assert seen["reply agrees"] and seen["reply declines"] and seen["reply None"]
    assert seen["began before the request"] >= 2 and seen["ended before the request"] == 1


def test_plans_name_settings_of_every_kind_fitting_the_childs_age(county: DemoData) -> None:
    """The setting a plan names is the child's own school or college (written as the named setting when
    the demo is built): early years under 6, further education from 16."""
    kind_of = {s.record.urn: s.kind for s in county.schools}
    kinds: Counter[str] = Counter()
    for r in county.requests + [r for batch in county.plan_batches() for r in batch]:
        if r.final_issued is None or r.school_urn is None:
            continue
        kind = kind_of[r.school_urn]
        kinds[kind] += 1
        assert r.date_of_birth is not None
        age = (TODAY - r.date_of_birth).days / 365.25  # the plan names where the child is now
        if kind == "early_years":
            assert age < 6, r.reference
        if kind == "fe_college":
            assert age >= 16, r.reference
    assert set(kinds) == {"maintained", "academy", "fe_college", "nmss", "s41_independent", "independent",
                          "early_years", "other"}
    assert kinds["maintained"] + kinds["academy"] > sum(kinds.values()) / 2  # mostly mainstream
    assert kinds["other"] < kinds["nmss"] + kinds["s41_independent"] + kinds["independent"]
    bodies = county.service_bodies
    assert bodies["Wye Valley NHS Trust (DMO)"] == "health" and "Herefordshire Children's Social Care" not in bodies
    assert all(bodies[s.name] == "school" for s in county.schools)
