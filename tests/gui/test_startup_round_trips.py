"""A desktop starting on a team's PostgreSQL over a network: every round trip before the window paints is
time the person stares at nothing (20 ms each over a VPN). Counted through a relay between the app and the
server (each chunk the app sends is a round trip); the window is started with ``ui.app``'s own functions,
in ``run``'s order: the database opens on a worker thread (``ui.opening.Opening``) while the window's modules
are imported. The window reads no data until it has painted; a login without an active staff record is
still refused, at the join, before any window is built."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.delay_proxy import DelayProxy
from caseworker.context import AppContext
from caseworker.errors import PermissionDenied, UnknownUser
from caseworker.store.database import open_database
from tests.db.conftest import _fresh_pg_database, add_staff
from tests.gui.builders import isolate_settings
from ui.app import import_the_window, main_window
from ui.context import DesktopContext
from ui.main_window import MainWindow
from ui.opening import Opened, Opening

pytestmark = pytest.mark.postgres

# Connecting (2: the SSL question, then the start-up message), the dialect's first-connect questions
# (6: version, schema, isolation level, string escapes, in a transaction), the schema revision (1), whether
# it is the demo (1), who is signing in (1). It was 17 before the revision and the sign-in went outside
# a transaction.
START_TRIPS = 11


@pytest.fixture
def team_url(pg_server: str) -> Iterator[tuple[str, str]]:
    """A team database at the current schema, and the login the test signs in as."""
    url = _fresh_pg_database(pg_server)
    db = open_database(url)
    with db.engine.connect() as conn:
        login = str(conn.scalar(text("SELECT session_user")))
    db.dispose()
    yield url, login


@pytest.fixture
def relay(team_url: tuple[str, str]) -> Iterator[tuple[DelayProxy, str]]:
    parsed = make_url(team_url[0])
    with DelayProxy(parsed.host or "127.0.0.1", parsed.port or 5432, round_trip_ms=0) as proxy:
        yield proxy, parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


class FirstPaint(QObject):
    """Notes how many round trips had been made when the window got its first Paint event."""

    def __init__(self, window: MainWindow, proxy: DelayProxy) -> None:
        super().__init__(window)
        self.proxy, self.window = proxy, window
        self.trips: int | None = None
        self.reading_started_before = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.trips is None:
            self.trips = self.proxy.sent
            self.reading_started_before = self.window.reading_started
        return False


def start(url: str, as_user: str | None = None) -> Opened:
    """As ``run`` does: open on a worker thread, import the window meanwhile, then join."""
    opening = Opening(url, as_user, False)
    import_the_window()
    opened = opening.finish()
    assert opened is not None
    return opened


def test_a_team_desktop_paints_after_a_few_round_trips_and_reads_only_after(
        qtbot: QtBot, team_url: tuple[str, str], relay: tuple[DelayProxy, str], tmp_path: object) -> None:
    url, login = team_url
    setup = open_database(url)
    add_staff(setup, login, "team_lead")
    setup.dispose()
    proxy, remote = relay
    isolate_settings(tmp_path)  # type: ignore[arg-type]

    before = proxy.sent
    opened = start(remote)
    db, actor = opened.db, opened.actor
    desktop = DesktopContext(AppContext(db=db), actor, is_demo=opened.is_demo)
    window = main_window(desktop)  # as run(): the frame now, the pages after the first paint
    qtbot.addWidget(window)
    painted = FirstPaint(window, proxy)
    window.show()
    qtbot.waitUntil(lambda: painted.trips is not None)

    assert actor.username == login and actor.role == "team_lead"
    assert painted.trips is not None and painted.trips - before <= START_TRIPS
    assert not painted.reading_started_before  # no data read competes with the first paint
    # ... and then the day's work is read.
    qtbot.waitUntil(lambda: window.has_pages and window.my_day.has_loaded, timeout=20_000)
    assert proxy.sent > painted.trips
    window.close()
    desktop.runner.wait(10_000)
    db.dispose()


def test_a_login_whose_staff_record_is_inactive_is_still_refused(team_url: tuple[str, str],
                                                                 relay: tuple[DelayProxy, str]) -> None:
    url, login = team_url
    setup = open_database(url)
    add_staff(setup, "kim", "admin")
    add_staff(setup, login, "caseworker")
    with setup.engine.begin() as conn:
        conn.execute(text("UPDATE staff SET active = false WHERE username = :u"), {"u": login})
    setup.dispose()

    with pytest.raises(UnknownUser, match="not active; ask an admin \\(kim\\)"):
        start(relay[1])  # raised on the worker thread, re-raised here at the join


def test_a_login_not_on_the_staff_list_is_refused(team_url: tuple[str, str], relay: tuple[DelayProxy, str]) -> None:
    url, login = team_url
    setup = open_database(url)
    add_staff(setup, "kim", "admin")
    setup.dispose()

    with pytest.raises(UnknownUser, match=f"your database login '{login}' is not on this database's staff"):
        start(relay[1])


def test_naming_someone_else_on_a_team_database_is_still_refused(
        team_url: tuple[str, str], relay: tuple[DelayProxy, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, login = team_url
    setup = open_database(url)
    add_staff(setup, login, "team_lead")
    add_staff(setup, "kim", "admin")
    setup.dispose()
    with pytest.raises(PermissionDenied, match="--as is only"):
        start(relay[1], "kim")
    monkeypatch.setenv("CASEWORKER_USER", "kim")
    with pytest.raises(PermissionDenied, match="CASEWORKER_USER is only"):
        start(relay[1])


def test_the_desktop_refuses_a_login_not_on_the_staff_list_with_its_message(
        team_url: tuple[str, str], relay: tuple[DelayProxy, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Through ``run`` itself: the refusal made on the worker thread reaches the person as the usual
    "cannot start" message, not a traceback, and no window is built."""
    import argparse

    import ui.app

    url, login = team_url
    setup = open_database(url)
    add_staff(setup, "kim", "admin")
    setup.dispose()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ui.app, "start_error_reporting", lambda app, args: None)
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.critical",
                        lambda parent, title, text: shown.append((title, text)))
    built: list[object] = []
    monkeypatch.setattr("ui.main_window.MainWindow.__init__", lambda self, *a, **k: built.append(self))

    args = argparse.Namespace(database=relay[1], demo=False, as_user=None, verbose=0)
    assert ui.app.run(args) == 1
    assert shown and shown[0][0] == "Caseworker cannot start"
    assert f"your database login '{login}' is not on this database's staff" in shown[0][1]
    assert built == []
