"""Letters to send: the statutory letters recent steps call for, made and printed in one run.

The list is derived by caseworker.views.letters_queue (a made letter drops off it). A batch is made on
the task runner with a progress dialog whose Cancel (or closing the window) stops it before anything is
logged; then the one combined PDF (each letter whole, in the list's order) goes to the printer or a
file. A refusal, whose reasons the caseworker must write, is made from the case's Letters tab instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import CaseworkerError
from caseworker.letters.errors import SettingsError
from caseworker.progress import Progress
from caseworker.views.letters_queue import ALLOCATE_FIRST, QueuedLetter, letters_to_send, mark_blocked
from caseworker.views.staff import list_staff
from caseworker.vocabulary import spelt_date
from ui.context import DesktopContext
from ui.tasks import alive

if TYPE_CHECKING:
    from caseworker.services.letters import LetterBatch, LetterKit
from ui.panels._record_tables import RecordTable
from ui.panels._reload import ReloadingPanel
from ui.printing import print_pdf, safe_file_name, save_pdf
from ui.status import status_colour, status_icon
from ui.table_model import Column
from ui.tasks import TaskHandle
from ui.widgets.tabs import set_own_tab_text
from ui.widgets.wording import short_date

OPEN_THE_CASE = "Open the case to write the reasons"
OPEN_FOR_MEETING = "Open the case to give the meeting's time and place"


@dataclass(frozen=True, slots=True)
class QueueLoad:
    kit: LetterKit
    items: list[QueuedLetter]
    viewing: str | None
    names: dict[str, str]  # username -> the name the team knows them by


def _days_left(q: QueuedLetter) -> str:
    if q.days_left is None:
        return ""
    if q.days_left < 0:
        return f"{-q.days_left} day{'s' if q.days_left != -1 else ''} late"
    return f"{q.days_left} day{'s' if q.days_left != 1 else ''}"


def queue_columns(titles: dict[str, str], names: dict[str, str]) -> list[Column[QueuedLetter]]:
    def todo(q: QueuedLetter) -> str:
        if q.needs_reasons:
            return OPEN_THE_CASE
        if q.needs_typing:
            return OPEN_FOR_MEETING
        return q.blocked[:1].upper() + q.blocked[1:] if q.blocked else "Ready to make"

    def why_not(q: QueuedLetter) -> str:
        if q.needs_reasons:
            return "This decision must give its reasons: double-click to open the case's Letters tab"
        if q.needs_typing:
            return "The invitation gives the meeting's time and place: double-click to open the case's Letters tab"
        if q.blocked == ALLOCATE_FIRST:
            return "This letter names the family's caseworker: allocate the case (Team tab), then make it"
        if q.blocked:
            return f"The plan does not call for this letter yet: {q.blocked} (double-click to open the case)"
        return "Can be made with the others selected"

    return [
        Column("Case", lambda q: q.reference),
        Column("Child", lambda q: q.child),
        Column("Letter", lambda q: titles.get(q.template_id, q.template_id), tooltip=lambda q: q.template_id),
        Column("Why", lambda q: q.why, tooltip=lambda q: q.why),
        Column("Since", lambda q: short_date(q.since), sort_key=lambda q: q.since),
        Column("Due", lambda q: short_date(q.due) if q.due else "", sort_key=lambda q: q.due or q.since),
        Column("Days left", _days_left, sort_key=lambda q: q.days_left if q.days_left is not None else 10**6,
               icon=lambda q: status_icon("overdue") if q.days_left is not None and q.days_left < 0 else None),
        Column("Caseworker", lambda q: names.get(q.caseworker, q.caseworker)),
        Column("To do", todo, icon=lambda q: status_icon("pending" if q.ready else "at_risk"), tooltip=why_not),
    ]


class LettersQueuePanel(ReloadingPanel):
    open_case = Signal(int)
    open_letter = Signal(object)  # QueuedLetter: open its case on the Letters tab with the letter chosen
    loaded = Signal()
    batch_finished = Signal(object)  # LetterBatch (after printing or saving, if that was asked for)

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.kit: LetterKit | None = None
        self.last_batch: LetterBatch | None = None
        self.progress: QProgressDialog | None = None
        self.making: TaskHandle | None = None  # the batch under way (kept: its Cancel is connected to it)
        self.setAccessibleName("Letters to send")
        self.heading = QLabel("Letters to send", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.whose = QLabel(self)
        self.whose.setAccessibleName("Whose letters")
        self.busy = QLabel("Loading…", self)
        self.busy.setStyleSheet("color: palette(mid); font-style: italic;")
        self.busy.hide()
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Show which letters")
        self.kind.addItem("All letters", None)
        self.kind.currentIndexChanged.connect(self._show_kind)
        self._items: list[QueuedLetter] = []
        self.reload = QPushButton("&Refresh", self)
        self.reload.setAccessibleName("Refresh Letters to send")
        self.reload.clicked.connect(self.refresh)
        self.hint = QLabel("The letters recent steps and the plans' clocks call for that are not made yet. Select "
                           "them and make them in one batch: each is logged, then printed whole, in this order. A "
                           "refusal or a decision to cease needs its reasons, a review invitation the meeting's time "
                           "and place: double-click it to open the case.", self)
        self.hint.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Letters to send message")
        self.table = RecordTable(queue_columns({}, {}), "Letters waiting to be made", self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.doubleClicked.connect(lambda index: self.open_letter.emit(self.table.rows_model.row(index.row())))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.select_ready = QPushButton("Select all rea&dy", self)
        self.select_ready.clicked.connect(self.select_all_ready)
        self.make_print = QPushButton("&Make and print selected…", self)
        self.make_print.clicked.connect(lambda: self.make_selected("print"))
        self.make_save = QPushButton("Make selected and sa&ve as PDF…", self)
        self.make_save.clicked.connect(lambda: self.make_selected("save"))
        for button in (self.select_ready, self.make_print, self.make_save):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
        self._build_result()
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.whose)
        top.addLayout(titles, 1)
        top.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.reload, 0, Qt.AlignmentFlag.AlignTop)
        actions = QHBoxLayout()
        actions.addWidget(self.select_ready)
        actions.addStretch(1)
        actions.addWidget(self.make_save)
        actions.addWidget(self.make_print)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        desktop.data_changed.connect(self._changed)
        desktop.viewing_changed.connect(self._viewing_changed)
        desktop.actor_changed.connect(self._update_buttons)
        self._stale = True  # load when first shown, not while the window opens on My day
        self._update_buttons()

    def _build_result(self) -> None:
        self.result = QFrame(self)
        self.result.setFrameShape(QFrame.Shape.StyledPanel)
        self.result.setAccessibleName("The last batch")
        box = QVBoxLayout(self.result)
        self.result_text = QLabel(self.result)
        self.result_text.setWordWrap(True)
        self.result_text.setTextFormat(Qt.TextFormat.PlainText)
        self.problems = QListWidget(self.result)
        self.problems.setAccessibleName("Letters that could not be made")
        self.problems.setMaximumHeight(self.fontMetrics().height() * 6)
        self.print_again = QPushButton("&Print the batch…", self.result)
        self.print_again.clicked.connect(lambda: self.print_batch())
        self.save_batch_button = QPushButton("&Save batch as PDF…", self.result)
        self.save_batch_button.clicked.connect(lambda: self.save_batch())
        self.mark_sent_button = QPushButton(self.result)
        self.mark_sent_button.clicked.connect(self.mark_batch_sent)
        row = QHBoxLayout()
        row.addWidget(self.result_text, 1)
        row.addWidget(self.print_again)
        row.addWidget(self.save_batch_button)
        row.addWidget(self.mark_sent_button)
        box.addLayout(row)
        box.addWidget(self.problems)
        self.result.hide()

    # --- loading -----------------------------------------------------------------------------------
    def _start_load(self) -> None:
        desktop, today, viewing = self.desktop, self.desktop.today(), self.desktop.viewing
        def load() -> QueueLoad:
            names = {s.username: s.display_name for s in list_staff(desktop.ctx)}
            kit = desktop.letter_kit()
            items = mark_blocked(letters_to_send(desktop.ctx, today, viewing), kit.templates)
            return QueueLoad(kit, items, viewing, names)

        self.desktop.runner.run(load, self._loaded, self._failed, owner=self)

    def _loaded(self, data: QueueLoad) -> None:
        if not self._finished():
            return
        self._has_loaded = True
        self.kit = data.kit
        titles = dict(data.kit.templates.titles())
        self.table.rows_model.columns = queue_columns(titles, data.names)
        self._items = data.items
        self._fill_kinds(titles)
        self.table.setColumnHidden(5, data.viewing is not None and data.viewing == self.desktop.actor.username)
        ready = sum(1 for q in data.items if q.ready)
        who = "Whole team" if data.viewing is None else \
            ("Your cases" if data.viewing == self.desktop.actor.username else
             f"Cases of {data.names.get(data.viewing, data.viewing)}")
        self.whose.setText(f"{who} \u00b7 {len(data.items)} letter{'s' if len(data.items) != 1 else ''} waiting, "
                           f"{ready} ready to make")
        set_own_tab_text(self, f"Letters to send ({len(data.items)})" if data.items else "Letters to send")
        self.message.setText("" if data.items else "Nothing to send: every letter a recent step calls for is made.")
        self.message.setStyleSheet("")
        self.message.setVisible(not data.items)
        self.table.setEnabled(True)
        self._update_buttons()
        self.loaded.emit()

    def _viewing_changed(self) -> None:
        """Someone else's letters: reload even while hidden once the tab shows a count, so the count in
        the tab is never the previous person's."""
        if self.has_loaded:
            self.refresh()
        else:
            self._changed()

    def _fill_kinds(self, titles: dict[str, str]) -> None:
        """One choice per kind of letter waiting, with how many; the choice survives a reload."""
        chosen = self.kind.currentData()
        counts = Counter(q.template_id for q in self._items)
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(f"All letters ({len(self._items)})", None)
        for template_id in sorted(counts, key=lambda t: titles.get(t, t)):
            self.kind.addItem(f"{titles.get(template_id, template_id)} ({counts[template_id]})", template_id)
        self.kind.setCurrentIndex(max(0, self.kind.findData(chosen)))
        self.kind.blockSignals(False)
        self._show_kind()

    def _show_kind(self, *_: object) -> None:
        kind = self.kind.currentData()
        self.table.set_rows([q for q in self._items if kind is None or q.template_id == kind])
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        prefix = "Letters cannot be made yet" if isinstance(exc, SettingsError) else "Could not load the letters"
        detail = str(exc) if isinstance(exc, CaseworkerError) else f"{type(exc).__name__}: {exc}"
        self.message.setText(f"{prefix}: {detail}.")
        self.message.setStyleSheet(f"color: {status_colour('overdue').name()};")
        self.message.show()
        self.table.rows_model.set_rows([])
        self.table.setEnabled(False)
        self.kit = None
        self._update_buttons()
        self.loaded.emit()

    # --- choosing ----------------------------------------------------------------------------------
    def rows(self) -> list[QueuedLetter]:
        return self.table.rows_model.rows()

    def selected(self) -> list[QueuedLetter]:
        """The chosen letters in the list's order (the order they are made and printed in)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.table.rows_model.row(r) for r in rows]

    def select_rows(self, which: list[int]) -> None:
        self.table.clearSelection()
        flag = self.table.selectionModel().SelectionFlag
        for r in which:
            self.table.selectionModel().select(self.table.rows_model.index(r, 0), flag.Select | flag.Rows)

    def select_all_ready(self) -> None:
        self.select_rows([i for i, q in enumerate(self.rows()) if q.ready])

    def _update_buttons(self) -> None:
        writer = self.desktop.actor.can_write
        ready = [q for q in self.selected() if q.ready]
        can = writer and self.kit is not None and bool(ready) and self.progress is None
        why = "" if writer else f"Your role ({self.desktop.actor.role.replace('_', ' ')}) cannot make letters"
        for button, text in ((self.make_print, "&Make and print"), (self.make_save, "Make and sa&ve")):
            button.setEnabled(can)
            button.setToolTip(why)
            button.setText(f"{text} {len(ready)} selected…" if ready else f"{text} selected…")
        self.select_ready.setEnabled(self.kit is not None and any(q.ready for q in self.rows()))

    # --- making ------------------------------------------------------------------------------------
    def make_selected(self, then: str = "print") -> None:
        """Make the selected letters in one batch; ``then`` is "print", "save" or "" (nothing more)."""
        chosen = self.selected()
        items = [q for q in chosen if q.ready]
        skipped = len(chosen) - len(items)
        if not items or self.kit is None or not self.desktop.actor.can_write or self.progress is not None:
            return
        ctx, actor, kit = self.desktop.ctx, self.desktop.actor, self.kit
        self.progress = QProgressDialog(f"Making {len(items)} letters…", "Cancel", 0, len(items), self)
        self.progress.setWindowTitle("Making letters")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(0)
        batch_name = f"queue {actor.username} {datetime.now():%Y-%m-%d %H:%M:%S}"
        requests = [(q.case_id, q.request) for q in items]
        self._update_buttons()

        from caseworker.services.letters import make_letters  # the templates and PDF renderer load here

        def make(progress: Progress) -> LetterBatch:  # a cancel (or closing the window) logs nothing
            return make_letters(ctx, actor, requests, kit, batch=batch_name, progress=progress.step, combine=True)

        self.making = self.desktop.runner.run_with_progress(
            make, lambda made: self._made(made, items, skipped, then), self._make_failed, owner=self,
            on_progress=self._step, write=True)
        self.progress.canceled.connect(self.making.cancel)
        self.progress.canceled.connect(self._cancelling)
        self.progress.show()  # at once: even a short batch shows that something is happening

    def _cancelling(self) -> None:
        if self.progress is not None:
            self.progress.setLabelText("Cancelling…")

    def _step(self, done: int, total: int, _text: str = "") -> None:
        # A modal progress dialog runs the event loop inside setValue, where the batch can finish and close
        # it: hold our own reference and set the label first.
        progress = self.progress
        if progress is not None and alive(progress) and not progress.wasCanceled():
            progress.setLabelText(f"Made {done} of {total} letters…")
            progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.hide()
            self.progress.deleteLater()
        self.progress = None
        self.making = None

    def _made(self, batch: LetterBatch, items: list[QueuedLetter], skipped: int, then: str) -> None:
        self._close_progress()
        self.problems.clear()
        if batch.cancelled:
            self.last_batch = None
            self._show_result("Cancelled: no letters were made and nothing was logged.", [])
            self._update_buttons()
            self.batch_finished.emit(batch)
            return
        self.last_batch = batch
        words = [f"Made and logged {len(batch.made)} letter{'s' if len(batch.made) != 1 else ''}."]
        if batch.problems:
            words.append(f"{len(batch.problems)} could not be made (below); they stay on the list.")
        if skipped:
            words.append(f"{skipped} could not be made from here: a refusal needs its reasons written (open the "
                         "case), and a letter naming the caseworker needs the case allocated first.")
        dated = [m for m in batch.made if m.warning]
        if dated:
            words.append(f"{len(dated)} decision letter{'s are' if len(dated) != 1 else ' is'} dated with the "
                         "notification date on record (below).")
        self._show_result(" ".join(words), [f"{p.reference}: {p.reason.removeprefix(f'case {p.reference}: ')}"
                                            for p in batch.problems] +
                          [f"{m.reference}: {m.warning}" for m in dated])
        if batch.made:
            self.desktop.data_changed.emit(0)  # the list, and any open case's letter log, reload
        if batch.combined and then == "print":
            self.print_batch()
        elif batch.combined and then == "save":
            self.save_batch()
        self.batch_finished.emit(batch)

    def _make_failed(self, exc: BaseException) -> None:
        self._close_progress()
        detail = str(exc) if isinstance(exc, CaseworkerError) else f"{type(exc).__name__}: {exc}"
        self._show_result(f"No letters were made: {detail}.", [])
        self._update_buttons()

    def _show_result(self, text: str, problems: list[str]) -> None:
        self.result_text.setText(text)
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))
        made = len(self.last_batch.made) if self.last_batch else 0
        has_pdf = self.last_batch is not None and self.last_batch.combined is not None
        self.print_again.setVisible(has_pdf)
        self.save_batch_button.setVisible(has_pdf)
        self.mark_sent_button.setText(f"Mark &these {made} letter{'s' if made != 1 else ''} as sent")
        self.mark_sent_button.setVisible(made > 0)
        self.mark_sent_button.setEnabled(made > 0 and self.desktop.actor.can_write)
        self.result.show()

    # --- after the batch ---------------------------------------------------------------------------
    def _batch_title(self) -> str:
        n = len(self.last_batch.made) if self.last_batch else 0
        return f"Letters to send: {n} letter{'s' if n != 1 else ''}, {spelt_date(self.desktop.today())}"

    def print_batch(self) -> bool:
        batch = self.last_batch
        if batch is None or batch.combined is None:
            return False
        printed = print_pdf(self, batch.combined, self._batch_title())
        if printed:
            self.result_text.setText(self.result_text.text() + " Sent to the printer: once posted, mark them sent.")
        return printed

    def save_batch(self) -> None:
        batch = self.last_batch
        if batch is not None and batch.combined is not None:
            save_pdf(self, batch.combined, safe_file_name("letters", f"{self.desktop.today():%Y-%m-%d}",
                                                          f"{len(batch.made)}-letters"))

    def mark_batch_sent(self) -> None:
        batch = self.last_batch
        if batch is None or not batch.made or not self.desktop.actor.can_write:
            return
        desktop, actor, ids = self.desktop, self.desktop.actor, [m.id for m in batch.made]
        self.mark_sent_button.setEnabled(False)
        from caseworker.services.letters import mark_sent

        desktop.runner.run(lambda: mark_sent(desktop.ctx, actor, ids), self._marked, self._make_failed, owner=self,
                           write=True, announce=lambda _n: desktop.data_changed.emit(0))

    def _marked(self, changed: int) -> None:
        self.mark_sent_button.setText(f"Marked {changed} letter{'s' if changed != 1 else ''} as sent")


__all__ = ["OPEN_FOR_MEETING", "OPEN_THE_CASE", "LettersQueuePanel", "QueueLoad", "queue_columns"]
