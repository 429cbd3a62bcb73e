"""The Case menu: one action per step of the process, each with a keyboard shortcut."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

# (step name the case record understands, menu text, shortcut)
STEPS: tuple[tuple[str, str, str], ...] = (
    ("decision_to_assess", "Record the decision whether to &assess…", "Ctrl+Shift+A"),
    ("request_advice", "&Request advice…", "Ctrl+Shift+R"),
    ("advice_received", "Record advice recei&ved…", "Ctrl+Shift+V"),
    ("excuse_advice", "Excuse an adviser (reg &8(2))…", "Ctrl+Shift+E"),
    ("decision_to_issue", "Record the decision whether to &issue…", "Ctrl+Shift+I"),
    ("draft_sent", "Record the &draft plan sent…", "Ctrl+Shift+D"),
    ("final_plan", "Record the &final plan issued…", "Ctrl+Shift+F"),
    ("exception", "Record an e&xception…", "Ctrl+Shift+X"),
    ("withdraw", "&Withdraw the request…", "Ctrl+Shift+W"),
    ("correct_step", "C&orrect a step's date…", "Ctrl+Shift+C"),
    ("undo_step", "&Undo a step recorded in error…", "Ctrl+Shift+U"),
)
# A plan in place (or a request whose final plan is issued): its own submenu, so its letters are its own.
PLAN_STEPS: tuple[tuple[str, str, str], ...] = (
    ("review_meeting", "Record the review &meeting…", "Ctrl+Shift+M"),
    ("review_decision", "Record the review &decision…", "Ctrl+Shift+N"),
    ("amendment_notice", "Send &proposed amendments…", "Ctrl+Shift+P"),
    ("amended_plan", "Final &amended plan issued, or not amended…", ""),
    ("record_transfer", "Record the phase &transfer…", "Ctrl+Shift+T"),
    ("transfer_consultation", "&Consult the next setting…", ""),
    ("transfer_reply", "Record the next setting's &reply…", ""),
    ("transfer_done", "Transfer d&one: the plan names the next setting…", ""),
    ("year_group", "Child's year &group…", ""),
    ("propose_cease", "Propose to c&ease the plan…", ""),
    ("decide_cease", "Decide to cease (the decision &letter)…", ""),
    ("cease_appeal", "Record the famil&y's appeal…", ""),
    ("withdraw_cease", "&Withdraw the proposal to cease…", ""),
    ("cease_plan", "Cease the pla&n…", ""),
    ("correct_plan_date", "Correct a not&ified plan date…", ""),
)


def add_step_actions(parent: QWidget, menu: QMenu, run: Callable[[str], None]) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for name, text, keys in STEPS:
        if name in ("exception", "correct_step"):  # changing the course of a request, or its record, stand apart
            menu.addSeparator()
        action = QAction(text, parent, shortcut=QKeySequence(keys))
        action.triggered.connect(lambda _=False, n=name: run(n))
        menu.addAction(action)
        actions[name] = action
    menu.addSeparator()
    plan_menu = menu.addMenu("&Plan in place")
    for name, text, keys in PLAN_STEPS:
        if name in ("amendment_notice", "record_transfer", "propose_cease", "correct_plan_date"):  # groups
            plan_menu.addSeparator()
        action = QAction(text, parent, shortcut=QKeySequence(keys))
        action.triggered.connect(lambda _=False, n=name: run(n))
        plan_menu.addAction(action)
        actions[name] = action
    return actions
