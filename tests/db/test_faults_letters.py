"""Fault injection: kill -9 during ``letters chase --out DIR``, on SQLite and PostgreSQL.

Every chase PDF is written (and flushed to disk) before the letter log commits, and the whole batch is
one transaction. So a kill at any moment leaves a database that opens and passes its integrity check,
every chase in the log has its file holding exactly the logged PDF, and every late advice request not
in the log is still on Letters to send: none leaves the queue without its letter.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from caseworker.context import AppContext, fixed_clock
from caseworker.services import steps
from caseworker.store.database import open_database
from caseworker.store.models import AdviceService, AppMeta, LetterRecord
from caseworker.views.letters_queue import letters_to_send
from tests.db.conftest import add_staff
from tests.db.logins import signed_in_as
from tests.db.test_faults_upgrade import sqlite_integrity
from tests.db.test_services import new_request

LATE = 90  # late advice requests to chase
TODAY = "2025-06-02"
EP = "Marches Educational Psychology Service"
KILL_AFTER = (1, LATE // 3, 2 * LATE // 3, LATE)  # kill once this many chase PDFs are on disk


def fill(url: str) -> None:
    """LATE requests, each with educational psychology advice asked for in January and never received."""
    db = open_database(url)
    with db.session() as s:
        s.add(AppMeta(key="demo", value="1"))  # the sample council's letterhead
        s.add(AdviceService(name=EP, kind="ep", address="Riverside Centre\nBridge Street\nMarchford",
                            postcode="MF1 3EP", lead_name="Dr Ruth Okafor"))
    actor = add_staff(db, "jsmith", "caseworker")
    ctx = AppContext(db=db, clock=fixed_clock(date(2025, 3, 1)))
    for n in range(LATE):
        cid = steps.register_request(ctx, actor, new_request(reference=f"EHC-2025-{n + 1:04d}",
                                                             date_of_birth=date(2016, 1, 1) + timedelta(days=n)))
        steps.request_advice(ctx, actor, cid, "ep", date(2025, 1, 21), service=EP)
    db.dispose()


def start_chase(url: str, out: Path, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CASEWORKER_DATA_DIR": str(tmp)}
    env.pop("CASEWORKER_COUNCIL_SETTINGS", None)
    url, identity = signed_in_as(url, "jsmith")
    return subprocess.Popen([sys.executable, "-m", "caseworker.cli", "--database", url, *identity, "letters",
                             "chase", "--today", TODAY, "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def written(out: Path) -> int:
    try:
        return sum(1 for e in os.scandir(out) if e.name.endswith("-chase.pdf"))
    except FileNotFoundError:
        return 0


def kill_after(proc: subprocess.Popen[bytes], out: Path, files: int) -> int:
    """kill -9 the chase once ``files`` PDFs are on disk (or it ends first); the count when it died."""
    deadline = time.monotonic() + 120
    while proc.poll() is None and written(out) < files and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if proc.stderr is not None:  # what a killed process said is not needed, but its pipe must be closed
        proc.stderr.close()
    return written(out)


def state(url: str) -> tuple[dict[str, bytes], set[str]]:
    """(file name -> PDF) of every chase in the log, and the advice still queued for a chase."""
    db = open_database(url)  # the database opens (and needs no repair)
    ctx = AppContext(db=db, clock=fixed_clock(date.fromisoformat(TODAY)))
    queued = {q.request.about or "" for q in letters_to_send(ctx, ctx.today()) if q.template_id == "advice_chase"}
    with db.sessions() as s:
        rows = s.execute(select(LetterRecord.about, LetterRecord.pdf).where(
            LetterRecord.template_id == "advice_chase")).all()
    names = {about: pdf for about, pdf in rows}
    with db.sessions() as s:
        from caseworker.store.models import AdviceRequest, Case

        refs = dict(s.execute(select(AdviceRequest.id, Case.reference).join(Case, Case.id == AdviceRequest.case_id))
                    .all())
    db.dispose()
    logged = {f"{refs[int(about.partition(':')[2])]}-advice-{about.partition(':')[2]}-chase.pdf": pdf
              for about, pdf in names.items()}
    return logged, queued


def check(url: str, dirs: list[Path]) -> int:
    if url.startswith("sqlite"):
        assert sqlite_integrity(Path(url.removeprefix("sqlite:///"))) == "ok"
    logged, queued = state(url)
    for name, pdf in logged.items():  # every chase logged has its PDF, byte for byte
        assert any((d / name).is_file() and (d / name).read_bytes() == pdf for d in dirs), name
    assert len(logged) + len(queued) == LATE, (len(logged), len(queued))  # none silently left the queue
    return len(logged)


@pytest.mark.faults
def test_kill_during_a_chase_batch_leaves_every_logged_chase_written_and_the_rest_queued(
        db_url: str, tmp_path: Path) -> None:
    fill(db_url)
    dirs: list[Path] = []
    outcomes = []
    for n, files in enumerate(KILL_AFTER):
        out = tmp_path / f"round{n}"
        dirs.append(out)
        proc = start_chase(db_url, out, tmp_path)
        on_disk = kill_after(proc, out, files)
        outcomes.append((files, on_disk, check(db_url, dirs)))
    out = tmp_path / "last"
    dirs.append(out)
    done = start_chase(db_url, out, tmp_path)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()
    assert check(db_url, dirs) == LATE
    print(f"(files wanted, files on disk, chases logged) at each kill: {outcomes}")
