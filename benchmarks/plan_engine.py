"""The plan clocks alone: every maintained plan's review, amendment, transfer and cease worked out for one
day with the facts already in memory (issue "Plans in place": the whole schedule <= 100 ms at 20,000
plans). Reading the facts is measured beside it, and ``plans --json`` measures the command end to end."""

from __future__ import annotations

from datetime import date
from typing import Any

from benchmarks.datasets import TODAY, Dataset
from benchmarks.measures import Row, best_of, ms

SCHEDULE_SECONDS = 0.100


def plan_engine_rows(d: Dataset, repeats: int, today: date = TODAY) -> list[Row]:
    from caseworker.statutory.plans import clocks_for
    from caseworker.store.database import open_database
    from caseworker.store.plan_reads import plan_facts

    db = open_database(d.url)
    try:
        def load() -> list[Any]:
            with db.sessions() as s:
                return plan_facts(s)

        load_s, facts = best_of(repeats, load)
    finally:
        db.dispose()
    clocks = clocks_for()
    clocks.schedule_all(facts, today)  # built once, as a running app has them
    schedule_s, schedules = best_of(repeats, lambda: clocks.schedule_all(facts, today))
    return [Row(f"plan clocks, {d.scale} ({len(schedules):,} plans in memory)", ms(schedule_s),
                f"<= {ms(SCHEDULE_SECONDS)}", schedule_s <= SCHEDULE_SECONDS),
            Row("  reading the plans' facts", ms(load_s), "report only", None)]
