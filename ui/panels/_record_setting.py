"""The case record's Setting tab: the setting named in section I (its kind, and whether it must admit the
child), and the settings consulted on being named with their 15-day replies."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from caseworker.views.case_detail import CaseDetail, SettingView
from ui.context import DesktopContext
from ui.dialogs.setting import ConsultationReplyDialog, ConsultDialog, NameSettingDialog
from ui.panels._record_tables import RecordTable, consultation_columns

NONE_NAMED = "No setting is named yet. The final plan goes to the setting named in section I."
SECTION_F = "Whatever the kind of setting, securing the provision in section F is the council's duty (CFA s42)."


def setting_words(s: SettingView) -> dict[str, str]:
    """The named setting as the tab shows it, field by field."""
    urn = f" (URN {s.urn})" if s.urn else ""
    address = ", ".join(p.strip() for p in [*s.address.splitlines(), s.postcode] if p.strip())
    duty = ("Yes: it must admit the child once the plan names it (CFA s43)" if s.admission_duty
            else "No: s43 does not apply to this kind of setting" if s.kind else "Not known until its kind is given")
    return {"Setting": f"{s.name}{urn}", "Kind": s.kind_title, "Admission duty": duty,
            "Address": address or "Not recorded"}


class SettingTab(QWidget):
    """Shows one case's named setting and consultations; its buttons open the forms that change them."""

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.detail: CaseDetail | None = None
        self.dialog: QDialog | None = None
        self.setAccessibleName("Setting")
        layout = QVBoxLayout(self)
        layout.addWidget(self._heading("Named in section I of the plan"))
        self.none_named = QLabel(NONE_NAMED, self)
        self.none_named.setWordWrap(True)
        layout.addWidget(self.none_named)
        self.fields = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for name in ("Setting", "Kind", "Admission duty", "Address"):
            value = QLabel(self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(name)
            self.fields.addRow(f"{name}:", value)
            self.values[name] = value
        layout.addLayout(self.fields)
        self.duty = QLabel(self)
        self.duty.setWordWrap(True)
        self.duty.setAccessibleName("What naming it means")
        layout.addWidget(self.duty)
        self.name_button = QPushButton("&Name the setting…", self)
        self.name_button.clicked.connect(self.name_setting)
        layout.addLayout(self._row(self.name_button))
        layout.addSpacing(8)
        layout.addWidget(self._heading("Settings consulted on being named (15 days to reply)"))
        self.consultations = RecordTable(consultation_columns(), "Settings consulted", self)
        self.consultations.activated.connect(self._activated)
        layout.addWidget(self.consultations, 1)
        self.consult_button = QPushButton("&Consult a setting…", self)
        self.consult_button.clicked.connect(self.consult)
        self.reply_button = QPushButton("Record &reply…", self)
        self.reply_button.clicked.connect(lambda: self.record_reply())
        layout.addLayout(self._row(self.consult_button, self.reply_button))

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text, self)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        return label

    @staticmethod
    def _row(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch(1)
        return row

    def set_detail(self, detail: CaseDetail) -> None:
        self.detail = detail
        named = detail.named_setting
        self.none_named.setVisible(named is None)
        for name, value in (setting_words(named) if named else {}).items():
            self.values[name].setText(value)
        for i in range(self.fields.rowCount()):
            self.fields.setRowVisible(i, named is not None)
        self.duty.setText(SECTION_F if named else "")
        self.duty.setVisible(named is not None)
        self.name_button.setText("Change the &named setting…" if named else "&Name the setting…")
        self.consultations.set_rows(detail.consultations)
        self.update_buttons()

    def update_buttons(self) -> None:
        writer = self.desktop.actor.can_write and self.detail is not None
        for button in (self.name_button, self.consult_button):
            button.setEnabled(writer)
        self.reply_button.setEnabled(writer and bool(self.detail and self.detail.consultations))

    def _open(self, dialog: QDialog) -> QDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()
        return dialog

    def name_setting(self) -> QDialog | None:
        if self.detail is None or not self.desktop.actor.can_write:
            return None
        return self._open(NameSettingDialog(self.desktop, self.detail, self))

    def consult(self) -> QDialog | None:
        if self.detail is None or not self.desktop.actor.can_write:
            return None
        return self._open(ConsultDialog(self.desktop, self.detail, self))

    def record_reply(self, consultation_id: int | None = None) -> QDialog | None:
        if self.detail is None or not self.detail.consultations or not self.desktop.actor.can_write:
            return None
        if consultation_id is None:
            current = self.consultations.currentIndex()
            if current.isValid():
                consultation_id = self.consultations.rows_model.row(current.row()).id
        return self._open(ConsultationReplyDialog(self.desktop, self.detail, self, consultation_id))

    def _activated(self, index: QModelIndex) -> None:
        self.record_reply(self.consultations.rows_model.row(index.row()).id)


__all__ = ["SettingTab", "setting_words"]
