"""Help > About Caseworker: the version, Python and Qt, the database in use (never its password) and its
schema revision, the log folder, and every library that ships with its licence and full text.

Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/about.png.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import PySide6
from packaging.requirements import Requirement
from PySide6.QtCore import QTimer, qVersion
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QTabWidget
from pytestqt.qtbot import QtBot

from caseworker.context import AppContext
from caseworker.licences import normalised
from caseworker.logs import installed_version, log_dir
from caseworker.services.about import database_facts
from caseworker.store.database import Database
from caseworker.store.location import SCHEMA_REVISION
from tests.gui.builders import open_window
from tests.pg import free_port
from ui.context import DesktopContext
from ui.dialogs.about import AboutDialog

ROOT = Path(__file__).resolve().parents[2]


def about(qtbot: QtBot, desktop: DesktopContext) -> AboutDialog:
    dialog = AboutDialog(desktop)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.revision.text() != "reading…", timeout=10000)
    return dialog


def shown_text(dialog: AboutDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_about_names_the_version_what_it_runs_on_the_database_and_the_log(
        qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    dialog = about(qtbot, desktop)
    text = shown_text(dialog)
    assert f"Caseworker {installed_version()}" in dialog.title.text()
    assert qVersion() in text and PySide6.__version__ in text
    assert dialog.database.text() == f"sqlite:///{tmp_path / 'gui.sqlite'}"
    assert dialog.revision.text() == SCHEMA_REVISION
    assert str(log_dir()) in text


def runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {normalised(Requirement(r).name) for r in project["dependencies"]}


def test_every_dependency_is_listed_with_its_licence_text(qtbot: QtBot, desktop: DesktopContext) -> None:
    dialog = about(qtbot, desktop)
    listed = {normalised(d) for entry in dialog.listed() for d in entry.distributions}
    assert runtime_dependencies() - listed == set()
    names = [dialog.components.item(i).text() for i in range(dialog.components.count())]
    assert any(n.startswith("DejaVu Sans fonts") for n in names)
    qt_row = next(i for i, n in enumerate(names) if n.startswith("Qt for Python"))
    dialog.components.setCurrentRow(qt_row)
    shown = dialog.licence.toPlainText()
    assert "LGPL-3.0-only" in shown and "GNU LESSER GENERAL PUBLIC LICENSE" in shown
    reportlab_row = next(i for i, n in enumerate(names) if n.startswith("ReportLab"))
    dialog.components.setCurrentRow(reportlab_row)
    assert "BSD-3-Clause" in dialog.licence.toPlainText()


def test_a_server_database_is_shown_without_its_password(tmp_path: Path) -> None:
    db = Database(f"postgresql://send:s3cret@127.0.0.1:{free_port()}/caseworker")
    try:
        facts = database_facts(AppContext(db=db))
    finally:
        db.dispose()
    assert facts.address.startswith("postgresql") and "send:***@127.0.0.1" in facts.address
    assert "s3cret" not in facts.address and facts.problem is not None and facts.revision is None


def test_help_about_opens_it_from_the_main_window(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    window, _failed = open_window(qtbot, desktop, tmp_path / "settings")
    [help_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    assert isinstance(help_menu, QMenu)
    [about_action] = [a for a in help_menu.actions() if a.text() == "&About Caseworker"]
    seen: list[str] = []

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AboutDialog):
            QTimer.singleShot(20, look_and_close)
            return
        qtbot.waitUntil(lambda: dialog.revision.text() != "reading…", timeout=10000)
        seen.append(dialog.revision.text())
        dialog.findChild(QTabWidget).setCurrentIndex(1)
        dialog.resize(1280, 720)
        out = ROOT / "docs" / "screenshots" if os.environ.get("CASEWORKER_SCREENSHOTS") == "1" else tmp_path
        assert dialog.grab().save(str(out / "about.png"))
        dialog.reject()

    QTimer.singleShot(0, look_and_close)
    about_action.trigger()
    assert seen == [SCHEMA_REVISION]
