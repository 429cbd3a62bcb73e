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
from typing import Any

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
    make.add_argument("--notified-on", type=iso_date, metavar="YYYY-MM-DD",
                      help="a decision letter: record this as the day the family is told of the decision (audited) "
                      "and date the letter with it (default: the notification date on record)")
    make.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    make.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="date the letter (default: today)")

    chase = cmds.add_parser("chase", help="a chase letter for every late advice request not chased in 14 days")
    chase.add_argument("--out", required=True, type=Path, metavar="DIR")
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
    from caseworker.services.casefile import case_id_for
    from caseworker.services.letters import LetterRequest, load_letter_kit, make_letter

    ctx = make_context(args)
    actor = acting_user(ctx, args)
    request = LetterRequest(args.template, recipient_id=args.to, advice_id=args.advice, exception_id=args.exception,
                            reasons=tuple(args.reason), notified_on=args.notified_on)
    made = make_letter(ctx, actor, case_id_for(ctx, args.case), request, load_letter_kit(ctx))
    _write(args.out, made.pdf)
    if made.warning:  # the letter is made and logged all the same: a warning, not a failure
        print(f"caseworker: warning: {made.warning} (--notified-on)", file=sys.stderr)
    print(f"{args.out}\tletter {made.id}\t{made.template_id} to {made.recipient_name}\tsha256 {made.sha256}")
    return EXIT_OK


def chase(args: argparse.Namespace) -> int:
    from caseworker.cli import EXIT_FAILED, EXIT_OK, acting_user, make_context
    from caseworker.services.letters import load_letter_kit, make_letters, stored_pdfs
    from caseworker.views.letters_queue import letters_to_send

    ctx = make_context(args)
    actor = acting_user(ctx, args)
    today: date = ctx.today()
    due = [q for q in letters_to_send(ctx, today, args.caseworker) if q.template_id == "advice_chase"]
    if not due:
        print("no late advice to chase")
        return EXIT_OK
    batch = make_letters(ctx, actor, [(q.case_id, q.request) for q in due], load_letter_kit(ctx),
                         batch=f"chase-{today.isoformat()}", combine=True, keep_pdfs=False)
    args.out.mkdir(parents=True, exist_ok=True)
    made_by_id = {m.id: m for m in batch.made}
    for letter_id, pdf in stored_pdfs(ctx, list(made_by_id)):  # each file is the logged letter itself
        made = made_by_id[letter_id]
        advice = (made.about or "").partition(":")[2]
        _write(args.out / f"{made.reference}-advice-{advice}-chase.pdf", pdf)
    for p in batch.problems:
        print(f"caseworker: {p.reference}: {p.reason}", file=sys.stderr)
    if batch.combined is not None:
        combined = args.out / f"chase-letters-{today.isoformat()}.pdf"
        _write(combined, batch.combined)
        print(f"{len(batch.made)} chase letters logged; print {combined}")
    return EXIT_FAILED if batch.problems else EXIT_OK


def _write(path: Path, pdf: bytes) -> None:
    from caseworker.errors import CaseworkerError

    try:
        path.write_bytes(pdf)
    except OSError as exc:
        raise CaseworkerError(f"cannot write {path}: {exc.strerror}") from exc
