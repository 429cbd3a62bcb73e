"""Promises about the shape of the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import caseworker
from caseworker.store.location import SCHEMA_REVISION
from caseworker.store.migrate import head_revision

ROOT = Path(caseworker.__file__).parent


def test_no_core_module_imports_qt() -> None:
    # A fresh interpreter, so nothing else in the test run has imported Qt already.
    script = (
        "import importlib, pkgutil, sys, caseworker\n"
        "for m in pkgutil.walk_packages(caseworker.__path__, 'caseworker.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'ui')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_code_expects_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_REVISION


def test_core_files_stay_readable() -> None:
    long_files = {str(p.relative_to(ROOT)): n for p in ROOT.rglob("*.py")
                  if (n := len(p.read_text("utf-8").splitlines())) > 500}
    assert long_files == {}


# Opening a database is start-up's business; reading and writing it goes through caseworker.services and
# caseworker.views, so the rules (roles, validation, audit) cannot be stepped round from a window.
START_UP_MODULES = {"ui/app.py", "ui/first_run.py", "ui/opening.py", "ui/sign_in.py"}
OPENING_A_DATABASE = {"caseworker.store.database", "caseworker.store.location", "caseworker.store.connection",
                      "caseworker.store.passwords"}


def _imports(path: Path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_desktop_reaches_the_database_only_through_services_and_views() -> None:
    ui = ROOT.parent / "ui"
    reaching: dict[str, list[str]] = {}
    for path in sorted(ui.rglob("*.py")):
        name = str(path.relative_to(ROOT.parent))
        allowed = OPENING_A_DATABASE if name in START_UP_MODULES else set()
        store = sorted(m for m in _imports(path)
                       if (m.startswith("caseworker.store") or m.startswith("sqlalchemy")) and m not in allowed)
        if store:
            reaching[name] = store
    assert reaching == {}
