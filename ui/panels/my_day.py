"""My day: the page a caseworker opens every morning.

What is overdue, due this week, late (EP and health advice each on their own), at risk or waiting,
most urgent first. Loads on the task runner; the UI thread only resets each section's model. A team
lead (or admin) also sees the cases nobody holds, and allocates them from here.
"""

from __future__ import annotations

import html
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caseworker.reports.my_day import FOLLOW_UPS, PLAN_SECTIONS, REQUEST_SECTIONS, SECTION_ORDER
from caseworker.vocabulary import full_date
from ui.banner import plain_reason
from ui.context import DesktopContext
from ui.panels._allocating import allocate_cases
from ui.panels._my_day_follow_ups import offer_follow_up_done
from ui.panels._my_day_parts import UNALLOCATED, MyDayLoad, Section, SummaryCard, load
from ui.panels._my_day_unallocated import UnallocatedSection
from ui.panels._reload import ReloadingPanel
from ui.tasks import alive

if TYPE_CHECKING:
    from ui.dialogs.reallocate import ReallocateDialog  # imported when a lead first allocates

EMPTY_TEXT = "Nothing overdue or due this week."
EMPTY_MORE = "New work appears here as deadlines come near. Enjoy the quiet while it lasts."


class MyDayPanel(ReloadingPanel):
    open_case = Signal(int)
    loaded = Signal()  # the sections show the newest data (tests and the status bar listen)

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None, *, load_now: bool = True) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self._names: dict[str, str] = {}  # shared with the sections' caseworker column
        self.allocation_dialog: ReallocateDialog | None = None
        self._last: MyDayLoad | None = None  # the newest load delivered
        self._changed_cases: set[int] | None = set()  # changed since the last load began (None: many, unknown)
        self.setAccessibleName("My day")

        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleName("My day heading")
        self.whose = QLabel(self)
        self.whose.setAccessibleName("Whose work")
        self.busy = QLabel("Loading…", self)
        self.busy.setAccessibleName("Loading")
        self.busy.setStyleSheet("color: palette(mid); font-style: italic;")
        self.busy.hide()
        self.note = QLabel(self)  # why Allocate… opened nothing
        self.note.setAccessibleName("Allocation")
        self.note.setWordWrap(True)
        self.note.hide()
        self.reload = QPushButton("&Refresh", self)
        self.reload.setAccessibleName("Refresh My day")
        self.reload.clicked.connect(self.refresh)

        self.cards = {s: SummaryCard(s, self) for s in (*SECTION_ORDER, UNALLOCATED)}
        self.cards[UNALLOCATED].hide()  # a team lead's
        for card in self.cards.values():
            card.chosen.connect(self.show_section)
        self.summary = QWidget(self)
        self.summary.setAccessibleName("Summary")
        rows = QVBoxLayout(self.summary)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        # Two rows of tiles: today's request work, then the plans in place (one row would not fit 1280 wide).
        requests = QHBoxLayout()
        for key in (*REQUEST_SECTIONS, UNALLOCATED):
            requests.addWidget(self.cards[key], 1)
        self.plans_heading = QLabel("Plans in place", self.summary)
        self.plans_heading.setAccessibleName("Plans in place")
        bold = self.plans_heading.font()
        bold.setBold(True)
        self.plans_heading.setFont(bold)
        plans = QHBoxLayout()
        plans.addWidget(self.plans_heading, 0)
        for key in PLAN_SECTIONS:
            plans.addWidget(self.cards[key], 1)
        rows.addLayout(requests)
        rows.addLayout(plans)

        content = QWidget()
        content.setAccessibleName("My day sections")
        self.empty = QLabel("Loading your work…", content)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("Status message")
        self.empty.setMinimumHeight(160)
        self.sections = {s: Section(s, self._names, content) for s in SECTION_ORDER}
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(14)
        column.addWidget(self.empty)
        for section in self.sections.values():
            section.hide()
            section.table.open_case.connect(self.open_case)
            section.allocate_wanted.connect(self.allocate)
            column.addWidget(section)
        self.unallocated = UnallocatedSection(content)
        self.unallocated.table.open_case.connect(self.open_case)
        self.unallocated.allocate_wanted.connect(self.allocate)
        column.addWidget(self.unallocated)
        self.follow_up_done = offer_follow_up_done(desktop, self.sections[FOLLOW_UPS])
        column.addStretch(1)
        self.page = QScrollArea(self)
        self.page.setWidgetResizable(True)
        self.page.setFrameShape(QFrame.Shape.NoFrame)
        self.page.setWidget(content)
        self.page.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.heading)
        titles.addWidget(self.whose)
        top.addLayout(titles, 1)
        top.addWidget(self.note, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.reload, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addSpacing(4)
        layout.addWidget(self.page, 1)

        tiles = [self.cards[k] for k in (*REQUEST_SECTIONS, UNALLOCATED, *PLAN_SECTIONS)]
        order: list[QWidget] = [self.reload, *tiles, *(s.table for s in self.sections.values()),
                                self.unallocated.allocate_button, self.unallocated.table]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)

        self._show_heading()
        desktop.data_changed.connect(self._changed)
        desktop.viewing_changed.connect(self._viewing_changed)
        desktop.actor_changed.connect(self._viewing_changed)
        if load_now:  # the main window starts the load itself, once it has painted
            self.refresh()

    # --- loading -----------------------------------------------------------------------------------
    def _start_load(self) -> None:
        ctx, today, viewing = self.desktop.ctx, self.desktop.today(), self.desktop.viewing
        leads = self.shows_unallocated()
        changed, self._changed_cases = self._changed_cases, set()
        last = self._last
        # A few cases changed (a live update names each): read only those again, into the last load, when
        # it shows the same person's work on the same day. Anything else, or Refresh, reads everything.
        if not changed or last is None or last.viewing != viewing or last.day.today != today \
                or (last.unallocated is not None) != leads:
            changed, last = None, None
        self.desktop.runner.run(lambda: load(ctx, today, viewing, leads, changed, last), self._loaded,
                                self._failed, owner=self, latest="my day")

    def _changed(self, case_id: int = 0) -> None:
        if case_id and self._changed_cases is not None:
            self._changed_cases.add(case_id)
        else:
            self._changed_cases = None
        super()._changed(case_id)

    def shows_unallocated(self) -> bool:
        """The cases nobody holds are a team lead's (or admin's) to allocate: shown on their own My day
        and the whole team's, not when they look at one caseworker's."""
        actor, viewing = self.desktop.actor, self.desktop.viewing
        return actor.can_reallocate and viewing in (None, actor.username)

    def _viewing_changed(self) -> None:
        self._show_heading()
        self._changed()

    def _loaded(self, result: MyDayLoad) -> None:
        self._last = result  # the next load of a few cases builds on it, even when it is not shown
        if not self._finished():
            return  # newer work is on its way
        self._names.clear()
        self._names.update(result.names)
        day = result.day
        team = result.viewing is None
        lead = self.desktop.actor.can_reallocate
        for key in SECTION_ORDER:
            items = day.sections.get(key, [])
            self.sections[key].set_items(items, show_caseworker=team)
            self.sections[key].set_allocating(lead)
            self.cards[key].set_count(len(items))
        waiting = result.unallocated or []
        self.unallocated.set_cases(waiting)
        self.cards[UNALLOCATED].set_count(len(waiting))
        self.cards[UNALLOCATED].setVisible(result.unallocated is not None)
        self._has_loaded = True
        self._show_heading(result.total)
        self.empty.setVisible(result.total == 0)
        self.summary.setVisible(result.total > 0)
        self.empty.setText(f"<p style='font-size:16pt'><b>{EMPTY_TEXT}</b></p><p>{EMPTY_MORE}</p>")
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._changed_cases = None  # what changed was not read: the next load reads everything
        self._finished()
        self.empty.setText(f"<p>Could not load My day:</p><p>{html.escape(plain_reason(exc))}</p>")
        self.empty.show()

    def _show_heading(self, total: int | None = None) -> None:
        self.heading.setText(f"My day \u2014 {full_date(self.desktop.today())}")
        viewing = self.desktop.viewing
        if viewing is None:
            who = "Whole team"
        elif viewing == self.desktop.actor.username:
            who = self.desktop.actor.display_name
        else:
            who = self._names.get(viewing, viewing)
        if total is not None:
            who += f" \u00b7 {total:,} thing{'s' if total != 1 else ''} to look at" if total else ""
        self.whose.setText(who)

    # --- moving about ------------------------------------------------------------------------------
    def show_section(self, key: str) -> None:
        """Scroll a section to the top and put the keyboard in its table."""
        section: Section | UnallocatedSection = self.unallocated if key == UNALLOCATED else self.sections[key]
        if not section.isVisible():
            return
        parts: list[QWidget | None] = [*self.sections.values(), self.unallocated, self.page.widget()]
        for part in parts:
            layout = part.layout() if part is not None else None
            if layout is not None:
                layout.activate()  # a load may have just resized the sections: place them now
        self.page.verticalScrollBar().setValue(section.y())
        section.table.enter_from_above()

    def section_rows(self, key: str) -> list[object]:
        return list(self.sections[key].model.rows())

    # --- allocating --------------------------------------------------------------------------------
    def allocate(self, case_id: int) -> None:
        """Allocate a case nobody holds (team leads and admins): the Allocate dialog over My day, which
        reloads once the case has its caseworker."""
        self.note.hide()
        allocate_cases(self.desktop, self, [case_id], self._allocation_opened, self._allocation_refused)

    def _allocation_opened(self, dialog: ReallocateDialog) -> None:
        if self.allocation_dialog is not None and alive(self.allocation_dialog):
            self.allocation_dialog.deleteLater()  # the last one, long closed
        self.allocation_dialog = dialog

    def _allocation_refused(self, words: str) -> None:
        self.note.setText(words)
        self.note.show()
