"""The main window: My day and Cases as fixed tabs, one tab per open case, menus for every step."""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from caseworker.errors import CaseworkerError
from ui.banner import ContactBanner, banner_over
from ui.context import DesktopContext
from ui.step_menu import STEPS, add_step_actions
from ui.widgets.frame_parts import fixed_width, opening_page, place_page
from ui.window_size import fits_a_screen, place_on_screen

if TYPE_CHECKING:
    from caseworker.views.letters_queue import QueuedLetter
    from caseworker.views.staff import StaffView
    from ui.dialogs.council_settings import CouncilSettingsDialog
    from ui.dialogs.new_request import NewRequestDialog
    from ui.live import LiveUpdates
    from ui.panels.case_record import CaseRecordPanel
    from ui.panels.cases import CasesPanel
    from ui.panels.letters_queue import LettersQueuePanel
    from ui.panels.my_day import MyDayPanel

WHOLE_TEAM = "__team__"
CASE_RECORD = "ui.panels.case_record"  # imported with the first case opened, not before the first paint
FIXED_PAGES = ("My day", "Cases", "Letters to send", "Phase transfers")  # the tabs nobody closes, in order
LEAD_PAGES = ("Team", "Staff")  # after them, for team leads and admins


def help_dialogs() -> ModuleType:
    """The Help menu's dialogs, imported when first asked for."""
    return importlib.import_module("ui.help_dialogs")


def as_case_record(page: QWidget | None) -> CaseRecordPanel | None:
    """The page as a case's record, or None (no page can be one before the first case is opened)."""
    module = sys.modules.get(CASE_RECORD)
    return page if module is not None and isinstance(page, module.CaseRecordPanel) else None


class MainWindow(QMainWindow):
    """The window. ``pages_after_paint``: its frame (menus, toolbar, tabs, status bar) is built and painted
    first, with a page saying My day is on its way, and the pages themselves (their modules, the services
    and views they import) are built just after the first paint: the start a person sees is sooner by
    the time those imports take. Otherwise everything is built at once (tests, tools)."""

    my_day_built = Signal()  # My day's page exists now (at once, or just after the first paint)
    pages_built = Signal()  # every page exists now (at once, or just after My day's)
    my_day: MyDayPanel
    cases: CasesPanel
    letters_queue: LettersQueuePanel
    live: LiveUpdates

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None, *,
                 pages_after_paint: bool = False) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.setWindowTitle("Caseworker" + (" (demo)" if desktop.is_demo else ""))
        place_on_screen(self)  # 1400 x 850 where that fits, otherwise maximised on the screen there is
        self._staff: list[StaffView] = []
        self.new_request_dialog: NewRequestDialog | None = None
        desktop.runner.default_error = self.show_error

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(False)
        self.tabs.setAccessibleName("Open pages")
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._update_actions)
        self.banner = ContactBanner(self)  # says when the team database cannot be reached
        self.setCentralWidget(banner_over(self.banner, self.tabs))
        # Each replaced by its page in build_pages; the pages only leads have too, so the tab bar keeps still.
        for title in (*FIXED_PAGES, *(LEAD_PAGES if desktop.can_view_team else ())):
            index = self.tabs.addTab(opening_page(title, self), title)
            self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.reading_started = False
        self.has_my_day = self.has_pages = False

        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        self._restore_layout()
        desktop.actor_changed.connect(self._on_actor_changed)
        # Who is acting, and Me and the whole team, at once; the rest of the staff once their list is read.
        me = desktop.actor
        self.acting_as.addItem(f"{me.display_name} ({me.role.replace('_', ' ')})", me.username)
        self._show_acting_picker()
        self._fill_viewing()
        self._update_actions()
        if not pages_after_paint:
            self.build_pages()

    def build_pages(self) -> None:
        """Every page in place of the frame's opening pages, and the live updates. No page reads anything
        until the window has painted (see start_reading)."""
        self._build_my_day()
        self._build_other_pages()

    def _build_my_day(self) -> None:
        if self.has_my_day:
            return
        from ui.panels.my_day import MyDayPanel

        self.my_day = MyDayPanel(self.desktop, self, load_now=False)
        place_page(self.tabs, self.my_day, FIXED_PAGES[0])
        self.my_day.open_case.connect(self.open_case)
        # Once My day is in: the Cases list, the staff pickers and the count of letters waiting.
        self.my_day.loaded.connect(self._after_my_day_once)
        self.has_my_day = True
        self.my_day_built.emit()

    def _build_other_pages(self) -> None:
        """Cases and Letters to send in their places, then the pages only some people have."""
        if self.has_pages:
            return
        from ui.live import LiveUpdates
        from ui.panels.cases import CasesPanel
        from ui.panels.letters_queue import LettersQueuePanel
        from ui.panels.phase_transfers import attach_phase_transfers_tab
        from ui.panels.staff import attach_staff_tab
        from ui.panels.team_tab import attach_team_tab

        self.cases = CasesPanel(self.desktop, self, load_now=False)
        self.letters_queue = LettersQueuePanel(self.desktop, self)
        place_page(self.tabs, self.cases, FIXED_PAGES[1])
        place_page(self.tabs, self.letters_queue, FIXED_PAGES[2])
        self.cases.open_case.connect(self.open_case)
        self.letters_queue.open_letter.connect(self.open_letter)
        self.phase_transfers = attach_phase_transfers_tab(self)  # for everyone, loaded when first shown
        self.team = attach_team_tab(self)  # team leads and admins only
        self.staff_page = attach_staff_tab(self)  # team leads and admins only
        self.live = LiveUpdates(self.desktop, self)  # others' changes, and lost contact (PostgreSQL only)
        self.live.lost.connect(self.banner.show_lost)
        self.live.back.connect(self.banner.show_back)
        self.banner.try_now.connect(self.live.retry_now)
        self.has_pages = True
        self._update_actions()
        self.pages_built.emit()

    # --- the first reads, in the order a person needs them ------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.reading_started:
            QTimer.singleShot(0, self.start_reading)  # once this paint pass is done

    def start_reading(self) -> None:
        """Start the window's first reads, once it is on screen: My day first (where the day starts), the
        page a remembered layout opened on alongside; the Cases list and the staff after My day is shown
        (_after_my_day_once), so nothing unseen competes with it. Opening Cases sooner loads it then.
        Pages left until now are built here, My day's first and its read started before the others
        are built, so that its time in the database overlaps their building."""
        if self.reading_started:
            return
        self.reading_started = True
        self._build_my_day()
        self.my_day.refresh()
        if self.has_pages:
            self._start_other_reads()
        else:
            QTimer.singleShot(0, self._start_other_reads)

    def _start_other_reads(self) -> None:
        self._build_other_pages()
        self.cases.load_when_shown()
        self.live.start()  # its own connection, on its own thread

    def _after_my_day_once(self) -> None:
        self.my_day.loaded.disconnect(self._after_my_day_once)
        QTimer.singleShot(0, self._after_my_day_shown)  # once My day's rows are painted, not before

    def _after_my_day_shown(self) -> None:
        if not self.isVisible():
            return  # closed in the moment since: nothing more to read
        self._build_other_pages()  # already, unless My day came in first
        # The Cases list now rather than on first opening it: 28,000 rows take seconds to read, and a
        # caseworker clicking Cases expects the list there, as it is on every later visit.
        if not self.cases.is_loading and not self.cases.has_loaded:
            self.cases.refresh()
        self._load_staff()
        self._count_letters_once()
        self._warm_case_record()

    # --- building ----------------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.new_request_action = QAction("&New request…", self, shortcut=QKeySequence(QKeySequence.StandardKey.New))
        keys = self.new_request_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.new_request_action.setToolTip(f"Register a new request for an EHC needs assessment ({keys})")
        self.new_request_action.triggered.connect(lambda _=False: self.new_request())
        bar.addAction(self.new_request_action)
        bar.addSeparator()
        self.acting_as = QComboBox(self)
        self.acting_as.setAccessibleName("Acting as")
        self.acting_as.setToolTip("Demo only: choose which member of the team you are")
        self.acting_as.activated.connect(self._choose_actor)
        fixed_width(self.acting_as)
        self.viewing = QComboBox(self)
        self.viewing.setAccessibleName("Show work for")
        self.viewing.activated.connect(self._choose_viewing)
        fixed_width(self.viewing)
        self._acting_label = QLabel(" You are: ", self)
        self._acting_action = bar.addWidget(self._acting_label)
        self._acting_combo_action = bar.addWidget(self.acting_as)
        bar.addWidget(QLabel("  Show work for: ", self))
        bar.addWidget(self.viewing)
        bar.addSeparator()
        self.refresh_action = QAction("Refresh", self, shortcut=QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setShortcuts([QKeySequence(Qt.Key.Key_F5), QKeySequence("Ctrl+R")])
        self.refresh_action.triggered.connect(self.refresh_all)
        bar.addAction(self.refresh_action)
        self.today_label = QLabel(self)
        bar.addWidget(self.today_label)
        self._show_today()

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.new_request_action)
        # The council's letterhead, contacts and appeal paragraphs for the whole team: admins only.
        self.council_settings_action = QAction("Council &settings…", self)
        self.council_settings_action.triggered.connect(lambda _=False: self.open_council_settings())
        file_menu.addAction(self.council_settings_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")])
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = menu.addMenu("&View")
        self.show_my_day = QAction("&My day", self, shortcut=QKeySequence("Ctrl+1"))
        self.show_my_day.triggered.connect(lambda: self.tabs.setCurrentIndex(0))  # the fixed pages' places
        self.show_cases = QAction("&Cases", self, shortcut=QKeySequence("Ctrl+2"))
        self.show_cases.triggered.connect(lambda: self.tabs.setCurrentIndex(1))
        self.show_letters = QAction("Letters to &send", self, shortcut=QKeySequence("Ctrl+3"))
        self.show_letters.triggered.connect(lambda: self.tabs.setCurrentIndex(2))
        self.find_action = QAction("&Find a case…", self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self.find_case)
        self.close_case = QAction("C&lose case", self)
        self.close_case.setShortcuts(QKeySequence.StandardKey.Close)  # every binding: Ctrl+W as well as Ctrl+F4
        self.close_case.triggered.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        for action in (self.show_my_day, self.show_cases, self.show_letters, self.find_action, self.refresh_action,
                       self.close_case):
            view.addAction(action)

        case_menu = menu.addMenu("&Case")
        self.step_actions = add_step_actions(self, case_menu, self.run_step)

        help_menu = menu.addMenu("&Help")
        rules = QAction("The statutory &timescales…", self,
                        shortcut=QKeySequence(QKeySequence.StandardKey.HelpContents))
        rules.triggered.connect(lambda: help_dialogs().show_rules(self, self.desktop.ctx.engine.rules))
        about = QAction("&About Caseworker", self)
        about.triggered.connect(lambda: help_dialogs().show_about(self, self.desktop))
        help_menu.addAction(rules)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        bar.addPermanentWidget(self.busy)
        self.who = QLabel(self)
        bar.addPermanentWidget(self.who)
        self.desktop.runner.busy_changed.connect(self.busy.setVisible)
        self._show_who()

    # --- staff pickers -----------------------------------------------------------------------------
    def _load_staff(self) -> None:
        from caseworker.views.staff import list_staff

        ctx = self.desktop.ctx
        self.desktop.runner.run(lambda: list_staff(ctx), self._fill_staff, owner=self)

    def _fill_staff(self, staff: list[StaffView]) -> None:
        self._staff = staff
        self.acting_as.clear()
        for s in staff:
            self.acting_as.addItem(f"{s.display_name} ({s.role.replace('_', ' ')})", s.username)
        self.acting_as.setCurrentIndex(max(0, self.acting_as.findData(self.desktop.actor.username)))
        self._show_acting_picker()
        self._fill_viewing()

    def _show_acting_picker(self) -> None:
        """"You are" is a choice on a personal demo file only; decided at once, so the toolbar keeps still."""
        demo = self.desktop.may_choose_actor
        self._acting_action.setVisible(demo)
        self._acting_combo_action.setVisible(demo)

    def _fill_viewing(self) -> None:
        self.viewing.clear()
        me = self.desktop.actor
        self.viewing.addItem(f"Me ({me.display_name})", me.username)
        if self.desktop.can_view_team:
            self.viewing.addItem("Whole team", WHOLE_TEAM)
            for s in self._staff:
                if s.username != me.username and s.role in ("caseworker", "team_lead"):
                    self.viewing.addItem(s.display_name, s.username)
        self.viewing.setEnabled(self.viewing.count() > 1)
        current = self.desktop.viewing or WHOLE_TEAM
        self.viewing.setCurrentIndex(max(0, self.viewing.findData(current)))

    def _choose_actor(self, index: int) -> None:
        username = self.acting_as.itemData(index)
        chosen = next((s for s in self._staff if s.username == username), None)
        if chosen is not None and chosen.username != self.desktop.actor.username:
            self.desktop.set_actor(chosen.as_actor())

    def _choose_viewing(self, index: int) -> None:
        data = self.viewing.itemData(index)
        self.desktop.set_viewing(None if data == WHOLE_TEAM else str(data))

    def _on_actor_changed(self) -> None:
        self._fill_viewing()
        self._show_who()
        self._update_actions()

    def _show_who(self) -> None:
        a = self.desktop.actor
        db = self.desktop.ctx.db
        where = "Demo database" if self.desktop.is_demo else db.short_name()
        self.who.setText(f"{a.display_name} ({a.role.replace('_', ' ')})  ·  {where}")
        self.who.setToolTip(db.describe())

    def _show_today(self) -> None:
        today = self.desktop.today()
        self.today_label.setText(f"   Today: {today:%A} {today.day} {today:%B %Y}")

    def refresh_all(self) -> None:
        """Reload every page (and the date: the app may have been open since yesterday)."""
        self._show_today()
        self.desktop.data_changed.emit(0)

    # --- cases -------------------------------------------------------------------------------------
    def open_case(self, case_id: int) -> None:
        for i in range(self.tabs.count()):
            page = as_case_record(self.tabs.widget(i))
            if page is not None and page.case_id == case_id:
                self.tabs.setCurrentIndex(i)
                return
        from ui.panels.case_record import CaseRecordPanel

        panel = CaseRecordPanel(self.desktop, case_id, self)
        index = self.tabs.addTab(panel, panel.title())
        panel.title_changed.connect(lambda text, p=panel: self._retitle(p, text))
        self.tabs.setCurrentIndex(index)
        panel.refresh()

    def _count_letters_once(self) -> None:
        """Count the letters waiting, so the tab says how many before anyone opens it."""
        if not self.letters_queue.is_loading and not self.letters_queue.has_loaded:
            self.letters_queue.refresh()

    def _warm_case_record(self) -> None:
        # The case record's code, imported off the UI thread once My day is on screen, so the first case
        # opened does not pay for it (it is left out of start-up to paint sooner).
        threading.Thread(target=importlib.import_module, args=(CASE_RECORD,), name="warm-case-record",
                         daemon=True).start()

    def open_letter(self, item: QueuedLetter) -> None:
        """Open a waiting letter's case on its Letters tab, with that letter chosen in the form."""
        self.open_case(item.case_id)
        panel = self.current_case()
        if panel is not None:
            panel.tabs.setCurrentWidget(panel.letters)
            panel.letters.prefill(item.request)

    def _retitle(self, panel: QWidget, text: str) -> None:
        index = self.tabs.indexOf(panel)
        if index >= 0:
            self.tabs.setTabText(index, text)
            self._update_actions()

    def close_tab(self, index: int) -> None:
        page = as_case_record(self.tabs.widget(index))
        if page is not None:
            self.tabs.removeTab(index)
            page.deleteLater()

    def current_case(self) -> CaseRecordPanel | None:
        return as_case_record(self.tabs.currentWidget())

    def new_request(self) -> NewRequestDialog | None:
        """Open the New request form (window-modal, not blocking); a saved request opens as a tab."""
        if not self.desktop.actor.can_write:
            return None
        if self.new_request_dialog is not None and self.new_request_dialog.isVisible():
            self.new_request_dialog.raise_()
            return self.new_request_dialog
        if self.new_request_dialog is not None:
            self.new_request_dialog.deleteLater()
        from ui.dialogs.new_request import NewRequestDialog  # loaded when first asked for

        self.new_request_dialog = NewRequestDialog(self.desktop, self, staff=self._staff or None)
        self.new_request_dialog.registered.connect(self.open_case)
        self.new_request_dialog.open_existing.connect(self.open_case)  # the child was already on record
        self.new_request_dialog.open()
        return self.new_request_dialog

    def open_council_settings(self) -> CouncilSettingsDialog | None:
        """The Council settings dialog (window-modal), for an admin; None for anyone else."""
        if self.desktop.actor.role != "admin":
            return None
        from ui.dialogs.council_settings import CouncilSettingsDialog  # an admin's occasional errand: not at start

        dialog = CouncilSettingsDialog(self.desktop, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda version: self.statusBar().showMessage(
            f"Council settings saved (version {version}): every desktop's letters use them now", 8000))
        dialog.open()
        return dialog

    def find_case(self) -> None:
        if not self.has_pages:
            return
        self.tabs.setCurrentWidget(self.cases)
        self.cases.focus_search()

    def run_step(self, name: str) -> None:
        panel = self.current_case()
        if panel is not None:
            panel.run_step(name)

    def _update_actions(self, *_: object) -> None:
        if not hasattr(self, "step_actions"):
            return  # the tab bar reports its first page before the menus exist
        panel = self.current_case()
        available = panel.available_steps() if panel is not None else set()
        writer = self.desktop.actor.can_write
        for name, action in self.step_actions.items():
            action.setEnabled(writer and name in available)
        self.close_case.setEnabled(panel is not None)
        self.new_request_action.setEnabled(writer)
        self.council_settings_action.setVisible(self.desktop.actor.role == "admin")

    # --- errors and layout -------------------------------------------------------------------------
    def show_error(self, exc: BaseException) -> None:
        from caseworker.services.live_updates import is_lost_contact  # loaded with the pages

        if is_lost_contact(exc) and self.has_pages:
            self.live.lost_contact()  # the banner says so; the work is retried once back
            return
        if isinstance(exc, CaseworkerError):
            QMessageBox.warning(self, "Caseworker", str(exc))
            return
        QMessageBox.critical(self, "Something went wrong",
                             f"{type(exc).__name__}: {exc}\n\nNothing was saved by the step that failed.")

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry) and not fits_a_screen(self):
            place_on_screen(self)  # remembered from a bigger screen: start afresh on this one
        state = settings.value("main_window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        tab = settings.value("main_window/tab", 0)
        self.tabs.setCurrentIndex(int(tab) if isinstance(tab, int | str) and str(tab).isdigit() else 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        settings.setValue("main_window/tab", min(self.tabs.currentIndex(), 1))
        if self.has_pages:
            self.live.stop()
        super().closeEvent(event)


__all__ = ["STEPS", "MainWindow"]
