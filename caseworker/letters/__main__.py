"""Check the letter templates and council settings after editing them, and preview every letter.

    python -m caseworker.letters [--council FILE] [--templates DIR] [--out DIR]

Loads the settings and every template, makes each letter for a sample case (a fictional family, with
each of the sample names), and prints what is wrong, naming the file and the field. With ``--out``
it also writes each letter as a PDF to look at. Exit status 0 when everything can be made.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caseworker.letters.errors import LetterError
from caseworker.letters.pdf import render_pdf
from caseworker.letters.samples import SAMPLE_NAMES, sample_facts_for, sample_recipient_for
from caseworker.letters.settings import load_council_settings
from caseworker.letters.templates import load_templates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m caseworker.letters", description=__doc__.splitlines()[0])
    parser.add_argument("--council", type=Path, help="the council settings file (default: the sample)")
    parser.add_argument("--templates", type=Path, help="the templates folder (default: resources/letters/templates)")
    parser.add_argument("--out", type=Path, help="write a PDF of each letter here")
    args = parser.parse_args(argv)
    try:
        council = load_council_settings(args.council)
        templates = load_templates(args.templates)
    except LetterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = 0
    for template_id, title in templates.titles():
        recipient = sample_recipient_for(templates.get(template_id).recipients)
        try:
            for name in SAMPLE_NAMES:
                pdf = render_pdf(templates.render(template_id, sample_facts_for(template_id, council, name, recipient)))
        except LetterError as exc:
            problems += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{template_id}.pdf").write_bytes(pdf)
        print(f"ok: {template_id} ({title})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
