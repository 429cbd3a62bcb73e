"""My day's pieces: the background load, the work table's columns and words, and the section widgets.

A team lead's My day also lists the cases nobody holds yet ("Cases not allocated"), and any row whose
caseworker is "Unallocated" offers Allocate… (right-click, or the menu key) to a team lead or admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from caseworker.context import AppContext
from caseworker.reports.my_day import (
    ADVICE_DUE_SOON,
    AMENDMENTS_DUE,
    AT_RISK,
    CEASE_WAITING,
    DRAFT_PAST_SAFE_DAY,
    DUE_THIS_WEEK,
    FINAL_WAITING,
    FOLLOW_UPS,
    LATE_EP,
    LATE_HEALTH,
    LATE_OTHER_ADVICE,
    OVERDUE_STEPS,
    REVIEW_DECISIONS,
    REVIEWS_DUE,
    REVIEWS_OVERDUE,
    SECTION_TITLES,
    TRANSFERS_AT_RISK,
    MyDay,
    WorkItem,
)
from caseworker.views.my_day import MyDayPage, load_my_day_page, reload_cases
from caseworker.views.my_day_unallocated import WaitingCase
from caseworker.vocabulary import weekday_date
from ui.panels._allocating import ALLOCATE_TEXT
from ui.panels._cases_table import CaseTable
from ui.status import status_colour, status_icon
from ui.table_model import Column, Index, RowTableModel

UNALLOCATED = "unallocated"  # a team lead's list of cases nobody holds (not one of the report's sections)
SHORT_TITLES = {OVERDUE_STEPS: "Overdue", DUE_THIS_WEEK: "Due this week", LATE_EP: "Late EP advice",
                LATE_HEALTH: "Late health advice", LATE_OTHER_ADVICE: "Other late advice",
                ADVICE_DUE_SOON: "Advice due soon", AT_RISK: "At risk", DRAFT_PAST_SAFE_DAY: "Draft past safe day",
                FINAL_WAITING: "Final plan waiting", FOLLOW_UPS: "Follow-ups", UNALLOCATED: "Not allocated",
                REVIEWS_OVERDUE: "Reviews overdue", REVIEWS_DUE: "Reviews due in 8 weeks",
                REVIEW_DECISIONS: "Review decisions due", AMENDMENTS_DUE: "Amended plans due",
                TRANSFERS_AT_RISK: "Transfers at risk", CEASE_WAITING: "Cease decisions"}
# The status each section wears (icon, colour and the words of its summary); EP and health are loudest.
# The latest safe draft day binds nobody: a draft past it is behind plan (amber), never a breach (red).
SECTION_STATUS = {OVERDUE_STEPS: "overdue", DUE_THIS_WEEK: "due_soon", LATE_EP: "late_advice",
                  LATE_HEALTH: "late_advice", LATE_OTHER_ADVICE: "late_advice", ADVICE_DUE_SOON: "due_soon",
                  AT_RISK: "at_risk", DRAFT_PAST_SAFE_DAY: "at_risk", FINAL_WAITING: "pending",
                  FOLLOW_UPS: "pending", UNALLOCATED: "pending", REVIEWS_OVERDUE: "overdue", REVIEWS_DUE: "due_soon",
                  REVIEW_DECISIONS: "due_soon", AMENDMENTS_DUE: "due_soon", TRANSFERS_AT_RISK: "at_risk",
                  CEASE_WAITING: "pending"}
# Sections whose rows are coloured by their own lateness (overdue once past the due date).
DATED_SECTIONS = frozenset({REVIEW_DECISIONS, AMENDMENTS_DUE, TRANSFERS_AT_RISK})
SECTION_HINTS = {
    LATE_EP: "Educational psychology advice is past its 6-week deadline: chase the EP service today.",
    LATE_HEALTH: "Health advice is past its 6-week deadline: chase the health service (or the DMO/DCO) today.",
    AT_RISK: "The service usually takes longer than the time left before the latest safe day for the draft.",
    FINAL_WAITING: "The family has 15 days to comment on the draft; the final plan cannot be issued before then.",
    DRAFT_PAST_SAFE_DAY: "The latest safe day is the team's own planning date, not a legal deadline: send the draft "
                         "as soon as it can go, so the family's 15 days still end before week 20.",
    FOLLOW_UPS: "Follow-ups set on case notes. Right-click one, or press Ctrl+D, to mark it done.",
    REVIEW_DECISIONS: "The review meeting is held: decide and notify the outcome within 4 weeks of it.",
    AMENDMENTS_DUE: "The final amended plan is due within 7 days, or the family's 15 days to comment have ended.",
    TRANSFERS_AT_RISK: "The plan naming the next school or college is due within 28 days (or late) and not issued.",
    CEASE_WAITING: "A decision to cease is kept until the family's appeal window closes; the date is the first day "
                   "the plan may be ceased.",
}
CARD_TITLES = {**SECTION_TITLES, UNALLOCATED: "Cases not allocated"}
# What each section's date is, where it is not the statutory due date.
DATE_TITLES = {FOLLOW_UPS: ("Follow up", "The day the note said to follow it up"),
               FINAL_WAITING: ("Earliest final", "The earliest day the final plan may lawfully be issued"),
               AT_RISK: ("Safe day", "The latest safe day to send the draft plan"),
               DRAFT_PAST_SAFE_DAY: ("Safe day", "The latest safe day to send the draft plan (the council's own "
                                                 "planning date)"),
               CEASE_WAITING: ("May cease from", "The first day after the appeal window closes")}
DUE_TITLE = ("Due", "The statutory date")
CANNOT_BE_MET = "cannot be met: "  # how reports.my_day.cannot_be_met_note begins (the When column says it)
LOUD = frozenset({LATE_EP, LATE_HEALTH})
MAX_VISIBLE_ROWS = 12  # a longer section scrolls inside its own table


@dataclass(frozen=True)
class MyDayLoad:
    """What one background load hands back: the work, everyone's names and, for a team lead, the cases
    nobody holds (None when the list is not theirs to see); the page as read, for a later load of a few
    changed cases."""

    day: MyDay
    names: dict[str, str]
    viewing: str | None
    unallocated: list[WaitingCase] | None = None
    page: MyDayPage | None = None

    @property
    def total(self) -> int:
        return self.day.total + len(self.unallocated or [])


def load(ctx: AppContext, today: date, viewing: str | None, unallocated: bool = False,
         changed: set[int] | None = None, last: MyDayLoad | None = None) -> MyDayLoad:
    """Runs on the task runner, never on the UI thread; ``unallocated``: list the cases nobody holds too.
    With ``changed`` cases and the ``last`` load (of the same person's work, on the same day, with the same
    lists), only those cases are read again."""
    if changed and last is not None and last.page is not None:
        page = reload_cases(ctx, last.page, today, viewing, changed)
    else:
        page = load_my_day_page(ctx, today, viewing, unallocated)
    return MyDayLoad(page.day, page.names, viewing, page.unallocated, page)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def cannot_be_met(item: WorkItem) -> bool:
    """A final plan whose week 20 the family's 15 days have put out of reach (the note says when it can go)."""
    return item.earliest_lawful_final is not None


def when_words(item: WorkItem) -> str:
    """How far off the due date is, in words: "3 days late", "due today", "due in 2 days"; a week 20
    nobody can keep says so instead of counting down to it."""
    left, late = item.days_left, item.days_late
    if item.section == AT_RISK:  # the date is the latest safe day to send the draft
        if late > 0:
            return f"safe day {_days(late)} ago"
        return "safe day is today" if left == 0 else f"safe day in {_days(left)}"
    if item.section == FOLLOW_UPS:  # the team's own reminder, never "late"
        return "today" if late == 0 else f"since {_days(late)}"
    if item.section == CEASE_WAITING:  # waiting on the family's window, never "late"
        return "may cease now" if left <= 0 else f"may cease in {_days(left)}"
    if item.section == DRAFT_PAST_SAFE_DAY:  # not a legal deadline: behind plan, never "late"
        return f"{_days(late)} past the planned day"
    if late > 0:
        return f"{_days(late)} late"
    if cannot_be_met(item):
        return CANNOT_BE_MET.rstrip(": ")  # the Note column gives the earliest lawful final date
    if item.section == FINAL_WAITING:
        return "can issue today" if left <= 0 else f"can issue in {left} day{'s' if left != 1 else ''}"
    if left == 0:
        return "due today"
    return "due tomorrow" if left == 1 else f"due in {left} days"


WORK_BY_TIP = "The due date is not a working day: have it done by this last working day before it."


def work_by_text(item: WorkItem) -> str:
    """The work-by date, only where it is earlier than the due date (a weekend or bank holiday)."""
    return weekday_date(item.work_by) if item.work_by is not None and item.work_by != item.due else ""


def note_text(item: WorkItem) -> str:
    """The note, less what the When column already says ("cannot be met")."""
    if cannot_be_met(item):  # the When column says "cannot be met" (or how late it already is)
        return item.note.removeprefix(CANNOT_BE_MET)
    return item.note


def item_status(item: WorkItem) -> str:
    if item.section in (AT_RISK, FINAL_WAITING, DRAFT_PAST_SAFE_DAY, FOLLOW_UPS, REVIEWS_OVERDUE, REVIEWS_DUE):
        return SECTION_STATUS[item.section]
    if item.section == CEASE_WAITING:
        return "due_soon" if item.days_left <= 0 else "pending"  # ready to cease: act on it
    if item.section in DATED_SECTIONS:
        return "overdue" if item.days_late > 0 else SECTION_STATUS[item.section]
    if cannot_be_met(item):
        return "overdue"  # certain to be missed: as loud as a breach
    if item.days_late > 0:
        return "late_advice" if item.section in (LATE_EP, LATE_HEALTH, LATE_OTHER_ADVICE) else "overdue"
    return "due_soon"


class ItemModel(RowTableModel[WorkItem]):
    """The work rows, with each row's urgency also in colour (after its words and icon)."""

    WHEN = 5

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == self.WHEN:
            return status_colour(item_status(self.row(index.row())))
        return super().data(index, role)


def work_columns(names: dict[str, str], section: str = OVERDUE_STEPS) -> list[Column[WorkItem]]:
    """One set of columns for every section, so the sections line up down the page; the date column is
    headed for what the section's date is."""
    date_title, date_tip = DATE_TITLES.get(section, DUE_TITLE)
    return [
        Column("Reference", lambda i: i.reference, sort_key=lambda i: i.reference),
        Column("Child", lambda i: i.child, sort_key=lambda i: (i.child.casefold(), i.reference)),
        Column("What", lambda i: i.what, sort_key=lambda i: (i.what, i.days_left, i.reference),
               tooltip=lambda i: i.what),
        Column(date_title, lambda i: weekday_date(i.due), sort_key=lambda i: (i.due, i.reference),
               tooltip=lambda i: date_tip),
        Column("Work by", work_by_text, sort_key=lambda i: (i.work_by or i.due, i.reference),
               tooltip=lambda i: WORK_BY_TIP if work_by_text(i) else ""),
        Column("When", when_words, sort_key=lambda i: (i.days_left, i.reference),
               icon=lambda i: status_icon(item_status(i)), tooltip=lambda i: i.note if cannot_be_met(i) else ""),
        Column("Caseworker", lambda i: names.get(i.caseworker, i.caseworker) if i.caseworker else "Unallocated",
               sort_key=lambda i: (i.caseworker is None, names.get(i.caseworker or "", i.caseworker or "").casefold(),
                                   i.days_left, i.reference)),
        Column("Note", note_text, tooltip=lambda i: i.note),
    ]


WORK_SAMPLES = ("EHC-2025-0001", "Alexandru Dumitrescu", "Health advice (Wye Valley NHS Trust)",
                "Wed 28 Sep 2025", "Wed 28 Sep 2025", "21 days past the planned day", "Agnieszka Zielińska", "")
WORK_BY_COLUMN = 4
CASEWORKER_COLUMN = 6


class SummaryCard(QPushButton):
    """A section's count and name; pressing it jumps to the section."""

    chosen = Signal(str)

    def __init__(self, section: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setObjectName(f"card_{section}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(CARD_TITLES[section])
        self.clicked.connect(self._chosen)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 6)
        box.setSpacing(0)
        self.number = QLabel(self)
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.number.setFont(font)
        self.words = QLabel(SHORT_TITLES[section], self)
        self.words.setWordWrap(True)
        for label in (self.number, self.words):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(self.number)
        box.addWidget(self.words)
        self.set_count(0)  # greyed and disabled, as an empty section is ...
        self.number.setText("\N{EN DASH}")  # ... but a dash, not a false 0, until the first load counts it

    def _chosen(self) -> None:
        self.chosen.emit(self.section)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Return and Enter press a card as Space does (a push button outside a dialog ignores them)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled():
            event.accept()
            self.click()
            return
        super().keyPressEvent(event)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else super().sizeHint()
        return QSize(max(hint.width(), 96), hint.height())

    def set_count(self, n: int) -> None:
        self.number.setText(f"{n:,}")
        self.setEnabled(n > 0)
        status = SECTION_STATUS[self.section]
        colour = status_colour(status).name() if n > 0 else "palette(mid)"
        loud = self.section in LOUD and n > 0
        self.number.setStyleSheet(f"color: {colour};")
        self.setStyleSheet(
            f"QPushButton#{self.objectName()} {{ text-align: left; border: 1px solid palette(mid);"
            f" border-left: 4px solid {colour}; border-radius: 4px; padding: 0;"
            f" background: {'rgba(179, 38, 30, 0.08)' if loud else 'palette(base)'}; }}"
            f" QPushButton#{self.objectName()}:focus {{ border: 2px solid palette(highlight);"
            f" border-left: 4px solid {colour}; }}")
        self.setAccessibleName(f"{CARD_TITLES[self.section]}: {n}" + (". Go to the list" if n else ""))


def section_frame(frame: QFrame, section: str, title: str,
                  loud: bool = False) -> tuple[QVBoxLayout, QHBoxLayout, QLabel]:
    """Dress ``frame`` as one of My day's sections: its status stripe, and a heading row (icon and
    title) the caller may add buttons to before adding it to the returned box."""
    frame.setObjectName(f"section_{section}")
    colour = status_colour(SECTION_STATUS[section]).name()
    frame.setStyleSheet(f"QFrame#{frame.objectName()} {{ border-left: {6 if loud else 3}px solid {colour};"
                        f" background: {'rgba(179, 38, 30, 0.06)' if loud else 'transparent'}; }}")
    box = QVBoxLayout(frame)
    box.setContentsMargins(12, 8, 4, 8)
    box.setSpacing(4)
    head = QHBoxLayout()
    icon = QLabel(frame)
    icon.setPixmap(status_icon(SECTION_STATUS[section], 20).pixmap(20, 20))
    head.addWidget(icon)
    label = QLabel(title, frame)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    head.addWidget(label)
    head.addStretch(1)
    return box, head, label


class Section(QFrame):
    """A titled table of one section's work; ``allocate_wanted`` carries an unallocated row's case."""

    allocate_wanted = Signal(int)

    def __init__(self, section: str, names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        loud = section in LOUD
        box, head, self.title = section_frame(self, section, SECTION_TITLES[section], loud)
        colour = status_colour(SECTION_STATUS[section]).name()
        box.addLayout(head)
        if section in SECTION_HINTS:
            hint = QLabel(SECTION_HINTS[section], self)
            hint.setWordWrap(True)
            if loud:
                hint.setStyleSheet(f"color: {colour}; font-weight: bold;")
            box.addWidget(hint)
        self.model = ItemModel(work_columns(names, section), self)
        self.table = CaseTable(self.model, lambda i: i.case_id, self)
        self.table.setAccessibleName(f"{SECTION_TITLES[section]} list")
        self.table.setAccessibleDescription("Press Enter or double-click to open the case.")
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.fit_columns(WORK_SAMPLES, icon_columns=(ItemModel.WHEN,))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ItemModel.WHEN, Qt.SortOrder.AscendingOrder)  # the urgency order it came in
        box.addWidget(self.table)
        self.allocate_action = QAction(ALLOCATE_TEXT, self.table)
        self.allocate_action.setVisible(False)  # a team lead's (set_allocating)
        self.allocate_action.triggered.connect(self._allocate_current)
        self.table.addAction(self.allocate_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().currentRowChanged.connect(self._allow_allocating)

    def current_item(self) -> WorkItem | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def set_allocating(self, allowed: bool) -> None:
        """Offer Allocate… on unallocated rows (team leads and admins only)."""
        self.allocate_action.setVisible(allowed)
        self._allow_allocating()

    def _allow_allocating(self, *_: object) -> None:
        item = self.current_item()
        self.allocate_action.setEnabled(self.allocate_action.isVisible() and item is not None
                                        and item.case_id is not None and item.caseworker is None)

    def _allocate_current(self) -> None:
        item = self.current_item()
        if self.allocate_action.isEnabled() and item is not None and item.case_id is not None:
            self.allocate_wanted.emit(item.case_id)

    def set_items(self, items: list[WorkItem], show_caseworker: bool) -> None:
        current = self.table.current_case()
        self.model.set_rows(items)
        self.table.setColumnHidden(CASEWORKER_COLUMN, not show_caseworker)
        # Work-by only differs from the due date when that falls on a weekend or bank holiday.
        self.table.setColumnHidden(WORK_BY_COLUMN, not any(work_by_text(i) for i in items))
        n = len(items)
        self.title.setText(f"{SECTION_TITLES[self.section]} ({n:,})")
        self.table.setAccessibleName(f"{SECTION_TITLES[self.section]}: {n} item{'s' if n != 1 else ''}")
        shown = min(n, MAX_VISIBLE_ROWS)
        rows = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + shown * rows
                                  + 2 * self.table.frameWidth())
        widths = sum(self.table.columnWidth(c) for c in range(self.model.columnCount() - 1)
                     if not self.table.isColumnHidden(c))
        self.table.setMinimumWidth(widths + 160 + self.table.verticalScrollBar().sizeHint().width())
        self.table.select_case(current)
        self._allow_allocating()
        self.setVisible(n > 0)
