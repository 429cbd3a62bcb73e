"""``caseworker settings export FILE`` and ``caseworker settings import FILE``: the council's letter
settings as a TOML file, out of the database and back in (an admin's commands, audited like the
Settings dialog's saves)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import Parser

    settings = sub.add_parser("settings", help="the council's letter settings as a file: export, import (admins)")
    cmds = settings.add_subparsers(dest="settings_command", parser_class=Parser, required=True)
    export = cmds.add_parser("export", help="write the settings letters use now to a TOML file (and its logo "
                             "beside it: council.toml gives council-logo.png)")
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument("--force", action="store_true", help="replace FILE (and its logo file) if they exist")
    imp = cmds.add_parser("import", help="store a TOML settings file in the database for the whole team")
    imp.add_argument("file", type=Path, metavar="FILE")
    return {"settings": run}


def run(args: argparse.Namespace) -> int:
    return {"export": export, "import": import_}[args.settings_command](args)


def _source(stored: Any) -> str:
    if stored.origin == "database":
        return f"version {stored.version}, stored in the database"
    if stored.origin == "file":
        return f"read from {stored.path}; the database stores none"
    return "the sample council, for the demo"


def export(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, acting_user, make_context
    from caseworker.commands.letters import database_file
    from caseworker.services.council_settings import export_council

    ctx = make_context(args)
    actor = acting_user(ctx, args)
    stored, written = export_council(ctx, actor, args.file, force=args.force, database=database_file(ctx))
    print(f"{stored.settings.name} ({_source(stored)}): written to {' and '.join(str(p) for p in written)}")
    return EXIT_OK


def import_(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, EXIT_USAGE, acting_user, make_context
    from caseworker.services.council_settings import council_settings, import_council, stored_version

    if not args.file.is_file():
        print(f"caseworker: error: {args.file} is not a file", file=sys.stderr)
        return EXIT_USAGE
    ctx = make_context(args)
    actor = acting_user(ctx, args)
    before = stored_version(ctx)
    version = import_council(ctx, actor, args.file)
    name = council_settings(ctx).name
    if version == before:
        print(f"{name}: the settings in {args.file} are the ones stored already (version {version}); nothing changed")
    else:
        print(f"{name}: settings imported from {args.file} (version {version}); every desktop's letters use them now")
    return EXIT_OK
