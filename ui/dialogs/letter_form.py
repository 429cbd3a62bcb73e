"""The New letter form on a case's Letters tab: who it goes to, which letter, and what it is about.

Recipients come only from the case (CaseLetters.recipients): there is no address box anywhere. The
letters offered are those the chosen recipient may receive; advice letters name the advice request
(choosing one moves the letter to that advice's service), an exception notice names the exception,
and a decision not to assess or not to issue needs its reasons written, one point per line.

A decision letter carries the day its decision was notified; made on a later day, LetterDateDialog
asks whether to date it as recorded or to record today as the day the family is told.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.letters import LetterTemplate, Recipient
from caseworker.services.letters import LateNotification, LetterKit, LetterRequest
from caseworker.views.case_detail import AdviceView
from caseworker.views.letter_recipients import CaseLetters
from ui.dialogs.fields import ProblemLabel
from ui.widgets.scrolling import WrappedLabel
from ui.widgets.wording import ADVICE_LONG, short_date

NEEDS_REASONS = frozenset({"decision_not_to_assess", "decision_not_to_issue", "cease_decision"})
FACT_WORDS = {
    "advice.kind_title": "which advice it is", "advice.requested": "the date the advice was asked for",
    "advice.due": "the date the advice is due", "advice.days_late": "how late the advice is",
    "case.caseworker_email": "the caseworker's email address", "case.caseworker_name": "the caseworker",
    "case.caseworker_phone": "the caseworker's phone number", "case.decision_due": "the decision due date",
    "case.draft_latest_safe": "the date the draft must go by", "case.family_comment_end":
    "the end of the family's 15 days on the draft", "case.final_due": "the final plan's due date",
    "case.final_issued": "the date the final plan was issued", "case.received": "the date the request came in",
    "exception.text": "the exception's wording", "exception.title": "the exception",
    "reasons": "the reasons for the decision", "reply_by": "the date to reply by",
    "case.draft_served": "the day the draft was served", "case.issue_decision_due": "the week 16 date",
    "exception.began": "the day the exception's circumstances began",
    "meeting.time": "the meeting's time", "meeting.place": "the meeting's place",
    "plan.review_meeting": "the review meeting's date (record it on the Plan tab)",
    "plan.advice_by": "the review meeting's date (record it on the Plan tab)",
    "plan.review_decision": "the review decision", "plan.review_decision_notified": "the day the review "
    "decision was notified", "plan.last_review_meeting": "the review meeting's date",
    "plan.amendment_notice_sent": "the amendment notice", "plan.amended_plan_issued":
    "the day the final amended plan was issued", "plan.cease_decided": "the decision to cease",
    "plan.transfer_date": "the phase transfer", "plan.transfer_school": "the setting consulted about the move",
}
KIND_WORDS = {"named_setting": "named in the plan", "school_consulted": "school consulted",
              "health_commissioner": "health commissioner", "social_care": "social care",
              "other_la": "another local authority", "advice_service": "advice service"}


def plain_words(message: str, kit: LetterKit | None) -> str:
    """A LetterError in a caseworker's words: the letter's title, not its id, and facts as words."""
    def title(match: re.Match[str]) -> str:
        template_id = match.group(1)
        if kit is not None and template_id in kit.templates.templates:
            return f"The \u201c{kit.templates.get(template_id).title}\u201d letter"
        return "This letter"

    text = re.sub(r"^template (\w+)", title, message.strip())
    for fact, words in FACT_WORDS.items():
        text = re.sub(rf"(?<![\w.]){re.escape(fact)}(?![\w.])", words, text)
    return text


def recipient_words(r: Recipient) -> str:
    role = KIND_WORDS.get(r.kind, r.kind.replace("_", " "))
    return f"{r.name} ({role}{', main correspondent' if r.main_correspondent else ''})"


def address_words(r: Recipient) -> str:
    lines = [r.addressee] if r.addressee else []
    return ", ".join([*lines, r.name, *r.address_lines, r.postcode])


def advice_words(a: AdviceView) -> str:
    kind = ADVICE_LONG.get(a.kind, a.kind)
    if a.received is not None:
        when = f"received {short_date(a.received)}"
    else:
        when = f"due {short_date(a.due)}" + (f", {a.days_late} days late" if a.days_late else "")
    return f"{kind} \u2014 {a.service or 'no service recorded'} \u2014 {when}"


def needs_advice(t: LetterTemplate) -> bool:
    return any(n.startswith("advice.") for n in t.needs)


def needs_meeting(t: LetterTemplate | None) -> bool:
    """A review invitation: the meeting's time and place are typed with the letter."""
    return t is not None and any(n.startswith("meeting.") for n in t.needs)


class NewLetterForm(QGroupBox):
    preview_requested = Signal(object)  # LetterRequest
    make_requested = Signal(object)  # LetterRequest
    add_recipient_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("New letter", parent)
        self.case: CaseLetters | None = None
        self.kit: LetterKit | None = None
        self._filling = False
        self.setAccessibleName("New letter")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.recipient = self._combo("To (from the case's contacts and organisations)")
        self.address = WrappedLabel(self)  # a long address wraps: the boxes under it keep their height
        self.address.setAccessibleName("The letter goes to")
        self.template = self._combo("Letter")
        self.advice = self._combo("Advice request")
        self.exception = self._combo("Exception")
        self.reasons = QPlainTextEdit(self)
        self.reasons.setAccessibleName("Reasons")
        self.reasons.setPlaceholderText("One reason per line: each line becomes a numbered point in the letter")
        self.reasons.setTabChangesFocus(True)
        self.reasons.setFixedHeight(self.fontMetrics().height() * 5 + 12)
        self.reasons_problem = ProblemLabel(self)
        self.meeting_time = self._line("Meeting time", "For example: 10am to 11:30am", 60)
        self.meeting_place = self._line("Meeting place", "For example: the library, Oakfield Primary School", 200)
        self.meeting_problem = ProblemLabel(self)
        place_cell = QWidget(self)
        place_box = QVBoxLayout(place_cell)
        place_box.setContentsMargins(0, 0, 0, 0)
        place_box.addWidget(self.meeting_place)
        place_box.addWidget(self.meeting_problem)
        reasons_cell = QWidget(self)
        box = QVBoxLayout(reasons_cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.reasons)
        box.addWidget(self.reasons_problem)
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        for key, text, widget in (("recipient", "&To:", self.recipient), ("address", "", self.address),
                                  ("template", "L&etter:", self.template), ("advice", "Advi&ce:", self.advice),
                                  ("exception", "Exceptio&n:", self.exception),
                                  ("reasons", "&Reasons:", reasons_cell),
                                  ("meeting_time", "Time &of meeting:", self.meeting_time),
                                  ("meeting_place", "Meeting p&lace:", place_cell)):
            label = QLabel(text, self)
            label.setBuddy({"reasons": self.reasons, "meeting_place": self.meeting_place}.get(key, widget))
            form.addRow(label, widget)
            self.rows[key] = (label, widget)
        self.problem = ProblemLabel(self)
        self.preview_button = QPushButton("&Preview", self)
        self.preview_button.setAccessibleName("Preview the letter")
        self.preview_button.setToolTip("Show the letter as it would be made today, marked PREVIEW; nothing is logged")
        self.make_button = QPushButton("&Make letter", self)
        self.make_button.setAccessibleName("Make the letter")
        self.make_button.setToolTip("Make the letter and record it in the case's letter log")
        self.add_recipient = QPushButton("Add an or&ganisation or school…", self)
        self.add_recipient.setAccessibleName("Add a recipient to the case")
        self.add_recipient.setToolTip("Record an organisation on the case, or a school consulted, so letters "
                                      "can go to them")
        self.add_recipient.clicked.connect(self.add_recipient_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_recipient)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.make_button)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addWidget(self.problem)
        outer.addLayout(buttons)
        self.recipient.currentIndexChanged.connect(self._recipient_changed)
        self.template.currentIndexChanged.connect(self._template_changed)
        self.advice.currentIndexChanged.connect(self._advice_changed)
        for combo in (self.exception,):
            combo.currentIndexChanged.connect(self._clear_problems)
        self.reasons.textChanged.connect(self._clear_problems)
        self.meeting_time.textChanged.connect(self._clear_problems)
        self.meeting_place.textChanged.connect(self._clear_problems)
        self.preview_button.clicked.connect(lambda: self._ask(self.preview_requested))
        self.make_button.clicked.connect(lambda: self._ask(self.make_requested))
        self._show_rows(None)

    def _line(self, name: str, hint: str, longest: int) -> QLineEdit:
        box = QLineEdit(self)
        box.setAccessibleName(name)
        box.setPlaceholderText(hint)
        box.setMaxLength(longest)
        return box

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(30)
        return combo

    # --- filling from the case ---------------------------------------------------------------------
    def set_case(self, case: CaseLetters, kit: LetterKit, today: date) -> None:
        """Fill the choices from a freshly loaded case, keeping what was chosen where it still exists."""
        request = self.current_request() if self.case is not None else None
        self.case, self.kit = case, kit
        self._filling = True
        try:
            self.recipient.clear()
            for r in case.recipients:  # the main correspondent comes first (the loader's order)
                self.recipient.addItem(recipient_words(r), r.id)
            if case.main_correspondent is not None:
                self.recipient.setCurrentIndex(self.recipient.findData(case.main_correspondent.id))
            self.advice.clear()
            for a in sorted(case.detail.advice, key=lambda a: (a.received is not None, -a.days_late, a.due)):
                self.advice.addItem(advice_words(a), a.id)
            self.exception.clear()
            for e in reversed(case.detail.exceptions):  # the latest first: the one a notice is usually about
                self.exception.addItem(f"({e.ground}) {e.title} \u2014 recorded {short_date(e.recorded)}", e.id)
        finally:
            self._filling = False
        self._recipient_changed()
        if request is not None:
            self.prefill(request)
        self.setEnabled(bool(case.recipients))
        if not case.recipients:
            self.problem.set_reasons(["no one linked to this case has a postal address on record, so no letter "
                                      "can be made: add the family's address on the case first"])

    def prefill(self, request: LetterRequest) -> None:
        """Choose what ``request`` names (from the Letters to send list, or to keep a choice on reload)."""
        if self.case is None:
            return
        recipient_id = request.recipient_id
        if recipient_id is None and request.advice_id is not None:
            advice = next((a for a in self.case.detail.advice if a.id == request.advice_id), None)
            recipient_id = f"service:{advice.service_id}" if advice and advice.service_id else None
        if recipient_id is not None and self.recipient.findData(recipient_id) >= 0:
            self.recipient.setCurrentIndex(self.recipient.findData(recipient_id))
        if self.template.findData(request.template_id) >= 0:
            self.template.setCurrentIndex(self.template.findData(request.template_id))
        for combo, value in ((self.advice, request.advice_id), (self.exception, request.exception_id)):
            if value is not None and combo.findData(value) >= 0:
                combo.setCurrentIndex(combo.findData(value))
        if request.reasons:
            self.reasons.setPlainText("\n".join(request.reasons))

    def _recipient_changed(self, *_: object) -> None:
        if self._filling or self.case is None or self.kit is None:
            return
        r = self.chosen_recipient()
        self.address.setText(f"Goes to: {address_words(r)}" if r else "")
        keep = self.template.currentData()
        self._filling = True
        try:
            self.template.clear()
            offered = self.kit.templates.for_recipient(
                r, plan_in_place=self.case.plan is not None,
                request_on_record=self.case.detail.received is not None) if r else []
            for t in offered:
                self.template.addItem(t.title, t.id)
            if keep is not None and self.template.findData(keep) >= 0:
                self.template.setCurrentIndex(self.template.findData(keep))
        finally:
            self._filling = False
        self._template_changed()

    def _template_changed(self, *_: object) -> None:
        if self._filling:
            return
        t = self.chosen_template()
        self._show_rows(t)
        r = self.chosen_recipient()
        if t is not None and needs_advice(t) and r is not None and r.kind == "advice_service":
            self._choose_advice_for(r)  # the advice this service owes, late ones first
        self._clear_problems()

    def _choose_advice_for(self, r: Recipient) -> None:
        if self.case is None:
            return
        current = self.advice.currentData()
        owed = [a.id for a in self.case.detail.advice if f"service:{a.service_id}" == r.id]
        if current in owed:
            return
        for i in range(self.advice.count()):
            if self.advice.itemData(i) in owed:
                self._filling = True
                self.advice.setCurrentIndex(i)
                self._filling = False
                return

    def _advice_changed(self, *_: object) -> None:
        """An advice letter goes to the service the advice was asked of, unless the user picks otherwise."""
        if self._filling or self.case is None:
            return
        advice = next((a for a in self.case.detail.advice if a.id == self.advice.currentData()), None)
        if advice is not None and advice.service_id is not None:
            index = self.recipient.findData(f"service:{advice.service_id}")
            if index >= 0 and index != self.recipient.currentIndex():
                self.recipient.setCurrentIndex(index)
        self._clear_problems()

    def _show_rows(self, t: LetterTemplate | None) -> None:
        shown = {"advice": t is not None and needs_advice(t),
                 "exception": t is not None and any(n.startswith("exception.") for n in t.needs),
                 "reasons": t is not None and t.id in NEEDS_REASONS,
                 "meeting_time": needs_meeting(t), "meeting_place": needs_meeting(t)}
        for key, visible in shown.items():
            label, widget = self.rows[key]
            label.setVisible(visible)
            widget.setVisible(visible)

    # --- reading the form --------------------------------------------------------------------------
    def chosen_recipient(self) -> Recipient | None:
        rid = self.recipient.currentData()
        return next((r for r in self.case.recipients if r.id == rid), None) if self.case and rid else None

    def chosen_template(self) -> LetterTemplate | None:
        tid = self.template.currentData()
        return self.kit.templates.get(tid) if self.kit is not None and tid else None

    def reason_points(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.reasons.toPlainText().splitlines() if line.strip())

    def current_request(self) -> LetterRequest | None:
        t, r = self.chosen_template(), self.chosen_recipient()
        if t is None or r is None:
            return None
        return LetterRequest(
            t.id, recipient_id=r.id,
            advice_id=self.advice.currentData() if needs_advice(t) else None,
            exception_id=self.exception.currentData() if any(n.startswith("exception.") for n in t.needs) else None,
            reasons=self.reason_points() if t.id in NEEDS_REASONS else (),
            meeting_time=self.meeting_time.text().strip() if needs_meeting(t) else "",
            meeting_place=self.meeting_place.text().strip() if needs_meeting(t) else "")

    def check(self) -> LetterRequest | None:
        """The request, or None with what is missing shown next to its field."""
        self._clear_problems()
        request = self.current_request()
        if request is None:
            self.problem.set_reasons(["choose who the letter goes to and which letter it is"])
            return None
        if request.template_id in NEEDS_REASONS and not request.reasons:
            self.reasons_problem.set_reasons(["write the reasons for the decision, one point per line: the family "
                                              "must be told why"])
            self.reasons.setFocus()
            return None
        t = self.chosen_template()
        if needs_meeting(t) and not (request.meeting_time and request.meeting_place):
            self.meeting_problem.set_reasons(["type the meeting's time and place: the invitation must give both"])
            (self.meeting_place if request.meeting_time else self.meeting_time).setFocus()
            return None
        if t is not None and needs_advice(t) and request.advice_id is None:
            self.problem.set_reasons(["no advice has been asked for on this case yet"])
            return None
        if t is not None and request.exception_id is None and any(n.startswith("exception.") for n in t.needs):
            self.problem.set_reasons(["no exception is recorded on this case"])
            return None
        return request

    def show_letter_error(self, message: str) -> None:
        self.problem.set_reasons([plain_words(message, self.kit)])

    def problem_text(self) -> str:
        return "\n".join(t for t in (self.reasons_problem.reasons(), self.meeting_problem.reasons(),
                                      self.problem.reasons()) if t)

    def _ask(self, signal: SignalInstance) -> None:
        request = self.check()
        if request is not None:
            signal.emit(request)

    def _clear_problems(self, *_: object) -> None:
        self.problem.set_reasons([])
        self.reasons_problem.set_reasons([])
        self.meeting_problem.set_reasons([])

    def set_can_make(self, can: bool, why: str = "") -> None:
        self.make_button.setEnabled(can)
        self.make_button.setToolTip("Make the letter and record it in the case's letter log" if can else why)


class LetterDateDialog(QDialog):
    """A decision letter made after the day its decision was notified: date it as recorded, or record
    today as the day the family is told (which moves the appeal window with it)."""

    chosen = Signal(object)  # None: date it as recorded; a date: record it as the notification date

    def __init__(self, late: LateNotification, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.late = late
        self.setWindowTitle("The date of the decision letter")
        self.setAccessibleName("The date of the decision letter")
        self.setMinimumWidth(520)
        text = QLabel(f"{late.message[0].upper()}{late.message[1:]}.\n\nA decision letter carries the day the "
                      "family is told of the decision, and the time to appeal counts from it.", self)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.keep = self.buttons.addButton(f"Date it {short_date(late.recorded)} (as recorded)",
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.record = self.buttons.addButton(f"Record {short_date(late.today)} as the day the family is told",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep.clicked.connect(lambda: self._choose(None))
        self.record.clicked.connect(lambda: self._choose(late.today))
        self.record.setVisible(late.recordable)  # a plan's dates are corrected on the plan, not here
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.buttons)

    def _choose(self, on: date | None) -> None:
        self.chosen.emit(on)
        self.accept()
