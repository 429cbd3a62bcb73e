"""Caseworker's performance promises, measured.

    .venv/bin/python -m benchmarks.run              # large scale (20,000 plans, 5,000 open requests)
    .venv/bin/python -m benchmarks.run --national   # and national scale (640,000 plans, 160,000 open)
    .venv/bin/python -m benchmarks.run --quick      # large only, fewer repeats (a smoke run)
    .venv/bin/python -m benchmarks.run --load       # and 30 desktops at once on PostgreSQL (minutes)

Demo databases and the tracker files are cached under benchmarks/out/ (git-ignored). Exit code 1 when
a measured figure misses its target; figures that are "not available" (a command not written yet)
do not fail the run. The desktop is measured at the large scale only, in a child process on Qt's
offscreen platform (benchmarks/desktop.py, benchmarks/desktop_probe.py); see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import compileall
import platform
import sys
import time
from pathlib import Path

from benchmarks import (
    bundle,
    case_documents,
    caseload,
    chronology,
    desktop,
    latency,
    letters,
    live,
    load,
    measures,
    phase_transfers,
    plan_engine,
    plans,
)
from benchmarks.datasets import TODAY, ensure_dataset, ensure_tracker
from benchmarks.measures import Row

ROOT = Path(__file__).resolve().parents[1]


def compile_bytecode() -> None:
    """Write the .pyc files a user's installation has after its first start.

    A machine that sets PYTHONDONTWRITEBYTECODE (this one does) never writes them, so every timed
    command and desktop start would compile each changed module from source again: 100-150 ms of the
    deadlines report and of first paint that no user meets. setup.sh compiles them the same way.
    """
    for package in ("caseworker", "ui"):
        compileall.compile_dir(ROOT / package, quiet=1)


def table(rows: list[Row]) -> str:
    headers = ("measure", "measured", "target", "result")
    cells = [(r.name, r.measured, r.target, r.verdict) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip() for cell in cells]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--national", action="store_true", help="also measure at national scale (slow first build)")
    p.add_argument("--quick", action="store_true", help="large scale only, fewer repeats")
    p.add_argument("--load", action="store_true", help="also 30 desktops at once on PostgreSQL (takes minutes)")
    args = p.parse_args(argv)
    fast = 2 if args.quick else 5  # repeats of quick measures
    slow = 1 if args.quick else 3  # repeats of measures that take seconds
    started = time.perf_counter()
    compile_bytecode()

    scales = ["large"] + (["national"] if args.national and not args.quick else [])
    datasets = [ensure_dataset(s) for s in scales]
    csv_path = ensure_tracker("csv")
    xlsx_path = None if args.quick else ensure_tracker("xlsx")

    rows: list[Row] = []
    rows += measures.build_rows(datasets, measures.time_county_build())
    rows += measures.import_rows(csv_path, xlsx_path, slow)
    open_counts: dict[str, int] = {}
    for d in datasets:
        engine, open_counts[d.scale] = measures.engine_rows(d, fast if d.scale == "large" else slow)
        rows += engine
    for d in datasets:
        rows += measures.cli_rows(d, fast if d.scale == "large" else slow, open_counts.get(d.scale))
        if d.scale == "large":
            rows += measures.cli_all_rows(d, fast)
    rows += plan_engine.plan_engine_rows(datasets[0], fast)  # the plan clocks alone, 20,000 plans in memory
    rows += plans.plans_rows(datasets[0], fast)  # plans --json over the large demo's 20,000 plans
    rows += plans.plans_import_rows(datasets[0], slow)  # a 20,000-row tracker of plans in place
    rows += phase_transfers.phase_transfers_rows(datasets[0], fast)  # next September's cohort of 20,000 plans
    rows += caseload.caseload_rows(datasets[0], fast)  # the balancing proposal, large scale
    rows += desktop.desktop_rows(datasets[0], slow)  # the desktop, large scale only
    rows += live.live_rows(fast)  # a change on one desktop shown on another, large demo in PostgreSQL
    rows += case_documents.case_documents_rows(datasets[0], slow)  # a case holding 1 GiB of documents
    rows += letters.letters_rows(datasets[0], slow)
    rows += chronology.chronology_rows(datasets[0], fast)  # one case's 200 events as the PDF evidence index
    rows += bundle.bundle_rows(slow)  # the desktop bundle, when installer/build.sh has made one
    rows += latency.latency_rows(slow)  # the large demo in PostgreSQL over 20 ms round trips
    if args.load:
        rows += load.load_rows()  # 30 desktops at once for 2 minutes
    rows.append(measures.runner_peak_row())

    print(f"Caseworker benchmarks: today {TODAY.isoformat()}, Python {measures.python_version()}, "
          f"{platform.machine()} {platform.system()}, {'quick' if args.quick else 'full'} run")
    print(table(rows))
    print(f"(total {time.perf_counter() - started:.1f} s; best of {fast} for quick measures, {slow} for slow ones)")
    return 1 if any(r.passed is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
