"""Add someone the case's letters may go to: an organisation from the council's list, or a school
consulted on being named. Chosen from lists, never typed: a letter's address always comes from records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.services import case_links
from caseworker.services.case_links import ORGANISATION_TITLES, OrganisationView, SchoolView
from ui.context import DesktopContext
from ui.dialogs.fields import DateEdit, ProblemLabel, unreadable_dates
from ui.dialogs.saving import SavingDialog, case_changed


@dataclass(frozen=True)
class Choices:
    organisations: list[OrganisationView]
    schools: list[SchoolView]


class AddRecipientDialog(SavingDialog):
    """Record an organisation on the case, or a school consulted; then it appears under "To"."""

    def __init__(self, desktop: DesktopContext, case_id: int, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id = desktop, case_id
        self.setWindowTitle(f"Add a recipient: {reference}")
        self.setAccessibleName("Add a recipient")
        self.setMinimumWidth(620)
        intro = QLabel("Letters only go to people and organisations recorded on the case. Choose one from the "
                       "council's lists; to change an address, change it in those lists.", self)
        intro.setWordWrap(True)
        self.use_org = QRadioButton("An &organisation: health commissioner, social care, another council", self)
        self.use_school = QRadioButton("A &school or college consulted on being named in the plan", self)
        group = QButtonGroup(self)
        for b in (self.use_org, self.use_school):
            group.addButton(b)
            b.toggled.connect(self._changed)
        self.organisation = QComboBox(self)
        self.organisation.setAccessibleName("Organisation")
        self.school = QComboBox(self)
        self.school.setAccessibleName("School or college")
        self.school.setEditable(True)  # type to find one of hundreds; only listed schools are accepted
        self.school.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.sent_on = DateEdit(desktop.today(), self)
        self.sent_on.setAccessibleName("Consulted on")
        self.sent_on.dateChanged.connect(self._changed)
        form = QFormLayout()
        form.addRow(self.use_org)
        form.addRow("Organisation:", self.organisation)
        form.addRow(self.use_school)
        form.addRow("School:", self.school)
        form.addRow("Consulted on:", self.sent_on)
        self.problem = ProblemLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.ok.setEnabled(False)
        ctx = desktop.ctx

        def load() -> Choices:
            linked = case_links.linked_organisation_ids(ctx, case_id)
            return Choices([o for o in case_links.list_organisations(ctx) if o.id not in linked],
                           [s for s in case_links.list_schools(ctx) if s.has_address])

        desktop.runner.run(load, self._loaded, owner=self)

    def _loaded(self, choices: Choices) -> None:
        for o in choices.organisations:
            self.organisation.addItem(f"{ORGANISATION_TITLES.get(o.kind, o.kind)}: {o.name}, {o.postcode}", o.id)
        for s in choices.schools:
            self.school.addItem(f"{s.name} ({s.postcode})" if s.postcode else s.name, s.id)
        self.school.setCurrentIndex(-1)
        if not choices.organisations:
            self.use_org.setEnabled(False)
            self.organisation.addItem("Every organisation on the council's list is already on this case")
        (self.use_org if choices.organisations else self.use_school).setChecked(True)
        self._changed()

    def _changed(self, *_: object) -> None:
        org = self.use_org.isChecked()
        self.organisation.setEnabled(org)
        self.school.setEnabled(not org)
        self.sent_on.setEnabled(not org)
        self.problem.set_reasons([])
        chosen = self.use_org.isChecked() or self.use_school.isChecked()
        # A date being typed says why beside itself.
        self.ok.setEnabled(chosen and not unreadable_dates(self) and not self.saving)

    def task(self) -> Callable[[], Any] | None:
        desktop, actor, case_id = self.desktop, self.desktop.actor, self.case_id
        if self.use_org.isChecked():
            org_id = self.organisation.currentData()
            if org_id is None:
                self.problem.set_reasons(["choose an organisation"])
                return None
            return lambda: case_links.link_organisation(desktop.ctx, actor, case_id, int(org_id))
        index = self.school.findText(self.school.currentText())
        school_id = self.school.itemData(index) if index >= 0 else None
        if school_id is None:
            self.problem.set_reasons(["choose a school from the list (type part of its name to find it)"])
            return None
        sent_on = self.sent_on.value()
        return lambda: case_links.record_consultation(desktop.ctx, actor, case_id, int(school_id), sent_on)

    def save(self) -> None:
        task = None if self.saving else self.task()
        if task is None:
            return
        self.start_save(task, announce=case_changed(self.desktop, self.case_id))

    def saving_changed(self, saving: bool) -> None:
        self._changed()

    def on_refused(self, exc: BaseException) -> None:
        self.problem.show_refusal(exc)
