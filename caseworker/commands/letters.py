"""``caseworker letters ...``: the statutory letters without the window.

Every letter made here is logged exactly like one made in the window (the acting user, the PDF,
its SHA-256, an audit row), so a scripted chase run is as accountable as a caseworker's click.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from caseworker.services.letters import PendingLetter

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    from caseworker.cli import Parser, iso_date

    letters = sub.add_parser("letters", help="statutory letters: templates, recipients, make, chase")
    cmds = letters.add_subparsers(dest="letters_command", parser_class=Parser, required=True)
    cmds.add_parser("templates", help="every letter template: its id, then its title")

    contacts = cmds.add_parser("contacts", help="who a case's letters may go to (recipient ids and names)")
    contacts.add_argument("--case", required=True, metavar="REF", help="the case reference")
    contacts.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)

    make = cmds.add_parser("make", help="make one letter for a case, log it, and write the PDF")
    make.add_argument("--case", required=True, metavar="REF", help="the case reference")
    make.add_argument("--template", required=True, metavar="ID", help="a template id ('letters templates')")
    make.add_argument("--to", metavar="ID", help="a recipient id from 'letters contacts' (default: the main "
                      "correspondent, or the adviser's service for advice letters)")
    make.add_argument("--advice", type=int, metavar="ID", help="the advice request an advice letter is about")
    make.add_argument("--exception", type=int, metavar="ID", help="the exception an exception notice is about")
    make.add_argument("--reason", action="append", default=[], metavar="TEXT",
                      help="a reason for a decision not to assess or issue (repeat for each point)")
    make.add_argument("--meeting-time", default="", metavar="TEXT",
                      help="a review invitation: the meeting's time, as the letter gives it (e.g. '10am to 11:30am')")
    make.add_argument("--meeting-place", default="", metavar="TEXT",
                      help="a review invitation: where the meeting is held")
    make.add_argument("--notified-on", type=iso_date, metavar="YYYY-MM-DD",
                      help="a decision letter: record this as the day the family is told of the decision (audited) "
                      "and date the letter with it (default: the notification date on record)")
    make.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    make.add_argument("--force", action="store_true", help="replace FILE.pdf if it exists (never a database)")
    make.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="date the letter (default: today)")

    chase = cmds.add_parser("chase", help="a chase letter for every late advice request not chased in 14 days")
    chase.add_argument("--out", required=True, type=Path, metavar="DIR")
    chase.add_argument("--force", action="store_true", help="replace PDFs of the same names in DIR (never a database)")
    chase.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="the date to chase as of")
    chase.add_argument("--caseworker", metavar="USER", help="only this caseworker's cases")
    return {"letters": run}


def run(args: argparse.Namespace) -> int:
    return {"templates": templates, "contacts": contacts, "make": make, "chase": chase}[args.letters_command](args)


def templates(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK
    from caseworker.letters import load_templates

    for template_id, title in load_templates().titles():
        print(f"{template_id}\t{title}")
    return EXIT_OK


def contacts(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, make_context
    from caseworker.services.casefile import case_id_for
    from caseworker.views.letter_recipients import load_case_letters

    ctx = make_context(args)
    case = load_case_letters(ctx, case_id_for(ctx, args.case), ctx.today())
    for r in case.recipients:
        role = r.kind.replace("_", " ") + (", main correspondent" if r.main_correspondent else "")
        print(f"{r.id}\t{r.name} ({role})")
    return EXIT_OK


def make(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_OK, acting_user, make_context
    from caseworker.letters.output import check_target
    from caseworker.services.casefile import case_id_for
    from caseworker.services.letters import LetterRequest, load_letter_kit, make_letter
    from caseworker.services.plan_letters import PLAN_NOTIFIES

    ctx = make_context(args)
    actor = acting_user(ctx, args)
    database = database_file(ctx)
    check_target(args.out, database=database, force=args.force)  # before anything is made or recorded
    request = LetterRequest(args.template, recipient_id=args.to, advice_id=args.advice, exception_id=args.exception,
                            reasons=tuple(args.reason), notified_on=args.notified_on,
                            meeting_time=args.meeting_time, meeting_place=args.meeting_place)
    sink = FileSink(database, args.force, lambda _letter: args.out)
    made = make_letter(ctx, actor, case_id_for(ctx, args.case), request, load_letter_kit(ctx), sink=sink)
    if made.warning:  # the letter is made and logged all the same: a warning, not a failure
        hint = "" if made.template_id in PLAN_NOTIFIES else " (--notified-on)"  # a plan's dates: on the plan
        print(f"caseworker: warning: {made.warning}{hint}", file=sys.stderr)
    print(f"{args.out}\tletter {made.id}\t{made.template_id} to {made.recipient_name}\tsha256 {made.sha256}")
    return EXIT_OK


def chase(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_FAILED, EXIT_OK, acting_user, make_context
    from caseworker.errors import CaseworkerError
    from caseworker.letters.output import check_folder
    from caseworker.services.letters import load_letter_kit, make_letters
    from caseworker.views.letters_queue import letters_to_send

    ctx = make_context(args)
    actor = acting_user(ctx, args)
    today: date = ctx.today()
    database = database_file(ctx)
    check_folder(args.out, database=database)
    due = [q for q in letters_to_send(ctx, today, args.caseworker) if q.template_id == "advice_chase"]
    if not due:
        print("no late advice to chase")
        return EXIT_OK
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaseworkerError(f"cannot make the folder {args.out}: {exc.strerror or exc}") from None
    sink = FileSink(database, args.force, lambda letter: args.out / chase_file_name(letter),
                    combined=args.out / f"chase-letters-{today.isoformat()}.pdf")
    batch = make_letters(ctx, actor, [(q.case_id, q.request) for q in due], load_letter_kit(ctx),
                         batch=f"chase-{today.isoformat()}", combine=True, keep_pdfs=False, sink=sink)
    for p in batch.problems:
        print(f"caseworker: {p.reference}: {p.reason}", file=sys.stderr)
    if sink.combined_written is not None:
        print(f"{len(batch.made)} chase letters logged; print {sink.combined_written}")
    return EXIT_FAILED if batch.problems else EXIT_OK


def chase_file_name(letter: PendingLetter) -> str:
    advice = (letter.about or "").partition(":")[2]
    return f"{letter.reference}-advice-{advice}-chase.pdf"


def database_file(ctx: Any) -> Path | None:
    """The SQLite file in use (None on PostgreSQL): no letter is ever written over it."""
    from sqlalchemy.engine import make_url

    if not ctx.db.is_sqlite:
        return None
    name = make_url(ctx.db.url).database
    return Path(name) if name and name != ":memory:" else None


class FileSink:
    """Writes each letter (and the combined print file) to disk before the letter log commits."""

    def __init__(self, database: Path | None, force: bool, path_for: Callable[[PendingLetter], Path], *,
                 combined: Path | None = None) -> None:
        self.database, self.force, self.path_for, self.combined = database, force, path_for, combined
        self.written: list[Path] = []
        self.combined_written: Path | None = None

    def write(self, letter: PendingLetter) -> None:
        from caseworker.letters.output import write_pdf

        path = self.path_for(letter)
        if write_pdf(path, letter.pdf, database=self.database, force=self.force):
            self.written.append(path)

    def finish(self, combined: bytes | None) -> None:
        from caseworker.letters.output import write_pdf

        if combined is None or self.combined is None:
            return
        path = self._free_name(self.combined, combined)
        if write_pdf(path, combined, database=self.database, force=self.force):
            self.written.append(path)
        self.combined_written = path

    def _free_name(self, path: Path, data: bytes) -> Path:
        """The print file's name, or the first '-2', '-3' ... beside it not holding another print run."""
        from caseworker.letters.output import holds

        if self.force:
            return path
        n = 1
        candidate = path
        while candidate.exists() and not holds(candidate, data):
            n += 1
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        return candidate

    def discard(self) -> None:
        from caseworker.letters.output import remove_written

        remove_written(self.written)
        self.written.clear()
