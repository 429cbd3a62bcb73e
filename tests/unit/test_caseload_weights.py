"""Points by a case's state, capacities (FTE, new starters, absences), bands, and the settings file."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from caseworker.caseload import (
    CRITICAL,
    OK,
    OVER,
    UNDER,
    Absence,
    CaseloadSettingsError,
    StaffFacts,
    band,
    capacity_on,
    default_settings,
    fraction_or_none,
    load_settings,
    percent,
    points_of,
    protection,
    state_of,
    utilisation,
)
from caseworker.caseload.settings import ENV_SETTINGS
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, RequestFacts

TODAY = date(2026, 11, 2)
ENGINE = DeadlineEngine()
S = default_settings()


def request(received: date, **kw: object) -> RequestFacts:
    return RequestFacts("EHC-1", received, **kw)  # type: ignore[arg-type]


def state(facts: RequestFacts) -> str | None:
    return state_of(ENGINE.evaluate(facts, TODAY))


# --- weights -----------------------------------------------------------------------------------------


def test_each_stage_carries_its_documented_points() -> None:
    received = TODAY - timedelta(days=20)
    assessing = dict(decision_to_assess=True, decision_to_assess_on=received + timedelta(days=30))
    advice_out = [AdviceFacts("ep", received + timedelta(days=31))]
    advice_in = [AdviceFacts("ep", received + timedelta(days=31), received + timedelta(days=60))]
    received = TODAY - timedelta(days=70)
    cases = {
        "request": request(received),
        "assessment_advice_outstanding": request(received, **assessing, advice=advice_out),
        "assessment_advice_in": request(received, **assessing, advice=advice_in),
        "drafting": request(received, **assessing, advice=advice_in, decision_to_issue=True,
                            decision_to_issue_on=received + timedelta(days=65)),
    }
    for expected, facts in cases.items():
        assert state(facts) == expected
    assert [points_of(state(f), S) for f in cases.values()] == [3, 5, 7, 9]
    assert points_of("plan", S) == 1


def test_an_assessment_with_no_advice_asked_yet_still_has_advice_to_get() -> None:
    received = TODAY - timedelta(days=50)
    facts = request(received, decision_to_assess=True, decision_to_assess_on=received + timedelta(days=30))
    assert state(facts) == "assessment_advice_outstanding"


def test_closed_requests_carry_no_load_and_issued_ones_are_plans() -> None:
    received = TODAY - timedelta(days=60)
    assert state(request(received, withdrawn=received + timedelta(days=3))) is None
    assert state(request(received, decision_to_assess=False, decision_to_assess_on=received)) is None
    assert points_of(None, S) == 0
    issued = request(received - timedelta(days=100), decision_to_assess=True,
                     decision_to_assess_on=received - timedelta(days=70), decision_to_issue=True,
                     decision_to_issue_on=received - timedelta(days=40), draft_sent=received - timedelta(days=30),
                     final_issued=received - timedelta(days=5))
    assert state(issued) == "plan"


# --- protection --------------------------------------------------------------------------------------


def test_work_due_within_fourteen_days_or_overdue_is_protected() -> None:
    # The 6-week decision falls due 14 days from today: protected; 15 days: free to move.
    at_edge = ENGINE.evaluate(request(TODAY + timedelta(days=14) - timedelta(days=42)), TODAY)
    beyond = ENGINE.evaluate(request(TODAY + timedelta(days=15) - timedelta(days=42)), TODAY)
    overdue = ENGINE.evaluate(request(TODAY - timedelta(days=50)), TODAY)
    assert protection(at_edge, TODAY, S) == "decision whether to assess due 16 Nov 2026"
    assert protection(beyond, TODAY, S) is None
    assert protection(overdue, TODAY, S) == "decision whether to assess overdue since 25 Oct 2026"


def test_advice_due_soon_protects_the_case() -> None:
    received = TODAY - timedelta(days=60)
    facts = request(received, decision_to_assess=True, decision_to_assess_on=received + timedelta(days=20),
                    advice=[AdviceFacts("health", TODAY - timedelta(days=35))])
    assert protection(ENGINE.evaluate(facts, TODAY), TODAY, S) == "health advice due 9 Nov 2026"


def test_recent_moves_and_pins_protect_and_plans_are_otherwise_free() -> None:
    assert protection(None, TODAY, S) is None
    assert protection(None, TODAY, S, pinned=True) == "pinned by the team lead"
    assert protection(None, TODAY, S, moved_on=TODAY - timedelta(days=89)) == "reallocated on 5 Aug 2026"
    assert protection(None, TODAY, S, moved_on=TODAY - timedelta(days=90)) is None


# --- capacity and bands ------------------------------------------------------------------------------


def test_capacity_follows_fte_new_starters_own_figures_and_absences() -> None:
    full = StaffFacts(1, "a", "A", fte=1.0)
    part = StaffFacts(2, "b", "B", fte=0.6)
    new = StaffFacts(3, "c", "C", fte=1.0, started_on=TODAY - timedelta(days=30))
    settled = StaffFacts(4, "d", "D", fte=1.0, started_on=TODAY - timedelta(days=90))
    own = StaffFacts(5, "e", "E", fte=1.0, capacity_points=550, started_on=TODAY)
    away = StaffFacts(6, "f", "F", absences=(Absence(TODAY - timedelta(days=1), TODAY + timedelta(days=3)),))
    lead = StaffFacts(7, "g", "G", role="team_lead")
    gone = StaffFacts(8, "h", "H", active=False)
    assert [capacity_on(s, TODAY, S) for s in (full, part, new, settled, own, away, lead, gone)] == [
        400, 240, 240, 400, 550, 0, 0, 0]
    assert capacity_on(away, TODAY + timedelta(days=4), S) == 400  # back the day after the absence ends


@pytest.mark.parametrize(("load", "cap", "expected"), [
    (84, 100, UNDER), (85, 100, OK), (100, 100, OK), (101, 100, OVER), (110, 100, OVER), (111, 100, CRITICAL),
    (0, 0, UNDER), (5, 0, CRITICAL)])
def test_bands_have_the_published_edges(load: float, cap: float, expected: str) -> None:
    assert band(utilisation(load, cap)) == expected


def test_work_held_with_no_capacity_is_unbounded_and_says_so() -> None:
    u = utilisation(12, 0)
    assert math.isinf(u) and percent(u) == "no capacity" and fraction_or_none(u) is None
    assert percent(utilisation(124, 100)) == "124%" and fraction_or_none(1.24) == 1.24


# --- settings ----------------------------------------------------------------------------------------


def test_a_council_file_overrides_only_what_it_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "caseload.toml"
    f.write_text("[points]\ndrafting = 12\n[capacity]\nfull_time_points = 300\n")
    s = load_settings(f)
    assert s.points["drafting"] == 12 and s.points["request"] == 3
    assert s.full_time_points == 300 and s.new_starter_points == 240
    monkeypatch.setenv(ENV_SETTINGS, str(f))
    assert load_settings().points["drafting"] == 12


@pytest.mark.parametrize(("text", "message"), [
    ("[points]\ndrafting = 'nine'\n", "[points] drafting must be a number"),
    ("[points]\nreview = 2\n", "[points] has unknown key(s) review"),
    ("[tribunal]\nx = 1\n", "unknown section [tribunal]"),
    ("[capacity]\nnew_starter_days = 1.5\n", "must be a whole number of days"),
    ("[capacity]\nfull_time_points = 0\n", "full_time_points must be more than 0"),
    ("[points\n", "not valid TOML"),
])
def test_a_bad_settings_file_is_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(CaseloadSettingsError, match=re.escape(message)):
        load_settings(f)


def test_a_missing_settings_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CaseloadSettingsError, match="cannot read it"):
        load_settings(tmp_path / "nope.toml")
