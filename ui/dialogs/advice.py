"""The forms for advice: ask an adviser (and how the request went), and record it received."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from caseworker.services import steps
from caseworker.statutory import preview as pv
from caseworker.statutory.preview import Preview
from caseworker.statutory.required_advice import PFA_FROM_YEAR, school_year
from caseworker.views.advice_services import known_services
from caseworker.views.case_detail import AdviceView, CaseDetail
from ui.context import DesktopContext
from ui.dialogs.base import StepDialog
from ui.dialogs.fields import DateEdit, SentBy, fill_advice_choices
from ui.widgets.wording import ADVICE_LONG


def _advice_field(suffix: str) -> Callable[[str], bool]:
    return lambda field: field == suffix or field.endswith(f"_advice_{suffix}")


class RequestAdviceDialog(StepDialog):
    step = "request_advice"
    heading = "Request advice"
    ok_text = "Record the request"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None) -> None:
        self._services: dict[str, list[str]] = {}
        super().__init__(desktop, detail, parent)
        ctx = desktop.ctx
        desktop.runner.run(lambda: known_services(ctx), self._got_services, lambda _exc: None, owner=self)

    def build(self) -> None:
        self.kind = QComboBox(self)
        for code, title in self.desktop.ctx.engine.rules.advice_kinds.items():
            self.kind.addItem(ADVICE_LONG.get(code, title), code)
            self.kind.setItemData(self.kind.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
        self.add_row("&Kind of advice:", self.kind, ["kind"], accessible="Kind of advice")
        self.service = QComboBox(self)
        self.service.setEditable(True)
        self.service.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        edit = self.service.lineEdit()
        assert edit is not None  # an editable combo box always has one
        edit.setPlaceholderText("The service asked, e.g. County EP Service")
        edit.setMaxLength(200)
        self.add_row("&Service:", self.service, ["service"], accessible="Service asked for advice")
        self.date = DateEdit(self.today, self)
        self.add_row("&Requested on:", self.date, _advice_field("requested"), accessible="Date advice was requested")
        self.sent_by = SentBy(self)
        self.add_row("Sent &by:", self.sent_by, ["sent_by"], accessible="How the request was sent")
        self.pfa = QCheckBox("&Preparing for adulthood and independent living (year 9 on)", self)
        self.pfa_row = self.add_row("Also covers:", self.pfa, ["covers_pfa"],
                                    accessible="Covers preparation for adulthood")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.service.editTextChanged.connect(self.changed)
        self.date.dateChanged.connect(self.changed)
        self.sent_by.currentIndexChanged.connect(self.changed)
        self.pfa.toggled.connect(self.changed)
        self._show_pfa()

    def _got_services(self, services: dict[str, list[str]]) -> None:
        self._services = services
        self._fill_services()

    def _fill_services(self) -> None:
        typed = self.service.currentText()
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItems(self._services.get(str(self.kind.currentData()), []))
        self.service.setCurrentIndex(-1)
        self.service.setEditText(typed)
        self.service.blockSignals(False)

    def _kind_changed(self) -> None:
        if self.service.currentText() in [self.service.itemText(i) for i in range(self.service.count())]:
            self.service.setEditText("")  # a service picked from the old kind's list does not carry over
        self._fill_services()
        self.changed()


    def in_year_9(self) -> bool:
        """Reg 6(1) asks for advice on preparing for adulthood from year 9 (on the day of the request)."""
        return school_year(self.detail.date_of_birth, self.date.value()) >= PFA_FROM_YEAR

    def _show_pfa(self) -> None:
        shown = self.in_year_9()
        self.form.setRowVisible(self.pfa_row.label, shown)
        if not shown:
            self.pfa.setChecked(False)

    def changed(self, *args: object) -> None:
        if hasattr(self, "pfa_row"):
            self._show_pfa()
        super().changed(*args)

    def intro_text(self) -> str:
        return ("Record a request for advice. Each adviser has their own 6 weeks from the day they receive the "
                "request (SEND Regulations 2014 reg 8(1)): the day it is sent by email, portal or hand, the second "
                "working day after posting. Late EP and health advice is the commonest reason the 20-week date is "
                "missed.")

    def preview(self) -> Preview | None:
        return pv.request_advice(self.facts, str(self.kind.currentData()), self.date.value(), self.today,
                                 self.desktop.ctx.engine, self.sent_by.value())

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.detail.version
        kind, on, service = str(self.kind.currentData()), self.date.value(), self.service.currentText().strip()
        by, pfa = self.sent_by.value(), self.pfa.isChecked() and self.in_year_9()
        return lambda: steps.request_advice(ctx, actor, cid, kind, on, service=service or None, sent_by=by,
                                            covers_pfa=pfa, expected_version=ver)


class AdviceReceivedDialog(StepDialog):
    step = "advice_received"
    heading = "Advice received"

    def __init__(self, desktop: DesktopContext, detail: CaseDetail, parent: QWidget | None = None,
                 advice_id: int | None = None) -> None:
        self._preselect = advice_id
        super().__init__(desktop, detail, parent)

    def build(self) -> None:
        self.advice = QComboBox(self)
        self.add_row("&Which advice:", self.advice, ["received"], accessible="Which advice was received")
        self.date = DateEdit(self.today, self)
        self.add_row("&Received on:", self.date, _advice_field("received"), accessible="Date the advice arrived")
        self._fill()
        self.advice.currentIndexChanged.connect(self.changed)
        self.date.dateChanged.connect(self.changed)

    def outstanding(self) -> list[AdviceView]:
        return [a for a in self.detail.advice if a.received is None]

    def _fill(self) -> None:
        fill_advice_choices(self.advice, self.outstanding(), self.advice.currentData() or self._preselect)

    def detail_changed(self) -> None:
        self._fill()

    def chosen(self) -> AdviceView | None:
        return next((a for a in self.detail.advice if a.id == self.advice.currentData()), None)

    def intro_text(self) -> str:
        return ("Record the day advice arrived. Each adviser's 6 weeks run from the day they received the "
                "request (SEND Regulations 2014 reg 8(1)).")

    def missing(self) -> str | None:
        return None if self.outstanding() else "No advice is waiting: every request on this case has been received."

    def preview(self) -> Preview | None:
        a = self.chosen()
        if a is None:
            return None
        return pv.advice_received(self.facts, a.id, self.date.value(), self.today, self.desktop.ctx.engine)

    def task(self) -> Callable[[], Any]:
        a = self.chosen()
        assert a is not None
        ctx, actor, on, advice_id, ver = self.desktop.ctx, self.desktop.actor, self.date.value(), a.id, a.version
        return lambda: steps.record_advice_received(ctx, actor, advice_id, on, expected_version=ver)
