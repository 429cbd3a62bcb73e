"""Load My day for one caseworker (or the whole team)."""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.context import AppContext
from caseworker.reports.my_day import MyDay, build_my_day
from caseworker.statutory.risk import typical_turnaround
from caseworker.store.queries import advice_returns, load_request_facts

# Turnaround uses each service's recent returns; a year is plenty to hold its last 20.
TURNAROUND_LOOKBACK = timedelta(days=365)


def load_my_day(ctx: AppContext, today: date, caseworker: str | None = None) -> MyDay:
    with ctx.db.sessions() as s:
        facts = load_request_facts(s, open_only=True, caseworker=caseworker)
        returns = advice_returns(s, since=today - TURNAROUND_LOOKBACK)
    turnaround = typical_turnaround(returns, ctx.engine.rules)
    return build_my_day(ctx.engine.evaluate_all(facts, today), today, turnaround, ctx.engine.rules)
