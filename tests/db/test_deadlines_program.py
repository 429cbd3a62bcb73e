"""The nightly report as its own process, on SQLite and PostgreSQL: it ends at once when the report is out
(``cli.end_now``, without the interpreter's tidy-up), and still writes every byte the command writes when run
inside another program, and the log's closing line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from caseworker.context import AppContext
from caseworker.services import steps
from caseworker.services.actor import Actor
from tests.e2e.in_process import run_cli

REQUESTS = 60  # about 66 KB of JSON: more than a pipe holds, so it goes out in several writes


def record_requests(ctx: AppContext, actor: Actor) -> None:
    for n in range(REQUESTS):
        case = steps.register_request(ctx, actor, steps.NewRequest(
            forename="Zoë", surname=f"Wiśniewska {n}", date_of_birth=date(2016, 5, 4),
            received=date(2025, 1, 6) + timedelta(days=n % 20), reference=f"EHC-2025-{n:04d}",
            caseworker=actor.username, duplicate_reason="another request in this test's story"))
        steps.request_advice(ctx, actor, case, "ep", date(2025, 2, 3))


def test_the_report_as_a_program_writes_what_the_command_writes(ctx: AppContext, caseworker: Actor,
                                                                 db_url: str, tmp_path: Path) -> None:
    record_requests(ctx, caseworker)
    args = ("--database", db_url, "deadlines", "--json", "--today", "2025-03-03")
    inside = run_cli(*args, env={"CASEWORKER_DATA_DIR": str(tmp_path / "inside")})
    program = subprocess.run([sys.executable, "-m", "caseworker.cli", *args], capture_output=True, timeout=120,
                             env={**os.environ, "CASEWORKER_DATA_DIR": str(tmp_path)})
    assert program.returncode == 0 and program.stderr == b"" and inside.returncode == 0
    assert program.stdout.count(b'"reference": ') == REQUESTS
    assert program.stdout == inside.stdout.encode("utf-8")
    last = (tmp_path / "logs" / "caseworker.log").read_text("utf-8").splitlines()[-1]
    assert "caseworker.cli: finished in " in last and last.endswith("exit status 0")
