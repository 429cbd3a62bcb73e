"""Finding a case however its names were typed, a caseworker's own cases first, and the list exported as shown."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.services.actor import Actor
from caseworker.store.models import Case, Child, Contact, School
from tests.gui.conftest import add_staff
from tests.gui.test_cases_panel import UPN, add, children, choose, days_ago, open_panel
from ui.context import DesktopContext
from ui.panels.cases import CasesPanel

NHS = "9434765919"
ULN = "1000000018"


@pytest.fixture
def family(desktop: DesktopContext) -> dict[str, int]:
    """Zoë Ångström (Jo's, with a UPN, NHS number, ULN, a parent and a school), Elena Ţurcanu (Jo's) and
    Siobhán O'Connor (unallocated)."""
    ids = {
        "zoe": add(desktop, "Zoë", "Ångström", days_ago(50), upn=UPN, need="ASD"),
        "elena": add(desktop, "Elena", "Ţurcanu", days_ago(20), need="SEMH"),
        "siobhan": add(desktop, "Siobhán", "O'Connor", days_ago(3), caseworker=None),
    }
    with desktop.ctx.db.session() as s:
        school = School(name="Ysgol Gymraeg Llundain")
        s.add(school)
        s.flush()
        case = s.get(Case, ids["zoe"])
        assert case is not None
        child = s.scalar(select(Child).where(Child.id == case.child_id))
        assert child is not None
        child.nhs_number, child.uln, child.postcode, child.school_id = NHS, ULN, "HR4 9DL", school.id
        s.add(Contact(child_id=child.id, role="parent", name="Małgorzata Ångström", postcode="HR2 6DQ"))
    return ids


def type_into_search(qtbot: QtBot, panel: CasesPanel, text: str) -> None:
    """Real key presses, one character at a time (ASCII only: see tests/gui/conftest's note on keyClicks)."""
    panel.search.clear()
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, text)
    assert panel.search.text() == text


@pytest.mark.parametrize(("typed", "found"), [
    ("zoe", "Zoë Ångström"), ("ZOE ANG", "Zoë Ångström"), ("turcanu", "Elena Ţurcanu"),
    ("oconnor", "Siobhán O'Connor"), ("o'connor", "Siobhán O'Connor"), ("siobhan", "Siobhán O'Connor"),
    ("malgorzata", "Zoë Ångström"), ("943 476 5919", "Zoë Ångström"), (NHS, "Zoë Ångström"),
    (ULN, "Zoë Ångström"), (UPN.lower(), "Zoë Ångström"), ("hr49dl", "Zoë Ångström"),
    ("HR2 6DQ", "Zoë Ångström"), ("hr26dq", "Zoë Ångström"), ("ysgol", "Zoë Ångström"),
])
def test_typing_without_accents_finds_the_child(qtbot: QtBot, desktop: DesktopContext, family: dict[str, int],
                                                typed: str, found: str) -> None:
    panel = open_panel(qtbot, desktop)
    type_into_search(qtbot, panel, typed)
    assert children(panel) == [found]
    assert panel.count.text() == "Showing 1 of 3 cases"


def test_accented_text_typed_finds_the_plain_spelling_too(qtbot: QtBot, desktop: DesktopContext,
                                                          family: dict[str, int]) -> None:
    panel = open_panel(qtbot, desktop)
    panel.search.setText("ŢURCANU")  # keyClicks cannot type beyond ASCII offscreen
    assert children(panel) == ["Elena Ţurcanu"]
    panel.search.setText("Siobhan O\u2019Connor")  # a curly apostrophe, as a word processor writes it
    assert children(panel) == ["Siobhán O'Connor"]


def test_a_caseworker_opens_on_their_own_cases(qtbot: QtBot, desktop: DesktopContext,
                                               family: dict[str, int]) -> None:
    panel = open_panel(qtbot, desktop, everyone=False)  # acting as Jo Smith, a caseworker
    assert panel.caseworker.currentText() == "Me (Jo Smith)" and panel.caseworker.currentData() == "jsmith"
    assert sorted(children(panel)) == ["Elena Ţurcanu", "Zoë Ångström"]
    assert panel.count.text() == "Showing 2 of 3 cases" and panel.clear.isEnabled()
    # Looking for a case that is someone else's (or no one's) says where it is.
    type_into_search(qtbot, panel, "oconnor")
    assert children(panel) == [] and panel.count.text() == "Showing 0 of 3 cases (1 more with other caseworkers)"
    choose(panel, "caseworker", "")
    assert children(panel) == ["Siobhán O'Connor"] and panel.count.text() == "Showing 1 of 3 cases"
    # A reload keeps what the person chose.
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        desktop.data_changed.emit(0)
    assert panel.caseworker.currentData() == "" and children(panel) == ["Siobhán O'Connor"]


def test_a_team_lead_opens_on_everyone_and_switching_who_you_are_follows(
        qtbot: QtBot, desktop: DesktopContext, family: dict[str, int]) -> None:
    lead = _staff(desktop, "alead")
    team_lead = DesktopContext(desktop.ctx, lead, runner=desktop.runner)
    panel = open_panel(qtbot, team_lead, everyone=False)
    assert panel.caseworker.currentData() == "" and len(children(panel)) == 3
    assert panel.count.text() == "Showing 3 of 3 cases" and not panel.clear.isEnabled()
    assert panel.caseworker.findText("Me (Alex Lead)") == -1  # holds no cases: no "Me" to choose
    # The demo's "You are": becoming a caseworker shows their cases, a team lead again everyone's.
    team_lead.set_actor(desktop.actor)
    assert panel.caseworker.currentText() == "Me (Jo Smith)" and len(children(panel)) == 2
    team_lead.set_actor(lead)
    assert panel.caseworker.currentData() == "" and len(children(panel)) == 3


def test_a_caseworker_with_no_cases_yet_opens_on_an_empty_list_of_their_own(
        qtbot: QtBot, desktop: DesktopContext, family: dict[str, int]) -> None:
    newcomer = add_staff(desktop.ctx, "nstarter", "Nadia Starter", "caseworker")
    panel = open_panel(qtbot, DesktopContext(desktop.ctx, newcomer, runner=desktop.runner), everyone=False)
    assert panel.caseworker.currentText() == "Me (Nadia Starter)"
    assert children(panel) == [] and panel.count.text() == "Showing 0 of 3 cases"
    assert not panel.export.isEnabled()  # nothing to export


def export(qtbot: QtBot, panel: CasesPanel, path: Path, *, replace: bool = False) -> str:
    with qtbot.waitSignal(panel.exported, timeout=20000):
        panel.export_to(path, replace=replace)
    return panel.export_note.text()


def test_export_writes_what_is_shown_in_the_order_shown(qtbot: QtBot, desktop: DesktopContext,
                                                        family: dict[str, int], tmp_path: Path) -> None:
    panel = open_panel(qtbot, desktop)
    add(desktop, "Zoe", "Adams", days_ago(5))  # a reload brings a fourth
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        desktop.data_changed.emit(0)
    type_into_search(qtbot, panel, "zoe")
    panel.sort_by("Child", Qt.SortOrder.DescendingOrder)
    header = panel.table.horizontalHeader()
    panel.table.setColumnHidden(panel.column_of("UPN"), True)
    header.moveSection(header.visualIndex(panel.column_of("Next due")), 0)  # dragged to the front
    assert children(panel) == ["Zoë Ångström", "Zoe Adams"]

    note = export(qtbot, panel, tmp_path / "zoes.xlsx")
    assert note == "Saved 2 cases to zoes.xlsx" and panel.export.isEnabled()
    ws = load_workbook(tmp_path / "zoes.xlsx").active
    assert ws is not None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    expected_titles = ["Next due", "Reference", "Child", "Date of birth", "School", "Need", "Caseworker", "Stage",
                       "Status", "Next step", "Late advice", "Next review", "Review", "Transfer"]
    assert rows[0] == expected_titles
    shown = panel.shown_rows()
    assert [r[2] for r in rows[1:]] == ["Zoë Ångström", "Zoe Adams"]
    assert [r[1] for r in rows[1:]] == [row.reference for row in shown]
    assert rows[1][3] == datetime(2014, 9, 1) and ws["D2"].number_format == "dd/mm/yyyy"
    assert shown[0].next_due is not None and rows[1][0] == datetime.combine(shown[0].next_due, datetime.min.time())
    assert rows[1][4] == "Ysgol Gymraeg Llundain" and rows[1][6] == "Jo Smith" and rows[1][8] == "Overdue"

    note = export(qtbot, panel, tmp_path / "zoes.csv")
    assert note == "Saved 2 cases to zoes.csv"
    raw = (tmp_path / "zoes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfNext due,Reference,Child,Date of birth,")
    with (tmp_path / "zoes.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert [r[2] for r in table[1:]] == ["Zoë Ångström", "Zoe Adams"] and table[1][3] == "01/09/2014"


def test_export_never_replaces_a_file_unasked_and_says_why(qtbot: QtBot, desktop: DesktopContext,
                                                           family: dict[str, int], tmp_path: Path) -> None:
    panel = open_panel(qtbot, desktop)
    existing = tmp_path / "cases.xlsx"
    existing.write_bytes(b"last week's list")
    note = export(qtbot, panel, existing)
    assert note.startswith("Not saved: ") and "already exists" in note
    assert existing.read_bytes() == b"last week's list" and panel.export.isEnabled()
    assert export(qtbot, panel, existing, replace=True) == "Saved 3 cases to cases.xlsx"  # the dialog asked
    assert existing.read_bytes().startswith(b"PK")


def _staff(desktop: DesktopContext, username: str) -> Actor:
    from caseworker.services.actor import resolve_actor

    with desktop.ctx.db.session() as s:
        return resolve_actor(s, username)


@pytest.mark.parametrize(("chosen_filter", "written"), [(0, "zoes.xlsx"), (1, "zoes.csv")])
def test_export_list_asks_where_and_adds_the_kind_of_file_chosen(
        qtbot: QtBot, desktop: DesktopContext, family: dict[str, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, chosen_filter: int, written: str) -> None:
    """The button's own path: the save dialog (its answer given here, as a person would type a name
    without an ending and pick a kind of file), then the export."""
    def answer(dialog: QFileDialog) -> int:
        kind = dialog.nameFilters()[chosen_filter]
        dialog.selectNameFilter(kind)
        dialog.filterSelected.emit(kind)
        dialog.selectFile(str(folder / "zoes"))
        return int(QFileDialog.DialogCode.Accepted)

    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "exec", answer)
    panel = open_panel(qtbot, desktop)
    type_into_search(qtbot, panel, "zoe")
    with qtbot.waitSignal(panel.exported, timeout=20000):
        qtbot.mouseClick(panel.export, Qt.MouseButton.LeftButton)
    assert panel.export_note.text() == f"Saved 1 case to {written}"
    assert [p.name for p in folder.iterdir()] == [written]


def test_a_long_file_name_is_shortened_beside_the_button(qtbot: QtBot, desktop: DesktopContext,
                                                         family: dict[str, int], tmp_path: Path) -> None:
    panel = open_panel(qtbot, desktop)
    path = tmp_path / ("the whole team's open cases for the March panel meeting" + ".csv")
    assert export(qtbot, panel, path) == "Saved 3 cases to the whole team's open cases…meeting.csv"
    assert panel.export_note.toolTip() == str(path) and path.exists()
