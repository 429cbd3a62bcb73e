"""The Cases list's plans: Next review, Review and Transfer columns, the Review and Transfer cohort filters
(combined with the search and the other filters), and the export carrying the new columns."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.store.models import Case, Child
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from tests.gui.conftest import GUI_TODAY
from tests.gui.test_cases_panel import add, children, choose, open_panel
from ui.context import DesktopContext
from ui.panels.cases import CasesPanel

BORN_YEAR_7_2025 = date(2014, 3, 2)  # Reception September 2018: Year 7 this coming September
BORN_YEAR_7_2026 = date(2015, 1, 10)  # Reception September 2019: Year 7 in September 2026


def add_plan(dc: DesktopContext, forename: str, issued_days_ago: int, born: date, offset: int = 0) -> int:
    reference = f"EHC-P-{forename}"
    with dc.ctx.db.session() as s:
        write_cases(s, [CaseRecord(reference=reference, forename=forename, surname="Plan", date_of_birth=born,
                                   final_issued=GUI_TODAY - timedelta(days=issued_days_ago), caseworker="jsmith")],
                    actor_id=None, today=GUI_TODAY)
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        child = s.get(Child, case.child_id)
        assert child is not None
        child.year_group_offset = offset
        return case.id


@pytest.fixture
def plans(desktop: DesktopContext) -> None:
    """Three plans (review overdue, due within 8 weeks, not due; one child a year behind) and a request."""
    add_plan(desktop, "Ava", 400, BORN_YEAR_7_2025)
    add_plan(desktop, "Ben", 330, BORN_YEAR_7_2026)
    add_plan(desktop, "Cara", 100, BORN_YEAR_7_2025, offset=1)  # taught a year behind: moves in 2026
    add(desktop, "Dan", "Request", GUI_TODAY - timedelta(days=5))


def cell(panel: CasesPanel, child: str, column: str) -> str:
    row = next(i for i, r in enumerate(panel.shown_rows()) if r.child == child)
    return str(panel.model.index(row, panel.column_of(column)).data())


def choose_cohort(panel: CasesPanel, year: int) -> None:
    index = panel.transfer.findData(year)
    assert index >= 0, f"September {year} is not offered"
    panel.transfer.setCurrentIndex(index)


def firsts(panel: CasesPanel) -> list[str]:
    return sorted(name.split()[0] for name in children(panel))


def test_each_plan_shows_its_review_and_transfer(qtbot: QtBot, desktop: DesktopContext, plans: None) -> None:
    panel = open_panel(qtbot, desktop)
    assert cell(panel, "Ava Plan", "Review") == "Overdue"
    assert cell(panel, "Ben Plan", "Review") == "Due within 8 weeks"
    assert cell(panel, "Cara Plan", "Review") == "Not due"
    assert cell(panel, "Dan Request", "Review") == "" and cell(panel, "Dan Request", "Transfer") == ""
    ava = next(r for r in panel.shown_rows() if r.child == "Ava Plan")
    assert ava.next_review is not None and ava.next_review < GUI_TODAY
    assert cell(panel, "Ava Plan", "Next review") == f"{ava.next_review.day} {ava.next_review:%b %Y}"
    row = next(i for i, r in enumerate(panel.shown_rows()) if r.child == "Ava Plan")
    icon = panel.model.index(row, panel.column_of("Review")).data(Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()  # the status icon beside the words, as Status has
    assert cell(panel, "Ava Plan", "Transfer") == "Sep 2025 to secondary"
    assert cell(panel, "Ben Plan", "Transfer") == "Sep 2026 to secondary"
    assert cell(panel, "Cara Plan", "Transfer") == "Sep 2026 to secondary"
    panel.sort_by("Review")  # worst first
    assert [r.child.split()[0] for r in panel.shown_rows()] == ["Ava", "Ben", "Cara", "Dan"]


def test_review_and_cohort_filters_combine_with_the_others(qtbot: QtBot, desktop: DesktopContext,
                                                           plans: None) -> None:
    panel = open_panel(qtbot, desktop)
    assert [panel.transfer.itemText(i) for i in range(panel.transfer.count())] == [
        "Any transfer", "September 2025", "September 2026", "September 2027", "September 2028"]
    assert [panel.review.itemText(i) for i in range(panel.review.count())] == [
        "Any review", "Overdue", "Due within 8 weeks", "Not due"]
    choose(panel, "review", "overdue")
    assert firsts(panel) == ["Ava"] and panel.count.text() == "Showing 1 of 4 cases"
    assert not panel.review.itemIcon(panel.review.currentIndex()).isNull()
    choose(panel, "review", "")
    choose_cohort(panel, 2026)
    assert firsts(panel) == ["Ben", "Cara"]  # Cara's year-group offset puts her with Ben, not Ava
    choose(panel, "review", "due_soon")
    assert firsts(panel) == ["Ben"]
    choose(panel, "review", "")
    panel.search.setText("cara")
    assert firsts(panel) == ["Cara"]
    choose(panel, "stage", "plan")
    assert firsts(panel) == ["Cara"]
    choose_cohort(panel, 2025)
    assert firsts(panel) == []
    panel.clear_filters()
    assert panel.review.currentIndex() == 0 and panel.transfer.currentIndex() == 0 and len(firsts(panel)) == 4


def test_the_export_carries_the_plan_columns(qtbot: QtBot, desktop: DesktopContext, plans: None,
                                             tmp_path: Path) -> None:
    panel = open_panel(qtbot, desktop)
    choose_cohort(panel, 2026)
    panel.sort_by("Child")
    with qtbot.waitSignal(panel.exported, timeout=20000):
        panel.export_to(tmp_path / "cohort.csv")
    with (tmp_path / "cohort.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [(r["Child"], r["Review"], r["Transfer"]) for r in table] == [
        ("Ben Plan", "Due within 8 weeks", "Sep 2026 to secondary"), ("Cara Plan", "Not due", "Sep 2026 to secondary")]
    ben = next(r for r in panel.shown_rows() if r.child == "Ben Plan")
    assert ben.next_review is not None and table[0]["Next review"] == f"{ben.next_review:%d/%m/%Y}"
