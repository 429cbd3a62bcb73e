"""Where the product may write a file it makes (a letter, a batch print file, an import's rejects, an
exported list).

One set of rules for every writer: never the database in use (or its WAL, shared-memory and journal
files), never any other SQLite database, and a file only flushed to disk and renamed into place whole.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
DATABASE_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def is_database_file(path: Path) -> bool:
    """True if ``path`` is an existing regular file that starts with the SQLite header."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def database_clash(path: Path, database: Path | None) -> str | None:
    """Why ``path`` must never be written ("the database in use", "a database file"), or None."""
    if database is not None and any(same_file(path, database.with_name(database.name + suffix))
                                    for suffix in DATABASE_SIDE_FILES):
        return "the database in use"
    if is_database_file(path):
        return "a database file"
    return None


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so a file renamed into it survives a power cut (not possible on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path``, flush it to disk, then rename it into place: a crash or a full disk
    leaves the old file or the new, never half of one. ``OSError`` if it cannot be written."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with part.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    sync_folder(path.parent)


def link_new(temp: Path, path: Path) -> None:
    """Give ``temp``'s finished contents the new name ``path``; ``FileExistsError`` if the name is taken,
    so a file someone else put there meanwhile is never replaced."""
    try:
        os.link(temp, path)
        return
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: claim the name exclusively, then copy
        pass
    with temp.open("rb") as src, path.open("xb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
