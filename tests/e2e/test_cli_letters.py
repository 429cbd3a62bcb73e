"""``caseworker letters ...`` as a script runs it: a separate process, files, stdout, stderr, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from caseworker.demo import build_demo
from caseworker.store.database import open_database
from caseworker.store.models import AdviceRequest, AuditEvent, Case, LetterRecord

TODAY = "2025-06-02"


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEWORKER_DATA_DIR": str(tmp)}
    env.pop("CASEWORKER_COUNCIL_SETTINGS", None)
    return subprocess.run([sys.executable, "-m", "caseworker.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-letters') / 'demo.sqlite'}"
    build_demo(url, scale="tiny", today=date.fromisoformat(TODAY), login="lead")
    return url


def test_templates_lists_one_id_and_title_per_line(tmp_path: Path) -> None:
    out = run(tmp_path, "letters", "templates")
    assert out.returncode == 0
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    assert len(rows) == 11 and all(len(r) == 2 and r[1] for r in rows)
    assert ["advice_chase", "Advice overdue: reminder"] in rows


def test_contacts_then_make_to_a_named_recipient(tmp_path: Path, demo_url: str) -> None:
    db = open_database(demo_url)
    with db.sessions() as s:
        ref = s.scalar(select(Case.reference).where(Case.received_on.is_not(None)).order_by(Case.id))
    db.dispose()
    assert ref is not None
    listed = run(tmp_path, "--database", demo_url, "letters", "contacts", "--case", ref, "--today", TODAY)
    assert listed.returncode == 0 and "main correspondent" in listed.stdout
    school = next(line.split("\t")[0] for line in listed.stdout.splitlines() if line.startswith("school:"))
    out = tmp_path / "ack.pdf"
    made = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "make", "--case", ref, "--template",
               "acknowledgement", "--to", school, "--out", str(out), "--today", TODAY)
    assert made.returncode == 0, made.stderr
    assert out.read_bytes().startswith(b"%PDF") and "sha256" in made.stdout
    typed = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "make", "--case", ref, "--template",
                "acknowledgement", "--to", "contact:999999", "--out", str(tmp_path / "no.pdf"), "--today", TODAY)
    assert typed.returncode == 1 and "not linked to this case" in typed.stderr and not (tmp_path / "no.pdf").exists()


def test_chase_writes_one_pdf_per_late_advice_and_a_combined_file_all_logged(tmp_path: Path, demo_url: str) -> None:
    out_dir = tmp_path / "chase"
    done = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "chase", "--today", TODAY,
               "--out", str(out_dir))
    assert done.returncode in (0, 1), done.stderr
    singles = sorted(p for p in out_dir.glob("*-chase.pdf"))
    combined = out_dir / f"chase-letters-{TODAY}.pdf"
    assert singles and combined.exists()
    db = open_database(demo_url)
    with db.sessions() as s:
        logged = s.execute(select(LetterRecord.about, LetterRecord.pdf).where(
            LetterRecord.template_id == "advice_chase")).all()
        late = s.scalars(select(AdviceRequest.id).where(AdviceRequest.received_on.is_(None))).all()
        audits = s.scalars(select(AuditEvent.id).where(AuditEvent.action == "letter.make")).all()
    db.dispose()
    assert len(logged) == len(singles) <= len(late) and len(audits) >= len(singles)
    by_about = {about: pdf for about, pdf in logged}
    for p in singles:  # each file is exactly the logged letter
        advice = p.name.rsplit("-advice-", 1)[1].removesuffix("-chase.pdf")
        assert by_about[f"advice:{advice}"] == p.read_bytes()
    info = subprocess.run(["pdfinfo", str(combined)], capture_output=True, text=True).stdout
    pages = next(int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:"))
    assert pages == len(singles)  # one-page letters, all in one print file
    again = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "chase", "--today", TODAY,
                "--out", str(tmp_path / "again"))
    assert "no late advice to chase" in again.stdout  # chased today: not again for 14 days
