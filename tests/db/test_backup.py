"""`caseworker db backup` and `db restore`: every row of every table comes back, on SQLite and PostgreSQL;
a restore over data needs --force; only a Caseworker backup of a known schema is restored."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from caseworker.cli import main
from caseworker.demo import build_demo
from caseworker.store.backup import libpq_environment
from caseworker.store.database import open_database
from caseworker.store.models import CouncilSettingsRecord
from tests.db.conftest import TODAY, _fresh_pg_database, add_staff


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of its rows in primary-key order."""
    engine = create_engine(url)
    found: dict[str, tuple[int, str]] = {}
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            quote = conn.dialect.identifier_preparer.quote
            for table in sorted(inspector.get_table_names()):
                key = inspector.get_pk_constraint(table)["constrained_columns"] or [
                    c["name"] for c in inspector.get_columns(table)]
                rows = conn.execute(text(f"SELECT * FROM {quote(table)} ORDER BY "
                                         + ", ".join(quote(c) for c in key))).all()
                found[table] = (len(rows), hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest())
    finally:
        engine.dispose()
    return found


def with_binary_and_json(url: str) -> None:
    """The demo's council has no logo: one adds bytes that must come back byte for byte."""
    db = open_database(url)
    try:
        with db.session() as s:
            settings = s.get(CouncilSettingsRecord, 1)
            assert settings is not None
            settings.logo, settings.logo_type = bytes(range(256)) * 40, "image/png"
    finally:
        db.dispose()


def empty_target(source_url: str, tmp_path: Path) -> str:
    if source_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.sqlite'}"
    return _fresh_pg_database(source_url.rsplit("/", 1)[0])


def test_a_backup_restores_every_row_of_every_table(db_url: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    build_demo(db_url, scale="tiny", today=TODAY, login="lead", seed=5)
    with_binary_and_json(db_url)
    before = fingerprint(db_url)
    assert before["ehc_case"][0] > 40 and before["audit_event"][0] > 0 and before["council_settings"][0] == 1
    file = tmp_path / "team.backup"
    assert main(["--database", db_url, "db", "backup", str(file)]) == 0
    target = empty_target(db_url, tmp_path)
    assert main(["--database", target, "db", "restore", str(file)]) == 0
    assert "restored" in capsys.readouterr().out
    assert fingerprint(target) == before
    # The restored database is a working one: its id sequences carry on after the last row.
    restored = open_database(target)
    try:
        assert add_staff(restored, "newstarter", "caseworker").id > 0
    finally:
        restored.dispose()


def test_a_restore_over_data_needs_force(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_demo(db_url, scale="tiny", today=TODAY, login="lead", seed=5)
    file = tmp_path / "team.backup"
    assert main(["--database", db_url, "db", "backup", str(file)]) == 0
    wanted = fingerprint(db_url)
    db = open_database(db_url)
    add_staff(db, "afterwards", "caseworker")
    db.dispose()
    changed = fingerprint(db_url)
    capsys.readouterr()
    assert main(["--database", db_url, "db", "restore", str(file)]) == 1
    assert "already holds data" in capsys.readouterr().err
    assert fingerprint(db_url) == changed
    assert main(["--database", db_url, "db", "restore", str(file), "--force"]) == 0
    assert fingerprint(db_url) == wanted


def test_a_backup_never_replaces_a_file_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    open_database(url).dispose()
    file = tmp_path / "kept.backup"
    file.write_bytes(b"last week's backup")
    assert main(["--database", url, "db", "backup", str(file)]) == 1
    assert "already exists" in capsys.readouterr().err and file.read_bytes() == b"last week's backup"
    assert main(["--database", url, "db", "backup", str(file), "--force"]) == 0
    assert file.read_bytes().startswith(b"SQLite format 3")
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def sqlite_backup(tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    open_database(url).dispose()
    file = tmp_path / "source.backup"
    assert main(["--database", url, "db", "backup", str(file)]) == 0
    return file


def test_only_a_caseworker_backup_of_a_known_schema_is_restored(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"
    stranger = tmp_path / "notes.txt"
    stranger.write_text("not a backup")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    future = sqlite_backup(tmp_path)
    with sqlite3.connect(future) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    for file, reason in ((stranger, "is not a Caseworker backup"), (other, "not a Caseworker database"),
                         (future, "0099_from_the_future, which this version of Caseworker does not know")):
        capsys.readouterr()
        assert main(["--database", target, "db", "restore", str(file)]) == 1
        assert reason in capsys.readouterr().err
    assert not Path(tmp_path / "target.sqlite").exists() or fingerprint(target) == {}


@pytest.mark.postgres
def test_a_sqlite_backup_is_not_restored_into_postgresql(pg_server: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    file = sqlite_backup(tmp_path)
    target = _fresh_pg_database(pg_server)
    assert main(["--database", target, "db", "restore", str(file)]) == 1
    assert "restores only to a sqlite database" in capsys.readouterr().err


def test_the_password_reaches_pg_dump_through_the_environment_only() -> None:
    env = libpq_environment(make_url("postgresql+psycopg://dba:s3cret@db.council.local:5433/send?sslmode=require"))
    assert (env["PGPASSWORD"], env["PGUSER"], env["PGHOST"], env["PGPORT"], env["PGDATABASE"], env["PGSSLMODE"]) == (
        "s3cret", "dba", "db.council.local", "5433", "send", "require")
