"""``caseworker db``: the database administrator's commands (schema upgrade and revision)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import Parser

    db = sub.add_parser("db", help="database administration")
    db_sub = db.add_subparsers(dest="db_command", parser_class=Parser, required=True)
    db_sub.add_parser("upgrade", help="bring the database schema up to date")
    db_sub.add_parser("revision", help="print the database's schema revision")
    return {"db": cmd_db}


def cmd_db(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, database_url
    from caseworker.store.database import open_database

    db = open_database(database_url(args), migrate=False)
    if args.db_command == "upgrade":
        copy = db.upgrade()
        if copy is not None:
            print(f"a copy of the database as it was before the upgrade: {copy}")
    print(f"{db.describe()}: schema revision {db.stored_revision() or '(none)'}")
    return EXIT_OK
