"""The log: a rotating file in the user's log folder, and the screen (standard error) for ``-v``.

Unexpected errors are written here with their traceback, so a user can be shown one plain line (or a
short dialog) and IT can read the details later. The log never holds SQL: SQLAlchemy's statement logging
would copy children's names and addresses into it, so its loggers are kept at WARNING whatever ``-v`` says.
Imports nothing heavy: every headless command sets it up before it starts.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from caseworker import __version__

APP_NAME = "Caseworker"
LOG_FILE_NAME = "caseworker.log"
MAX_BYTES = 1_000_000  # a file; five old files are kept beside it (about 6 MB at most)
BACKUPS = 5
FILE_FORMAT = f"%(asctime)s %(levelname)s [{__version__}] %(name)s: %(message)s"
SCREEN_FORMAT = "caseworker: %(message)s"
FILE_ONLY = "file_only"  # `extra` key: a record (a traceback) that belongs in the file, not on the screen
QUIET_LOGGERS = ("sqlalchemy", "alembic")  # SQL carries personal data (above); Alembic chatters at INFO
log = logging.getLogger("caseworker")


def log_dir() -> Path:
    """$CASEWORKER_DATA_DIR/logs when set (tests, demos, a council's own layout), else the user's log folder."""
    base = os.environ.get("CASEWORKER_DATA_DIR")
    if base:
        return Path(base) / "logs"
    import platformdirs

    # Linux: ~/.local/state/Caseworker/log; Windows: %LOCALAPPDATA%\Caseworker\Logs
    return Path(platformdirs.user_log_dir(APP_NAME, False))


class _LogFile(logging.FileHandler):
    """The log file, started afresh when the next message would take it to ``max_bytes``: the full file
    becomes ``.1``, older ones move on one number, and ``backups`` of them are kept.

    Written here rather than taken from ``logging.handlers``, whose import (sockets, pickling, queues) cost
    every headless command about 5 ms of start-up for the one handler it used. Tolerant of another Caseworker
    (a nightly command, a second window) holding the file: Windows cannot rename a file another process has
    open, so the roll-over is then skipped and the file grows a little longer, rather than every later
    message failing.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        # delay: the file is opened when the first message arrives, not by every quick command
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes, self.backups = max_bytes, backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full_with(record):
                self._roll_over()
        except Exception:
            self.handleError(record)
            return
        super().emit(record)

    def _full_with(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        # In characters with the newline, as the standard library's rotating handler counts; its end found by a
        # seek, as Windows may not start an appended file there. Only a plain file rolls over (not /dev/null).
        size = self.stream.seek(0, os.SEEK_END)
        return size + len(self.format(record)) + 1 >= self.max_bytes and os.path.isfile(self.baseFilename)

    def _roll_over(self) -> None:
        self._close_stream()
        if self.backups > 0:
            try:
                for n in range(self.backups - 1, 0, -1):
                    older = f"{self.baseFilename}.{n}"
                    if os.path.exists(older):
                        os.replace(older, f"{self.baseFilename}.{n + 1}")
                os.replace(self.baseFilename, f"{self.baseFilename}.1")
            except OSError:
                pass  # held open elsewhere (Windows): carry on in the same file
        self.stream = self._open()

    def _close_stream(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # logging's own way of saying "not open"


class _Screen(logging.StreamHandler[TextIO]):
    """Standard error as it is when a message is written (a test or a caller may have replaced it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.addFilter(lambda record: not getattr(record, FILE_ONLY, False))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _ours(handler: logging.Handler) -> bool:
    return isinstance(handler, _LogFile | _Screen)


def screen_level(verbosity: int) -> int:
    """No -v: warnings only; -v: what each command is doing; -vv: everything Caseworker says."""
    return logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG


def start_logging(verbosity: int = 0, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> Path | None:
    """Send Caseworker's messages to the log file and warnings (more with -v) to standard error.

    Safe to call again (a test, the desktop after the command line): our handlers are replaced, never
    doubled. Returns the log file, or None when it cannot be written, which is said in one line on standard
    error and stops nothing.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if _ours(h)]:
        root.removeHandler(handler)
        handler.close()
    screen = _Screen()
    screen.setLevel(screen_level(verbosity))
    screen.setFormatter(logging.Formatter(SCREEN_FORMAT))
    root.addHandler(screen)
    root.setLevel(min(logging.INFO, screen.level))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    path = log_dir() / LOG_FILE_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file = _LogFile(path, max_bytes, backups)
    except OSError as exc:
        print(f"caseworker: cannot keep a log in {path.parent} ({exc.strerror or exc}); messages go to the "
              "screen only", file=sys.stderr)
        return None
    file.setLevel(logging.INFO)
    file.setFormatter(logging.Formatter(FILE_FORMAT))
    root.addHandler(file)
    return path


def log_file() -> Path | None:
    """The log file in use, or None before start_logging (or when it could not be made)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _LogFile):
            return Path(handler.baseFilename)
    return None


def platform_lines(extra: Iterable[str] = ()) -> list[str]:
    """What IT needs to know first: the version, Python, and the operating system."""
    import platform  # only for -vv and error reports: its import is a few ms of every command's start

    return [f"Caseworker {installed_version()}",
            f"Python {platform.python_version()} ({platform.python_implementation()})",
            f"System: {platform.platform()}", *extra]


def installed_version() -> str:
    """The installed distribution's version; the package's own when run from a bundle without metadata."""
    from importlib import metadata

    try:
        return metadata.version("caseworker")
    except metadata.PackageNotFoundError:
        return __version__


def error_details(exc: BaseException, extra: Iterable[str] = ()) -> str:
    """The text a user copies for IT: version and platform, then the full traceback."""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return "\n".join(platform_lines(extra)) + "\n\n" + trace


def record_unexpected(exc: BaseException, what: str = "an unexpected error") -> Path | None:
    """Write an error nobody planned for to the log with its traceback; return the log file.

    With no log file the traceback goes to standard error instead: the details must land somewhere.
    """
    path = log_file()
    if path is None:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        return None
    log.error("%s: %s", what, " | ".join(platform_lines()), exc_info=exc, extra={FILE_ONLY: True})
    return path


def one_line(exc: BaseException) -> str:
    """An error's name and the first line of its message, for a place that has room for one line."""
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0][:200]}" if message else type(exc).__name__


def without_password(url: str) -> str:
    """A database URL fit for a log or a screen: any password replaced by ***."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.startswith("sqlite"):
        return url
    userinfo, at, host = rest.rpartition("@")  # the last @: a password may hold one
    if at and ":" in userinfo:
        rest = f"{userinfo.split(':', 1)[0]}:***@{host}"
    return scheme + sep + re.sub(r"(?i)(password=)[^&]*", r"\1***", rest)
