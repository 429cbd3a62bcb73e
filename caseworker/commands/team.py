"""``caseworker absence`` and ``caseworker pin|unpin``: the team lead's records a balance respects."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from caseworker.vocabulary import short_date

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import iso_date

    absence = sub.add_parser("absence", help="record leave, sickness or training (capacity is 0 while away)")
    absence.add_argument("--staff", required=True, metavar="USER", help="the staff member's username")
    absence.add_argument("--from", dest="starts", required=True, type=iso_date, metavar="YYYY-MM-DD")
    absence.add_argument("--to", dest="ends", required=True, type=iso_date, metavar="YYYY-MM-DD",
                         help="the last day away")
    absence.add_argument("--reason", default="", help="for example: Annual leave, Sickness, Training")
    for name, words in (("pin", "keep a case with its caseworker: a balance never moves it"),
                        ("unpin", "let a balance move the case again")):
        p = sub.add_parser(name, help=words)
        p.add_argument("--case", required=True, metavar="REF", help="the case reference")
        if name == "pin":
            p.add_argument("--note", default="", help="why it stays (shown to the team lead)")
    return {"absence": cmd_absence, "pin": cmd_pin, "unpin": cmd_pin}


def cmd_absence(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, acting_user, make_context
    from caseworker.services.caseload import record_absence

    ctx = make_context(args)
    record_absence(ctx, acting_user(ctx, args), args.staff, args.starts, args.ends, args.reason)
    print(f"{args.staff} is away {short_date(args.starts)} to {short_date(args.ends)}")
    return EXIT_OK


def cmd_pin(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, acting_user, make_context
    from caseworker.services.casefile import case_id_for
    from caseworker.services.caseload import pin_case, unpin_case

    ctx = make_context(args)
    actor, case_id = acting_user(ctx, args), case_id_for(ctx, args.case)
    if args.command == "pin":
        pin_case(ctx, actor, case_id, args.note)
        print(f"{args.case} pinned: a balance will leave it with its caseworker")
    else:
        unpin_case(ctx, actor, case_id)
        print(f"{args.case} unpinned")
    return EXIT_OK
