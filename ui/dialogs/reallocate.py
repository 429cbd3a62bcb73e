"""Moving cases: the shared shape of the three team-lead dialogs, and "Reassign" itself.

Every dialog here ends in one call to ``services.caseload.reallocate_cases`` on the task runner: all of
the moves or none, each with its reason, audited, optionally queueing the family's change-of-caseworker
letter. A refusal comes back beside the buttons with the dialog still open.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.caseload import band, percent, utilisation
from caseworker.errors import CaseworkerError
from caseworker.services.caseload import PlannedMove, reallocate_cases
from caseworker.views.caseload import PersonLoad, TeamCaseload
from ui.context import DesktopContext
from ui.dialogs.fields import ProblemLabel
from ui.dialogs.saving import SavingDialog, case_changed

LETTER_TEXT = "Queue each family's change-of-caseworker letter (it waits in Letters to send)"


def person_choice(p: PersonLoad) -> str:
    return f"{p.display_name} ({p.team or 'no team'}), {percent(p.utilisation)} {p.band}"


class MovesDialog(SavingDialog):
    """Intro, a body the subclass fills, the letter box, problems, OK/Cancel; ``moves()`` says what OK does."""

    ok_text = "Move"

    def __init__(self, desktop: DesktopContext, team: TeamCaseload, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.desktop, self.team = desktop, team
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(640)
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setAccessibleName("What this does")
        self.layout_.addWidget(self.intro)
        self.body = QVBoxLayout()
        self.layout_.addLayout(self.body)
        self.letter = QCheckBox(LETTER_TEXT, self)
        self.layout_.addWidget(self.letter)
        self.problem = ProblemLabel(self)
        self.layout_.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        self.moved = 0

    def moves(self) -> list[PlannedMove]:
        raise NotImplementedError

    def missing(self) -> str | None:
        """A hint while something needed is not given (OK stays disabled)."""
        return None

    def revalidate(self, *_: object) -> None:
        if not hasattr(self, "ok"):
            return
        moves, missing = self.moves(), self.missing()
        self.problem.set_reasons([missing] if missing else [])
        if not self.saving:  # while saving OK says so
            self.ok.setText(f"{self.ok_text} {len(moves)} case{'s' if len(moves) != 1 else ''}")
        self.ok.setEnabled(bool(moves) and missing is None and not self.saving)

    def accept(self) -> None:
        self.revalidate()
        if self.saving or not self.ok.isEnabled():
            return
        ctx, actor, moves, letter = self.desktop.ctx, self.desktop.actor, self.moves(), self.letter.isChecked()
        self.start_save(lambda: reallocate_cases(ctx, actor, moves, family_letter=letter),
                        announce=case_changed(self.desktop, 0))

    def saving_changed(self, saving: bool) -> None:
        self.revalidate()

    def on_saved(self, moved: int) -> None:
        self.moved = moved
        super().on_saved(moved)

    def on_refused(self, exc: BaseException) -> None:
        words = str(exc) if isinstance(exc, CaseworkerError) else f"Something went wrong ({type(exc).__name__}: {exc})"
        self.problem.set_reasons([f"{words}. Nothing was moved."])


class ReallocateDialog(MovesDialog):
    """Reassign the chosen cases (from one person) to a colleague, with a reason."""

    def __init__(self, desktop: DesktopContext, team: TeamCaseload, case_ids: Sequence[int],
                 to_username: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(desktop, team, "Reassign cases", parent)
        wanted = set(case_ids)
        self.cases = [c for c in team.cases if c.case_id in wanted]
        owners = {c.owner for c in self.cases}
        names = {p.username: p.display_name for p in team.people}
        # The child as well as the reference: a team lead knows the family, not the number.
        refs = ", ".join(f"{c.reference} ({c.child})" for c in self.cases[:4]) + (" …" if len(self.cases) > 4 else "")
        held = " and ".join(sorted(names.get(o, o) for o in owners if o))
        count = f"{len(self.cases)} case{'s' if len(self.cases) != 1 else ''}"
        points = f"({sum(c.points for c in self.cases):g} points): {refs}"
        if owners == {""}:  # nobody holds them yet: this is their first allocation
            self.setWindowTitle("Allocate cases")
            self.ok_text = "Allocate"
            self.intro.setText(f"Allocate {count} not yet allocated {points}")
            self.letter.setChecked(False)
            self.letter.hide()  # a first caseworker is not a change of caseworker
        else:
            unheld = " and cases nobody holds" if "" in owners else ""
            self.intro.setText(f"Move {count} held by {held}{unheld} {points}")
        form = QFormLayout()
        self.to = QComboBox(self)
        self.to.setAccessibleName("Move to")
        # Least loaded first, so the first offer is the colleague with most room.
        for p in sorted(team.people, key=lambda p: (p.utilisation, p.display_name)):
            if p.can_receive and p.username not in owners:
                self.to.addItem(person_choice(p), p.username)
        if to_username is not None:
            self.to.setCurrentIndex(max(0, self.to.findData(to_username)))
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why the cases are moving (kept in each case's history)")
        self.after = QLabel(self)
        self.after.setAccessibleName("Their load after the move")
        form.addRow("Move &to:", self.to)
        form.addRow("&Reason:", self.reason)
        form.addRow("", self.after)
        self.body.addLayout(form)
        self.to.currentIndexChanged.connect(self.revalidate)
        self.reason.textChanged.connect(self.revalidate)
        self.revalidate()

    def target(self) -> PersonLoad | None:
        username = self.to.currentData()
        return None if username is None else self.team.person(str(username))

    def moves(self) -> list[PlannedMove]:
        to = self.target()
        if to is None:
            return []
        return [PlannedMove(c.case_id, to.username, self.reason.text(), c.owner or None) for c in self.cases]

    def missing(self) -> str | None:
        if self.target() is None:
            return "nobody else has capacity to take these cases"
        return None if self.reason.text().strip() else "say why the cases are moving"

    def revalidate(self, *_: object) -> None:
        to = self.target() if hasattr(self, "after") else None
        if to is not None:
            u = utilisation(to.points + sum(c.points for c in self.cases), to.capacity)
            self.after.setText(f"{to.display_name} would be at {percent(u)} ({band(u)}), "
                               f"from {percent(to.utilisation)} now.")
        super().revalidate()
