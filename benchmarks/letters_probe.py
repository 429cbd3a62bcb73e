"""Make a batch of letters in this process and print what it took (run by benchmarks/letters.py).

    python -m benchmarks.letters_probe DB.sqlite chase N TODAY     # the first N chase letters, logged
    python -m benchmarks.letters_probe DB.sqlite final N TODAY     # N final plan cover letters, not logged

Prints one JSON object: seconds, letters, pages, bytes. Run in its own process so its peak memory is
the batch's own (benchmarks.spawn).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, timedelta

from sqlalchemy import select

from benchmarks.datasets import LOGIN


def main(argv: list[str]) -> int:
    from caseworker.context import AppContext, fixed_clock
    from caseworker.services.actor import resolve_actor
    from caseworker.services.letters import LetterRequest, compose, load_letter_kit, make_letters
    from caseworker.store.database import open_database
    from caseworker.store.models import Case
    from caseworker.views.letter_recipients import load_many_case_letters
    from caseworker.views.letters_queue import letters_to_send

    path, what, n, today = argv[0], argv[1], int(argv[2]), date.fromisoformat(argv[3])
    ctx = AppContext(db=open_database(f"sqlite:///{path}"), clock=fixed_clock(today))
    kit = load_letter_kit(ctx)
    with ctx.db.session() as s:
        actor = resolve_actor(s, LOGIN)
    if what == "chase":
        due = [q for q in letters_to_send(ctx, today) if q.template_id == "advice_chase"][:n]
        started, cpu = time.perf_counter(), time.process_time()
        batch = make_letters(ctx, actor, [(q.case_id, q.request) for q in due], kit, keep_pdfs=False)
        seconds = time.perf_counter() - started
        # CPU time as well: on a shared machine the wall time includes waiting for a core.
        result = {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "letters": len(batch.made),
                  "problems": len(batch.problems)}
    else:
        with ctx.db.sessions() as s:
            ids = list(s.scalars(select(Case.id).where(Case.final_issued_on >= today - timedelta(days=120),
                                                       Case.received_on.is_not(None)).limit(n)))
        from caseworker.letters import render_pdf

        started = time.perf_counter()
        cases = load_many_case_letters(ctx, ids, today)
        pdfs = [render_pdf(compose(c, LetterRequest("final_plan_cover"), kit, ctx, today)) for c in cases.values()]
        seconds = time.perf_counter() - started
        info = subprocess.run(["pdfinfo", "-"], input=pdfs[0], capture_output=True).stdout.decode() if pdfs else ""
        pages = next((int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:")), 0)
        result = {"seconds": seconds, "letters": len(pdfs), "pages": pages}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
