"""The ``caseworker`` command: the desktop with no arguments, headless commands otherwise.

Heavy modules are imported inside the commands that need them, so a nightly ``deadlines --json``
starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from caseworker import __version__, logs
from caseworker.errors import CaseworkerError, ValidationError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("caseworker.cli")


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line (scripts read stderr line by line)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


# Dates a command may be run as of: anything outside is a slip of the keyboard (and year 1 or 9999
# would overflow the date arithmetic of every deadline).
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def iso_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise argparse.ArgumentTypeError(f"{text} is outside the dates Caseworker works with "
                                         f"({EARLIEST_DAY.year} to {LATEST_DAY.year})")
    return day


def username(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a staff username")
    return text.strip()


def build_parser(command: str | None = None) -> Parser:
    """The whole command line; or, given the ``command`` about to run, the top-level options and that one
    command's parser only (the nightly report need not import and build the other twenty-odd commands)."""
    p = Parser(prog="caseworker", description="EHC plan casework: deadlines, advice, letters and caseloads.")
    p.add_argument("--version", action="version", version=f"caseworker {__version__}")
    p.add_argument("--database", metavar="URL", help="database URL (default: CASEWORKER_DATABASE_URL, else "
                   "the file in your user data folder)")
    p.add_argument("--demo", action="store_true", help="use the demo database (built by 'caseworker demo')")
    p.add_argument("--as", dest="as_user", metavar="USER", type=username, help="act as this staff username")
    p.add_argument("-v", "--verbose", action="count", default=0, help="say what the command is doing on "
                   "standard error (-vv: more); the log file keeps the details either way (docs/logs.md)")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    for name, add_parser in CORE_PARSERS.items():
        if command in (None, name):
            add_parser(sub)
    for module, names in COMMAND_MODULES.items():
        if command is None or command in names:
            COMMANDS.update(importlib.import_module(module).register(sub))
    verbose_after_command(p)
    return p


def add_import(sub: Any) -> None:
    imp = sub.add_parser("import", help="import a tracker spreadsheet (.csv or .xlsx)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-invalid", action="store_true", help="import the good rows; write the rest to "
                     "the rejects file with reasons")
    imp.add_argument("--rejects", type=Path, metavar="FILE", help="where rejected rows go (default: "
                     "FILE.rejects.csv); never over an existing file unless --force, never over a database")
    imp.add_argument("--force", action="store_true", help="replace an existing rejects file")
    imp.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)


def add_deadlines(sub: Any) -> None:
    dl = sub.add_parser("deadlines", help="every open request's statutory deadlines")
    dl.add_argument("--json", action="store_true",
                    help="the machine-readable report, version 2 (docs/deadlines-json.md)")
    dl.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="the date to report as of")
    dl.add_argument("--caseworker", metavar="USER", help="only this caseworker's requests")
    dl.add_argument("--all", action="store_true", help="include issued and closed requests")


def add_demo(sub: Any) -> None:
    demo = sub.add_parser("demo", help="build the demo team's database")
    demo.add_argument("--scale", choices=("county", "large"), default="county")
    demo.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="date the demo around this day")


# Top-level options that take a value, and those that take none, as ``command_named`` reads them.
VALUE_OPTIONS, FLAG_OPTIONS = ("--database", "--as"), ("--demo", "-v", "--verbose")


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, when that is plain from its words alone; else None (the whole parser then
    reads them, so help, an unknown command or an abbreviated option behave and read exactly as before).

    Only the spellings written out in full count: ``--database URL`` or ``--database=URL``, ``--as USER``,
    ``--demo`` and ``-v``/``-vv``/``--verbose``, then a command's name."""
    words = iter(argv)
    for word in words:
        if word in VALUE_OPTIONS:
            value = next(words, None)
            if value is None or value.startswith("-"):
                return None
        elif word in FLAG_OPTIONS or word.startswith(tuple(f"{o}=" for o in VALUE_OPTIONS)) or (
                word.startswith("-v") and word.strip("v") == "-"):
            continue
        else:
            return word if word in KNOWN_COMMANDS else None
    return None


def verbose_after_command(parser: argparse.ArgumentParser) -> None:
    """Accept -v after the command too (`caseworker deadlines -v`), as people type it, at every level."""
    for action in parser._actions:  # argparse keeps its subcommands here and nowhere public
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                command.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                                     help=argparse.SUPPRESS)
                verbose_after_command(command)


def database_url(args: argparse.Namespace) -> str:
    from caseworker.store.location import default_database_url, demo_database_url

    url = str(args.database) if args.database else demo_database_url() if args.demo else default_database_url()
    log.info("database: %s", logs.without_password(url))
    return url


def today_of(args: argparse.Namespace) -> date:
    given: date | None = getattr(args, "today", None)
    if given is not None:
        return given
    from caseworker.clock import london_today  # the time zone tables are read only when needed

    return london_today()


def make_context(args: argparse.Namespace) -> Any:
    from caseworker.context import AppContext, fixed_clock
    from caseworker.holiday_cache import cached_calendar
    from caseworker.statutory.engine import DeadlineEngine
    from caseworker.store.database import open_database

    return AppContext(db=open_database(database_url(args)), engine=DeadlineEngine(calendar=cached_calendar()),
                      clock=fixed_clock(today_of(args)))


def acting_user(ctx: Any, args: argparse.Namespace) -> Any:
    """Whoever is acting: the database login on a team's server, ``--as`` and the like on SQLite."""
    from caseworker.services.actor import acting_actor

    with ctx.db.session() as s:
        return acting_actor(s, args.as_user)


def cmd_deadlines(args: argparse.Namespace) -> int:
    from caseworker.statutory.engine import collector_paused

    # Tens of thousands of small objects, none in a cycle, in a process that ends when the report is out.
    # Left alive once the collector starts again, its first pass would walk every one of them (a tenth of
    # the run with --all) to find nothing: so they are either freed (by reference counting) before it
    # starts, or, when this process is the program, set aside from it and left for the process's end.
    with collector_paused():
        report = write_deadlines(args)
        if _left_for_the_end is not None:
            _left_for_the_end.append(report)
            gc.freeze()
    return EXIT_OK


def write_deadlines(args: argparse.Namespace) -> list[Any]:
    """The deadlines report (JSON or the table) on standard output; returns the deadlines it reported."""
    from caseworker.holiday_cache import cached_calendar
    from caseworker.statutory.engine import DeadlineEngine

    today = today_of(args)
    facts = read_request_facts(database_url(args), open_only=not args.all, caseworker=args.caseworker)
    engine = DeadlineEngine(calendar=cached_calendar())
    deadlines = engine.evaluate_all(facts, today)
    if args.json:
        from caseworker.reports.deadlines_text import write_report_json

        write_report_json(sys.stdout, today, deadlines, engine)
        sys.stdout.write("\n")
    else:
        from caseworker.reports.deadlines import report_table

        print(report_table(today, deadlines))
    return deadlines


def read_request_facts(url: str, *, open_only: bool, caseworker: str | None) -> list[Any]:
    from caseworker.store import reads

    conn, dialect = open_for_reading(url)
    try:
        return reads.load_request_facts(conn, dialect, open_only=open_only, caseworker=caseworker)
    finally:
        conn.close()


def open_for_reading(url: str) -> tuple[Any, Any]:
    """A driver connection for a report's reads (and its dialect); the schema is built or migrated first
    only when it needs it."""
    from caseworker.store import reads
    from caseworker.store.location import SCHEMA_REVISION

    try:
        conn, dialect = reads.connect(url)
    except Exception:
        conn = None
    if conn is None or reads.stored_revision(conn) != SCHEMA_REVISION:
        if conn is not None:
            conn.close()
        from caseworker.store.database import open_database

        open_database(url).dispose()
        conn, dialect = reads.connect(url)
    return conn, dialect


def cmd_import(args: argparse.Namespace) -> int:
    from caseworker.services.importing import ImportFailed, import_tracker

    if not args.file.exists():
        print(f"caseworker: error: {args.file} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if (args.rejects or args.force) and not args.skip_invalid:
        option = "--rejects" if args.rejects else "--force"
        print(f"caseworker: error: {option} goes with --skip-invalid: without it a file with a bad row "
              "imports nothing and writes no rejects file", file=sys.stderr)
        return EXIT_USAGE
    ctx = make_context(args)
    actor = acting_user(ctx, args)
    try:
        report = import_tracker(ctx, actor, args.file, skip_invalid=args.skip_invalid, rejects_path=args.rejects,
                                force=args.force)
    except ImportFailed as failed:
        for line in failed.lines():  # each problem as "row N, column C: reason", then a closing line
            print(line, file=sys.stderr)
        return EXIT_FAILED
    for line in report.problem_lines():  # rows rejected under --skip-invalid
        print(line, file=sys.stderr)
    for line in report.summary_lines():
        print(line)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from caseworker.demo import build_demo
    from caseworker.services.actor import demo_builder

    url = database_url(args) if (args.database or os.environ.get("CASEWORKER_DATABASE_URL")) else demo_url()
    login, acting = demo_builder(url, args.as_user)
    summary = build_demo(url, scale=args.scale, today=today_of(args), login=login, acting=acting)
    print(summary.describe())
    return EXIT_OK


def demo_url() -> str:
    from caseworker.store.location import demo_database_url

    return demo_database_url()


def cmd_desktop(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("ui.app") is None:
        print("caseworker: the desktop window is not part of this version yet; see 'caseworker --help' for the "
              "headless commands", file=sys.stderr)
        return EXIT_USAGE
    has_display = any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY")) or sys.platform in (
        "win32", "darwin") or os.environ.get("QT_QPA_PLATFORM") == "offscreen"
    if not has_display:
        print("caseworker: no display to open the desktop window on; use a headless command (see "
              "'caseworker --help')", file=sys.stderr)
        return EXIT_USAGE
    # Imported by name: the core never depends on the Qt layer, it only starts it.
    desktop_app = importlib.import_module("ui.app")
    return int(desktop_app.run(args))


Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {"deadlines": cmd_deadlines, "import": cmd_import, "demo": cmd_demo}
CORE_PARSERS: dict[str, Callable[[Any], None]] = {"import": add_import, "deadlines": add_deadlines,
                                                   "demo": add_demo}
# Command groups kept in their own modules (see caseworker/commands/__init__.py), with the commands each
# adds (tests/unit/test_cli_parser.py holds this list to what the modules register), in --help's order.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "caseworker.commands.letters": ("letters",),
    "caseworker.commands.caseload": ("caseload", "balance"),
    "caseworker.commands.team": ("absence", "pin", "unpin"),
    "caseworker.commands.settings": ("settings",),
    "caseworker.commands.plans": ("plans",),
    "caseworker.commands.db": ("db",),
    "caseworker.commands.staff": ("staff",),
}
KNOWN_COMMANDS = frozenset((*CORE_PARSERS, *(n for names in COMMAND_MODULES.values() for n in names)))


# What a command built and need not free, when this process is the program (main() with no argv): freeing
# the nightly report's objects one by one, and then every module, was about 4% of its work; the process
# ends at once instead (end_now). None while commands run inside another program (tests, the desktop).
_left_for_the_end: list[Any] | None = None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; ``argv`` None means this process is the program (the ``caseworker`` script or
    ``python -m caseworker.cli``), which ends when the command does."""
    global _left_for_the_end
    if argv is None:
        _left_for_the_end = []
    code = run_command(argv)
    if argv is None:
        if _left_for_the_end:
            end_now(code)
        # The interpreter's last act is a full garbage collection over everything still alive (a report's
        # caches, every module): nothing there is worth finding now, so it is set aside (tens of ms saved).
        gc.freeze()
    return code


def end_now(code: int) -> None:
    """End the process with ``code`` once its output and log are flushed, without the interpreter's tidy-up
    (each object freed, each module cleared). Only after a command that left nothing else open: a database
    connection, a file being written. Returns, for the ordinary exit, if the output cannot be flushed."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None under pythonw, with no console
                stream.flush()
    except (OSError, ValueError):  # a full disk, a closed stream: the ordinary exit says so as it always has
        return
    logging.shutdown()  # the log file's last lines, as the ordinary exit would
    os._exit(code)


def run_command(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    args = build_parser(command_named(words)).parse_args(words)
    # Notes worth a user's attention (a copy taken before an upgrade) go to standard error, one line each;
    # with -v, what the command is doing too.
    logs.start_logging(args.verbose)
    command = COMMANDS.get(args.command or "", cmd_desktop)
    log.info("version %s, command: %s", __version__, args.command or "desktop")
    if log.isEnabledFor(logging.DEBUG):  # -vv: finding the installed version and the system takes a while
        log.debug("%s", "; ".join(logs.platform_lines()))
    started = time.perf_counter()
    try:
        code = command(args)
        sys.stdout.flush()  # here, not at exit: a reader gone early (`| head`) is then a quiet exit too
        log.info("finished in %.2f s, exit status %d", time.perf_counter() - started, code)
        return code
    except ValidationError as exc:
        for p in exc.problems:
            print(f"caseworker: {p.field}: {p.reason}", file=sys.stderr)
        return EXIT_FAILED
    except CaseworkerError as exc:
        print(f"caseworker: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader stopped early (`| head`): point stdout at nothing so the exit flush is silent too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        reason = database_failure(exc)
        if reason is None:
            return unexpected_failure(exc)
        print(f"caseworker: {reason}", file=sys.stderr)
        return EXIT_FAILED


def unexpected_failure(exc: Exception) -> int:
    """A fault in Caseworker itself: the traceback to the log, one line naming the log to the user."""
    where = logs.record_unexpected(exc, "the command stopped on an unexpected error")
    found = f"the details are in {where}" if where else "the details are above"
    print(f"caseworker: an unexpected error stopped the command ({logs.one_line(exc)}); {found}",
          file=sys.stderr)
    return EXIT_FAILED


def database_failure(exc: Exception) -> str | None:
    """One line for a failure of the database itself (unreachable mid-command, disk full, a race), or None."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError, IntegrityError

    from caseworker.store.database import first_line

    if isinstance(exc, IntegrityError):
        return ("someone else changed the same record at the same moment, so nothing was written; "
                f"run the command again ({first_line(exc)})")
    if isinstance(exc, DBAPIError):
        return f"the database could not complete the command, so nothing was written: {first_line(exc)}"
    return None


if __name__ == "__main__":
    sys.exit(main())
