"""My day's Follow-ups: a note's follow-up is marked done from its row (right-click, the menu key, or
Ctrl+D), through the case-notes service on the task runner; My day then reloads without it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from caseworker.reports.my_day import WorkItem
from caseworker.services.case_notes import follow_up_done
from ui.context import DesktopContext
from ui.panels._my_day_parts import Section

DONE_TEXT = "Mark follow-up &done"


def chosen_item(section: Section) -> WorkItem | None:
    index = section.table.currentIndex()
    return section.model.row(index.row()) if index.isValid() else None


def offer_follow_up_done(desktop: DesktopContext, section: Section) -> QAction:
    """Put "Mark follow-up done" on the section's rows; returns the action (tests trigger it)."""
    action = QAction(DONE_TEXT, section.table)
    action.setShortcut(QKeySequence("Ctrl+D"))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    section.table.addAction(action)
    section.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def done() -> None:
        item = chosen_item(section)
        if item is None or item.note_id is None or not desktop.actor.can_write:
            return
        ctx, actor, note_id, version = desktop.ctx, desktop.actor, item.note_id, item.note_version
        case_id = item.case_id or 0
        # My day reloads on the news; it is news for the other windows too, even once My day has gone.
        desktop.runner.run(lambda: follow_up_done(ctx, actor, note_id, expected_version=version), None,
                           owner=section, write=True, announce=lambda _v: desktop.data_changed.emit(case_id))

    def allow() -> None:
        action.setEnabled(desktop.actor.can_write)

    action.triggered.connect(done)
    desktop.actor_changed.connect(allow)
    allow()
    return action
