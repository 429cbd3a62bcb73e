"""The Staff page as an admin and a team lead use it: add a person through the form, deactivate and
reactivate, the buttons each role gets, a refused field beside itself, an import with a bad row.

Set CASEWORKER_STAFF_SHOTS=DIR to keep pictures of the page and the form at 1280x720 and 1920x1080.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.services.actor import Actor
from caseworker.services.staff import change_staff
from caseworker.store.models import AuditEvent, Staff
from tests.gui.builders import open_window, wait_idle
from tests.gui.conftest import add_staff
from ui.context import DesktopContext
from ui.dialogs.staff_edit import StaffEditDialog
from ui.main_window import MainWindow
from ui.panels.staff import StaffPanel

WAIT = 10000


def acting(desktop: DesktopContext, actor: Actor) -> None:
    desktop.set_actor(actor)


def open_page(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path, actor: Actor,
              size: tuple[int, int] = (1400, 850)) -> tuple[MainWindow, StaffPanel]:
    window, _failed = open_window(qtbot, desktop, tmp_path, size=size)
    acting(desktop, actor)
    panel = window.staff_page
    window.tabs.setCurrentWidget(panel)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: bool(panel.records), timeout=WAIT)
    return window, panel


@pytest.fixture
def admin(desktop: DesktopContext) -> Actor:
    return add_staff(desktop.ctx, "boss", "Bea Oss", "admin")


@pytest.fixture
def south(desktop: DesktopContext) -> Actor:
    sam = add_staff(desktop.ctx, "ssouth", "Sam South", "caseworker")
    with desktop.ctx.db.session() as s:
        person = s.get(Staff, sam.id)
        assert person is not None
        person.team = "South"
    return sam


def stored(desktop: DesktopContext, username: str) -> Staff | None:
    with desktop.ctx.db.sessions() as s:
        return s.scalar(select(Staff).where(Staff.username == username))


def test_an_admin_adds_a_person_through_the_form(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                                 admin: Actor) -> None:
    _window, panel = open_page(qtbot, desktop, tmp_path, admin)
    assert panel.add_button.isEnabled() and panel.import_button.isEnabled()
    panel.add_button.click()
    dialog = panel.findChild(StaffEditDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok.isEnabled()  # no username or name yet
    QTest.keyClicks(dialog.username, "p.shah")
    QTest.keyClicks(dialog.display_name, "Priya Shah")
    QTest.keyClicks(dialog.job_title, "SEND Caseworker")
    dialog.title.setEditText("Ms")
    dialog.role.setCurrentIndex(dialog.role.findData("team_lead"))
    dialog.team.setEditText("South")
    dialog.fte.setValue(0.6)
    QTest.keyClicks(dialog.start_date.box, "01/09/2025")
    assert dialog.ok.isEnabled(), dialog.problem_text()
    dialog.ok.click()
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: any(r.username == "p.shah" for r in panel.records), timeout=WAIT)
    person = stored(desktop, "p.shah")
    assert person is not None
    assert (person.title, person.job_title, person.role, person.team, person.fte, str(person.started_on)) == (
        "Ms", "SEND Caseworker", "team_lead", "South", 0.6, "2025-09-01")
    with desktop.ctx.db.sessions() as s:
        assert s.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "staff.add")) == admin.id


def test_a_refused_field_is_named_beside_it_and_save_waits(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                                           admin: Actor) -> None:
    _window, panel = open_page(qtbot, desktop, tmp_path, admin)
    dialog = panel.add_person()
    assert dialog is not None
    QTest.keyClicks(dialog.username, "Jo Smith")
    QTest.keyClicks(dialog.display_name, "Jo")
    dialog.fte.setValue(0.0)
    rows = {row.widget: row for row in dialog.rows}
    assert "not a database login name" in rows[dialog.username].problem.reasons()
    assert "outside 0 to 1" in rows[dialog.fte].problem.reasons()
    assert not dialog.ok.isEnabled()
    dialog.username.setText("jsmith")  # already on the list: the service refuses it beside the field
    dialog.fte.setValue(1.0)
    dialog.ok.click()
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: "already on the staff list" in rows[dialog.username].problem.reasons(), timeout=WAIT)
    assert dialog.isVisible() and not dialog.ok.isEnabled()


def test_an_admin_deactivates_and_reactivates(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                              admin: Actor) -> None:
    _window, panel = open_page(qtbot, desktop, tmp_path, admin)
    panel.select("jsmith")
    assert panel.switch_button.text() == "&Deactivate"
    panel.switch_button.click()
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: "jsmith" not in {r.username for r in panel.shown}, timeout=WAIT)  # Active shown
    person = stored(desktop, "jsmith")
    assert person is not None and not person.active
    panel.show_which.setCurrentIndex(panel.show_which.findData("inactive"))
    panel.select("jsmith")
    assert panel.switch_button.text() == "&Reactivate"
    panel.switch_button.click()
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: (p := stored(desktop, "jsmith")) is not None and p.active, timeout=WAIT)


def test_a_team_lead_edits_only_their_own_teams_fte(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path,
                                                   south: Actor) -> None:
    lead = add_staff(desktop.ctx, "nlead", "Nia Lead", "team_lead")  # North, as jsmith
    _window, panel = open_page(qtbot, desktop, tmp_path, lead)
    assert not panel.add_button.isEnabled() and not panel.import_button.isEnabled()
    panel.select("ssouth")
    assert not panel.edit_button.isEnabled() and not panel.switch_button.isEnabled()
    panel.select("jsmith")
    assert panel.edit_button.isEnabled() and not panel.switch_button.isEnabled()
    dialog = panel.edit_person()
    assert dialog is not None
    assert [f for f, w in dialog.widgets.items() if w.isEnabled()] == ["fte"]
    dialog.fte.setValue(0.5)
    dialog.ok.click()
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: (p := stored(desktop, "jsmith")) is not None and p.fte == 0.5, timeout=WAIT)


def test_a_caseworker_has_no_staff_page(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    window, _failed = open_window(qtbot, desktop, tmp_path)  # acting as jsmith, a caseworker
    assert window.tabs.indexOf(window.staff_page) < 0


def test_an_import_with_a_bad_row_says_where_and_writes_nothing(qtbot: QtBot, desktop: DesktopContext,
                                                                tmp_path: Path, admin: Actor) -> None:
    _window, panel = open_page(qtbot, desktop, tmp_path, admin)
    path = tmp_path / "staff.csv"
    path.write_text("username,display_name,fte\nanew,Ann New,1\nbad,Bad,2\n", encoding="utf-8")
    asked: list[list[str]] = []

    def confirm(lines: list[str]) -> bool:
        asked.append(lines)
        return True

    panel.import_file(path, confirm)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: "row 3, column fte" in panel.status.text(), timeout=WAIT)
    assert asked == [] and stored(desktop, "anew") is None
    path.write_text("username,display_name,fte\nanew,Ann New,1\n", encoding="utf-8")
    panel.import_file(path, confirm)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: stored(desktop, "anew") is not None, timeout=WAIT)
    assert "1 would be added" in asked[0][0]


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_pictures_of_the_page_and_the_form(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path, admin: Actor,
                                           south: Actor, size: tuple[int, int]) -> None:
    window, panel = open_page(qtbot, desktop, tmp_path, admin, size=size)
    panel.show_which.setCurrentIndex(panel.show_which.findData("all"))
    panel.select("jsmith")
    dialog = panel.edit_person()
    assert dialog is not None
    dialog.fte.setValue(0.0)  # a problem beside its field, as a user would see it
    qtbot.waitExposed(dialog)
    folder = os.environ.get("CASEWORKER_STAFF_SHOTS")
    page, form = window.grab(), dialog.grab()
    assert not page.isNull() and not form.isNull()
    assert dialog.height() <= size[1] and dialog.width() <= size[0]
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.save(str(Path(folder) / f"staff-page-{size[0]}x{size[1]}.png"))
        form.save(str(Path(folder) / f"staff-form-{size[0]}x{size[1]}.png"))


def test_a_save_after_a_colleagues_change_is_refused_and_says_so(qtbot: QtBot, desktop: DesktopContext,
                                                                 tmp_path: Path, admin: Actor) -> None:
    _window, panel = open_page(qtbot, desktop, tmp_path, admin)
    panel.select("jsmith")
    dialog = panel.edit_person()
    assert dialog is not None
    change_staff(desktop.ctx, admin, "jsmith", {"phone": "01632 960 000"})  # another desktop, meanwhile
    dialog.fte.setValue(0.5)
    dialog.ok.click()
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: "changed this person's record" in dialog.general.reasons(), timeout=WAIT)
    person = stored(desktop, "jsmith")
    assert person is not None and person.fte == 1.0 and dialog.isVisible()
