"""The Phase transfers page's data at a large council's scale: the cohort moving next September, worked
out from the large demo's 20,000 maintained plans (dates of birth, year groups, transfers recorded).

Measured in the runner's process, as the desktop's task runner would load it; nothing is written. The
answer is checked against the database read directly: every move recorded for that year on a maintained
plan must be in the cohort.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.datasets import TODAY, Dataset
from benchmarks.measures import Row, best_of, ms

TARGET_SECONDS = 0.5


def _recorded_moves(path: Path, year: int) -> int:
    """Maintained plans with a move recorded after 1 September of the year before, by 1 September."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(
            "SELECT count(DISTINCT t.case_id) FROM phase_transfer t JOIN ehc_case c ON c.id = t.case_id"
            " WHERE c.final_issued_on IS NOT NULL AND t.transfer_date > ? AND t.transfer_date <= ?"
            " AND c.id NOT IN (SELECT case_id FROM plan_cease WHERE ceased_on IS NOT NULL)",
            (f"{year - 1}-09-01", f"{year}-09-01")).fetchone()[0])
    finally:
        conn.close()


def phase_transfers_rows(d: Dataset, repeats: int) -> list[Row]:
    from caseworker.context import AppContext, fixed_clock
    from caseworker.holiday_cache import cached_calendar
    from caseworker.statutory.engine import DeadlineEngine
    from caseworker.store.database import open_database
    from caseworker.views.phase_transfers import load_phase_transfers, transfer_year

    year = transfer_year(TODAY)
    db = open_database(d.url)
    try:
        ctx = AppContext(db=db, engine=DeadlineEngine(calendar=cached_calendar()), clock=fixed_clock(TODAY))
        load_phase_transfers(ctx, year)  # warm the plan clocks and the work-by cache, as a running app has them
        seconds, cohort = best_of(repeats, lambda: load_phase_transfers(ctx, year))
    finally:
        db.dispose()
    recorded = sum(not r.worked_out for r in cohort.rows)
    expected = _recorded_moves(d.path, year)
    counts = cohort.counts()
    checked = "" if recorded == expected else f" (expected {expected:,} recorded)"
    return [
        Row(f"Phase transfers page data, {d.scale} (September {year})", ms(seconds), f"<= {ms(TARGET_SECONDS)}",
            seconds <= TARGET_SECONDS and recorded == expected),
        Row("  children moving / recorded / done / overdue",
            f"{counts['children']:,} / {recorded:,}{checked} / {counts['done']:,} / {counts['overdue']:,}",
            "report only"),
    ]


if __name__ == "__main__":
    from benchmarks.datasets import ensure_dataset
    from benchmarks.run import table

    print(table(phase_transfers_rows(ensure_dataset("large"), 5)))
