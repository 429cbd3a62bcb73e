"""``caseworker settings export|import`` as a script runs them: files, stdout, one line on stderr, exit codes."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.demo import build_demo
from caseworker.services.council_settings import council_settings, stored_version
from caseworker.store.database import open_database
from caseworker.store.models import AuditEvent, Staff
from tests.e2e.in_process import run_cli

ADMIN, LEAD = "hking", "lead"  # the tiny demo's admin, and the team lead it is built for


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"CASEWORKER_DATA_DIR": str(tmp / "data"), "CASEWORKER_COUNCIL_SETTINGS": None})


@pytest.fixture
def demo(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    build_demo(url, scale="tiny", today=date(2025, 6, 2), login=LEAD)
    db = open_database(url)
    with db.sessions() as s:
        assert s.scalar(select(Staff.role).where(Staff.username == ADMIN)) == "admin"
    db.dispose()
    return url


def stored(url: str) -> tuple[int, str]:
    db = open_database(url)
    try:
        ctx = AppContext(db=db)
        return stored_version(ctx), council_settings(ctx).phone
    finally:
        db.dispose()


def test_an_admin_exports_edits_and_imports_the_settings(tmp_path: Path, demo: str) -> None:
    out = tmp_path / "council.toml"
    exported = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "export", str(out))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == (f"Marches County Council (version 1, stored in the database): written to {out} and "
                               f"{tmp_path / 'council-logo.png'}\n")
    assert (tmp_path / "council-logo.png").read_bytes().startswith(b"\x89PNG")
    out.write_text(out.read_text("utf-8").replace('phone = "01632 960000"', 'phone = "01632 960777"'), "utf-8")
    imported = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert "settings imported" in imported.stdout and "(version 2)" in imported.stdout
    assert stored(demo) == (2, "01632 960777")
    again = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "import", str(out))
    assert again.returncode == 0 and "nothing changed" in again.stdout and stored(demo)[0] == 2
    db = open_database(demo)
    with db.sessions() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "council_settings")).all()
    db.dispose()
    assert actions == ["council_settings.import"]


def test_an_export_never_writes_over_a_file_or_the_database_unless_forced(tmp_path: Path, demo: str) -> None:
    out = tmp_path / "council.toml"
    out.write_text("mine", "utf-8")
    refused = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "export", str(out))
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == f"caseworker: {out} already exists; nothing was written (use --force to replace it)\n"
    assert out.read_text("utf-8") == "mine" and not (tmp_path / "council-logo.png").exists()
    assert run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "export", str(out), "--force").returncode == 0
    assert out.read_text("utf-8").startswith("# Council settings")
    database = demo.removeprefix("sqlite:///")
    over = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "export", database, "--force")
    assert over.returncode == 1 and over.stderr.count("\n") == 1 and "the database in use" in over.stderr
    assert Path(database).read_bytes().startswith(b"SQLite format 3")


def test_a_team_lead_may_not_import_and_a_bad_file_imports_nothing(tmp_path: Path, demo: str) -> None:
    out = tmp_path / "council.toml"
    assert run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "export", str(out)).returncode == 0
    lead = run(tmp_path, "--database", demo, "--as", LEAD, "settings", "import", str(out))
    assert (lead.returncode, lead.stderr) == (1, "caseworker: lead has the team_lead role; only an admin can "
                                                 "change the council's settings\n")
    out.write_text(out.read_text("utf-8").replace('postcode = "MF1 1AA"', 'postcode = "nowhere"'), "utf-8")
    bad = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "import", str(out))
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert bad.stderr == "caseworker: council.toml: [council] postcode: 'nowhere' is not a UK postcode, e.g. MF1 1AA\n"
    missing = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "import", str(tmp_path / "none.toml"))
    assert missing.returncode == 2 and "is not a file" in missing.stderr
    assert stored(demo) == (1, "01632 960000")


def test_a_real_database_with_no_settings_says_what_letters_need(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    out = run(tmp_path, "--database", url, "--as", "firstadmin", "settings", "export", str(tmp_path / "c.toml"))
    assert out.returncode == 1 and out.stderr.startswith("caseworker: letters need your council's settings")
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_the_under_fives_interval_goes_out_and_back_in_byte_for_byte(tmp_path: Path, demo: str) -> None:
    out, again = tmp_path / "a" / "council.toml", tmp_path / "b" / "council.toml"
    out.parent.mkdir()
    again.parent.mkdir()
    assert run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "export", str(out)).returncode == 0
    text = out.read_text("utf-8")
    assert "[plans]" not in text  # not set: the table's 6 months
    out.write_text(text.replace("[blocks.", "[plans]\nunder_fives_review_months = 4\n\n[blocks.", 1), "utf-8")
    imported = run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert run(tmp_path, "--database", demo, "--as", ADMIN, "settings", "export", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()
