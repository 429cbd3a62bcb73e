"""``caseworker db backup FILE`` and ``db restore FILE``.

A SQLite file is copied with SQLite's online backup API, which is safe while desktops have it open. A
PostgreSQL database goes through pg_dump's custom format and pg_restore, found as the tests find the server
binaries; the connection details reach them through libpq's environment variables, never the command line,
so a password does not show in the process list. A restore never lands on a database holding data unless
forced, and only a Caseworker backup of a schema this version knows is restored.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from caseworker.errors import CaseworkerError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Team set-up belongs to the server it was made on: init-team makes it again after a restore.
TEAM_SETUP_ENTRY = re.compile(r" (POLICY|ROW SECURITY) | FUNCTION public caseworker_| TRIGGER public "
                              r"audit_event audit_event_kept")


class BackupError(CaseworkerError):
    """A backup or restore that cannot go ahead; nothing was written."""


@dataclass(frozen=True)
class BackupFacts:
    kind: str  # "sqlite" or "postgresql"
    revision: str


def backup(url: str, target: Path, *, force: bool = False) -> BackupFacts:
    """Write a backup of the database at ``url`` to ``target`` (a half-written file never stays)."""
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; choose another name or add --force to replace it")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name for the backup")
    parsed = make_url(url)
    revision = database_revision(url)
    if revision is None:
        raise BackupError("the database holds no Caseworker schema, so there is nothing to back up")
    partial = target.with_name(f".{target.name}.partial")
    try:
        if parsed.get_backend_name() == "sqlite":
            copy_sqlite(sqlite_path(parsed), partial)
        else:
            run_pg_tool("pg_dump", ["--format=custom", f"--file={partial}"], parsed)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupFacts(parsed.get_backend_name(), revision)


def restore(url: str, source: Path, *, force: bool = False) -> BackupFacts:
    """Put a backup into the database at ``url``; refuses one holding data unless ``force``."""
    parsed = make_url(url)
    facts = read_backup(source)
    backend = parsed.get_backend_name()
    if facts.kind != backend:
        raise BackupError(f"{source} is a {facts.kind} backup; it restores only to a {facts.kind} database")
    check_revision(source, facts.revision)
    if not force and holds_data(url):
        raise BackupError("the database already holds data; restoring would replace it. Add --force if that "
                          "is what you want (take a backup of it first)")
    if backend == "sqlite":
        restore_sqlite(source, sqlite_path(parsed))
    else:
        restore_postgresql(source, parsed, clean=force)
    return facts


def check_revision(source: Path, revision: str) -> None:
    from caseworker.store.migrate import known_revisions

    if revision not in known_revisions():
        raise BackupError(f"{source} holds schema revision {revision}, which this version of Caseworker does "
                          "not know; restore it with the newer version that made it")


def sqlite_path(parsed: URL) -> Path:
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up or restored")
    return Path(parsed.database)


def copy_sqlite(source: Path, target: Path) -> None:
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()


def restore_sqlite(source: Path, target: Path) -> None:
    # The backup API replaces every page of the target in one go, under SQLite's own lock.
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target, timeout=30)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()


def read_backup(source: Path) -> BackupFacts:
    """What a backup file holds, or BackupError saying why it is not a Caseworker backup."""
    try:
        with source.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from exc
    if head.startswith(SQLITE_MAGIC):
        return BackupFacts("sqlite", sqlite_backup_revision(source))
    if head.startswith(PG_DUMP_MAGIC):
        return BackupFacts("postgresql", pg_backup_revision(source))
    raise BackupError(f"{source} is not a Caseworker backup (neither a SQLite file nor a pg_dump archive)")


def sqlite_backup_revision(source: Path) -> str:
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"alembic_version", "ehc_case", "staff"} <= tables:
            raise BackupError(f"{source} is a SQLite file but not a Caseworker database")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} cannot be read as a SQLite database: {exc}") from exc
    finally:
        conn.close()
    if row is None:
        raise BackupError(f"{source} has no schema revision recorded")
    return str(row[0])


def pg_backup_revision(source: Path) -> str:
    contents = run_pg_tool("pg_restore", ["--list", str(source)], None)
    if "TABLE public ehc_case" not in contents or "TABLE DATA public alembic_version" not in contents:
        raise BackupError(f"{source} is a pg_dump archive but not of a Caseworker database")
    data = run_pg_tool("pg_restore", ["--data-only", "--table=alembic_version", "--file=-", str(source)], None)
    lines = data.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY public.alembic_version") and i + 1 < len(lines) and lines[i + 1] != "\\.":
            return lines[i + 1].strip()
    raise BackupError(f"{source} has no schema revision recorded")


def restore_postgresql(source: Path, parsed: URL, *, clean: bool) -> None:
    entries = run_pg_tool("pg_restore", ["--list", str(source)], None)
    kept = "".join(line + "\n" for line in entries.splitlines() if not TEAM_SETUP_ENTRY.search(line))
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as listing:
        listing.write(kept)
    try:
        options = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                   f"--use-list={listing.name}", f"--dbname={parsed.database}", str(source)]
        run_pg_tool("pg_restore", [*(["--clean", "--if-exists"] if clean else []), *options], parsed)
    finally:
        os.unlink(listing.name)


def find_pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                                                 reverse=True)), None)
    if found is None:
        raise BackupError(f"{name} is not installed here: install the PostgreSQL client tools (the "
                          "postgresql-client package, or the PostgreSQL installer on Windows) and try again")
    return found


def libpq_environment(parsed: URL | None) -> dict[str, str]:
    """The connection as libpq's variables: the password never appears on a command line."""
    env = dict(os.environ)
    if parsed is None:
        return env
    given = {"PGHOST": parsed.host, "PGPORT": str(parsed.port) if parsed.port else None,
             "PGUSER": parsed.username, "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "krbsrvname", "gssencmode", "service"):
        value = parsed.query.get(key)
        if isinstance(value, str):
            given[f"PG{key.upper()}"] = value
    env.update({k: str(v) for k, v in given.items() if v})
    return env


def run_pg_tool(name: str, arguments: list[str], parsed: URL | None) -> str:
    tool = find_pg_tool(name)
    done = subprocess.run([tool, *arguments], env=libpq_environment(parsed), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()
        raise BackupError(f"{name} failed, so nothing was changed: {reason[0] if reason else 'no reason given'}")
    return done.stdout


def database_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if "alembic_version" not in inspect(conn).get_table_names():
                return None
            value = conn.scalar(text("SELECT version_num FROM alembic_version"))
            return None if value is None else str(value)
    finally:
        engine.dispose()


def holds_data(url: str) -> bool:
    """Whether any table but the schema's revision has a row (a fresh, upgraded database does not)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            quote = conn.dialect.identifier_preparer.quote
            return any(conn.execute(text(f"SELECT 1 FROM {quote(t)} LIMIT 1")).first() is not None for t in tables)
    finally:
        engine.dispose()
