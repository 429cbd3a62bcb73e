"""The balancing proposal at a large council's scale: 20,000 plans, 5,000 open requests, 60 caseworkers.

Measures reading the team's caseload (every case's points and protection, everyone's capacity) and
working out the proposal, separately and together, with moves kept within teams and allowed between
them; reports the busiest person at work before and after, the bound under the rules (what the best
possible proposal could reach if cases could be split) and how far above it the proposal ends, and
the moves by rule. Nothing is written: the proposal is not applied.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from benchmarks.datasets import TODAY, Dataset
from benchmarks.measures import Row, best_of, ms
from caseworker.caseload.balance import RULE_ACROSS

if TYPE_CHECKING:
    from caseworker.caseload import Proposal

TARGET_SECONDS = 1.0
TARGET_GAP = 0.02  # the largest utilisation after, within 2 percentage points of what the rules allow


def _pct(u: float) -> str:
    return "unbounded" if u == float("inf") else f"{u * 100:.1f}%"


def _proposal_rows(label: str, proposal: Proposal, propose_s: float, total_s: float) -> list[Row]:
    gap = proposal.largest_available_after - proposal.bound_with_constraints
    rules = Counter(m.rule.split(";")[0] for m in proposal.moves)
    across = sum(1 for m in proposal.moves if m.rule.endswith(RULE_ACROSS))
    return [
        Row(f"  {label}: reading and proposal together", ms(total_s), f"<= {ms(TARGET_SECONDS)}",
            total_s <= TARGET_SECONDS),
        Row(f"  {label}: working out the proposal", ms(propose_s), "report only"),
        Row(f"  {label}: moves proposed", f"{len(proposal.moves):,}", "report only"),
        Row(f"  {label}: moves by rule", ", ".join(f"{r} {n:,}" for r, n in rules.most_common())
            + f"; {across:,} between teams", "report only"),
        Row(f"  {label}: busiest at work before / after",
            f"{_pct(proposal.largest_available_before)} / {_pct(proposal.largest_available_after)}", "report only"),
        Row(f"  {label}: after minus the bound under the rules",
            f"{gap * 100:+.2f} points (bound {_pct(proposal.bound_with_constraints)})", "<= 2 points",
            gap <= TARGET_GAP),
    ]


def _cpu_best(n: int, fn: Callable[[], object]) -> float:
    """The least CPU time this process spent on ``fn`` in ``n`` calls: on a shared machine the wall clock
    also counts other people's work."""
    best = float("inf")
    for _ in range(n):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def caseload_rows(d: Dataset, repeats: int) -> list[Row]:
    from caseworker.caseload import default_settings
    from caseworker.context import AppContext, fixed_clock
    from caseworker.holiday_cache import cached_calendar
    from caseworker.statutory.engine import DeadlineEngine
    from caseworker.store.database import open_database
    from caseworker.views.caseload import load_team_caseload, propose

    db = open_database(d.url)
    try:
        ctx = AppContext(db=db, engine=DeadlineEngine(calendar=cached_calendar()), clock=fixed_clock(TODAY))
        settings = default_settings()
        load_team_caseload(ctx, TODAY, settings)  # warm the work-by cache, as a running app has it
        load_s, team = best_of(repeats, lambda: load_team_caseload(ctx, TODAY, settings))

        def read_and_propose(across: bool) -> Proposal:
            return propose(load_team_caseload(ctx, TODAY, settings), across_teams=across)

        cpu_s = _cpu_best(repeats, partial(read_and_propose, True))
        runs = []
        for across in (False, True):
            propose_s, proposal = best_of(repeats, partial(propose, team, across_teams=across))
            both_s, _ = best_of(repeats, partial(read_and_propose, across))
            runs.append((across, proposal, propose_s, both_s))
    finally:
        db.dispose()
    caseworkers = sum(1 for p in team.people if p.role == "caseworker")
    rows = [Row(f"balance proposal, {d.scale} ({len(team.cases):,} cases, {caseworkers} caseworkers)",
                ms(max(r[3] for r in runs)), f"<= {ms(TARGET_SECONDS)}", all(r[3] <= TARGET_SECONDS for r in runs)),
            Row("  reading the caseload", ms(load_s), "report only"),
            Row("  CPU time of reading and proposal between teams (other load on the machine aside)",
                ms(cpu_s), "report only"),
            Row("  largest utilisation before (everyone)", _pct(runs[0][1].largest_before), "report only"),
            Row("  bound: team load / capacity, protected work (issue's formula)",
                f"{_pct(runs[0][1].bound)}; at work {_pct(runs[0][1].bound_available)}", "report only")]
    for across, proposal, propose_s, both_s in runs:
        rows += _proposal_rows("between teams" if across else "within teams", proposal, propose_s, both_s)
    return rows


if __name__ == "__main__":
    from benchmarks.datasets import ensure_dataset
    from benchmarks.run import table

    print(table(caseload_rows(ensure_dataset("large"), 3)))
