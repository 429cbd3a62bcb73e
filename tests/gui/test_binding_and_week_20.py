"""Dates as the law binds them (docs/law.md, which dates bind; when week 20 can no longer be met): a late
"yes" at week 16 and a draft past its latest safe day are later than planned, never overdue; a week 20 the
family's 15 days put out of reach says so, on My day, the case record and the timeline. And the F1 help
explains the latest safe draft day from the table, not from a number typed in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from caseworker.reports.my_day import DRAFT_PAST_SAFE_DAY, DUE_THIS_WEEK, FINAL_WAITING, OVERDUE_STEPS
from caseworker.services import steps
from caseworker.statutory.rules import default_rules
from tests.gui import test_cases_panel as cases
from tests.gui import test_my_day_panel as my_day
from tests.gui.test_case_record import new_case, open_panel, table_texts
from ui.context import DesktopContext
from ui.help_dialogs import rules_html
from ui.panels._my_day_parts import ItemModel

NOTE = 7  # My day's Note column


def late_yes(desktop: DesktopContext) -> int:
    """Received Mon 4 Nov 2024: week 16 was Mon 24 Feb 2025, the yes came Fri 28 Feb; the latest safe draft
    day was Sun 2 Mar (final plan due Mon 24 Mar)."""
    cid = new_case(desktop, date(2024, 11, 4), forename="Yasmin", surname="Late")
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2024, 12, 2))
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, cid, True, date(2025, 2, 28))
    return cid


def out_of_reach(desktop: DesktopContext) -> int:
    """Received Tue 15 Oct 2024: the final plan is due tomorrow, Tue 4 Mar 2025, and no draft has gone. A draft
    served today makes Tue 18 Mar the earliest lawful final day."""
    cid = new_case(desktop, date(2024, 10, 15), forename="Wes", surname="Twenty")
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2024, 11, 20))
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, cid, True, date(2025, 2, 3))
    return cid


def section_cells(panel: my_day.MyDayPanel, section: str) -> list[tuple[str, str, str]]:
    rows = range(panel.sections[section].model.rowCount())
    return [(my_day.cell(panel, section, r, 1), my_day.cell(panel, section, r, ItemModel.WHEN),
             my_day.cell(panel, section, r, NOTE)) for r in rows]


def test_a_late_yes_is_later_than_planned_and_not_overdue(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = late_yes(desktop)
    panel = open_panel(qtbot, desktop, cid)
    rows = {r[0]: r for r in table_texts(panel.deadlines_table)}
    assert rows["Decision to issue"][3:5] == ["28 Feb 2025", "Later than planned"]
    assert rows["Draft (latest safe day)"][3:5] == ["Not yet", "Past the planned day"]
    assert panel.tabs.tabText(panel.tabs.indexOf(panel.deadlines_page)) == "&Deadlines"  # no "(n overdue)"
    assert panel.header.stage.text() == "Drafting the plan (later than planned)"
    assert "Overdue" not in panel.timeline.accessibleDescription()
    assert "Decision to issue: due 24 Feb 2025, done 28 Feb 2025, Later than planned." in (
        panel.timeline.accessibleDescription())

    day = my_day.open_panel(qtbot, desktop)
    assert my_day.items(day, OVERDUE_STEPS) == [] and day.cards[OVERDUE_STEPS].number.text() == "0"
    assert section_cells(day, DRAFT_PAST_SAFE_DAY) == [("Yasmin Late", "1 day past the planned day", "")]
    assert day.sections[DRAFT_PAST_SAFE_DAY].model.headerData(3, Qt.Orientation.Horizontal) == "Safe day"

    listed = cases.open_panel(qtbot, desktop)
    [row] = listed.shown_rows()
    assert row.status != "overdue"


def test_a_late_no_is_still_a_breach(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, date(2024, 11, 4))
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2024, 12, 2))
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, cid, False, date(2025, 2, 28))
    panel = open_panel(qtbot, desktop, cid)
    rows = {r[0]: r for r in table_texts(panel.deadlines_table)}
    assert rows["Decision to issue"][4] == "Done late"


def test_a_week_20_that_cannot_be_met_says_so_instead_of_counting_down(qtbot: QtBot,
                                                                        desktop: DesktopContext) -> None:
    cid = out_of_reach(desktop)
    day = my_day.open_panel(qtbot, desktop)
    [final] = [c for c in section_cells(day, DUE_THIS_WEEK)]
    assert final == ("Wes Twenty", "cannot be met", "earliest lawful final 18 Mar 2025")
    assert "due tomorrow" not in final

    panel = open_panel(qtbot, desktop, cid)
    rows = {r[0]: r for r in table_texts(panel.deadlines_table)}
    assert rows["Final plan"][4] == "Cannot be met: earliest lawful final 18 Mar 2025"
    assert panel.header.values["Final plan"].text() == (
        "Due Tue 4 March 2025 \u2014 cannot be met: earliest lawful final 18 Mar 2025")
    assert panel.header.stage.text() == "Drafting the plan (week 20 cannot be met)"
    assert ("Week 20 cannot be met: the final plan cannot lawfully be issued before Tue 18 March 2025."
            in panel.deadlines_note.text())
    assert "Final plan: due 4 Mar 2025, Cannot be met: earliest lawful final 18 Mar 2025." in (
        panel.timeline.accessibleDescription())


def test_final_plan_waiting_heads_its_date_column_for_what_it_is(qtbot: QtBot, desktop: DesktopContext) -> None:
    cid = new_case(desktop, date(2025, 1, 6), forename="Fay", surname="Waiting")
    steps.record_decision_to_assess(desktop.ctx, desktop.actor, cid, True, date(2025, 1, 20))
    steps.record_decision_to_issue(desktop.ctx, desktop.actor, cid, True, date(2025, 2, 17))
    steps.record_draft_sent(desktop.ctx, desktop.actor, cid, date(2025, 2, 25))
    day = my_day.open_panel(qtbot, desktop)
    model = day.sections[FINAL_WAITING].model
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Earliest final"
    assert my_day.cell(day, FINAL_WAITING, 0, 3) == "Wed 12 Mar 2025"  # served 25 Feb: days 25 Feb to 11 Mar
    assert day.sections[DUE_THIS_WEEK].model.headerData(3, Qt.Orientation.Horizontal) == "Due"


def test_the_help_explains_the_latest_safe_draft_day_from_the_table() -> None:
    rules = default_rules()
    html = rules_html(rules)
    assert ("22 days before: the family's 15 days on the draft plus the consultation allowance (7 days)" in html)
    assert "Not a legal deadline" in html and "Binds only a decision <i>not</i> to issue" in html
    assert "25 days before" in rules_html(replace(rules, consultation_allowance_days=10))
