"""``caseworker staff list|add|set|deactivate|reactivate|import``: the staff list from the command line
(docs/staff.md). The rules are the service's (caseworker/services/staff.py): admins change anyone, a team
lead only their own team's FTE; every change is audited."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]
# `staff add` and `staff set` options, one per field but the username (the command's argument).
OPTIONS = {"display_name": "--name", "title": "--title", "job_title": "--job-title", "email": "--email",
           "phone": "--phone", "role": "--role", "team": "--team", "fte": "--fte",
           "start_date": "--start-date", "active": "--active"}
HELP = {"display_name": "the name letters and the window show", "title": "Mr, Ms, Mrs, Miss, Mx, Dr ...",
        "job_title": "signs their letters, for example 'SEND Caseworker'", "email": "work email address",
        "phone": "work phone number", "role": "caseworker, team_lead, admin or read_only",
        "team": "the team (locality) they work in", "fte": "full-time equivalent, above 0 and at most 1",
        "start_date": "the day they joined, YYYY-MM-DD or DD/MM/YYYY", "active": "yes or no"}


CLEARABLE = frozenset({"title", "job_title", "email", "phone", "team", "start_date"})


def _field_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    for field, option in OPTIONS.items():
        if adding and field == "active":
            continue
        parser.add_argument(option, dest=field, metavar=field.upper(), required=adding and field == "display_name",
                            help=HELP[field] + (" ('' clears it)" if not adding and field in CLEARABLE else ""))


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import Parser, username

    staff = sub.add_parser("staff", help="the staff list: list, add, set, deactivate, reactivate, import")
    cmds = staff.add_subparsers(dest="staff_command", parser_class=Parser, required=True)
    listing = cmds.add_parser("list", help="everyone on the list, inactive people and import placeholders "
                              "included, with their state")
    listing.add_argument("--json", action="store_true", help="as JSON, one object per person")
    add = cmds.add_parser("add", help="add a person (admins)")
    add.add_argument("username", type=username, help="their database login")
    _field_options(add, adding=True)
    change = cmds.add_parser("set", help="change any of a person's fields (a team lead: their team's FTE)")
    change.add_argument("username", type=username)
    _field_options(change, adding=False)
    for name, words in (("deactivate", "take a person off the active list (admins)"),
                        ("reactivate", "make a person active again, an import's placeholder included")):
        cmds.add_parser(name, help=words).add_argument("username", type=username)
    imp = cmds.add_parser("import", help="add and change staff from a CSV file, all rows or none (admins)")
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="check every row and say what would change; "
                     "write nothing")
    return {"staff": run}


@contextmanager
def _context(args: argparse.Namespace) -> Iterator[Any]:
    """The command's database, closed when it is done (a command run inside a longer process, as the tests
    do, leaves no connection behind)."""
    from caseworker.cli import make_context

    ctx = make_context(args)
    try:
        yield ctx
    finally:
        ctx.db.dispose()


def run(args: argparse.Namespace) -> int:
    handlers: dict[str, Handler] = {"list": list_, "add": add, "set": set_, "deactivate": switch,
                                    "reactivate": switch, "import": import_}
    return handlers[args.staff_command](args)


def _given(args: argparse.Namespace) -> dict[str, Any]:
    return {f: getattr(args, f) for f in OPTIONS if getattr(args, f, None) is not None}


def _as_json(record: Any) -> dict[str, Any]:
    from caseworker.services.staff_fields import FIELDS

    row = {f: record.value(f) for f in FIELDS}
    row["start_date"] = row["start_date"].isoformat() if row["start_date"] else None
    return {**row, "state": record.state, "cases_held": record.cases_held, "version": record.version}


def _table(records: list[Any]) -> str:
    header = ("USERNAME", "NAME", "ROLE", "TEAM", "FTE", "STARTED", "STATE", "CASES")
    rows = [(r.username, r.display_name, r.role, r.team or "-", f"{r.fte:g}",
             r.start_date.isoformat() if r.start_date else "-", r.state, str(r.cases_held)) for r in records]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                     for line in (header, *rows))


def list_(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK
    from caseworker.services.staff import staff_records

    with _context(args) as ctx:
        records = staff_records(ctx)
    if args.json:
        print(json.dumps([_as_json(r) for r in records], ensure_ascii=False, indent=1))
    elif records:
        print(_table(records))
    else:
        print("nobody is on the staff list yet")
    return EXIT_OK


def _describe(record: Any) -> str:
    team = f", {record.team}" if record.team else ""
    return (f"{record.username}: {record.display_name} ({record.role.replace('_', ' ')}{team}, FTE {record.fte:g}), "
            f"{record.state}")


def add(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, acting_user
    from caseworker.services.staff import add_staff

    with _context(args) as ctx:
        record = add_staff(ctx, acting_user(ctx, args), {"username": args.username, **_given(args)})
    print(f"added {_describe(record)}")
    return EXIT_OK


def set_(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, EXIT_USAGE, acting_user
    from caseworker.services.staff import change_staff

    given = _given(args)
    if not given:
        print("caseworker: error: say what to change, for example --fte 0.8 or --active yes", file=sys.stderr)
        return EXIT_USAGE
    with _context(args) as ctx:
        record = change_staff(ctx, acting_user(ctx, args), args.username, given)
    print(_describe(record))
    return EXIT_OK


def switch(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, acting_user
    from caseworker.services.staff import deactivate_staff, reactivate_staff

    change = deactivate_staff if args.staff_command == "deactivate" else reactivate_staff
    with _context(args) as ctx:
        record = change(ctx, acting_user(ctx, args), args.username)
    print(_describe(record))
    if not record.active and record.cases_held:
        print(f"{record.display_name} still holds {record.cases_held} case(s): a team lead can move them "
              "(the Team page, or caseworker balance)")
    return EXIT_OK


def import_(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, acting_user
    from caseworker.services.staff_import import StaffImportFailed, import_staff

    if not args.file.is_file():
        print(f"caseworker: error: {args.file} is not a file", file=sys.stderr)
        return EXIT_USAGE
    try:
        with _context(args) as ctx:
            report = import_staff(ctx, acting_user(ctx, args), args.file, dry_run=args.dry_run)
    except StaffImportFailed as failed:
        for line in failed.lines():
            print(line, file=sys.stderr)
        return EXIT_FAILED
    for line in report.summary_lines():
        print(line)
    return EXIT_OK
