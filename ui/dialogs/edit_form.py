"""The shape of the case record's edit forms (the child, a contact): checked as the user types with the
service's own checks, each problem beside its field, Save enabled only when the form is right and says
something new; a refusal comes back beside the fields, and a colleague's change in the meantime reloads
the record behind the form and says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from caseworker.errors import ConflictError, Problem, ValidationError
from caseworker.identifiers import IdentifierError
from ui.dialogs.base import grow_to_fit, show_problems
from ui.dialogs.fields import unreadable_dates
from ui.dialogs.saving import case_changed
from ui.dialogs.setting import CaseForm

CONFLICT = ("Someone else changed this since you opened it, so nothing was saved. The case has been reloaded "
            "behind this form: close it and open it again to see their change.")


def tidy_text(edit: QLineEdit, tidy: Callable[[str], str]) -> None:
    """Show an identifier as it will be saved once the field is left; a wrong one stays as typed."""
    try:
        value = tidy(edit.text()) if edit.text().strip() else ""
    except IdentifierError:
        return
    if value != edit.text():
        edit.setText(value)


def text_of(widget: QLineEdit | QPlainTextEdit | QComboBox) -> str | None:
    """What a field holds, trimmed; None when blank."""
    if isinstance(widget, QPlainTextEdit):
        text = widget.toPlainText()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    else:
        text = widget.text()
    return text.strip() or None


class CaseEditForm(CaseForm):
    """A CaseForm that checks itself as the user types (``problems``) and saves only a change (``unchanged``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._refused = False
        super().__init__(*args, **kwargs)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName("What saving means")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)  # CaseForm's: intro, fields, problems, buttons
        layout.insertWidget(layout.count() - 1, self.note)
        self.revalidate()

    # --- hooks -------------------------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        return []

    def unchanged(self) -> bool:
        return False

    def save_call(self) -> Callable[[], Any]:
        raise NotImplementedError

    # --- checking as the user types ----------------------------------------------------------------
    def watch(self, *widgets: QWidget) -> None:
        """Re-check the form whenever one of these fields changes."""
        for w in widgets:
            if isinstance(w, QLineEdit | QPlainTextEdit):
                w.textChanged.connect(self.changed)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.changed)
                if w.isEditable():
                    w.editTextChanged.connect(self.changed)
            elif hasattr(w, "dateChanged"):
                w.dateChanged.connect(self.changed)
            elif hasattr(w, "toggled"):
                w.toggled.connect(self.changed)

    def changed(self, *_: object) -> None:
        self._refused = False
        self.revalidate()

    def revalidate(self) -> None:
        if not hasattr(self, "note"):
            return  # still building
        problems = self.problems()
        show_problems(self.rows, self.general, problems)
        same = not problems and self.unchanged()
        self.note.setText("Nothing has changed yet." if same else "")
        self.note.setVisible(same)
        self.ok.setEnabled(not problems and not same and not self._refused and not self.saving
                           and not unreadable_dates(self))

    def _dates_changed(self) -> None:
        """A date changed: the whole form's checks decide OK (not only whether the dates read)."""
        self.revalidate()
        grow_to_fit(self)

    def task(self) -> Callable[[], Any] | None:
        self.revalidate()
        return self.save_call() if self.ok.isEnabled() else None

    # --- saving ------------------------------------------------------------------------------------
    def accept(self) -> None:
        if self.saving:
            return
        fn = self.task()
        if fn is None:
            return
        self.start_save(fn, announce=case_changed(self.desktop, self.detail.case_id))

    def on_refused(self, exc: BaseException) -> None:
        super().on_refused(exc)
        self._refused = True
        if isinstance(exc, ValidationError):
            self.note.setText("Nothing was saved. Correct the problem shown and try again.")
        elif isinstance(exc, ConflictError):
            self.desktop.data_changed.emit(self.detail.case_id)
            self.general.set_reasons([CONFLICT])
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        self.ok.setEnabled(False)


__all__ = ["CONFLICT", "CaseEditForm", "text_of", "tidy_text"]
