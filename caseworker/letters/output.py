"""Writing letter PDFs to files: never over a database, never over another file unless asked, always whole.

A PDF is written to a temporary file beside its target, flushed to disk (fsync), then renamed over the
target and the folder flushed too, so after a crash or a full disk the target is either absent, as it
was, or the whole new letter; never a torn file. The letter service writes every file before the
letter log commits (caseworker.services.letters), so a letter in the log always has its file.

Refused, with one line naming the path:

- the database in use (a SQLite file, or its -wal, -shm or -journal file), whatever ``force`` says;
- any other file that is a database (it starts with SQLite's header), whatever ``force`` says;
- a folder where a file should be, a file where a folder should be, a device or a pipe;
- an existing file, unless ``force``, or unless it already holds exactly these bytes (what an
  interrupted run of the same letters on the same day wrote: a letter is the same bytes every time).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from caseworker.letters.errors import LetterError
from caseworker.output_paths import database_clash, write_whole


class OutputRefused(LetterError):
    """An output path that must not be written: the database, another database, or a file already there."""


def check_target(path: Path, *, database: Path | None, force: bool) -> None:
    """Refuse ``path`` as a place to write a PDF (OutputRefused), before anything is made.

    ``database`` is the SQLite file in use (None on PostgreSQL). An existing file is refused here
    unless ``force``; ``write_pdf`` also accepts one that already holds the same bytes.
    """
    _check_not_database(path, database)
    if path.is_dir():
        raise OutputRefused(f"{path} is a folder; give a file name for the PDF")
    if path.exists() and not path.is_file():
        raise OutputRefused(f"{path} is not an ordinary file; a letter is never written over it")
    if path.exists() and not force:
        raise OutputRefused(f"{path} already exists; nothing was made (use --force to replace it)")


def check_folder(folder: Path, *, database: Path | None) -> None:
    """Refuse ``folder`` as a place for many PDFs if it is a file (the database above all)."""
    _check_not_database(folder, database)
    if folder.exists() and not folder.is_dir():
        raise OutputRefused(f"{folder} is a file, not a folder; nothing was made")


def _check_not_database(path: Path, database: Path | None) -> None:
    clash = database_clash(path, database)
    if clash is not None:
        raise OutputRefused(f"{path} is {clash}; a letter is never written over it")


def write_pdf(path: Path, data: bytes, *, database: Path | None, force: bool) -> bool:
    """Write ``data`` to ``path`` whole and flushed to disk; True if a file was written.

    False if ``path`` already holds exactly ``data`` (nothing to do). OutputRefused for a path that
    must not be written; LetterError (one line) if the disk refuses.
    """
    _check_not_database(path, database)
    if path.is_dir():
        raise OutputRefused(f"{path} is a folder; give a file name for the PDF")
    if path.exists() and not path.is_file():
        raise OutputRefused(f"{path} is not an ordinary file; a letter is never written over it")
    if path.exists():
        if holds(path, data):
            return False
        if not force:
            raise OutputRefused(f"{path} already exists and holds something else (use --force to replace it)")
    try:
        write_whole(path, data)
    except OSError as exc:
        raise LetterError(f"cannot write {path}: {exc.strerror or exc}") from None
    return True


def holds(path: Path, data: bytes) -> bool:
    """True if ``path`` is a file holding exactly ``data``."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def remove_written(paths: Iterable[Path]) -> None:
    """Take back files written for letters that were not logged after all (best effort)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


@dataclass(frozen=True, slots=True)
class PendingLetter:
    """A letter made and about to be logged: what a sink writes out before the log commits."""

    case_id: int
    reference: str
    template_id: str
    recipient_id: str
    about: str | None
    pdf: bytes


class LetterSink(Protocol):
    """Where made letters go besides the log (files for ``letters make --out`` and ``letters chase``).

    ``write`` is called for each letter before its log row can commit: a LetterError leaves that letter
    unmade and reported (still on Letters to send), anything else abandons the batch. ``finish`` gets
    the combined print file (or None) just before the commit; ``discard`` takes back what was written
    when the batch is abandoned or cancelled, so nothing is on disk that the log does not hold.
    """

    def write(self, letter: PendingLetter) -> None: ...

    def finish(self, combined: bytes | None) -> None: ...

    def discard(self) -> None: ...
