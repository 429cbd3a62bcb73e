"""``caseworker db``: the database administrator's commands: the schema (upgrade, revision), the team's
rights on a PostgreSQL server (init-team, sync-logins; caseworker/store/team_roles.py) and backups
(backup, restore; caseworker/store/backup.py). docs/team-setup.md walks a council DBA through them."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import Parser

    db = sub.add_parser("db", help="database administration")
    db_sub = db.add_subparsers(dest="db_command", parser_class=Parser, required=True)
    db_sub.add_parser("upgrade", help="bring the database schema up to date")
    db_sub.add_parser("revision", help="print the database's schema revision")
    team = db_sub.add_parser("init-team", help="PostgreSQL: create the team's group roles and rights (run by "
                             "the DBA once, and again after each upgrade)")
    team.add_argument("--prefix", metavar="NAME", help="start of the role names (default: the database name)")
    team.add_argument("--first-admin", metavar="LOGIN", help="put this existing login in the admin group, so "
                      "the team's first admin can sign in and add everyone else")
    db_sub.add_parser("sync-logins", help="PostgreSQL: put each staff member's login in the group of their "
                      "role (out of all groups when inactive)")
    back = db_sub.add_parser("backup", help="write a backup of the database to FILE")
    back.add_argument("file", type=Path, metavar="FILE")
    back.add_argument("--force", action="store_true", help="replace FILE if it exists")
    rest = db_sub.add_parser("restore", help="put a backup made by 'db backup' into the database")
    rest.add_argument("file", type=Path, metavar="FILE")
    rest.add_argument("--force", action="store_true", help="replace a database that already holds data")
    return {"db": cmd_db}


def cmd_db(args: argparse.Namespace) -> int:
    handlers: dict[str, Handler] = {"init-team": cmd_init_team, "sync-logins": cmd_sync_logins,
                                    "backup": cmd_backup, "restore": cmd_restore}
    return handlers.get(args.db_command, cmd_schema)(args)


def cmd_schema(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, database_url
    from caseworker.store.database import open_database

    db = open_database(database_url(args), migrate=False)
    try:
        if args.db_command == "upgrade":
            copy = db.upgrade()
            if copy is not None:
                print(f"a copy of the database as it was before the upgrade: {copy}")
        print(f"{db.describe()}: schema revision {db.stored_revision() or '(none)'}")
    finally:
        db.dispose()
    return EXIT_OK


def cmd_init_team(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK
    from caseworker.store import team_roles

    db = open_postgresql(args, "init-team")
    try:
        with refused_as_error(), db.engine.begin() as conn:
            roles = team_roles.init_team(conn, args.prefix)
            if args.first_admin:
                outcome = team_roles.grant_first_admin(conn, args.first_admin)
                print(f"first admin {args.first_admin}: {outcome}")
    finally:
        db.dispose()
    print(f"done: logins join {', '.join(roles.groups)} through 'caseworker staff' or 'caseworker db sync-logins'")
    return EXIT_OK


def cmd_sync_logins(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK
    from caseworker.store import team_roles

    db = open_postgresql(args, "sync-logins")
    try:
        with refused_as_error(), db.engine.begin() as conn:
            changed = team_roles.sync_all_logins(conn)
    finally:
        db.dispose()
    print(f"{changed} login(s) changed")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, database_url
    from caseworker.store.backup import backup

    facts = backup(database_url(args), args.file, force=args.force)
    print(f"backup of the {facts.kind} database (schema revision {facts.revision}) written to {args.file}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, database_url
    from caseworker.store.backup import restore
    from caseworker.store.location import SCHEMA_REVISION

    facts = restore(database_url(args), args.file, force=args.force)
    print(f"restored {args.file} (schema revision {facts.revision})")
    if facts.revision != SCHEMA_REVISION:
        print(f"the backup is from an older schema: run 'caseworker db upgrade' to bring it to {SCHEMA_REVISION}")
    if facts.kind == "postgresql":
        print("on a team database, run 'caseworker db init-team' again: the team's rights are not in a backup")
    return EXIT_OK


def open_postgresql(args: argparse.Namespace, command: str) -> Any:
    from caseworker.cli import database_url
    from caseworker.errors import CaseworkerError
    from caseworker.store.database import open_database

    db = open_database(database_url(args), migrate=False)
    if db.is_sqlite:
        raise CaseworkerError(f"db {command} is for a team's PostgreSQL database; a SQLite file has no logins")
    return db


@contextmanager
def refused_as_error() -> Iterator[None]:
    """A refusal from team_roles (ValueError) reaches the user as one plain line, like other errors."""
    from caseworker.errors import CaseworkerError

    try:
        yield
    except ValueError as exc:
        raise CaseworkerError(str(exc)) from exc
