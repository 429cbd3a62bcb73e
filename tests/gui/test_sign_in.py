"""The window signs in to a team server that wants a password: asked for, kept in the keyring when the
person ticks Remember, used at the next start, and asked for again once the server refuses it.

A real PostgreSQL login with scram-sha-256, and a keyring backend of the test's own (a dictionary)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseworker.store.connection import saved_path
from caseworker.store.database import Database
from caseworker.store.location import ENV_DATA_DIR, ENV_URL
from caseworker.store.passwords import SERVICE, account
from tests.db.conftest import _fresh_pg_database
from tests.db.logins import add_login, new_login_name, password_required
from tests.keyrings import DictKeyring
from ui.first_run import FirstRunDialog
from ui.sign_in import PasswordDialog, open_with_sign_in

pytestmark = pytest.mark.postgres


@pytest.fixture
def fake_keyring() -> Iterator[DictKeyring]:
    before = keyring.get_keyring()
    ring = DictKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@dataclass
class Answers:
    """Answers the password window whenever it opens: each answer is (password, tick Remember)."""

    qtbot: QtBot
    script: list[tuple[str, bool]]
    seen: list[str] = field(default_factory=list)  # the reason each window showed
    remember_offered: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PasswordDialog) or not dialog.isVisible():
            return
        self.seen.append(dialog.reason.text())
        self.remember_offered.append(dialog.remember.isEnabled())
        if not self.script:
            dialog.reject()
            return
        password, remember = self.script.pop(0)
        self.qtbot.keyClicks(dialog.password, password)
        if remember and dialog.remember.isEnabled():
            self.qtbot.mouseClick(dialog.remember, Qt.MouseButton.LeftButton)
        self.qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    def stop(self) -> None:
        self.timer.stop()


@pytest.fixture
def login(pg_server: str) -> Iterator[tuple[str, str]]:
    """A login whose password the server insists on: (its URL without the password, the server)."""
    name = new_login_name("pw")
    url = add_login(_fresh_pg_database(pg_server), name, password="first-horse")
    with password_required(pg_server, name):
        yield url, pg_server


def opened(db: Database | None) -> Database:
    assert db is not None
    with db.sessions() as s:
        assert s.scalar(text("SELECT session_user")) is not None
    db.dispose()
    return db


def test_a_remembered_password_is_kept_used_and_replaced_when_refused(
        qtbot: QtBot, fake_keyring: DictKeyring, login: tuple[str, str]) -> None:
    url, server = login
    where = (SERVICE, account(url))
    answers = Answers(qtbot, [("wrong-horse", True), ("first-horse", True)])
    opened(open_with_sign_in(url))
    assert len(answers.seen) == 2 and answers.seen[0] == ""  # the first ask is not a fault
    assert answers.seen[1] == "That password was not accepted. Check it and try again (capital letters matter)."
    assert answers.remember_offered == [True, True]
    assert fake_keyring.kept == {where: "first-horse"}  # the one the server took, not the wrong one

    opened(open_with_sign_in(url))  # the next start: the keyring's password, nobody asked
    assert len(answers.seen) == 2

    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"ALTER ROLE \"{account(url).split('@')[0]}\" PASSWORD 'second-horse'"))
    admin.dispose()
    answers.script.append(("second-horse", True))
    opened(open_with_sign_in(url))
    assert len(answers.seen) == 3 and answers.seen[2].startswith("The password kept on this computer was not accepted")
    assert fake_keyring.kept == {where: "second-horse"}
    answers.stop()


def test_giving_up_or_not_remembering_keeps_nothing(
        qtbot: QtBot, fake_keyring: DictKeyring, login: tuple[str, str]) -> None:
    url, _server = login
    answers = Answers(qtbot, [])
    assert open_with_sign_in(url) is None  # cancelled: the window does not open
    answers.script.append(("first-horse", False))
    opened(open_with_sign_in(url))
    assert fake_keyring.kept == {} and len(answers.seen) == 2
    answers.stop()


def test_with_no_keyring_the_password_is_asked_at_each_start(
        qtbot: QtBot, login: tuple[str, str]) -> None:
    url, _server = login
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        answers = Answers(qtbot, [("first-horse", True), ("first-horse", True)])
        opened(open_with_sign_in(url))
        opened(open_with_sign_in(url))
        assert answers.remember_offered == [False, False] and len(answers.seen) == 2
        answers.stop()
    finally:
        keyring.set_keyring(before)


def test_the_first_run_window_keeps_the_password_only_in_the_keyring(
        qtbot: QtBot, fake_keyring: DictKeyring, login: tuple[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path))
    monkeypatch.delenv(ENV_URL, raising=False)
    url, _server = login
    target = make_url(url)
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.connect_team, Qt.MouseButton.LeftButton)
    page = dialog.team_page
    for box, value in ((page.host, str(target.host)), (page.port, str(target.port)),
                       (page.database, str(target.database)), (page.user, str(target.username)),
                       (page.password, "first-horse")):
        box.clear()
        qtbot.keyClicks(box, value)
    assert page.remember.isEnabled()
    qtbot.mouseClick(page.remember, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is not None and dialog.choice.way == "team"
    assert fake_keyring.kept == {(SERVICE, account(url)): "first-horse"}
    assert "first-horse" not in saved_path().read_text("utf-8")
    answers = Answers(qtbot, [])
    opened(open_with_sign_in(None))  # the next start: the remembered server, the kept password
    assert answers.seen == []
    answers.stop()
