"""What ships with Caseworker, under which licence, and where each licence's full text can be read.

The table is data: the About dialog lists it, and tests/unit/test_licences.py fails when a runtime
dependency (or one of theirs) is installed without an entry here, so a new library cannot ship unlisted.
A text is looked for, in order, in: the installed distribution's licence files (``dist:NAME``), the
shipped resources folder (``resource:PATH``), this computer's files (``file:PATH``, Debian keeps each
package's terms in /usr/share/doc), and Python's own LICENSE.txt (``python:``). The link is always shown.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

EVERY_INSTALL = "with every copy"
BUNDLE = "in the desktop bundle only"
THIS_COMPUTER = "no: used from this computer when installed there"


@dataclass(frozen=True, slots=True)
class Shipped:
    """One component: its name, the distributions it is installed as, its licence and why it is here."""

    name: str
    licence: str
    used_for: str
    link: str
    distributions: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()  # where to read the full text, first found wins
    comes_with: str = EVERY_INSTALL
    only_on: str | None = None  # a sys.platform prefix, for a library one system needs
    note: str = ""


def _system_font(name: str, licence: str, used_for: str, link: str, package: str) -> Shipped:
    """A letter font for other scripts, found on the computer (caseworker/letters/scripts.py), not shipped."""
    return Shipped(name, licence, used_for, link, texts=(f"file:/usr/share/doc/{package}/copyright",),
                   comes_with=THIS_COMPUTER, note=f"Debian's package {package}")


SHIPPED: tuple[Shipped, ...] = (
    Shipped("Qt for Python (PySide6, Shiboken) and Qt 6", "LGPL-3.0-only (also offered under GPL and "
            "commercial terms; Caseworker uses it under the LGPL, unmodified)", "the desktop window, printing",
            "https://www.qt.io/qt-for-python", ("pyside6-essentials", "pyside6-addons", "shiboken6"),
            # The wheels carry no licence file; the LGPL's text is the same document psycopg ships.
            ("file:/usr/share/common-licenses/LGPL-3", "dist:psycopg")),
    Shipped("DejaVu Sans fonts", "Bitstream Vera licence, with DejaVu's changes in the public domain",
            "the letters' typeface, embedded in every PDF", "https://dejavu-fonts.github.io/License.html",
            texts=("resource:fonts/LICENSE",)),
    _system_font("Noto Sans fonts", "SIL Open Font License 1.1", "names in Arabic, Hebrew, the Indian scripts "
                 "and others on letters", "https://openfontlicense.org", "fonts-noto-core"),
    _system_font("Droid Sans Fallback font", "Apache-2.0", "Chinese and Japanese names on letters",
                 "https://www.apache.org/licenses/LICENSE-2.0", "fonts-droid-fallback"),
    _system_font("WenQuanYi Micro Hei font", "Apache-2.0, or GPL-3.0-or-later with the font exception",
                 "Korean names on letters", "http://wenq.org", "fonts-wqy-microhei"),
    _system_font("Symbola font", "free for any use (George Douros)", "emoji in names on letters",
                 "https://packages.debian.org/fonts-symbola", "fonts-symbola"),
    Shipped("SQLAlchemy", "MIT", "the database", "https://www.sqlalchemy.org", ("sqlalchemy",),
            ("dist:sqlalchemy",)),
    Shipped("Alembic", "MIT", "database upgrades", "https://alembic.sqlalchemy.org", ("alembic",),
            ("dist:alembic",)),
    Shipped("Mako", "MIT", "Alembic's migration templates", "https://www.makotemplates.org", ("mako",),
            ("dist:mako",)),
    Shipped("psycopg", "LGPL-3.0-only; its binary package includes libpq (PostgreSQL licence) and OpenSSL "
            "(Apache-2.0)", "a team's PostgreSQL server", "https://www.psycopg.org",
            ("psycopg", "psycopg-binary"), ("dist:psycopg",)),
    Shipped("ReportLab", "BSD-3-Clause", "the letters' PDFs", "https://www.reportlab.com", ("reportlab",),
            ("dist:reportlab",)),
    Shipped("Pillow", "MIT-CMU (HPND)", "the council's logo on letters (through ReportLab)",
            "https://python-pillow.github.io", ("pillow",), ("dist:pillow",)),
    Shipped("charset-normalizer", "MIT", "text encodings (through ReportLab)",
            "https://github.com/jawah/charset_normalizer", ("charset-normalizer",), ("dist:charset-normalizer",)),
    Shipped("uharfbuzz, with HarfBuzz inside it", "Apache-2.0 (uharfbuzz); Old MIT (HarfBuzz)",
            "joining and ordering letters of names in other scripts", "https://github.com/harfbuzz/uharfbuzz",
            ("uharfbuzz",), ("dist:uharfbuzz",),
            note="HarfBuzz's own terms: https://github.com/harfbuzz/harfbuzz/blob/main/COPYING"),
    Shipped("Jinja2", "BSD-3-Clause", "letter templates", "https://palletsprojects.com/p/jinja/", ("jinja2",),
            ("dist:jinja2",)),
    Shipped("MarkupSafe", "BSD-3-Clause", "letter templates (through Jinja2)",
            "https://palletsprojects.com/p/markupsafe/", ("markupsafe",), ("dist:markupsafe",)),
    Shipped("openpyxl", "MIT", "importing a tracker spreadsheet (.xlsx)", "https://openpyxl.readthedocs.io",
            ("openpyxl",), ("dist:openpyxl",)),
    Shipped("et-xmlfile", "MIT", "spreadsheets (through openpyxl)", "https://foss.heptapod.net/openpyxl/et_xmlfile",
            ("et-xmlfile",), ("dist:et-xmlfile",)),
    Shipped("python-dateutil", "Apache-2.0 and BSD-3-Clause (dual)", "date arithmetic for deadlines",
            "https://github.com/dateutil/dateutil", ("python-dateutil",), ("dist:python-dateutil",)),
    Shipped("six", "MIT", "python-dateutil's support for old Pythons", "https://github.com/benjaminp/six",
            ("six",), ("dist:six",)),
    Shipped("holidays", "MIT", "bank holidays in England", "https://github.com/vacanza/holidays", ("holidays",),
            ("dist:holidays",)),
    Shipped("platformdirs", "MIT", "where the database and the log are kept",
            "https://github.com/tox-dev/platformdirs", ("platformdirs",), ("dist:platformdirs",)),
    Shipped("python-stdnum", "LGPL-2.1-or-later", "checking NHS numbers and other identifiers",
            "https://arthurdejong.org/python-stdnum/", ("python-stdnum",), ("dist:python-stdnum",)),
    Shipped("typing_extensions", "PSF-2.0", "type hints (through SQLAlchemy and psycopg)",
            "https://github.com/python/typing_extensions", ("typing-extensions",), ("dist:typing-extensions",)),
    Shipped("tzdata", "Apache-2.0", "time zones on Windows (through psycopg)", "https://github.com/python/tzdata",
            ("tzdata",), ("dist:tzdata",), only_on="win32"),
    Shipped("keyring", "MIT", "keeping a team database password in this computer's password store (the "
            "desktop, when asked to)", "https://github.com/jaraco/keyring", ("keyring",), ("dist:keyring",)),
    Shipped("jaraco.classes, jaraco.functools, jaraco.context", "MIT", "helpers (through keyring)",
            "https://github.com/jaraco", ("jaraco-classes", "jaraco-functools", "jaraco-context"),
            ("dist:jaraco.functools", "dist:jaraco.context", "dist:jaraco.classes")),
    Shipped("more-itertools", "MIT", "helpers (through keyring)", "https://github.com/more-itertools/more-itertools",
            ("more-itertools",), ("dist:more-itertools",)),
    Shipped("backports.tarfile", "MIT", "helpers on Python before 3.12 (through keyring)",
            "https://github.com/jaraco/backports.tarfile", ("backports-tarfile",), ("dist:backports.tarfile",)),
    Shipped("importlib_metadata", "Apache-2.0", "finding keyring's stores on Python before 3.12 (through keyring)",
            "https://github.com/python/importlib_metadata", ("importlib-metadata",), ("dist:importlib_metadata",)),
    Shipped("zipp", "MIT", "reading package data (through keyring)", "https://github.com/jaraco/zipp", ("zipp",),
            ("dist:zipp",)),
    Shipped("lazy-importer", "Apache-2.0", "loading on demand (through keyring)",
            "https://pypi.org/project/lazy-importer/", ("lazy-importer",), ("dist:lazy-importer",)),
    Shipped("SecretStorage", "BSD-3-Clause", "the Linux desktop's password store (through keyring)",
            "https://github.com/mitya57/secretstorage", ("secretstorage",), ("dist:secretstorage",), only_on="linux"),
    Shipped("jeepney", "MIT", "talking to the Linux desktop's password store (through keyring)",
            "https://gitlab.com/takluyver/jeepney", ("jeepney",), ("dist:jeepney",), only_on="linux"),
    Shipped("cryptography", "Apache-2.0 or BSD-3-Clause (dual)", "the Linux password store's encryption "
            "(through SecretStorage)", "https://github.com/pyca/cryptography", ("cryptography",),
            ("dist:cryptography",), only_on="linux"),
    Shipped("cffi", "MIT-0", "C libraries (through cryptography)", "https://github.com/python-cffi/cffi", ("cffi",),
            ("dist:cffi",), only_on="linux"),
    Shipped("pycparser", "BSD-3-Clause", "C libraries (through cffi)", "https://github.com/eliben/pycparser",
            ("pycparser",), ("dist:pycparser",), only_on="linux"),
    Shipped("pywin32-ctypes", "BSD-3-Clause", "the Windows Credential Manager (through keyring)",
            "https://github.com/enthought/pywin32-ctypes", ("pywin32-ctypes",), ("dist:pywin32-ctypes",),
            only_on="win32"),
    Shipped("Python", "PSF-2.0", "the language Caseworker is written in", "https://docs.python.org/3/license.html",
            texts=("python:",), comes_with=BUNDLE),
    Shipped("PyInstaller's bootloader", "GPL-2.0-or-later with the bootloader exception (the bundled "
            "program keeps its own terms)", "starting the desktop bundle", "https://pyinstaller.org/en/stable/license.html",
            texts=("dist:pyinstaller",), comes_with=BUNDLE),
)


def short_licence(entry: Shipped) -> str:
    """The licence's name alone, for a list: "Apache-2.0" of "Apache-2.0, or GPL-3.0-or-later with ..."."""
    return re.split(r";|, | \(", entry.licence, maxsplit=1)[0]


def normalised(name: str) -> str:
    """A distribution's name as Python packaging compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def applies_here(entry: Shipped) -> bool:
    return entry.only_on is None or sys.platform.startswith(entry.only_on)


def version_of(entry: Shipped) -> str | None:
    """The installed version of the entry's first distribution, or None (a font, or not installed)."""
    for name in entry.distributions[:1]:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None
    return None


def licence_text(entry: Shipped) -> str | None:
    """The full licence text from the first source that has it on this computer, or None."""
    for source in entry.texts:
        text = _read(source)
        if text and text.strip():
            return text
    return None


def _read(source: str) -> str | None:
    kind, _, where = source.partition(":")
    if kind == "dist":
        return _distribution_licences(where)
    if kind == "resource":
        from caseworker.letters.resources import shipped_resources_dir

        return _file_text(shipped_resources_dir() / where)
    if kind == "file":
        return _file_text(Path(where))
    if kind == "python":
        return _file_text(Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt")
    raise ValueError(f"unknown licence source {source!r}")


def _file_text(path: Path) -> str | None:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return None


def _distribution_licences(name: str) -> str | None:
    """Every licence file an installed distribution carries (License-File metadata, or by its name)."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    files = dist.files or []
    named = set(dist.metadata.get_all("License-File") or [])
    chosen = [f for f in files if ".dist-info" in str(f) and (f.name in named or re.match(
        r"(?i)(licen[cs]e|copying)", f.name))]
    texts = [text for f in chosen if (text := _file_text(Path(str(f.locate()))))]
    return "\n\n".join(texts) or None
