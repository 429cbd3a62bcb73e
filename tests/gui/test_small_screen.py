"""The window on a 1280x720 laptop: it opens within the screen, and every page (My day, Cases, Letters to
send, Phase transfers, Team, and a case record with each of its tabs) gives each visible field, button and
list at least the room it needs, scrolling rather than squashing. CASEWORKER_SCREENSHOTS=1 saves a picture
of each page to docs/screenshots/1280x720/ (otherwise to the test's own folder)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from caseworker.reports.my_day import OVERDUE_STEPS
from tests.gui.builders import WAIT, county_demo, isolate_settings, open_window, wait_idle
from tests.gui.conftest import GUI_TODAY
from tests.gui.sizes import squashed
from ui.context import DesktopContext
from ui.main_window import MainWindow
from ui.panels._record_tables import LEAST_COLUMN, widest_that_fits
from ui.window_size import fits_a_screen, least_size, opening_geometry

LAPTOP = (1280, 720)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "1280x720"


# --- where the window opens ----------------------------------------------------------------------------


def test_the_window_opens_at_its_size_only_where_that_fits() -> None:
    big = QRect(0, 0, 1920, 1040)  # a 1080p screen less its panel
    placed, maximise = opening_geometry(big)
    assert placed.size() == QSize(1400, 850) and placed.center() == big.center() and not maximise
    laptop = QRect(0, 0, 1280, 680)
    placed, maximise = opening_geometry(laptop)
    assert maximise and laptop.contains(placed) and placed.width() <= 1280 - 16
    assert least_size(laptop) == QSize(900, 600)
    assert least_size(QRect(0, 0, 800, 600)).width() < 800  # never wider than a small screen


def test_a_new_window_fits_the_screen_it_opens_on(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    isolate_settings(tmp_path)
    window = MainWindow(desktop)
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()  # the offscreen test screen: 800 px square
    assert available.contains(window.geometry()) and window.isMaximized()  # 1400x850 does not fit there
    assert window.minimumWidth() <= available.width() and window.minimumHeight() <= available.height()
    wait_idle(qtbot, desktop)


def test_a_remembered_size_is_kept_only_if_it_fits(qtbot: QtBot, desktop: DesktopContext, tmp_path: Path) -> None:
    isolate_settings(tmp_path)
    window = MainWindow(desktop)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.setGeometry(10, 40, 790, 640)
    assert fits_a_screen(window)
    window.close()
    again = MainWindow(desktop)
    qtbot.addWidget(again)
    assert again.geometry() == QRect(10, 40, 790, 640) and not again.isMaximized()
    again.setGeometry(5000, 40, 790, 640)  # on a monitor that is no longer there
    assert not fits_a_screen(again)
    wait_idle(qtbot, desktop)


def test_the_widest_columns_give_way_first() -> None:
    assert widest_that_fits([100, 200], 400) == 200  # room for all: nothing cut
    assert widest_that_fits([100, 400, 300], 600) == 250  # 100 + 250 + 250
    assert widest_that_fits([300, 300, 300], 90) == LEAST_COLUMN  # no room at all: the table scrolls sideways


# --- every page at 1280x720 ------------------------------------------------------------------------------


@pytest.fixture
def laptop(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The county demo as its team lead sees the whole team, in a 1280x720 window."""
    ctx, lead = county_demo(tmp_path, GUI_TODAY)
    desktop = DesktopContext(ctx, lead, is_demo=True)
    desktop.set_viewing(None)
    window, failed = open_window(qtbot, desktop, tmp_path / "settings", size=LAPTOP)
    window.setProperty("pictures", str(SCREENSHOTS if os.environ.get("CASEWORKER_SCREENSHOTS") == "1" else tmp_path))
    try:
        yield window
        assert failed.errors == []
    finally:
        desktop.runner.wait()
        ctx.db.dispose()


def show_page(qtbot: QtBot, window: MainWindow, page: QWidget, name: str) -> None:
    window.tabs.setCurrentWidget(page)
    wait_idle(qtbot, window.desktop)
    QApplication.processEvents()
    assert (window.width(), window.height()) == LAPTOP
    picture(window, name)


def picture(window: MainWindow, name: str) -> None:
    out = Path(str(window.property("pictures")))
    out.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out / f"{name}.png"))


def test_every_page_works_at_1280x720(qtbot: QtBot, laptop: MainWindow) -> None:
    window = laptop
    qtbot.waitUntil(lambda: window.my_day.sections[OVERDUE_STEPS].isVisible(), timeout=WAIT)
    show_page(qtbot, window, window.my_day, "my-day")
    assert squashed(window, words=False) == []
    show_page(qtbot, window, window.cases, "cases")
    assert squashed(window, words=False) == []
    queue = window.letters_queue
    qtbot.waitUntil(lambda: queue.has_loaded and not queue.is_loading, timeout=WAIT)  # counted once My day was in
    show_page(qtbot, window, queue, "letters-to-send")
    assert squashed(window, words=False) == []
    table = window.letters_queue.table
    last = table.model().columnCount() - 1
    assert table.horizontalScrollBar().maximum() == 0  # every column in view, To do included
    assert table.columnViewportPosition(last) + 60 <= table.viewport().width()
    assert window.team is not None
    show_page(qtbot, window, window.team, "team")
    assert squashed(window, words=False) == []
    transfers = window.phase_transfers
    show_page(qtbot, window, transfers, "phase-transfers")  # loads when first shown
    assert transfers.has_loaded and transfers.rows() and squashed(window, words=False) == []

    # The case with the most letters waiting: the Letters tab at its fullest.
    busiest = Counter(q.case_id for q in window.letters_queue.rows()).most_common(1)[0][0]
    first = next(q for q in window.letters_queue.rows() if q.case_id == busiest)
    window.open_letter(first)
    panel = window.current_case()
    assert panel is not None
    qtbot.waitUntil(lambda: panel.detail is not None and panel.letters.data is not None, timeout=WAIT)
    wait_idle(qtbot, window.desktop)
    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        wait_idle(qtbot, window.desktop)
        QApplication.processEvents()
        tab = panel.tabs.tabText(index).replace("&", "").split(" (")[0]
        picture(window, f"case-{tab.lower().replace(' ', '-')}")
        assert squashed(window, words=False) == [], tab
    form = panel.letters.form
    assert form.recipient.height() >= form.recipient.minimumSizeHint().height() > 10
    assert form.template.height() >= form.template.minimumSizeHint().height()
