"""The first start on a computer with no database yet: three ways in.

Try the demo (a synthetic county team, nothing real); connect to the team's database on its server
(remembered for the next start; a password only in the computer's keyring, if asked to); or start a
council database on this computer, whose first user (the person at the keyboard) becomes its admin.
``--demo`` and ``--database`` skip it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QCommandLinkButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import Problem
from caseworker.services.actor import login_name
from caseworker.store.connection import (
    ConnectionSettingsError,
    TeamDatabase,
    check_team_database,
    field_at_fault,
    save_team_database,
    team_database,
)
from caseworker.store.location import demo_database_url, local_database_path, sqlite_url
from caseworker.store.passwords import keyring_available, save_password
from ui.dialogs.base import FieldRow, form_row, show_problems
from ui.dialogs.fields import ProblemLabel

Way = Literal["demo", "team", "local"]


@dataclass(frozen=True, slots=True)
class FirstRunChoice:
    way: Way
    url: str  # with the password for this session only, when one was typed


class FirstRunDialog(QDialog):
    """Choose how this computer starts: the demo, the team's server, or a database of its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Caseworker")
        self.choice: FirstRunChoice | None = None
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choose_page())
        self.team_page = TeamDatabasePage(self)
        self.team_page.connected.connect(self._team_chosen)
        self.team_page.back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.pages.addWidget(self.team_page)
        self.pages.addWidget(self._local_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(620, 420)

    def _choose_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel("<h2>Welcome to Caseworker</h2><p>This computer has no Caseworker database yet. "
                       "How would you like to start?</p>", page)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.try_demo = QCommandLinkButton(
            "Try the demo", "A made-up county SEND team with 1,300 plans and 300 requests to explore. "
            "Nothing real: it never touches your council's data.", page)
        self.connect_team = QCommandLinkButton(
            "Connect to your team's database", "Your council runs Caseworker on a shared server: enter the "
            "server, database and your user name (your IT department or team lead has them).", page)
        self.start_local = QCommandLinkButton(
            "Start a council database on this computer", "For one person, or to get started before a server "
            "is set up: a database file on this computer, with you as its admin.", page)
        for button in (self.try_demo, self.connect_team, self.start_local):
            layout.addWidget(button)
        layout.addStretch(1)
        quit_row = QHBoxLayout()
        quit_button = QPushButton("Quit", page)
        quit_button.clicked.connect(self.reject)
        quit_row.addStretch(1)
        quit_row.addWidget(quit_button)
        layout.addLayout(quit_row)
        self.try_demo.clicked.connect(lambda: self._finish("demo", demo_database_url()))
        self.connect_team.clicked.connect(self._show_team_page)
        self.start_local.clicked.connect(lambda: self.pages.setCurrentIndex(2))
        return page

    def _local_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        path = local_database_path()
        text = QLabel(
            "<h3>A council database on this computer</h3>"
            f"<p>Caseworker will keep the database in<br><code>{path}</code></p>"
            f"<p>You (<b>{login_name()}</b>) will be its admin. You can record requests and plans at once; "
            "before the first letter, fill in your council's details under File, Council settings.</p>"
            "<p>When your team moves to a shared server, the tracker import carries the cases across.</p>",
            page)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        back = QPushButton("Back", page)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.create_local = QPushButton("Create the database", page)
        self.create_local.setDefault(True)
        self.create_local.clicked.connect(lambda: self._finish("local", sqlite_url(path)))
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.create_local)
        layout.addLayout(buttons)
        return page

    def _show_team_page(self) -> None:
        self.pages.setCurrentIndex(1)
        self.team_page.host.setFocus()

    def _team_chosen(self, team: TeamDatabase, password: str) -> None:
        save_team_database(team)
        if password and self.team_page.remember.isChecked():
            save_password(team.url(), password)
        self._finish("team", team.url(password or None))

    def _finish(self, way: Way, url: str) -> None:
        self.choice = FirstRunChoice(way, url)
        self.accept()


class TeamDatabasePage(QWidget):
    """The team's server: host, port, database, user, and a password only if the server asks for one."""

    connected = Signal(object, str)  # the TeamDatabase, and the password typed (may be empty)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        intro = QLabel("<h3>Connect to your team's database</h3><p>Your IT department or team lead can tell "
                       "you these. Leave the password empty if you sign in to the server another way (for "
                       "example with your Windows login). The password is never written to Caseworker's own "
                       "files: tick Remember to keep it in this computer's password store.</p>", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.host, self.port = QLineEdit(self), QLineEdit("5432", self)
        self.database, self.user = QLineEdit("caseworker", self), QLineEdit(login_name(), self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.host.setPlaceholderText("for example send-db.council.local")
        self.rows: list[FieldRow] = [
            form_row(self, form, "&Server:", self.host, ["host"]),
            form_row(self, form, "P&ort:", self.port, ["port"]),
            form_row(self, form, "&Database:", self.database, ["database"]),
            form_row(self, form, "&User name:", self.user, ["user"]),
            form_row(self, form, "Pass&word:", self.password, ["password"]),
        ]
        self.remember = QCheckBox("&Remember the password on this computer", self)
        self.remember.setEnabled(keyring_available())
        if not self.remember.isEnabled():
            self.remember.setToolTip("This computer has no password store Caseworker can use, so the "
                                     "password is asked for at each start")
        form.addRow("", self.remember)
        layout.addLayout(form)
        self.general = ProblemLabel(self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout.addWidget(self.general)
        layout.addWidget(self.result)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.back = QPushButton("Back", self)
        self.test = QPushButton("&Test the connection", self)
        self.connect_button = QPushButton("&Connect", self)
        self.connect_button.setDefault(True)
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.test)
        buttons.addWidget(self.connect_button)
        layout.addLayout(buttons)
        self.test.clicked.connect(self.run_test)
        self.connect_button.clicked.connect(self.connect_team)

    def settings(self) -> TeamDatabase | None:
        """The typed settings, or None with each problem shown beside its field."""
        try:
            team = team_database(self.host.text(), self.database.text(), self.user.text(), self.port.text())
        except ConnectionSettingsError as exc:
            self._problems([Problem(exc.field, exc.reason)])
            return None
        self._problems([])
        return team

    def _problems(self, problems: list[Problem]) -> None:
        show_problems(self.rows, self.general, problems)

    def _check(self, team: TeamDatabase) -> str | None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.result.setText(f"Connecting to {team.describe()}…")
        self.result.repaint()
        try:
            return check_team_database(team, self.password.text())
        finally:
            QGuiApplication.restoreOverrideCursor()

    def run_test(self) -> bool:
        team = self.settings()
        if team is None:
            self.result.clear()
            return False
        reason = self._check(team)
        if reason is None:
            self.result.setText(f"Connected to {team.describe()}.")
            return True
        self.result.clear()
        self._problems([Problem(field_at_fault(reason), f"the server said: {reason}")])
        return False

    def connect_team(self) -> None:
        if self.run_test():
            team = self.settings()
            assert team is not None
            self.connected.emit(team, self.password.text())


def choose_first_database(parent: QWidget | None = None) -> FirstRunChoice | None:
    """Ask how this computer starts; None if the person closed the window."""
    dialog = FirstRunDialog(parent)
    return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None
