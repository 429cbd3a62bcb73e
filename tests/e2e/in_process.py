"""Run the command line as a script would, inside the test process.

``caseworker.cli.main`` is what ``python -m caseworker.cli`` calls, so the command, its exit status and
what it writes are the same; only the interpreter start-up (a second or more a call on a busy two-core
machine, most of these tests' time) is saved. The start-up itself, the log file and a reader that goes
away are still tested by real processes in test_cli_logging.py and test_wheel_install.py.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout

from caseworker.cli import main


@contextmanager
def environment(changes: Mapping[str, str | None]) -> Iterator[None]:
    """``os.environ`` with ``changes`` (None removes a name), restored afterwards."""
    saved = {name: os.environ.get(name) for name in changes}
    try:
        _set(changes)
        yield
    finally:
        _set(saved)


def _set(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def own_logging() -> Iterator[None]:
    """main() sets up the root logger as a fresh process would; put it back as it was afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)


def run_cli(*args: str, env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """``caseworker ARGS``: its exit status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with environment(env or {}), own_logging(), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: a usage error (2) or --help/--version (0)
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return subprocess.CompletedProcess(["caseworker", *args], code, out.getvalue(), err.getvalue())
