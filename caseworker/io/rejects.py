"""The rejects file: written whole beside its target, and never over what must not be lost.

Rows are written to a temporary file in the target's folder as the import reads them, flushed to disk,
and put in place only when the import is about to commit (``place``): a new name is linked in, so an
existing file is never replaced unless ``force``; with ``force`` it is renamed over the old one. Either
way the target is absent, as it was, or the whole new file; never a torn one.

Refused before anything is read, with one line naming the path:

- the database in use (a SQLite file, or its -wal, -shm or -journal file), whatever ``force`` says;
- any other database (a file that starts with SQLite's header), whatever ``force`` says;
- the file being imported, a folder, a device or a pipe;
- an existing file, unless ``force``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from caseworker.io.table import write_rows
from caseworker.output_paths import database_clash, link_new, same_file, sync_folder


class RejectsRefused(ValueError):
    """A rejects path that must not be written; the message names it and says why."""


def check_rejects_path(path: Path, *, source: Path, database: Path | None, force: bool) -> None:
    """Refuse ``path`` for the rejects file (``RejectsRefused``), before the import reads a row."""
    clash = database_clash(path, database)
    if clash is not None:
        raise RejectsRefused(f"the rejects file {path} is {clash}; choose another name")
    if same_file(path, source):
        raise RejectsRefused(f"the rejects file {path} would overwrite the file being imported; choose another "
                             "name")
    if path.is_dir():
        raise RejectsRefused(f"the rejects file {path} is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise RejectsRefused(f"the rejects file {path} is not an ordinary file; choose another name")
    if path.exists() and not force:
        raise RejectsRefused(f"the rejects file {path} already exists; choose another name, or use --force to "
                             "replace it")
    if not path.parent.is_dir():
        raise RejectsRefused(f"the folder for the rejects file {path} does not exist")


class RejectsFile:
    """Rejected rows on their way to ``path``: ``add`` them, then ``place`` (or ``discard``)."""

    def __init__(self, path: Path, header: Sequence[str], *, force: bool) -> None:
        self.path = path
        self.force = force
        self.rows = 0
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        self._temp = Path(name)
        self._fh: Any = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
        write_rows(self._fh, header, [])

    def add(self, rows: Sequence[Sequence[str]]) -> None:
        write_rows(self._fh, None, rows)
        self.rows += len(rows)

    def place(self, *, database: Path | None) -> None:
        """Flush the file to disk and put it at ``path``: never over a file unless ``force``, never over a
        database (checked again: the path may have changed since the import began)."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        check_rejects_path(self.path, source=self._temp, database=database, force=self.force)
        if self.force:
            os.replace(self._temp, self.path)
        else:
            try:
                link_new(self._temp, self.path)
            except FileExistsError:
                self.discard()
                raise RejectsRefused(f"the rejects file {self.path} appeared while the import ran; choose "
                                     "another name, or use --force to replace it") from None
            self._temp.unlink()
        sync_folder(self.path.parent)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._fh.close()
        with contextlib.suppress(OSError):
            self._temp.unlink()
