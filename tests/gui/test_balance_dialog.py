"""Propose balance in the window: each move names the child, from whom to whom, the points and its rule;
the heading says whether moves may cross teams; a move can be kept where it is (pinned) from the dialog.

Set BALANCE_SHOTS=DIR to save the dialog's pictures (1280x720 and 1920x1080) there."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from caseworker.store.models import CasePin
from tests.gui.builders import wait_idle
from tests.gui.test_team_panel import WAIT, as_lead, holders
from ui.context import DesktopContext
from ui.dialogs.balance import CHILD, FROM, KEEP, MOVE, POINTS, RULE, TO, BalanceDialog
from ui.panels.team import TeamPanel


def open_proposal(qtbot: QtBot, panel: TeamPanel) -> BalanceDialog:
    with qtbot.waitSignal(panel.dialog_opened, timeout=WAIT) as opened:
        panel.balance.click()
    dialog = opened.args[0]
    assert isinstance(dialog, BalanceDialog)
    return dialog


def cells(dialog: BalanceDialog, row: int) -> dict[int, str]:
    return {c: dialog.model.item(row, c).text() for c in (MOVE, CHILD, POINTS, FROM, TO, RULE, KEEP)}


def shoot(dialog: BalanceDialog, name: str) -> None:
    folder = os.environ.get("BALANCE_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for w, h in ((1280, 720), (1920, 1080)):
        dialog.resize(w, h)
        dialog.grab().save(str(Path(folder) / f"{name}-{w}x{h}.png"))


def test_each_move_names_the_child_the_people_and_its_rule(qtbot: QtBot, desktop: DesktopContext,
                                                           tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    dialog = open_proposal(qtbot, panel)
    assert dialog.heading.text() == "Moves within teams" and dialog.windowTitle().endswith("moves within teams")
    names = {p.username: p.display_name for p in panel.team.people} if panel.team else {}
    for row, m in enumerate(dialog.proposal.moves):
        assert cells(dialog, row) == {MOVE: m.reference, CHILD: m.child, POINTS: f"{m.points:g}",
                                      FROM: names[m.from_user], TO: names[m.to_user], RULE: m.rule,
                                      KEEP: f"Keep with {names[m.from_user]}"}
    shown = {cells(dialog, r)[RULE] for r in range(dialog.model.rowCount())}
    # Ali away 12 more working days; Sam at 123%; Jo Khan at 50% evens out with an empty colleague.
    assert shown == {"long absence", "over capacity", "evening out the team"}
    first = cells(dialog, 0)
    assert first[CHILD].startswith("Child No") and first[FROM] == "Ali Away"
    assert "could bring the busiest person at work below" in dialog.figures.text()
    assert "may be proposed again next time" in dialog.again.text()
    shoot(dialog, "within-teams")
    dialog.reject()

    panel.across.setChecked(True)
    wider = open_proposal(qtbot, panel)
    assert wider.heading.text() == "Moves between teams"
    assert any(cells(wider, r)[RULE].endswith("; between teams") and cells(wider, r)[TO] == "Kim Lee"
               for r in range(wider.model.rowCount()))
    shoot(wider, "between-teams")
    wider.reject()


def test_keeping_a_move_where_it_is_pins_the_case(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    _, panel = as_lead(qtbot, desktop, tmp_path)
    dialog = open_proposal(qtbot, panel)
    n = dialog.model.rowCount()
    assert not dialog.keep_selected.isEnabled()  # nothing chosen yet
    dialog.table.selectRow(1)
    kept = dialog.proposal.moves[1]
    keeper = cells(dialog, 1)[FROM]
    assert dialog.keep_selected.text() == f"&Keep {kept.reference} with {keeper}"
    dialog.keep_selected.click()
    assert dialog.model.item(1, KEEP).checkState() == Qt.CheckState.Checked
    assert dialog.model.item(1, MOVE).checkState() == Qt.CheckState.Unchecked
    assert dialog.ok.text() == f"Make the moves: {n - 1} cases and keep 1 where it is"
    # Ticking the move again drops the keep: a case cannot both move and stay.
    dialog.model.item(1, MOVE).setCheckState(Qt.CheckState.Checked)
    assert dialog.model.item(1, KEEP).checkState() == Qt.CheckState.Unchecked
    dialog.keep_selected.click()
    dialog.tick_none.click()
    assert dialog.ok.text() == "Keep 1 where it is" and dialog.ok.isEnabled()
    dialog.tick_all.click()
    dialog.model.item(1, KEEP).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(panel.loaded, timeout=WAIT):
        dialog.ok.click()
    wait_idle(qtbot, desktop)
    assert dialog.pinned == 1 and dialog.moved == n - 1
    assert holders(desktop.ctx)[kept.reference] == kept.from_user
    with desktop.ctx.db.sessions() as s:
        assert s.get(CasePin, kept.case_id) is not None
    again = open_proposal(qtbot, panel)
    assert kept.case_id not in {m.case_id for m in again.proposal.moves}
    again.reject()
