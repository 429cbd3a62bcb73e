"""Record leave, sickness or training for a member of staff: their capacity is 0 while they are away,
so the team view, "Cover an absence" and the balancing proposal all see it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from caseworker.services.caseload import record_absence
from caseworker.views.caseload import TeamCaseload
from ui.context import DesktopContext
from ui.dialogs.fields import DateEdit, ProblemLabel, unreadable_dates
from ui.dialogs.saving import SavingDialog, case_changed

REASONS = ("Annual leave", "Sickness", "Training", "Other")


class RecordAbsenceDialog(SavingDialog):
    def __init__(self, desktop: DesktopContext, team: TeamCaseload, username: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.setWindowTitle("Record an absence")
        self.setAccessibleName("Record an absence")
        self.setMinimumWidth(460)
        intro = QLabel("While someone is away their capacity is 0: their cases show as needing cover, and a "
                       "balancing proposal moves work away from them.", self)
        intro.setWordWrap(True)
        self.who = QComboBox(self)
        self.who.setAccessibleName("Who is away")
        for p in sorted(team.people, key=lambda p: p.display_name):
            self.who.addItem(p.display_name, p.username)
        if username is not None:
            self.who.setCurrentIndex(max(0, self.who.findData(username)))
        today = desktop.today()
        self.starts = DateEdit(today, self)
        self.starts.setAccessibleName("From")
        self.ends = DateEdit(today + timedelta(days=4), self)
        self.ends.setAccessibleName("To (the last day away)")
        self.reason = QComboBox(self)
        self.reason.setAccessibleName("Reason")
        self.reason.addItems(REASONS)
        self.ends_problem = ProblemLabel(self)
        form = QFormLayout()
        form.addRow("&Who:", self.who)
        form.addRow("&From:", self.starts)
        form.addRow("&To (last day away):", self.ends)
        form.addRow("", self.ends_problem)
        form.addRow("&Reason:", self.reason)
        self.problem = ProblemLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Record")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.starts.dateChanged.connect(self.revalidate)
        self.ends.dateChanged.connect(self.revalidate)
        self.revalidate()

    def revalidate(self, *_: object) -> None:
        bad = self.ends.value() < self.starts.value()
        self.ends_problem.set_reasons(["the absence cannot end before it starts"] if bad else [])
        # A date being typed says why beside itself.
        self.ok.setEnabled(not bad and not unreadable_dates(self) and not self.saving)

    def save(self) -> None:
        if self.saving:
            return
        desktop, actor = self.desktop, self.desktop.actor
        who, starts, ends = str(self.who.currentData()), self.starts.value(), self.ends.value()
        reason = self.reason.currentText()
        self.start_save(lambda: record_absence(desktop.ctx, actor, who, starts, ends, reason),
                        announce=case_changed(desktop, 0))

    def saving_changed(self, saving: bool) -> None:
        self.revalidate()

    def on_refused(self, exc: BaseException) -> None:
        self.problem.show_refusal(exc)
