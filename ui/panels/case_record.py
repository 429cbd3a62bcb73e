"""One case, as a page of the main window: header, the 20-week timeline, the steps, and the detail tabs
(the plan once issued, deadlines, advice, the named setting, contacts, exceptions, history, allocations,
letters).

The panel loads ``load_case_detail`` on the task runner (never on the UI thread) and reloads when
``data_changed`` names its case (or 0, everything). Each step opens its form (ui.dialogs); the form
saves through the service and announces the change, which brings the panel back here to reload.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.views.case_detail import CaseDetail, load_case_detail
from caseworker.views.caseload import TeamCaseload, load_team_caseload
from caseworker.views.plan_detail import PLAN_STEPS
from ui.banner import plain_reason
from ui.context import DesktopContext
from ui.dialogs.child_edit import EditChildDialog
from ui.dialogs.plan_steps import make_plan_dialog
from ui.dialogs.reallocate import ReallocateDialog
from ui.dialogs.saving import SavingDialog
from ui.dialogs.steps import available_steps, make_step_dialog
from ui.panels._plan_rows import overdue_count
from ui.panels._record_advice import AdviceTab
from ui.panels._record_chronology import ChronologyTab
from ui.panels._record_contacts import ContactsTab
from ui.panels._record_corrections import install_correction_menus
from ui.panels._record_documents import DocumentsTab
from ui.panels._record_header import RecordHeader
from ui.panels._record_notes import NotesTab
from ui.panels._record_plan import PlanTab
from ui.panels._record_setting import SettingTab
from ui.panels._record_tables import (
    ExceptionRow,
    RecordTable,
    allocation_columns,
    deadline_columns,
    deadline_rows,
    exception_columns,
    history_columns,
)
from ui.panels.case_letters import CaseLettersPanel
from ui.status import status_colour
from ui.widgets.scrolling import CurrentPageTabs, scroll_when_short
from ui.widgets.timeline import TimelineWidget
from ui.widgets.wording import long_date

# (step name, button text): the same names the Case menu uses (ui.step_menu).
STEP_BUTTONS: tuple[tuple[str, str], ...] = (
    ("decision_to_assess", "Decision to assess…"),
    ("request_advice", "Request advice…"),
    ("advice_received", "Advice received…"),
    ("decision_to_issue", "Decision to issue…"),
    ("draft_sent", "Draft plan sent…"),
    ("final_plan", "Final plan issued…"),
    ("exception", "Record an exception…"),
    ("withdraw", "Withdraw the request…"),
)
NO_ASSESSMENT = "There is no assessment request on record for this case: it is a plan in place."


class CaseRecordPanel(QWidget):
    title_changed = Signal(str)  # also re-sent after every load, so the Case menu can re-check its steps
    loaded = Signal()

    def __init__(self, desktop: DesktopContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.dialog: SavingDialog | None = None
        self.child_dialog: EditChildDialog | None = None
        self.move_dialog: ReallocateDialog | None = None
        self._title = f"Case {case_id}"
        self.rules = desktop.ctx.engine.rules
        self.setAccessibleName("Case record")
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        self.message = QLabel("Loading the case…", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Case record message")
        layout.addWidget(self.message)
        self.header = RecordHeader(self)
        self.header.hide()
        layout.addWidget(self.header)
        self.no_assessment = QLabel(NO_ASSESSMENT, self)
        self.no_assessment.setWordWrap(True)
        self.no_assessment.hide()
        layout.addWidget(self.no_assessment)
        self.timeline = TimelineWidget(self, rules=self.rules)
        self.timeline.hide()
        layout.addWidget(self.timeline)
        layout.addLayout(self._build_buttons())
        self.tabs = CurrentPageTabs(self)  # scrolls for the Letters tab only, on a short screen
        self.tabs.setAccessibleName("Case details")
        self._build_tabs()
        self.tabs.hide()
        layout.addWidget(self.tabs, 1)
        self.page = scroll_when_short(self, page)  # at 1280x720 the tabs keep the room their fields need
        desktop.data_changed.connect(self._on_data_changed)
        desktop.actor_changed.connect(self._update_buttons)
        desktop.actor_changed.connect(self.setting.update_buttons)

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        self.steps_label = QLabel("Record a step:", self)
        row.addWidget(self.steps_label)
        for name, text in STEP_BUTTONS:
            button = QPushButton(text, self)
            button.setAccessibleName(text.rstrip("…"))
            button.clicked.connect(lambda _=False, n=name: self.run_step(n))
            button.hide()
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        self.edit_child_button = QPushButton("Ed&it child…", self)
        self.edit_child_button.setAccessibleName("Edit the child's details")
        self.edit_child_button.clicked.connect(lambda: self.edit_child())
        self.edit_child_button.hide()
        row.addWidget(self.edit_child_button)
        # A team lead allocates a case nobody holds, or moves one, from the case itself.
        self.move_button = QPushButton("Allocate…", self)
        self.move_button.clicked.connect(lambda: self.move_case())
        self.move_button.hide()
        row.addWidget(self.move_button)
        self.steps_label.hide()
        return row

    def _build_tabs(self) -> None:
        deadlines = QWidget(self)
        box = QVBoxLayout(deadlines)
        self.deadlines_table = RecordTable(deadline_columns(self.rules), "Deadlines", deadlines)
        self.deadlines_note = QLabel(deadlines)
        self.deadlines_note.setWordWrap(True)
        box.addWidget(self.deadlines_table, 1)
        box.addWidget(self.deadlines_note)
        self.deadlines_page = deadlines
        self.advice_tab = AdviceTab(self.rules, self)
        self.advice_tab.step.connect(lambda name, advice_id: self.run_step(name, advice_id or None))
        self.advice_table = self.advice_tab.table
        self.setting = SettingTab(self.desktop, self)
        self.contacts_tab = ContactsTab(self.desktop, self)
        self.contacts_table = self.contacts_tab.table
        self.exceptions_table = RecordTable(exception_columns(self.rules), "Exceptions", self)
        self.history_table = RecordTable(history_columns(), "History, newest first", self)
        self.allocations_table = RecordTable(allocation_columns(), "Allocation history, newest first", self)
        self.plan_tab = PlanTab(self.rules, self)  # first: most of a caseload is plans in place
        self.plan_tab.step.connect(lambda name: self.run_step(name))
        for page, title in ((self.plan_tab, "&Plan"), (deadlines, "&Deadlines"), (self.advice_tab, "&Advice"),
                            (self.setting, "&Setting"), (self.contacts_tab, "C&ontacts"),
                            (self.exceptions_table, "E&xceptions"), (self.history_table, "&History"),
                            (self.allocations_table, "Allocation histor&y")):
            self.tabs.addTab(page, title)
        self.letters = CaseLettersPanel(self.desktop, self.case_id, self)  # loads when first shown
        self.tabs.addTab(self.letters, "&Letters")
        self.letters.add_contact_requested.connect(self._add_contact_from_letters)
        self._add_case_file_tabs()
        self._add_chronology_tab()
        install_correction_menus(self)  # "Correct this step…" / "Undo this step…" on the step tables

    def _add_chronology_tab(self) -> None:
        """Everything that happened on the case in date order, with its export: loads when first shown."""
        self.chronology_tab = ChronologyTab(self.desktop, self.case_id, self)
        self.tabs.addTab(self.chronology_tab, "Chronolo&gy")
        self.chronology_tab.title_changed.connect(
            lambda text: self.tabs.setTabText(self.tabs.indexOf(self.chronology_tab), text))

    def _add_case_file_tabs(self) -> None:
        """The diary and the documents: each loads its own list beside the record's load."""
        self.notes_tab = NotesTab(self.desktop, self.case_id, self)
        self.documents_tab = DocumentsTab(self.desktop, self.case_id, self)
        for page, title in ((self.notes_tab, "&Notes"), (self.documents_tab, "Docu&ments")):
            self.tabs.addTab(page, title)
            page.title_changed.connect(lambda text, p=page: self.tabs.setTabText(self.tabs.indexOf(p), text))

    # --- loading -----------------------------------------------------------------------------------
    def title(self) -> str:
        return self._title

    def refresh(self) -> None:
        """Reload the case off the UI thread; a newer refresh wins over an older one still running."""
        ctx, case_id, today = self.desktop.ctx, self.case_id, self.desktop.today()
        self.desktop.runner.run(lambda: load_case_detail(ctx, case_id, today), self.show_detail, self._load_failed,
                                owner=self, latest="case")
        self.notes_tab.refresh()
        self.documents_tab.refresh()

    def _load_failed(self, exc: BaseException) -> None:
        self.message.setText(f"The case could not be loaded: {plain_reason(exc)}")
        self.message.setStyleSheet(f"color: {status_colour('overdue').name()};")
        self.message.show()

    def _on_data_changed(self, case_id: int) -> None:
        if case_id in (0, self.case_id):
            self.refresh()

    def show_detail(self, detail: CaseDetail) -> None:
        """Fill every part of the record from one loaded case (UI thread; no database work)."""
        self.detail = detail
        today: date = self.desktop.today()
        self.message.hide()
        self.header.set_detail(detail, today, self.rules)
        self.header.show()
        has_clock = detail.deadlines is not None
        self.no_assessment.setVisible(not has_clock and detail.plan is None)  # the Plan tab says it
        self.timeline.set_detail(detail, today)
        self.timeline.setVisible(has_clock)
        d = detail.deadlines
        self.deadlines_table.set_rows(deadline_rows(d))
        self.deadlines_note.setText(self._deadlines_note(detail))
        self.advice_tab.set_rows(detail.advice)
        self.setting.set_detail(detail)
        self.plan_tab.set_plan(detail.plan)
        self.contacts_tab.set_detail(detail)
        self.exceptions_table.set_rows([ExceptionRow(e, d) for e in detail.exceptions])
        self.history_table.set_rows(detail.history)
        self.allocations_table.set_rows(detail.allocations)
        self.notes_tab.case_title = self.documents_tab.case_title = f"{detail.reference} {detail.child}"
        self.documents_tab.set_advice(detail.advice)
        self._title_tabs(detail)
        self.tabs.show()
        self._update_buttons()
        self._title = f"{detail.reference} {detail.child}"
        self.title_changed.emit(self._title)
        self.loaded.emit()

    def _deadlines_note(self, detail: CaseDetail) -> str:
        d = detail.deadlines
        if d is None:
            return ""
        parts = []
        if d.earliest_final is not None and d.served is not None:
            ends = self.desktop.ctx.engine.family_comment_ends(d.served)
            parts.append(f"The family's 15 days on the draft run from {long_date(d.served)} to {long_date(ends)}; "
                         f"the earliest lawful final date is {long_date(d.earliest_final)}.")
        if d.final_cannot_be_met is not None:
            parts.append(f"Week 20 cannot be met: the final plan cannot lawfully be issued before "
                         f"{long_date(d.final_cannot_be_met)}.")
        if any(not m.binding and m.status in ("overdue", "met_late") for m in d.milestones):
            parts.append("A step later than planned is behind the team's plan, not a breach of the law.")
        if any(m.status == "exempt" for m in d.milestones):
            parts.append("An exempt step is not switched off for good: the council must act as soon as practicable.")
        parts.append(f"Dates from the statutory timescales table (version {self.rules.version}); a work-by date is "
                     "the last working day on or before the statutory date. Point at a row for the law.")
        return " ".join(parts)

    def _title_tabs(self, detail: CaseDetail) -> None:
        has_clock = detail.deadlines is not None
        late = sum(1 for a in detail.advice if a.status == "late")
        overdue = sum(1 for m in (detail.deadlines.milestones if detail.deadlines else []) if m.breached)
        waiting = sum(1 for c in detail.consultations if c.replied_on is None)
        late_plan = overdue_count(detail.plan) if detail.plan is not None else 0
        titles: list[tuple[QWidget, str]] = [
            (self.plan_tab, "&Plan" + (f" ({late_plan} overdue)" if late_plan else "")),
            (self.deadlines_page, "&Deadlines" + (f" ({overdue} overdue)" if overdue else "")),
            (self.advice_tab, f"&Advice ({len(detail.advice)}" + (f", {late} late)" if late else ")")),
            (self.setting, "&Setting" + (f" ({waiting} waiting)" if waiting else "")),
            (self.contacts_tab, f"C&ontacts ({sum(1 for c in detail.contacts if c.current)})"),
            (self.exceptions_table, f"E&xceptions ({len(detail.exceptions)})"),
            (self.history_table, f"&History ({len(detail.history)})"),
            (self.allocations_table, f"Allocation histor&y ({len(detail.allocations)})"),
        ]
        for page, title in titles:
            self.tabs.setTabText(self.tabs.indexOf(page), title)
        # The first load picks the tab to open on, unless a tab was chosen already (a letter opens on Letters).
        first_load = self.tabs.isHidden() and self.tabs.currentWidget() is self.plan_tab
        for page in (self.deadlines_page, self.advice_tab, self.exceptions_table):
            self.tabs.setTabVisible(self.tabs.indexOf(page), has_clock)
        self.tabs.setTabVisible(self.tabs.indexOf(self.plan_tab), detail.plan is not None)
        if first_load or not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentWidget(self._first_tab(detail))

    def _first_tab(self, detail: CaseDetail) -> QWidget:
        """The request's deadlines while it is open, else the plan once issued, else what is left."""
        if detail.deadlines is not None and (detail.deadlines.is_open or detail.plan is None):
            return self.deadlines_page
        return self.plan_tab if detail.plan is not None else self.contacts_tab

    # --- steps -------------------------------------------------------------------------------------
    def available_steps(self) -> set[str]:
        """The steps that make sense at the case's current stage (the Case menu enables these)."""
        plan = self.detail.plan if self.detail is not None else None
        return available_steps(self.detail) | (set(plan.steps) if plan is not None else set())

    def _update_buttons(self) -> None:
        steps = self.available_steps()
        writer = self.desktop.actor.can_write
        self.advice_tab.allow(steps, writer)
        self.plan_tab.allow(writer, self.desktop.actor.role)
        for name, button in self.buttons.items():
            button.setVisible(name in steps)
            button.setEnabled(writer)
            button.setToolTip("" if writer else f"Your role ({self.desktop.actor.role.replace('_', ' ')}) "
                                                "cannot change cases")
        self.steps_label.setVisible(bool(steps & set(self.buttons)))
        self.edit_child_button.setVisible(self.detail is not None and self.detail.child_record is not None)
        self.edit_child_button.setEnabled(writer)
        lead = self.desktop.actor.can_reallocate and self.detail is not None
        self.move_button.setVisible(lead)
        self.move_button.setText("Reassign…" if self.detail is not None and self.detail.caseworker else "Allocate…")
        self.move_button.setAccessibleName(self.move_button.text().rstrip("…"))
        self.edit_child_button.setToolTip(
            "Correct or complete the child's names, date of birth, identifiers, needs and school" if writer
            else f"Your role ({self.desktop.actor.role.replace('_', ' ')}) cannot change cases")

    def edit_child(self) -> EditChildDialog | None:
        """Open the Edit child form (window-modal, not blocking); None when the role cannot change cases."""
        if self.detail is None or self.detail.child_record is None or not self.desktop.actor.can_write:
            return None
        if self.child_dialog is not None:
            self.child_dialog.deleteLater()
        self.child_dialog = EditChildDialog(self.desktop, self.detail, self)
        self.child_dialog.open()
        return self.child_dialog

    def move_case(self) -> None:
        """Allocate or reassign this case (team leads and admins), with the team's loads to choose from."""
        if self.detail is None or not self.desktop.actor.can_reallocate:
            return
        ctx, today = self.desktop.ctx, self.desktop.today()
        self.move_button.setEnabled(False)
        self.desktop.runner.run(lambda: load_team_caseload(ctx, today), self._open_move, self._move_failed,
                                owner=self)

    def _open_move(self, team: TeamCaseload) -> None:
        self.move_button.setEnabled(True)
        self.move_dialog = ReallocateDialog(self.desktop, team, [self.case_id], parent=self)
        self.move_dialog.open()

    def _move_failed(self, exc: BaseException) -> None:
        self.move_button.setEnabled(True)
        self.message.setText(f"Could not load the team's caseloads: {exc}")
        self.message.show()

    def _add_contact_from_letters(self) -> None:
        """The Letters tab has no one in the family to write to: add them on the Contacts tab."""
        self.tabs.setCurrentWidget(self.contacts_tab)
        self.contacts_tab.add_contact()

    def run_step(self, name: str, advice_id: int | None = None) -> SavingDialog | None:
        """Open the form for step ``name`` (window-modal, not blocking); returns it, or None if not now."""
        if self.detail is None or name not in self.available_steps() or not self.desktop.actor.can_write:
            return None
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        if self.dialog is not None:
            self.dialog.deleteLater()
        if name in PLAN_STEPS:
            self.dialog = make_plan_dialog(name, self.desktop, self.detail, self)
        else:
            self.dialog = make_step_dialog(name, self.desktop, self.detail, self, advice_id=advice_id)
        self.dialog.open()
        return self.dialog


__all__ = ["STEP_BUTTONS", "CaseRecordPanel"]
