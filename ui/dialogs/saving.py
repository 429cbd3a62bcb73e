"""The one shape of a form that saves through a service off the UI thread.

While a save is on its way OK is disabled and says so ("Saving…"), Cancel is disabled, and Esc or
closing the window is refused: the form cannot vanish under its own answer. The service call runs on
the desktop's task runner with the form as its owner (a form deleted meanwhile gets no callback) and
as a write; the news that data changed is announced even then. The answer comes back to ``on_saved``
(by default: close, accepted) or ``on_refused`` (by default: each problem beside its field, a refusal in
the general line, anything unexpected said plainly). Either way OK and Cancel come back first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton

from caseworker.errors import CaseworkerError, ValidationError
from caseworker.services.live_updates import is_lost_contact
from ui.context import DesktopContext
from ui.dialogs.fields import ProblemLabel
from ui.tasks import Done, Failed

if TYPE_CHECKING:
    from ui.dialogs.base import FieldRow


LOST_CONTACT_WORDS = ("Not saved: the team database cannot be reached just now. What you typed is kept here: "
                      "save again once the banner says Caseworker is back in contact.")


def unexpected_words(exc: BaseException) -> str:
    """An error nobody planned for, said plainly (its traceback goes to the log)."""
    return f"Something went wrong ({type(exc).__name__}: {exc}). Nothing was saved."


def case_changed(desktop: DesktopContext, case_id: int) -> Done:
    """Announce that ``case_id`` changed (0: several cases) once a save lands, whether or not the form
    that made it is still open: other windows reload."""
    changed = desktop.data_changed
    return lambda _result: changed.emit(case_id)


class SavingDialog(QDialog):
    """A QDialog whose subclass provides ``desktop``, ``ok`` and ``buttons`` (and for the default
    ``on_refused``, ``rows`` and ``general``), and calls ``start_save`` from its ``accept``."""

    saving_words: ClassVar[str | None] = "Saving…"  # what OK says while saving (None: its own words)

    desktop: DesktopContext
    ok: QPushButton
    buttons: QDialogButtonBox
    rows: list[FieldRow]
    general: ProblemLabel
    _busy: bool = False
    _ok_words: str = ""
    _watching: bool = False
    changed_note: QLabel | None = None  # "NAME changed this case at HH:MM…", once someone else has

    @property
    def saving(self) -> bool:
        """True while a save (or another task started with ``run_busy``) is on its way."""
        return self._busy

    def start_save(self, fn: Callable[[], Any], *, announce: Done | None = None) -> None:
        """Save with ``fn`` (every value read already: it runs on a worker thread)."""
        self.run_busy(fn, self.on_saved, write=True, announce=announce, words=self.saving_words)

    def run_busy(self, fn: Callable[[], Any], on_done: Done, on_error: Failed | None = None, *,
                 write: bool = False, announce: Done | None = None, words: str | None = None) -> None:
        """Run ``fn`` with the form held open and its buttons waiting; then ``on_done`` or ``on_error``
        (by default ``on_refused``), after the buttons are back."""
        self._set_busy(True, words)

        def done(result: Any) -> None:
            self._set_busy(False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            (on_error or self.on_refused)(exc)

        self.desktop.runner.run(fn, done, failed, owner=self, write=write, announce=announce)

    def _set_busy(self, busy: bool, words: str | None = None) -> None:
        self._busy = busy
        if busy:
            self._ok_words = self.ok.text()
            if words:
                self.ok.setText(words)
        elif self._ok_words:
            self.ok.setText(self._ok_words)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setEnabled(not busy)
        self.saving_changed(busy)

    # --- hooks -------------------------------------------------------------------------------------
    def saving_changed(self, saving: bool) -> None:
        """OK waits while saving; a form that checks itself re-checks here instead."""
        self.ok.setEnabled(not saving)

    def on_saved(self, _result: Any) -> None:
        """The save landed: close the form, accepted."""
        self.done(QDialog.DialogCode.Accepted)

    def on_refused(self, exc: BaseException) -> None:
        """The service said no (or failed): say why, and keep what was typed."""
        from ui.dialogs.base import show_problems  # here: base's StepDialog is built on this module

        if is_lost_contact(exc):
            self.general.set_reasons([LOST_CONTACT_WORDS])
        elif isinstance(exc, ValidationError):
            show_problems(self.rows, self.general, exc.problems)
        elif isinstance(exc, CaseworkerError):
            self.general.set_reasons([str(exc)])
        else:
            self.general.set_reasons([unexpected_words(exc)])

    # --- someone else changed the case --------------------------------------------------------------
    def watched_case(self) -> int | None:
        """The case this form is about (its ``case_id``, or the case record it was opened from), if any."""
        own = getattr(self, "case_id", None)
        if callable(own):
            own = own()
        if isinstance(own, int):
            return own
        detail = getattr(self, "detail", None)
        found = getattr(detail, "case_id", None)
        return found if isinstance(found, int) else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._watching:
            self._watching = True
            self.desktop.changed_elsewhere.connect(self.changed_elsewhere)

    def changed_elsewhere(self, case_id: int, who: str, at: str) -> None:
        """Another desktop saved a change to this form's case: say so before OK is pressed (the save's
        version check refuses it either way; this saves the typing of a form that cannot be saved)."""
        if case_id == 0 or case_id != self.watched_case():
            return
        words = f"{who} changed this case at {at}; saving will be refused — reopen to see their change."
        if self.changed_note is None:
            self.changed_note = QLabel(self)
            self.changed_note.setWordWrap(True)
            self.changed_note.setAccessibleName("Changed by someone else")
            self.changed_note.setStyleSheet("background: #fff4e5; color: #7a4100; padding: 6px; "
                                            "border: 1px solid #e0a030;")
            layout = self.layout()
            if isinstance(layout, QBoxLayout):
                layout.insertWidget(0, self.changed_note)
            elif isinstance(layout, QFormLayout):
                layout.insertRow(0, self.changed_note)
        self.changed_note.setText(words)
        self.changed_note.show()

    # --- held open while saving --------------------------------------------------------------------
    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy:
            event.ignore()
            return
        super().closeEvent(event)


__all__ = ["LOST_CONTACT_WORDS", "SavingDialog", "case_changed", "unexpected_words"]


class CaseTaskDialog(SavingDialog):
    """A form about one case whose ``task()`` is the service call its OK makes (a 20-week step, a plan
    step): OK checks the form once more and saves it, announcing the case's change; while saving the
    form re-checks itself so OK reads and enables as it should. The subclass gives ``case_id``,
    ``task`` and ``revalidate``."""

    def case_id(self) -> int:
        raise NotImplementedError

    def task(self) -> Callable[[], Any]:
        raise NotImplementedError

    def revalidate(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        if self.saving:
            return
        self.revalidate()
        if not self.ok.isEnabled():
            return
        self.start_save(self.task(), announce=case_changed(self.desktop, self.case_id()))

    def saving_changed(self, saving: bool) -> None:
        self.revalidate()
