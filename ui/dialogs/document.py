"""Attach files to a case (chosen, or dropped on the Documents tab), and link an advice request to the
document that answered it. Each file's kind and size are checked as soon as it is chosen; the bytes are
read and saved on the task runner, never on the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import CaseworkerError, Problem, ValidationError
from caseworker.services.case_documents import (
    ALLOWED_WORDS,
    DOCUMENT_KIND_TITLES,
    MAX_BYTES,
    attach_file,
    link_advice_document,
    size_words,
    type_problem,
)
from caseworker.views.case_detail import AdviceView
from caseworker.views.case_documents import DocumentView
from ui.context import DesktopContext
from ui.dialogs.base import FieldRow, fields_named, form_row, show_problems
from ui.dialogs.fields import OptionalDate, ProblemLabel, fill_advice_choices
from ui.dialogs.saving import SavingDialog, case_changed

FILE_FILTER = ("Case documents (*.pdf *.docx *.png *.jpg *.jpeg *.gif *.tif *.tiff *.eml *.txt);;"
               "All files (*)")


def ask_files(parent: QWidget | None) -> list[Path]:
    """Ask which files to attach (modal); empty if cancelled. Tests replace this function."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Attach documents", str(Path.home()), FILE_FILTER)
    return [Path(n) for n in names]


def file_problem(path: Path) -> Problem | None:
    """Why a chosen file cannot be attached, from its name and size alone (its content is checked on saving)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Problem("file", f"the file {path.name} cannot be read: {exc.strerror or exc}")
    if not path.is_file():
        return Problem("file", f"{path} is not a file")
    return type_problem(path.name, size)


@dataclass(frozen=True)
class AttachResult:
    attached: list[str]
    refused: list[str]


def attach_all(desktop: DesktopContext, case_id: int, paths: list[Path], kind: str, description: str,
               dated: date | None) -> AttachResult:
    """Each file in its own transaction (runs on the task runner): what went in and what was refused, why."""
    ctx, actor = desktop.ctx, desktop.actor
    attached, refused = [], []
    for path in paths:
        try:
            attach_file(ctx, actor, case_id, path, kind=kind, description=description, dated=dated)
        except ValidationError as exc:
            refused.append("; ".join(p.reason for p in exc.problems))
        else:
            attached.append(path.name)
    return AttachResult(attached, refused)


class AttachDialog(SavingDialog):
    """One or more files, with what they are: kind, a description and the date they bear."""

    saving_words = "Attaching…"

    def __init__(self, desktop: DesktopContext, case_id: int, case_title: str, paths: list[Path],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.case_id, self.paths = desktop, case_id, list(paths)
        self.setWindowTitle(f"Attach documents: {case_title}")
        self.setAccessibleName("Attach documents")
        self.setMinimumWidth(600)
        outer = QVBoxLayout(self)
        intro = QLabel(f"{ALLOWED_WORDS} files, up to {MAX_BYTES // (1024 * 1024)} MB each. They are kept in the "
                       "team's database, so everyone working on the case can open them.", self)
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        self.rows: list[FieldRow] = []
        files = QWidget(self)
        line = QHBoxLayout(files)
        line.setContentsMargins(0, 0, 0, 0)
        self.files = QLabel(files)
        self.files.setWordWrap(True)
        self.choose = QPushButton("&Choose…", files)
        self.choose.setAutoDefault(False)
        self.choose.clicked.connect(self._choose)
        line.addWidget(self.files, 1)
        line.addWidget(self.choose)
        self.rows.append(form_row(self, form, "Files:", files, fields_named("file"), "Files to attach"))
        self.kind = QComboBox(self)
        for code, title in DOCUMENT_KIND_TITLES.items():
            self.kind.addItem(title, code)
        self.kind.setCurrentIndex(self.kind.findData("other"))
        self.rows.append(form_row(self, form, "&Kind:", self.kind, fields_named("kind")))
        self.description = QLineEdit(self)
        self.description.setPlaceholderText("e.g. EP advice from the County EP Service")
        self.rows.append(form_row(self, form, "&Description:", self.description, fields_named("description")))
        self.dated = OptionalDate("It is dated", desktop.today(), self)
        self.rows.append(form_row(self, form, "D&ate:", self.dated, fields_named("dated"),
                                  "The date the document bears"))
        self.general = ProblemLabel(self)
        outer.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Attach")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.dated.changed.connect(self.revalidate)
        self.description.textChanged.connect(self.revalidate)
        self.revalidate()

    def _choose(self) -> None:
        chosen = ask_files(self)
        if chosen:
            self.paths = chosen
            self.revalidate()

    def set_paths(self, paths: list[Path]) -> None:
        self.paths = list(paths)
        self.revalidate()

    def problems(self) -> list[Problem]:
        out = [p for p in (file_problem(path) for path in self.paths) if p is not None]
        dated = self.dated.value()
        if dated is not None and dated > self.desktop.today():
            out.append(Problem("dated", "the date the document bears cannot be after today"))
        if len(self.description.text()) > 2000:
            out.append(Problem("description", "a description can be at most 2,000 characters"))
        return out

    def revalidate(self) -> None:
        names = [f"{p.name} ({size_words(p.stat().st_size) if p.is_file() else '?'})" for p in self.paths]
        self.files.setText("\n".join(names) if names else "No file chosen yet")
        problems = self.problems()
        show_problems(self.rows, self.general, problems)
        self.ok.setEnabled(bool(self.paths) and not problems and not self.saving)

    def accept(self) -> None:
        self.revalidate()
        if self.saving or not self.ok.isEnabled():
            return
        desktop, case_id, paths = self.desktop, self.case_id, list(self.paths)
        kind, words, dated = str(self.kind.currentData()), self.description.text(), self.dated.value()
        changed = case_changed(desktop, case_id)
        self.start_save(lambda: attach_all(desktop, case_id, paths, kind, words, dated),
                        announce=lambda result: changed(result) if result.attached else None)

    def saving_changed(self, saving: bool) -> None:
        self.revalidate()

    def on_saved(self, result: AttachResult) -> None:
        if not result.refused:
            super().on_saved(result)
            return
        kept = [p for p in self.paths if p.name not in result.attached]
        self.paths = kept
        self.revalidate()
        done = f"Attached: {', '.join(result.attached)}. " if result.attached else "Nothing was attached. "
        self.general.set_reasons([done + " ".join(result.refused)])
        self.ok.setEnabled(False)

    def on_refused(self, exc: BaseException) -> None:
        self.general.show_refusal(exc)


class LinkAdviceDialog(SavingDialog):
    """Which advice request a document answered (only this case's requests are offered)."""

    def __init__(self, desktop: DesktopContext, doc: DocumentView, advice: tuple[AdviceView, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop, self.doc, self.advice = desktop, doc, advice
        self.setWindowTitle(f"Link to an advice request: {doc.file_name}")
        self.setAccessibleName("Link to an advice request")
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        intro = QLabel(f"Which advice request did {doc.file_name} answer?", self)
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.choice = QComboBox(self)
        self.choice.setAccessibleName("Advice request")
        fill_advice_choices(self.choice, advice, None)
        outer.addWidget(self.choice)
        self.problem = ProblemLabel(self)
        outer.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Link")
        self.ok.setEnabled(bool(advice))
        if not advice:
            self.problem.set_reasons(["no advice has been requested on this case yet"])
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    def accept(self) -> None:
        chosen = next((a for a in self.advice if a.id == self.choice.currentData()), None)
        if chosen is None or not self.ok.isEnabled() or self.saving:
            return
        ctx, actor, doc_id = self.desktop.ctx, self.desktop.actor, self.doc.id
        self.start_save(
            lambda: link_advice_document(ctx, actor, chosen.id, doc_id, expected_version=chosen.version),
            announce=case_changed(self.desktop, self.doc.case_id))

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, CaseworkerError):
            self.problem.show_refusal(exc)
        else:
            self.problem.set_reasons([f"something went wrong ({type(exc).__name__}: {exc}); nothing changed"])
