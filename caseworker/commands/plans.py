"""``caseworker plans``: every maintained plan's annual review, amendment and phase transfer; ``--json`` is
the published report (docs/plans-json.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import iso_date, username

    plans = sub.add_parser("plans", help="every maintained plan's review, amendment and phase transfer")
    plans.add_argument("--json", action="store_true",
                       help="the machine-readable report, version 1 (docs/plans-json.md)")
    plans.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="the date to report as of")
    plans.add_argument("--caseworker", metavar="USER", type=username, help="only this caseworker's plans")
    return {"plans": cmd_plans}


def cmd_plans(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, database_url, today_of
    from caseworker.holiday_cache import cached_calendar
    from caseworker.reports.plans import report_json, report_table, schedules
    from caseworker.statutory.engine import collector_paused
    from caseworker.statutory.rules import default_rules

    today = today_of(args)
    # Tens of thousands of small objects, none in a cycle, in a process that ends when the report is out.
    with collector_paused():
        plans = read_plan_facts(database_url(args), caseworker=args.caseworker)
        worked = schedules(plans, today, default_rules(), cached_calendar())
        if args.json:
            sys.stdout.write(report_json(today, worked))
            sys.stdout.write("\n")
        else:
            print(report_table(today, worked))
    return EXIT_OK


def read_plan_facts(url: str, *, caseworker: str | None) -> list[Any]:
    from caseworker.cli import open_for_reading
    from caseworker.store.plan_reads import load_plan_facts

    conn, dialect = open_for_reading(url)
    try:
        return load_plan_facts(conn, dialect, caseworker=caseworker)
    finally:
        conn.close()
