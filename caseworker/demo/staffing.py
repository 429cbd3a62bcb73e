"""The demo team's staffing: capacities, start dates (a couple of new starters) and absences.

Written after the cases, because a demo capacity is calibrated to the demo's own workload: each
caseworker gets the team's standard points per FTE (the figure that puts the whole team at about 95%),
a senior caseworker a fifth more, and a new starter three fifths. Random allocation then leaves some a
little under and some over; the new starters (full caseloads on reduced capacity) and whoever is on
leave today show what the Team page is for. Deterministic: chosen by position, no random numbers, so
the cases drawn before stay exactly as they were.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from caseworker.caseload import default_settings
from caseworker.demo.team import Team
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.models import Staff, StaffAbsence

TEAM_LEVEL = 0.95  # the demo team's average utilisation
NEW_STARTER_SHARE, SENIOR_SHARE = 0.6, 1.2


def _standard(session: Session, today: date, caseworkers: set[str]) -> float:
    """Points per FTE that put the caseworkers at TEAM_LEVEL, rounded to 10."""
    from caseworker.views.caseload import read_team_caseload

    team = read_team_caseload(session, DeadlineEngine(), today, default_settings())
    people = [p for p in team.people if p.username in caseworkers]
    points = sum(p.points for p in people)
    fte = sum(p.fte for p in people) or 1.0
    return max(10.0, round(points / fte / TEAM_LEVEL, -1))


def write_staffing(session: Session, team: Team, today: date, staff_ids: dict[str, int]) -> None:
    caseworkers = sorted(u for names in team.caseworkers_by_team.values() for u in names)
    if not caseworkers:
        return
    fte = {s.username: s.fte for s in team.staff}
    standard = _standard(session, today, set(caseworkers))
    n = len(caseworkers)
    # Two new starters in a county team (one in 20 in a big one), a senior in seven, one in 30 away
    # today and one in 30 going on leave next week; never the same person twice.
    n_starters = min(max(2, n // 20), n // 2)
    starters = set(caseworkers[1::max(2, n // max(1, n_starters))][:n_starters])
    seniors = {u for u in caseworkers[2::7] if u not in starters}
    away_now = [u for u in caseworkers[3::29] if u not in starters][: max(1, n // 30)]
    away_soon = [u for u in caseworkers[6::31] if u not in starters and u not in away_now][: max(1, n // 30)]
    for i, u in enumerate(caseworkers):
        share = NEW_STARTER_SHARE if u in starters else SENIOR_SHARE if u in seniors else 1.0
        started = today - timedelta(days=35 if u in starters else 400 + (i * 397) % 3600)
        session.execute(update(Staff).where(Staff.id == staff_ids[u]).values(
            capacity_points=round(standard * share * fte[u]), started_on=started))
    absences = ([(u, today - timedelta(days=2), today + timedelta(days=12), "Sick leave") for u in away_now]
                + [(u, today + timedelta(days=5), today + timedelta(days=18), "Annual leave") for u in away_soon])
    if absences:
        session.execute(insert(StaffAbsence), [
            {"staff_id": staff_ids[u], "from_on": a, "to_on": b, "reason": why, "recorded_by_id": staff_ids[team.login],
             "version": 1} for u, a, b, why in absences])
