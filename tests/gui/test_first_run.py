"""The first start with no database: the demo, the team's server, or a database of this computer's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from caseworker.store.connection import load_team_database, saved_path
from caseworker.store.location import ENV_DATA_DIR, ENV_URL, demo_database_url
from tests.db.conftest import _fresh_pg_database
from ui.first_run import FirstRunDialog


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FirstRunDialog:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path))
    monkeypatch.delenv(ENV_URL, raising=False)
    d = FirstRunDialog()
    qtbot.addWidget(d)
    d.show()
    return d


def test_trying_the_demo_opens_the_demo_database(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    qtbot.mouseClick(dialog.try_demo, Qt.MouseButton.LeftButton)
    assert dialog.choice is not None and (dialog.choice.way, dialog.choice.url) == ("demo", demo_database_url())
    assert not saved_path().exists()


def test_a_database_on_this_computer(qtbot: QtBot, dialog: FirstRunDialog, tmp_path: Path) -> None:
    qtbot.mouseClick(dialog.start_local, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 2
    qtbot.mouseClick(dialog.create_local, Qt.MouseButton.LeftButton)
    assert dialog.choice is not None
    assert (dialog.choice.way, dialog.choice.url) == ("local", f"sqlite:///{tmp_path / 'caseworker.sqlite'}")


def test_missing_or_impossible_settings_are_shown_beside_their_field(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    qtbot.mouseClick(dialog.connect_team, Qt.MouseButton.LeftButton)
    page = dialog.team_page
    qtbot.mouseClick(page.connect_button, Qt.MouseButton.LeftButton)
    host_row = page.rows[0]
    assert host_row.problem.isVisible() and host_row.problem.text.text() == "Give the server's name or address."
    qtbot.keyClicks(page.host, "db1")
    page.port.clear()
    qtbot.keyClicks(page.port, "99999")
    qtbot.mouseClick(page.connect_button, Qt.MouseButton.LeftButton)
    assert not host_row.problem.isVisible() and page.rows[1].problem.isVisible()
    assert dialog.choice is None and not saved_path().exists()


@pytest.mark.postgres
def test_connecting_to_the_team_server_tests_it_and_remembers_it(
        qtbot: QtBot, dialog: FirstRunDialog, pg_server: str) -> None:
    server = make_url(_fresh_pg_database(pg_server))
    qtbot.mouseClick(dialog.connect_team, Qt.MouseButton.LeftButton)
    page = dialog.team_page
    for box, value in ((page.host, server.host), (page.port, str(server.port)), (page.user, server.username)):
        box.clear()
        qtbot.keyClicks(box, value)
    page.database.clear()
    qtbot.keyClicks(page.database, "no_such_database")
    qtbot.mouseClick(page.test, Qt.MouseButton.LeftButton)
    database_row = page.rows[2]
    assert database_row.problem.isVisible() and "does not exist" in database_row.problem.text.text()
    page.database.clear()
    qtbot.keyClicks(page.database, server.database)
    qtbot.mouseClick(page.test, Qt.MouseButton.LeftButton)
    assert page.result.text().startswith("Connected to ") and not database_row.problem.isVisible()
    qtbot.mouseClick(page.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is not None and dialog.choice.way == "team"
    assert make_url(dialog.choice.url).database == server.database
    remembered = load_team_database()
    assert remembered is not None and (remembered.host, remembered.port, remembered.database) == (
        server.host, server.port, server.database)


def test_the_desktop_asks_only_when_this_computer_has_no_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    import ui.app
    import ui.first_run
    from ui.first_run import FirstRunChoice

    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path))
    monkeypatch.delenv(ENV_URL, raising=False)
    asked: list[bool] = []

    def choose(parent: object = None) -> FirstRunChoice:
        asked.append(True)
        return FirstRunChoice("demo", demo_database_url())

    monkeypatch.setattr(ui.first_run, "choose_first_database", choose)
    plain = argparse.Namespace(database=None, demo=False)
    assert ui.app.choose_database(plain) == (demo_database_url(), True) and asked == [True]
    assert ui.app.choose_database(argparse.Namespace(database=None, demo=True)) == (demo_database_url(), True)
    (tmp_path / "caseworker.sqlite").write_bytes(b"")
    assert ui.app.choose_database(plain) == (None, False) and asked == [True]  # the local file: no question
