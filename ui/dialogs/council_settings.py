"""Council settings (File menu, admins only): the letterhead, the services letters tell families about,
the logo and the three paragraphs every appealable decision carries, stored for the whole team.

Every field is checked by the same rules as the settings file (caseworker.letters.settings); a problem
is shown beside its field, its tab is marked, and nothing is saved until all are put right. Preview
makes a sample decision not to assess for a fictional child with the settings as typed and shows its
first page, so the admin sees the letterhead before anyone's letters carry it. Saving refuses a copy
another admin has saved over since it was opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker.context import AppContext
from caseworker.errors import ConflictError, PermissionDenied, Problem, ValidationError
from caseworker.letters.errors import SettingsError
from caseworker.letters.settings import CONTACT_KEYS, CouncilSettings, load_council_settings
from caseworker.letters.settings_file import settings_document
from caseworker.services import council_settings as service
from ui.context import DesktopContext
from ui.dialogs.base import FieldRow, fields_named, form_row, show_problems
from ui.dialogs.council_parts import LetterPreview, LogoPicker
from ui.dialogs.fields import ProblemLabel
from ui.dialogs.saving import SavingDialog
from ui.status import status_icon
from ui.widgets.wording import local_time

COUNCIL_FIELDS = (("name", "Council &name:"), ("postcode", "Postco&de:"), ("phone", "P&hone:"),
                  ("email", "&Email:"), ("website", "&Website:"), ("local_offer", "&Local Offer website:"))
TEAM_FIELDS = (("team", "&Team:"), ("signatory_role", "Si&gnatory's job title:"))
UNDER_FIVES_KEY = "plans.under_fives_review_months"
CONTACTS = (("sendiass", "SENDIASS (information, advice and support)"),
            ("mediation_adviser", "Independent mediation adviser"),
            ("la_mediation", "The council's mediation contact"),
            ("disagreement_resolution", "Disagreement resolution service"),
            ("tribunal", "The Tribunal"))
BLOCKS = (("appeal_rights", "Appeal rights"), ("mediation", "Mediation"), ("sendiass", "SENDIASS"))
TABS = ("Council", "Contacts", "Paragraphs")
NO_SETTINGS = "letters need your council's settings"  # caseworker.services.letters: a real team with none
BLOCK_HELP = ("Printed under \u201cYour rights\u201d in every letter of an appealable decision to the family. "
              "Text in {{ }} is filled in from the settings and the case, e.g. {{ council.sendiass | contact }}; "
              "lines starting ## are headings and - bullets (docs/letters.md).")


class CouncilSettingsDialog(SavingDialog):
    """The council's letter settings, for an admin."""

    saved = Signal(int)  # the settings' new version

    def __init__(self, desktop: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if desktop.actor.role != "admin":
            raise PermissionDenied("only an admin can change the council's settings")
        self.desktop = desktop
        self.version = 0
        self.rows: list[FieldRow] = []
        self.row_tab: list[int] = []
        self.lines: dict[str, QLineEdit] = {}
        self.blocks: dict[str, QPlainTextEdit] = {}
        self._checking = False  # problems are shown as the admin types once a save or preview has found one
        self.setWindowTitle("Council settings")
        self.setAccessibleName("Council settings")
        self.setSizeGripEnabled(True)
        self.resize(1240, 700)
        outer = QVBoxLayout(self)
        self.note = QLabel("Loading the council's settings…", self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName("Where these settings come from")
        outer.addWidget(self.note)
        body = QHBoxLayout()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._council_tab(), TABS[0])
        self.tabs.addTab(self._contacts_tab(), TABS[1])
        self.tabs.addTab(self._blocks_tab(), TABS[2])
        body.addWidget(self.tabs, 3)
        body.addWidget(self._preview_pane(), 2)
        outer.addLayout(body, 1)
        self.general = ProblemLabel(self)
        outer.addWidget(self.general)
        self._build_conflict(outer)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.ok = self.save_button  # what the saving base waits on
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.load()

    # --- building ----------------------------------------------------------------------------------
    def _row(self, form: QFormLayout, tab: int, text: str, widget: QWidget, *fields: str) -> FieldRow:
        row = form_row(self, form, text, widget, fields_named(*fields))
        self.rows.append(row)
        self.row_tab.append(tab)
        return row

    def _line(self, key: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.textEdited.connect(self.changed)
        self.lines[key] = edit
        return edit

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(title, self)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return group, form

    def _council_tab(self) -> QWidget:
        page = QWidget(self)
        grid = QHBoxLayout(page)
        council, form = self._group("The council")
        for key, text in COUNCIL_FIELDS[:1]:
            self._row(form, 0, text, self._line(f"council.{key}"), f"council.{key}")
        self.address = QPlainTextEdit(self)
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("One line each, e.g.\nCounty Hall\nCastle Street\nMarchford")
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.address.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.address.textChanged.connect(self.changed)
        self._row(form, 0, "&Address:", self.address, "council.address")
        for key, text in COUNCIL_FIELDS[1:]:
            self._row(form, 0, text, self._line(f"council.{key}"), f"council.{key}")
        column = QVBoxLayout()
        column.addWidget(council)
        column.addStretch(1)
        grid.addLayout(column, 3)
        side = QVBoxLayout()
        team, team_form = self._group("The team and signatory")
        team_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for key, text in TEAM_FIELDS:
            self._row(team_form, 0, text, self._line(f"council.{key}"), f"council.{key}")
        side.addWidget(team)
        logo, logo_form = self._group("Logo")
        self.logo = LogoPicker(self)
        self.logo.changed.connect(self.changed)
        self._row(logo_form, 0, "Logo:", self.logo, "council.logo")
        side.addWidget(logo)
        side.addWidget(self._plans_group())
        side.addStretch(1)
        grid.addLayout(side, 2)
        return scrolling(page)

    def _plans_group(self) -> QGroupBox:
        """The one plan setting: how often a young child's plan is suggested for review (guidance)."""
        plans, form = self._group("Plans in place")
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        months = self._line(UNDER_FIVES_KEY)
        months.setPlaceholderText("6 (the default)")
        months.setMaxLength(2)
        months.setAccessibleName("Review a child under 5 every (months)")
        months.setToolTip("Code of Practice 9.178 suggests reviewing a young child's plan every 3 to 6 months. "
                          "Guidance, not a legal deadline: shown on the plan, never as overdue. Leave empty "
                          "for 6 months.")
        self._row(form, 0, "Review a child under &5 every (months):", months, UNDER_FIVES_KEY)
        return plans

    def _contacts_tab(self) -> QWidget:
        inner = QWidget(self)
        grid = QGridLayout(inner)
        for n, (section, title) in enumerate(CONTACTS):
            group, form = self._group(title)
            for key in CONTACT_KEYS:
                fields = (f"{section}.{key}", section) if key == "name" else (f"{section}.{key}",)
                self._row(form, 1, f"{key.capitalize()}:", self._line(f"{section}.{key}"), *fields)
            grid.addWidget(group, n // 2, n % 2)
        grid.setRowStretch(3, 1)
        return scrolling(inner)

    def _blocks_tab(self) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        help_text = QLabel(BLOCK_HELP, page)
        help_text.setWordWrap(True)
        box.addWidget(help_text)
        self.block_tabs = QTabWidget(page)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for name, title in BLOCKS:
            holder = QWidget(page)
            column = QVBoxLayout(holder)
            edit = QPlainTextEdit(holder)
            edit.setFont(fixed)
            edit.setAccessibleName(f"The {title} paragraph")
            edit.textChanged.connect(self.changed)
            self.blocks[name] = edit
            label = QLabel(f"The {title if name == 'sendiass' else title.lower()} paragraph (Jinja2 text):", holder)
            label.setBuddy(edit)
            problem = ProblemLabel(holder)
            for widget, stretch in ((label, 0), (edit, 1), (problem, 0)):
                column.addWidget(widget, stretch)
            self.rows.append(FieldRow(label, edit, problem, fields_named(f"blocks.{name}")))
            self.row_tab.append(2)
            self.block_tabs.addTab(holder, title)
        box.addWidget(self.block_tabs, 1)
        return page

    def _preview_pane(self) -> QWidget:
        group = QGroupBox("Preview: a sample decision not to assess", self)
        box = QVBoxLayout(group)
        self.preview = LetterPreview(group)
        self.preview.show_message("Preview makes a sample letter for a fictional child with the settings as they "
                                  "are typed here, and shows its first page.")
        box.addWidget(self.preview, 1)
        self.preview_button = QPushButton("&Preview", group)
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.make_preview)
        box.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignRight)
        return group

    def _build_conflict(self, outer: QVBoxLayout) -> None:
        self.conflict = QFrame(self)
        self.conflict.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.conflict)
        self.conflict_text = QLabel(self.conflict)
        self.conflict_text.setWordWrap(True)
        reload_button = QPushButton("&Reload their settings", self.conflict)
        reload_button.setAutoDefault(False)
        reload_button.clicked.connect(self.load)
        row.addWidget(self.conflict_text, 1)
        row.addWidget(reload_button)
        self.conflict.hide()
        outer.addWidget(self.conflict)

    # --- loading -----------------------------------------------------------------------------------
    def load(self) -> None:
        ctx = self.desktop.ctx
        self.conflict.hide()
        self.run_busy(lambda: stored_or_unreadable(ctx), self._loaded, self._load_failed)

    def _loaded(self, stored: service.StoredCouncil | Unreadable) -> None:
        self.version = stored.version  # an unreadable stored copy is replaced by the next save, not refused
        if isinstance(stored, Unreadable):
            self._start_blank(stored.error)
            return
        self.fill(stored.settings)
        self.note.setText(origin_words(stored))
        self.make_preview()  # the letterhead as it prints now, before anything is changed

    def _load_failed(self, exc: BaseException) -> None:
        self.general.show_refusal(exc)

    def _start_blank(self, error: SettingsError) -> None:
        if str(error).startswith(NO_SETTINGS):
            self.note.setText("This database stores no council settings yet, so letters cannot be made: fill them "
                              "in and save (or import a settings file with 'caseworker settings import'). The three "
                              "paragraphs and the Tribunal's details start as Caseworker's own wording: check them.")
        else:
            self.note.setText(f"The council's settings cannot be read ({error}); fill them in here and save.")
        self.desktop.runner.run(lambda: load_council_settings(None), self._fill_wording, self.general.show_refusal,
                                owner=self)

    def _fill_wording(self, sample: CouncilSettings) -> None:
        """The paragraphs and the Tribunal (the same for every council) from the shipped wording; never the
        sample council's own name, address or contacts."""
        for name, editor in self.blocks.items():
            editor.setPlainText(sample.blocks.get(name, ""))
        for key, value in settings_document(sample)["tribunal"].items():
            self.lines[f"tribunal.{key}"].setText(value)
            self.lines[f"tribunal.{key}"].setCursorPosition(0)

    def fill(self, settings: CouncilSettings) -> None:
        """Show ``settings`` in the fields (as stored, or loaded again after someone else's save)."""
        document = settings_document(settings)
        for key, edit in self.lines.items():
            section, _, name = key.partition(".")
            edit.setText(str(document.get(section, {}).get(name, "")))
            edit.setCursorPosition(0)  # the start of a long address shows, not its end
        self.address.setPlainText("\n".join(settings.address_lines))
        for name, editor in self.blocks.items():
            editor.setPlainText(settings.blocks.get(name, ""))
        self.logo.set_logo(settings.logo)
        self._checking = False
        self.show_problems([])

    # --- what is typed ------------------------------------------------------------------------------
    def document(self) -> dict[str, dict[str, Any]]:
        """The fields as the settings file's sections."""
        document: dict[str, dict[str, Any]] = {}
        for key, edit in self.lines.items():
            section, _, name = key.partition(".")
            document.setdefault(section, {})[name] = edit.text()
        lines = [line.strip() for line in exact_text(self.address).split("\n")]
        document["council"]["address"] = [line for line in lines if line]
        return document

    def block_texts(self) -> dict[str, str]:
        return {name: exact_text(edit) for name, edit in self.blocks.items()}

    def problems(self) -> list[Problem]:
        """What the settings rules find wrong as typed (quick: no letter is made)."""
        found = service.field_problems(self.document(), self.block_texts(), self.logo.logo)
        if self.logo.refused:
            found.append(Problem("council.logo", self.logo.refused))
        return found

    def changed(self, *_: object) -> None:
        if self._checking:
            self.show_problems(self.problems())

    def show_problems(self, problems: list[Problem]) -> None:
        """Each problem beside its field, each tab holding one marked, and the first such tab shown."""
        show_problems(self.rows, self.general, problems)
        marked = {tab for row, tab in zip(self.rows, self.row_tab, strict=True) if row.problem.reasons()}
        for tab in range(self.tabs.count()):
            self.tabs.setTabIcon(tab, status_icon("overdue") if tab in marked else QIcon())
            self.tabs.setTabToolTip(tab, "Something here needs correcting" if tab in marked else "")
        for n, (name, _title) in enumerate(BLOCKS):
            wrong = any(p.field == f"blocks.{name}" for p in problems)
            self.block_tabs.setTabIcon(n, status_icon("overdue") if wrong else QIcon())
        if marked and self.tabs.currentIndex() not in marked:
            self.tabs.setCurrentIndex(min(marked))

    def problem_text(self) -> str:
        """Every problem shown, for tests."""
        return "\n".join(t for t in [r.problem.reasons() for r in self.rows] + [self.general.reasons()] if t)

    def _refuse_if_wrong(self) -> bool:
        """Show what is wrong and return True, or return False when the fields will do."""
        problems = self.problems()
        if problems:
            self._checking = True
            self.show_problems(problems)
            self.general.set_reasons(["nothing was saved: correct the fields marked above"]
                                     if not self.general.reasons() else [self.general.reasons()])
        return bool(problems)

    # --- preview and save ---------------------------------------------------------------------------
    def make_preview(self) -> None:
        if self.saving or self._refuse_if_wrong():
            return
        document, blocks, logo = self.document(), self.block_texts(), self.logo.logo
        self.preview.show_message("Making the sample letter…")
        self.run_busy(lambda: service.sample_letter(service.check_council(document, blocks, logo)), self._previewed)

    def _previewed(self, pdf: bytes) -> None:
        self.preview.show_pdf(pdf, "Page 1 of a sample decision not to assess for a fictional child, made with the "
                                   "settings shown here (press Preview again after a change).")

    def accept(self) -> None:
        if self.saving or self._refuse_if_wrong():
            return
        ctx, actor, version = self.desktop.ctx, self.desktop.actor, self.version
        document, blocks, logo = self.document(), self.block_texts(), self.logo.logo
        self.start_save(lambda: service.save_council(ctx, actor, document, blocks, logo, expected_version=version))

    def on_saved(self, version: int) -> None:
        self.version = version
        self.saved.emit(version)
        super().on_saved(version)

    def on_refused(self, exc: BaseException) -> None:
        """A save or a preview refused: the fields say why."""
        self.preview.show_message("No preview: correct the problem shown and try again.")
        if isinstance(exc, ValidationError):
            self._checking = True
            self.show_problems(exc.problems)
            if not self.general.reasons():
                self.general.set_reasons(["nothing was saved: correct the fields marked above"])
        elif isinstance(exc, ConflictError):
            self.conflict_text.setText(f"Nothing was saved: {exc}. Reloading replaces what is typed here with "
                                       "their settings.")
            self.conflict.show()
        else:
            self.general.show_refusal(exc)

    def saving_changed(self, saving: bool) -> None:
        """Loading, previewing or saving: one at a time (Cancel waits too: the saving base)."""
        self.save_button.setEnabled(not saving)
        self.preview_button.setEnabled(not saving)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """No settings letters can use: none anywhere, or a stored copy the rules now refuse."""

    error: SettingsError
    version: int  # the stored copy's version (0: none stored)


def stored_or_unreadable(ctx: AppContext) -> service.StoredCouncil | Unreadable:
    try:
        return service.load_council(ctx)
    except SettingsError as exc:
        return Unreadable(exc, service.stored_version(ctx))


def scrolling(page: QWidget) -> QScrollArea:
    """``page`` in a scroll area: on a small screen, or with problems shown, the fields scroll rather than squash."""
    scroll = QScrollArea(page.parentWidget())
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll


def exact_text(edit: QPlainTextEdit) -> str:
    """The text as typed: toPlainText() would turn a non-breaking space into a plain one."""
    return edit.document().toRawText().replace("\u2029", "\n")


def origin_words(stored: service.StoredCouncil) -> str:
    """Where the settings shown come from, and what saving them does, in a sentence or two."""
    if stored.origin == "database":
        when = ""
        if stored.changed_at is not None:  # stored in UTC (SQLite hands it back without its zone)
            at = stored.changed_at if stored.changed_at.tzinfo else stored.changed_at.replace(tzinfo=UTC)
            when = f" on {local_time(at)}"
        who = f" by {stored.changed_by}" if stored.changed_by else ""
        return (f"Stored in the database for the whole team (version {stored.version}, last saved{who}{when}). "
                "Every desktop's letters use what is saved here.")
    if stored.origin == "file":
        return (f"Read from {stored.path}: the database stores none yet. Saving stores them in the database, and "
                "every desktop's letters then use them.")
    return ("This demo database stores no settings, so letters use the sample council. Saving stores them in the "
            "database.")
