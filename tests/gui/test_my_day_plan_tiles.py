"""My day's plans in place: the second row of tiles, their counts, and opening a plan's case from its row."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.reports.my_day import PLAN_SECTIONS, REQUEST_SECTIONS, REVIEWS_DUE, REVIEWS_OVERDUE
from caseworker.store.models import Case
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_my_day_panel import cell, open_panel
from ui.context import DesktopContext
from ui.panels._my_day_parts import ItemModel


def add_plan(dc: DesktopContext, reference: str, issued_days_ago: int, caseworker: str = "jsmith") -> int:
    issued = GUI_TODAY - timedelta(days=issued_days_ago)
    with dc.ctx.db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename="Plan", surname=reference[-1],
                                   date_of_birth=date(2014, 6, 1), final_issued=issued, caseworker=caseworker)],
                    actor_id=None, today=GUI_TODAY)
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
    assert case_id is not None
    return case_id


def test_plan_tiles_sit_in_their_own_row_with_counts(qtbot: QtBot, desktop: DesktopContext) -> None:
    late = add_plan(desktop, "EHC-PLAN-1", 420)
    add_plan(desktop, "EHC-PLAN-2", 400)
    add_plan(desktop, "EHC-PLAN-3", 340)
    add_plan(desktop, "EHC-PLAN-4", 30)  # nothing due for months
    add_plan(desktop, "EHC-PLAN-5", 420, caseworker="alead")  # someone else's
    panel = open_panel(qtbot, desktop)
    assert panel.cards[REVIEWS_OVERDUE].accessibleName() == "Annual reviews overdue: 2. Go to the list"
    assert panel.cards[REVIEWS_DUE].number.text() == "1"
    first_row = {panel.cards[k].y() for k in REQUEST_SECTIONS}
    second_row = {panel.cards[k].y() for k in PLAN_SECTIONS}
    assert len(first_row) == 1 and len(second_row) == 1 and second_row != first_row
    assert panel.plans_heading.isVisible() and panel.plans_heading.text() == "Plans in place"
    # Most overdue first; Return on the row opens its case.
    assert cell(panel, REVIEWS_OVERDUE, 0, 0) == "EHC-PLAN-1"
    assert cell(panel, REVIEWS_OVERDUE, 0, ItemModel.WHEN).endswith("days late")
    qtbot.mouseClick(panel.cards[REVIEWS_OVERDUE], Qt.MouseButton.LeftButton)
    table = panel.sections[REVIEWS_OVERDUE].table
    assert table.hasFocus() and table.currentIndex().row() == 0
    with qtbot.waitSignal(panel.open_case, timeout=2000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [late]
