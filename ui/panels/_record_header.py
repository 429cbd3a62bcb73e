"""The top of a case record: who the child is, who holds the case, and where the request stands."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caseworker.statutory.rules import Rules
from caseworker.views.case_detail import CaseDetail
from ui.status import status_icon
from ui.widgets.wording import long_date, short_date, stage_words, week_text

NOT_RECORDED = "Not recorded"
STAGE_STATUS = {"request": "pending", "assessment": "pending", "drafting": "pending", "issued": "issued",
                "closed": "closed", "plan": "plan"}


STAGE_WARNINGS = {"overdue": " (a step is overdue)", "cannot_be_met": " (week 20 cannot be met)",
                  "late_advice": " (advice is late)", "behind": " (later than planned)",
                  "due_soon": " (a step is due soon)"}
WARNING_LOOK = {"cannot_be_met": "overdue", "behind": "at_risk"}


def _stage_status(detail: CaseDetail) -> str:
    """The worst thing about the request, so the stage chip warns as well as names the stage. Only a
    binding date is overdue; one that does not bind is behind plan (docs/law.md#binding)."""
    d = detail.deadlines
    if d is None or not d.is_open:
        return STAGE_STATUS.get(detail.stage, "pending")
    if any(m.breached for m in d.milestones):
        return "overdue"
    if d.final_cannot_be_met is not None:
        return "cannot_be_met"
    if any(a.status == "late" for a in d.advice):
        return "late_advice"
    if any(m.status == "overdue" for m in d.milestones):
        return "behind"
    statuses = {m.status for m in d.milestones} | {a.status for a in d.advice}
    return "due_soon" if "due_soon" in statuses else "on_track"


def final_plan_words(detail: CaseDetail) -> str:
    d = detail.deadlines
    if detail.final_issued is not None:
        return f"Issued {long_date(detail.final_issued)}"
    if d is None or not d.is_open:
        return ""
    due = f"Due {long_date(d.milestone('final_plan').due)}"
    if d.final_cannot_be_met is not None:
        return f"{due} \u2014 cannot be met: earliest lawful final {short_date(d.final_cannot_be_met)}"
    return due


class RecordHeader(QFrame):
    FIELDS = ("Age", "Date of birth", "UPN", "School", "Primary need", "Caseworker", "Request received",
              "Final plan")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Case summary")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 4)
        top = QHBoxLayout()
        self.name = QLabel(self)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.5 if big.pointSizeF() > 0 else 14)
        big.setBold(True)
        self.name.setFont(big)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reference = QLabel(self)
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stage_icon = QLabel(self)
        self.stage = QLabel(self)
        bold = QFont(self.font())
        bold.setBold(True)
        self.stage.setFont(bold)
        self.week = QLabel(self)
        self.week.setFont(bold)
        top.addWidget(self.name)
        top.addSpacing(12)
        top.addWidget(self.reference)
        top.addStretch(1)
        top.addWidget(self.stage_icon)
        top.addWidget(self.stage)
        top.addSpacing(16)
        top.addWidget(self.week)
        outer.addLayout(top)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        self.values: dict[str, QLabel] = {}
        for i, field in enumerate(self.FIELDS):
            row, col = divmod(i, 4)
            label = QLabel(f"{field}:", self)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setStyleSheet("color: palette(placeholder-text);")
            value = QLabel(self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(field)
            label.setBuddy(value)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
            grid.setColumnStretch(col * 2 + 1, 1)
            self.values[field] = value
        outer.addLayout(grid)

    def set_detail(self, detail: CaseDetail, today: date, rules: Rules) -> None:
        self.name.setText(detail.child)
        self.reference.setText(detail.reference)
        status = _stage_status(detail)
        self.stage_icon.setPixmap(status_icon(WARNING_LOOK.get(status, status), 16).pixmap(16, 16))
        words = stage_words(detail.stage) + STAGE_WARNINGS.get(status, "")
        self.stage.setText(words)
        self.stage.setAccessibleName(f"Stage: {words}")
        self.week.setText(week_text(detail, today, rules))
        need = detail.primary_need
        final = final_plan_words(detail)
        shown = {
            "Age": f"{detail.age} years",
            "Date of birth": long_date(detail.date_of_birth),
            "UPN": detail.upn,
            "School": detail.school,
            "Primary need": f"{need}: {rules.primary_needs.get(need, '')}".rstrip(": ") if need else "",
            "Caseworker": detail.caseworker_name,
            "Request received": long_date(detail.received),
            "Final plan": final,
        }
        for field, value in shown.items():
            label = self.values[field]
            label.setText(value or NOT_RECORDED)
            label.setEnabled(bool(value))
            label.setAccessibleDescription(value or NOT_RECORDED)
