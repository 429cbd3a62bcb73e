"""``caseworker caseload`` and ``caseworker balance``: the team's load against capacity, and a balancing
proposal (applied with ``--apply`` as the acting team lead, audited like moves made in the window)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import iso_date

    load = sub.add_parser("caseload", help="each person's cases and points against capacity, with a band")
    bal = sub.add_parser("balance", help="propose moves that balance the team's caseloads (--apply makes them)")
    for p in (load, bal):
        p.add_argument("--json", action="store_true", help="machine-readable output (docs/caseload.md)")
        p.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="the date to report as of")
        p.add_argument("--settings", type=Path, metavar="FILE", help="the council's caseload settings (TOML; "
                       "default: CASEWORKER_CASELOAD_SETTINGS, else the built-in points and capacities)")
    bal.add_argument("--apply", action="store_true", help="make the proposed moves now (team leads and admins)")
    bal.add_argument("--across-teams", action="store_true", help="allow moves between teams or localities")
    bal.add_argument("--family-letter", action="store_true",
                     help="with --apply: queue each family's change-of-caseworker letter")
    return {"caseload": cmd_caseload, "balance": cmd_balance}


def _team(args: argparse.Namespace) -> tuple[Any, Any]:
    from caseworker.caseload import load_settings
    from caseworker.cli import make_context, today_of
    from caseworker.views.caseload import load_team_caseload

    settings = load_settings(args.settings)  # a bad file is refused before the database is touched
    ctx = make_context(args)
    return ctx, load_team_caseload(ctx, today_of(args), settings)


def _write_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False))
    sys.stdout.write("\n")


def cmd_caseload(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK
    from caseworker.views.team import caseload_json

    _ctx, team = _team(args)
    if args.json:
        _write_json(caseload_json(team))
    else:
        print(caseload_table(team))
    return EXIT_OK


def caseload_table(team: Any) -> str:
    from caseworker.caseload import percent
    from caseworker.vocabulary import column_date

    header = ("Name", "Team", "Cases", "Points", "Capacity", "Load", "Band", "Overdue", "Late advice", "Note")
    rows = []
    for p in team.people:
        rows.append((p.display_name, p.team or "-", f"{p.cases:,}", f"{p.points:,.0f}", f"{p.capacity:,.0f}",
                     percent(p.utilisation), p.band, str(p.overdue), str(p.late_advice), p.note))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [f"Caseloads on {column_date(team.today)} (points: {team.settings.source})", "",
             fmt.format(*header).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()]
    lines += [fmt.format(*r).rstrip() for r in rows]
    if team.unallocated:
        lines += ["", f"Not allocated: {len(team.unallocated):,} cases, "
                      f"{sum(c.points for c in team.unallocated):,.0f} points"]
    return "\n".join(lines)


def cmd_balance(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, acting_user
    from caseworker.services.actor import require_allocator
    from caseworker.services.caseload import reallocate_cases
    from caseworker.views.caseload import propose
    from caseworker.views.team import balance_json, proposal_moves

    ctx, team = _team(args)
    actor: Any = None
    if args.apply:
        actor = acting_user(ctx, args)
        require_allocator(actor)  # refuse before the work, not after
    proposal = propose(team, across_teams=args.across_teams)
    if args.apply and proposal.moves:
        reallocate_cases(ctx, actor, proposal_moves(proposal.moves), family_letter=args.family_letter)
    if args.json:
        _write_json(balance_json(team, proposal, across_teams=args.across_teams, applied=args.apply))
    else:
        print(balance_text(team, proposal, applied=args.apply))
    return EXIT_OK


def _pct(u: float) -> str:
    from caseworker.caseload import percent

    return percent(u) if math.isfinite(u) else "unbounded (someone with no capacity holds work)"


def balance_text(team: Any, p: Any, *, applied: bool) -> str:
    names = {x.username: x.display_name for x in team.people}
    lines = [f"{m.reference:<12} {m.child}, {m.points:g} pts: {names.get(m.from_user, m.from_user)} -> "
             f"{names.get(m.to_user, m.to_user)} [{m.rule}] {m.reason}" for m in p.moves]
    lines.insert(0, "Moves between teams" if p.across_teams else "Moves within teams")
    verb = "Moved" if applied else "Proposed"
    lines += ["", f"{verb} {len(p.moves):,} move{'s' if len(p.moves) != 1 else ''}.",
              f"Largest utilisation: {_pct(p.largest_before)} before, {_pct(p.largest_after)} after.",
              f"Among people with capacity: {_pct(p.largest_available_before)} before, "
              f"{_pct(p.largest_available_after)} after; bound {_pct(p.bound_available)} "
              f"({_pct(p.bound_with_constraints)} under the rules: teams, receivers at most 100%)."]
    if not applied and p.moves:
        lines.append("Nothing has moved yet: run again with --apply to make these moves.")
    return "\n".join(lines)
