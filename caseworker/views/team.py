"""Plans a team lead reviews before anything moves, and the caseload reports' JSON.

``cover_plan`` shares an absent caseworker's urgent cases among named colleagues; ``proposal_moves``
turns a balancing proposal into the moves ``services.caseload.reallocate_cases`` makes. ``caseload_json``
and ``balance_json`` are what ``caseworker caseload --json`` and ``caseworker balance --json`` print
(docs/caseload.md): utilisations are fractions (1.0 = at capacity), and ``null`` where someone holds
work with no capacity (absent or inactive), with the people concerned listed beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from caseworker.caseload import Absence, Move, Proposal, fraction_or_none, utilisation
from caseworker.errors import Problem, ValidationError
from caseworker.services.caseload import PlannedMove
from caseworker.views.caseload import TeamCaseload
from caseworker.vocabulary import day_month, short_date


def cover_plan(team: TeamCaseload, absent: str, colleagues: Sequence[str]) -> list[PlannedMove]:
    """Moves for ``absent``'s cases with a deadline on or before the end of their absence (overdue ones
    too), shared among ``colleagues``: the biggest case first, each to whoever would then be least loaded."""
    person = team.person(absent)
    absence = person.absence or person.next_absence
    if absence is None:
        raise ValidationError(Problem("absence", f"{person.display_name} has no absence recorded now or to come"))
    chosen = [team.person(u) for u in colleagues if u != absent]
    usable = [p for p in chosen if p.can_receive]
    if not usable:
        raise ValidationError(Problem("colleagues", "choose at least one colleague who is at work and has capacity"))
    load = {p.username: p.points for p in usable}
    moves = []
    due = [c for c in team.cases_of(absent) if c.next_due is not None and c.next_due <= absence.ends]
    for c in sorted(due, key=lambda c: (-c.points, c.next_due or absence.ends, c.reference)):
        to = min(usable, key=lambda p: (utilisation(load[p.username] + c.points, p.capacity), p.display_name))
        load[to.username] += c.points
        moves.append(PlannedMove(c.case_id, to.username, _cover_reason(person.display_name, absence, c.next_what,
                                                                        c.next_due, team.today), absent))
    return moves


def _cover_reason(name: str, absence: Absence, what: str, due: date | None, today: date) -> str:
    when = "" if due is None else (f"{what} overdue since {short_date(due)}" if due < today
                                   else f"{what} due {short_date(due)}")
    kind = absence.reason.strip().lower() or "absence"
    return f"Cover for {name} ({kind}, {day_month(absence.starts)} to {short_date(absence.ends)}): {when}"


def proposal_moves(moves: Sequence[Move]) -> list[PlannedMove]:
    return [PlannedMove(m.case_id, m.to_user, m.reason, m.from_user) for m in moves]


def _absence_json(a: Absence | None) -> dict[str, str] | None:
    return None if a is None else {"from": a.starts.isoformat(), "to": a.ends.isoformat(), "reason": a.reason}


def caseload_json(team: TeamCaseload) -> dict[str, Any]:
    return {
        "today": team.today.isoformat(),
        "settings": team.settings.source,
        "people": [{
            "username": p.username, "name": p.display_name, "role": p.role, "team": p.team, "fte": p.fte,
            "cases": p.cases, "points": p.points, "capacity": p.capacity,
            "utilisation": fraction_or_none(p.utilisation), "no_capacity": math.isinf(p.utilisation),
            "band": p.band, "overdue": p.overdue, "late_advice": p.late_advice,
            "protected_points": p.protected_points, "new_starter": p.new_starter,
            "absent": _absence_json(p.absence), "next_absence": _absence_json(p.next_absence),
        } for p in team.people],
        "unallocated": {"cases": len(team.unallocated), "points": sum(c.points for c in team.unallocated)},
    }


def _unbounded(load: dict[str, float], capacity: dict[str, float]) -> list[str]:
    return sorted(u for u in load if math.isinf(utilisation(load[u], capacity[u])))


def balance_json(team: TeamCaseload, p: Proposal, *, across_teams: bool, applied: bool) -> dict[str, Any]:
    names = {x.username: x.display_name for x in team.people}
    return {
        "today": team.today.isoformat(),
        "across_teams": across_teams,
        "applied": applied,
        "moves": [{"reference": m.reference, "case_id": m.case_id, "child": m.child, "from": m.from_user,
                   "to": m.to_user, "points": m.points, "rule": m.rule, "reason": m.reason} for m in p.moves],
        "move_count": len(p.moves),
        "largest_utilisation_before": fraction_or_none(p.largest_before),
        "largest_utilisation_after": fraction_or_none(p.largest_after),
        "bound": fraction_or_none(p.bound),
        "no_capacity_before": _unbounded(p.load_before, p.capacity),
        "no_capacity_after": _unbounded(p.load_after, p.capacity),
        "largest_available_utilisation_before": round(p.largest_available_before, 4),
        "largest_available_utilisation_after": round(p.largest_available_after, 4),
        "bound_available": round(p.bound_available, 4),
        "bound_with_constraints": round(p.bound_with_constraints, 4),
        "people": [{"username": u, "name": names.get(u, u), "capacity": p.capacity[u],
                    "points_before": p.load_before[u], "points_after": p.load_after[u],
                    "utilisation_before": fraction_or_none(p.utilisation_before(u)),
                    "utilisation_after": fraction_or_none(p.utilisation_after(u))}
                   for u in sorted(p.capacity)],
    }


