"""About Caseworker: the version, what it runs on, the database in use, where the log is, and the licence
of everything that ships with it (the table in caseworker/licences.py), with each full text."""

from __future__ import annotations

import html
import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from caseworker.licences import SHIPPED, Shipped, applies_here, licence_text, short_licence, version_of
from caseworker.logs import installed_version, log_dir
from caseworker.services.about import DatabaseFacts, database_facts
from ui.context import DesktopContext
from ui.dialogs.error_dialog import open_folder
from ui.icon import app_icon

TAGLINE = ("EHC needs assessments and plans for council SEND teams: statutory deadlines, advice tracking, "
           "letters and caseloads.")


def selectable(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def revision_text(facts: DatabaseFacts) -> str:
    if facts.problem is not None:
        return f"could not be read: {facts.problem}"
    if facts.revision is None:
        return f"none yet (this version uses {facts.expected})"
    if facts.revision == facts.expected:
        return facts.revision
    return f"{facts.revision} (this version uses {facts.expected})"


def entry_html(entry: Shipped) -> str:
    """One component's summary, then its full licence text (or where to read it)."""
    version = version_of(entry)
    rows = [("Licence", entry.licence), ("Used for", entry.used_for), ("Shipped", entry.comes_with)]
    if version:
        rows.insert(0, ("Version", version))
    if entry.note:
        rows.append(("Note", entry.note))
    table = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    link = html.escape(entry.link)
    text = licence_text(entry)
    full = (f"<pre style='white-space: pre-wrap'>{html.escape(text)}</pre>" if text else
            "<p><i>The full text is not on this computer; it is published at the link above.</i></p>")
    return f"<h3>{html.escape(entry.name)}</h3><table>{table}</table><p><a href='{link}'>{link}</a></p><hr>{full}"


class AboutDialog(QDialog):
    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Caseworker")
        self.resize(1000, 640)
        layout = QVBoxLayout(self)
        layout.addLayout(self._heading())
        tabs = QTabWidget(self)
        tabs.addTab(self._about_tab(), "&About")
        tabs.addTab(self._licences_tab(), "&Licences")
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        desktop.runner.run(lambda: database_facts(desktop.ctx), self._got_database, self._no_database, owner=self)

    def _heading(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(72, 72))
        row.addWidget(icon)
        self.title = QLabel(f"<h2>Caseworker {installed_version()}</h2>{TAGLINE}", self)
        self.title.setWordWrap(True)
        row.addWidget(self.title, 1)
        return row

    def _about_tab(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow("Version:", selectable(installed_version(), page))
        form.addRow("Python:", selectable(f"{platform.python_version()} ({platform.python_implementation()})",
                                          page))
        form.addRow("Qt:", selectable(qVersion(), page))
        form.addRow("PySide6:", selectable(PySide6.__version__, page))
        form.addRow("System:", selectable(platform.platform(), page))
        self.database = selectable("", page)
        self.revision = selectable("reading…", page)
        form.addRow("Database:", self.database)
        form.addRow("Schema revision:", self.revision)
        folder = log_dir()
        logs_row = QHBoxLayout()
        logs_row.addWidget(selectable(str(folder), page))
        open_button = QPushButton("Open log &folder", page)
        open_button.clicked.connect(lambda: open_folder(folder))
        logs_row.addWidget(open_button)
        logs_row.addStretch(1)
        form.addRow("Log folder:", logs_row)
        return page

    def _licences_tab(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.components = QListWidget(split)
        self.components.setAccessibleName("What ships with Caseworker")
        self.licence = QTextBrowser(split)
        self.licence.setAccessibleName("Licence")
        self.licence.setOpenExternalLinks(True)
        for entry in SHIPPED:
            if applies_here(entry):
                item = QListWidgetItem(f"{entry.name}\n    {short_licence(entry)}")
                item.setData(Qt.ItemDataRole.UserRole, entry)
                self.components.addItem(item)
        self.components.currentItemChanged.connect(self._show_licence)
        self.components.setCurrentRow(0)
        split.setSizes([320, 680])
        return split

    def _show_licence(self, item: QListWidgetItem | None) -> None:
        entry = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.licence.setHtml(entry_html(entry) if isinstance(entry, Shipped) else "")

    def listed(self) -> list[Shipped]:
        return [self.components.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.components.count())]

    def _got_database(self, facts: DatabaseFacts) -> None:
        self.database.setText(facts.address)
        self.revision.setText(revision_text(facts))

    def _no_database(self, exc: BaseException) -> None:
        self.revision.setText(f"could not be read ({type(exc).__name__})")
