"""The setting named in section I of the plan, and consultations with settings (CFA s39, s43; docs/law.md,
the setting named in section I): name one from the council's schools, consult one, record its reply.

Each is a small form saved through its service off the UI thread; a refusal comes back beside the
field it names, with the form still open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import ValidationError
from caseworker.services import case_links, named_setting
from caseworker.services.named_setting import ADMISSION_DUTY_KINDS, SETTING_KIND_TITLES, SettingChoice, setting_choices
from caseworker.views.case_detail import CONSULTATION_REPLY, CaseDetail, ConsultationView
from ui.context import DesktopContext
from ui.dialogs.base import FieldRow, Matcher, form_row, grow_to_fit, show_problems
from ui.dialogs.fields import DateEdit, ProblemLabel, unreadable_dates
from ui.dialogs.saving import SavingDialog, case_changed
from ui.widgets.wording import REPLY_WORDS, long_date, short_date


def duty_words(kind: str) -> str:
    """What naming a setting of this kind means for it, in one sentence."""
    if not kind:
        return "Say what kind of setting it is: that decides what the plan's letters may tell it."
    if kind in ADMISSION_DUTY_KINDS:
        return ("It must admit the child or young person once the plan names it (CFA s43). Securing the provision "
                "in section F is the council's duty (s42).")
    return ("The admission duty (CFA s43) does not apply to this kind of setting: its place must be agreed. Securing "
            "the provision in section F is the council's duty (s42).")


def _label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class CaseForm(SavingDialog):
    """A small form about one case: fields with problems beside them, saved through one service call."""

    heading = ""
    ok_text = "Save"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.detail, self.today = desktop, detail, desktop.today()
        self.rows: list[FieldRow] = []
        self.setWindowTitle(f"{self.heading}: {detail.reference} {detail.child}")
        self.setAccessibleName(self.heading)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.intro = _label(self)
        self.intro.setAccessibleName("About this form")
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.build()
        self.general = ProblemLabel(self)
        layout.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.ok_text)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for edit in self.findChildren(DateEdit):
            edit.dateChanged.connect(self._dates_changed)

    def _dates_changed(self) -> None:
        """OK waits while a date is not a date (the field says why beside itself), and while saving."""
        self.ok.setEnabled(not unreadable_dates(self) and not self.saving)
        grow_to_fit(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)

    def build(self) -> None:
        """Add the fields with ``add_row``."""

    def task(self) -> Callable[[], Any] | None:
        """The service call with every value read now, or None (having said why) when something is missing."""
        raise NotImplementedError

    def add_row(self, text: str, widget: QWidget, matches: Matcher | list[str], accessible: str) -> FieldRow:
        row = form_row(self, self.form, text, widget, matches, accessible)
        self.rows.append(row)
        return row

    def problem_text(self) -> str:
        return "\n".join(t for t in [r.problem.reasons() for r in self.rows] + [self.general.reasons()] if t)

    def accept(self) -> None:
        if self.saving:
            return
        show_problems(self.rows, self.general, [])
        if unreadable_dates(self):
            return
        fn = self.task()
        if fn is None or not self.ok.isEnabled():
            grow_to_fit(self)  # to show why
            return
        self.start_save(fn, announce=case_changed(self.desktop, self.detail.case_id))

    def saving_changed(self, saving: bool) -> None:
        if saving:
            self.ok.setEnabled(False)
        else:
            self._dates_changed()  # OK back, unless a date cannot be read

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            show_problems(self.rows, self.general, exc.problems)
        else:
            self.general.show_refusal(exc)
        grow_to_fit(self)


class SettingPicker(QComboBox):
    """The council's schools and settings; type part of a name to find one (only listed ones are taken)."""

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None, preselect: int | None = None) -> None:
        super().__init__(parent)
        self._preselect = preselect
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.choices: dict[int, SettingChoice] = {}
        self.loaded = False
        ctx = desktop.ctx
        desktop.runner.run(lambda: setting_choices(ctx), self._loaded, owner=self)

    def _loaded(self, choices: list[SettingChoice]) -> None:
        self.choices = {c.id: c for c in choices}
        self.blockSignals(True)  # one change, once the list is whole
        for c in choices:
            where = f" ({c.postcode})" if c.postcode else ""
            self.addItem(f"{c.name}{where}", c.id)
        self.setCurrentIndex(self.findData(self._preselect) if self._preselect is not None else -1)
        self.blockSignals(False)
        self.loaded = True
        self.currentIndexChanged.emit(self.currentIndex())

    def chosen(self) -> SettingChoice | None:
        index = self.findText(self.currentText())
        return self.choices.get(self.itemData(index)) if index >= 0 else None

    def choose(self, setting_id: int) -> None:
        self.setCurrentIndex(self.findData(setting_id))


class NameSettingDialog(CaseForm):
    heading = "Name the setting"
    ok_text = "Name it"

    def build(self) -> None:
        self.intro.setText("Choose the school, college or other setting the plan names in section I, from the "
                           "council's list. Its kind decides what the final plan's letter may tell it: only some "
                           "kinds must admit the child (CFA s43).")
        named = self.detail.named_setting
        self.setting = SettingPicker(self.desktop, self, named.id if named is not None else None)
        self.add_row("&Setting:", self.setting, ["named_setting"], "Setting named in section I")
        self.kind = QComboBox(self)
        for code, title in SETTING_KIND_TITLES.items():
            self.kind.addItem(title, code)
        self.kind.setCurrentIndex(-1)
        self.kind.setPlaceholderText("Choose the kind of setting")
        self.add_row("&Kind:", self.kind, ["named_setting_kind"], "Kind of setting")
        self.duty = _label(self)
        self.duty.setAccessibleName("What naming it means")
        self.form.addRow("", self.duty)
        self.setting.currentIndexChanged.connect(self._setting_changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _setting_changed(self) -> None:
        chosen = self.setting.chosen()
        if chosen is not None and chosen.kind:
            self.kind.setCurrentIndex(self.kind.findData(chosen.kind))
        elif chosen is not None:
            self.kind.setCurrentIndex(-1)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.duty.setText(duty_words(str(self.kind.currentData() or "")))

    def task(self) -> Callable[[], Any] | None:
        chosen = self.setting.chosen()
        if chosen is None:
            self.rows[0].problem.set_reasons(["choose a setting from the list (type part of its name to find it)"])
            return None
        kind = self.kind.currentData()
        if kind is None:
            self.rows[1].problem.set_reasons([f"say what kind of setting {chosen.name} is"])
            return None
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        new_kind = None if kind == chosen.kind else str(kind)
        return lambda: named_setting.name_setting(ctx, actor, cid, chosen.id, kind=new_kind, expected_version=ver)


def reply_due(desktop: DesktopContext, sent: date) -> date:
    """The setting's 15 days to reply, counted as the case record counts them."""
    period = desktop.ctx.engine.rules.periods.get("school_consultation")
    return period.last_day(sent) if period is not None else sent + CONSULTATION_REPLY


class ConsultDialog(CaseForm):
    heading = "Consult a setting"
    ok_text = "Record the consultation"

    def build(self) -> None:
        self.intro.setText("Record that the draft plan went to a school, college or other setting the council is "
                           "thinking of naming. It should reply within 15 days (CFA s39; Code of Practice 9.83).")
        self.setting = SettingPicker(self.desktop, self)
        self.add_row("&Setting:", self.setting, ["school"], "Setting consulted")
        self.sent = DateEdit(self.today, self)
        self.add_row("Sen&t on:", self.sent, ["sent_on"], "Date the consultation was sent")
        self.due = _label(self)
        self.due.setAccessibleName("When the reply is due")
        self.form.addRow("", self.due)
        self.sent.dateChanged.connect(self._sent_changed)
        self._sent_changed()

    def _sent_changed(self) -> None:
        self.due.setText(f"The reply is due by {long_date(reply_due(self.desktop, self.sent.value()))}.")

    def task(self) -> Callable[[], Any] | None:
        chosen = self.setting.chosen()
        if chosen is None:
            self.rows[0].problem.set_reasons(["choose a setting from the list (type part of its name to find it)"])
            return None
        ctx, actor, cid, sent = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.sent.value()
        return lambda: case_links.record_consultation(ctx, actor, cid, chosen.id, sent)


class ConsultationReplyDialog(CaseForm):
    heading = "Record a setting's reply"
    ok_text = "Record the reply"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None,
                 consultation_id: int | None = None) -> None:
        self._preselect = consultation_id
        super().__init__(desktop, detail, parent)

    def build(self) -> None:
        self.intro.setText("Record what a consulted setting said about being named in the plan.")
        self.consultation = QComboBox(self)
        self.consultation.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.consultation.setMinimumContentsLength(30)  # a long entry must not squeeze the labels
        for c in self.detail.consultations:
            answered = f", replied {short_date(c.replied_on)}" if c.replied_on else ""
            self.consultation.addItem(f"{c.school}: sent {short_date(c.sent_on)}, reply due "
                                      f"{short_date(c.reply_due)}{answered}", c.id)
        waiting = [c.id for c in self.detail.consultations if c.replied_on is None]
        keep = self._preselect or (waiting[0] if waiting else None)
        self.consultation.setCurrentIndex(max(0, self.consultation.findData(keep)))
        self.add_row("&Consultation:", self.consultation, ["consultation"], "Which consultation")
        self.reply = QComboBox(self)
        for code, words in REPLY_WORDS.items():
            self.reply.addItem(words, code)
        self.reply.setCurrentIndex(-1)
        self.reply.setPlaceholderText("Choose the reply")
        self.add_row("&Reply:", self.reply, ["reply"], "The setting's reply")
        self.replied = DateEdit(self.today, self)
        self.add_row("Replied &on:", self.replied, ["replied_on"], "Date of the reply")

    def chosen(self) -> ConsultationView | None:
        return next((c for c in self.detail.consultations if c.id == self.consultation.currentData()), None)

    def task(self) -> Callable[[], Any] | None:
        chosen = self.chosen()
        if chosen is None:
            self.rows[0].problem.set_reasons(["no setting has been consulted on this case"])
            return None
        reply = self.reply.currentData()
        if reply is None:
            self.rows[1].problem.set_reasons(["choose the reply"])
            return None
        ctx, actor, on = self.desktop.ctx, self.desktop.actor, self.replied.value()
        return lambda: named_setting.record_consultation_reply(ctx, actor, chosen.id, on, str(reply))


__all__ = ["ConsultDialog", "ConsultationReplyDialog", "NameSettingDialog", "duty_words", "reply_due"]
