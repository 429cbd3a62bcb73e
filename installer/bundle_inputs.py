"""What goes into a PyInstaller bundle of Caseworker, for both specs (installer/caseworker.spec for Linux,
installer/windows/caseworker-windows.spec): the files it reads at run time, the modules it imports by name,
and the modules it never uses. Imported by the specs, which PyInstaller runs in the build's virtualenv.
"""

from __future__ import annotations

import contextlib
import sys
import sysconfig
from pathlib import Path

from PyInstaller.utils.hooks import collect_submodules, copy_metadata

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "caseworker"
Data = tuple[str, str]  # (file on the build machine, folder inside the bundle)


def _files(folder: Path, *patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in folder.glob(pattern) if p.is_file())


def resource_datas() -> list[Data]:
    """The repository's resources/ folder as caseworker/resources, as the wheel ships it."""
    top = ROOT / "resources"
    found = [p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")]
    return [(str(p), str(Path("caseworker", "resources", p.parent.relative_to(top)))) for p in sorted(found)]


def package_datas() -> list[Data]:
    """Data inside the package: read by importlib.resources, or (the migrations) run by Alembic from files."""
    wanted = [
        *_files(PACKAGE / "statutory", "*.json"),
        *_files(PACKAGE / "caseload", "*.toml"),
        *_files(PACKAGE / "store" / "migrations", "*.py", "*.mako"),
        *_files(PACKAGE / "store" / "migrations" / "versions", "*.py"),
    ]
    return [(str(p), str(p.parent.relative_to(ROOT))) for p in wanted]


def licence_datas() -> list[Data]:
    """What About's Licences tab reads (caseworker/licences.py): each shipped library's installed metadata with
    its licence files, and Python's own LICENSE.txt in the folder sysconfig names as the standard library's.
    holidays' metadata also names the bank-holiday cache (caseworker/holiday_cache.py)."""
    from caseworker.licences import SHIPPED

    names = {"pyinstaller", "holidays"} | {name for entry in SHIPPED for name in entry.distributions}
    names |= {text.removeprefix("dist:") for entry in SHIPPED for text in entry.texts if text.startswith("dist:")}
    found: list[Data] = []
    for name in sorted(names):
        # PackageNotFoundError (a ModuleNotFoundError): a library only another system needs (tzdata on Windows)
        with contextlib.suppress(ModuleNotFoundError):
            found += copy_metadata(name)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if (stdlib / "LICENSE.txt").is_file():
        # The bundle's sys.prefix is its own folder: the same place below it (lib/python3.11; Lib on Windows).
        found.append((str(stdlib / "LICENSE.txt"), str(stdlib.relative_to(sys.base_prefix))))
    return found


def all_datas() -> list[Data]:
    return [*resource_datas(), *package_datas(), *licence_datas()]


def hidden_imports() -> list[str]:
    """Modules nothing imports by a name PyInstaller can see."""
    return [
        # The commands and the desktop window are imported by name (caseworker/cli.py).
        *collect_submodules("caseworker", filter=lambda name: ".migrations" not in name),
        *collect_submodules("ui"),
        # Alembic runs env.py and the revisions from their files: what they import must be in the bundle.
        "alembic.context", "alembic.op", "sqlalchemy", "caseworker.store.models",
        # The bank-holiday table loads its country by name (holidays' registry) when its cache is cold.
        "holidays.countries.united_kingdom",
        "psycopg_binary",
        # keyring finds the system's password store by entry point (its metadata ships with the licences).
        *collect_submodules("keyring.backends"),
    ]


# Never imported by the app: test and build tools from the same virtualenv, Qt modules it does not use (the
# desktop needs QtCore, QtGui, QtWidgets, QtPrintSupport, QtPdf and QtPdfWidgets), and Pillow's AVIF, WebP
# and Tk parts (Pillow only decodes the council's PNG or JPEG logo for reportlab).
EXCLUDES = [
    "tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "mypy", "mypyc", "ruff", "setuptools", "pip",
    "IPython", "numpy", "readline",
    "PySide6.QtNetworkAuth", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtMultimedia", "PySide6.Qt3DCore",
    "PySide6.QtCharts", "PySide6.QtDataVisualization", "PySide6.QtGraphs", "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets", "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtUiTools",
    "PySide6.QtHelp", "PySide6.QtBluetooth", "PySide6.QtPositioning", "PySide6.QtLocation",
    "PIL._avif", "PIL._webp", "PIL._imagingtk", "PIL.ImageTk",
]
