"""Cover an absence: the absent person's cases with a deadline before they are back go to the colleagues
the lead ticks (the biggest case first, each to whoever would then be least loaded)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QListWidget, QListWidgetItem, QWidget

from caseworker.errors import ValidationError
from caseworker.services.caseload import PlannedMove
from caseworker.views.caseload import TeamCaseload
from caseworker.views.team import cover_plan
from caseworker.vocabulary import day_month, short_date
from ui.context import DesktopContext
from ui.dialogs.reallocate import MovesDialog, person_choice


class AbsenceDialog(MovesDialog):
    def __init__(self, desktop: DesktopContext, team: TeamCaseload, username: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(desktop, team, "Cover an absence", parent)
        self.setMinimumSize(760, 520)
        self.intro.setText("Moves the cases of someone away that have a step or advice due before they are back "
                           "(overdue ones too) to the colleagues you tick.")
        self._why_not: str | None = None
        form = QFormLayout()
        self.whose = QComboBox(self)
        self.whose.setAccessibleName("Whose absence")
        for p in team.people:
            a = p.absence or p.next_absence
            if a is not None:
                self.whose.addItem(f"{p.display_name}: {a.reason.lower() or 'absent'} {day_month(a.starts)} to "
                                   f"{short_date(a.ends)}", p.username)
        if username is not None:
            self.whose.setCurrentIndex(max(0, self.whose.findData(username)))
        self.colleagues = QListWidget(self)
        self.colleagues.setAccessibleName("Covered by")
        self.colleagues.setMaximumHeight(150)
        form.addRow("&Whose absence:", self.whose)
        form.addRow("&Covered by:", self.colleagues)
        self.body.addLayout(form)
        self.preview = QListWidget(self)
        self.preview.setAccessibleName("Cases that will move")
        self.body.addWidget(QLabel("Cases that will move:", self))
        self.body.addWidget(self.preview, 1)
        self.whose.currentIndexChanged.connect(self._fill_colleagues)
        self.colleagues.itemChanged.connect(self.revalidate)
        self._fill_colleagues()

    def absent(self) -> str | None:
        data = self.whose.currentData()
        return None if data is None else str(data)

    def _fill_colleagues(self, *_: object) -> None:
        absent = self.absent()
        team_of = self.team.person(absent).team if absent else ""
        self.colleagues.blockSignals(True)
        self.colleagues.clear()
        for p in self.team.people:
            if p.username == absent or not p.can_receive:
                continue
            item = QListWidgetItem(person_choice(p))
            item.setData(Qt.ItemDataRole.UserRole, p.username)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            same = p.team == team_of and p.utilisation <= 1.0
            item.setCheckState(Qt.CheckState.Checked if same else Qt.CheckState.Unchecked)
            self.colleagues.addItem(item)
        self.colleagues.blockSignals(False)
        self.revalidate()

    def chosen(self) -> list[str]:
        return [str(self.colleagues.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.colleagues.count())
                if self.colleagues.item(i).checkState() == Qt.CheckState.Checked]

    def moves(self) -> list[PlannedMove]:
        absent = self.absent() if hasattr(self, "preview") else None
        self._why_not = None
        if absent is None:
            self._why_not = "nobody has an absence recorded now or to come"
            return []
        try:
            return cover_plan(self.team, absent, self.chosen())
        except ValidationError as exc:
            self._why_not = "; ".join(p.reason for p in exc.problems)
            return []

    def missing(self) -> str | None:
        return self._why_not

    def revalidate(self, *_: object) -> None:
        if not hasattr(self, "preview"):
            return
        names = {p.username: p.display_name for p in self.team.people}
        refs = {c.case_id: c.reference for c in self.team.cases}
        moves = self.moves()
        self.preview.clear()
        for m in moves:
            self.preview.addItem(f"{refs.get(m.case_id, m.case_id)} to {names.get(m.to_username)}: {m.reason}")
        if not moves and self._why_not is None:
            self.preview.addItem("Nothing is due before they are back: no case needs to move.")
            self._why_not = "no case needs to move"
        super().revalidate()
