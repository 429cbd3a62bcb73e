"""Help (F1): the statutory timescales the app applies (from the same table the engine reads), and About."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from caseworker.statutory.rules import Rules, Timescale
from caseworker.vocabulary import event_words, spelt_date, step_phrase

if TYPE_CHECKING:
    from ui.context import DesktopContext

BINDING_WORDS = {
    "never": "Not a legal deadline: the council's own planning date. Later than it is behind plan, never a breach.",
    "only_if_no": "Binds only a decision <i>not</i> to issue: a later \u201cyes\u201d is later than planned, not a "
                  "breach. Until a decision is recorded it is treated as binding.",
}


def _length(t: Timescale, rules: Rules) -> str:
    p = t.period
    if p.on is not None:
        return f"by {spelt_date(date(2000, *p.on)).removesuffix(' 2000')} of that year"
    parts = [f"{abs(n)} {unit}" for n, unit in ((p.months, "months"), (p.weeks, "weeks"), (p.days, "days")) if n]
    length = " ".join(parts) or "0 days"
    if not t.less_consultation_allowance:
        before = p.months < 0 or p.weeks < 0 or p.days < 0
        counted = ", that day counting as the first" if t.counting == "beginning_with" else ""
        return f"{length} before" if before else length + counted
    allowance = rules.consultation_allowance_days
    total = abs(p.fixed_days or 0) + allowance
    return (f"{total} days before: the family's {length} on the draft plus the consultation allowance "
            f"({allowance} days) for settings to answer and the plan to be finalised")


def _step_notes(t: Timescale) -> str:
    notes = [f"<br><i>(check) {t.check}</i>" if t.check else "",
             f"<br>{BINDING_WORDS[t.binding]}" if t.binding in BINDING_WORDS else ""]
    return "".join(notes)


def rules_html(rules: Rules) -> str:
    rows = []
    for t in (*rules.milestones, *rules.periods.values()):
        starts = " or, if later, ".join(f"the due date of the {step_phrase(n)}" if n in rules.table else event_words(n)
                                        for n in t.starts_from)
        rows.append(f"<tr><td><b>{t.title}</b>{_step_notes(t)}</td><td>{starts}</td><td>{_length(t, rules)}</td>"
                    f"<td>{t.law}</td></tr>")
    grounds = "".join(f"<li><b>({k})</b> {g.get('title', '')}: {g.get('text', '')}</li>"
                      for k, g in rules.exception_grounds.items())
    excuses = "".join(f"<li><b>{g.get('title', k)}</b>: {g.get('text', '')} ({g.get('law', '')})</li>"
                      for k, g in rules.advice_excuses.items())
    return (
        f"<h2>Statutory timescales (table version {rules.version})</h2>"
        "<p>Weeks are 7 calendar days; weekends and bank holidays count. A step done on its due date is on "
        "time. The <i>work-by</i> date is the last working day on or before the due date. Advice and drafts sent "
        "by post count from the second working day after posting. Rules marked "
        "<i>(check)</i> are believed right but not yet confirmed against the legislation; your "
        "administrator can correct them in the timescales table without a new release.</p>"
        "<table border=1 cellpadding=4 cellspacing=0><tr><th>Step</th><th>Clock starts</th><th>Length</th>"
        f"<th>Law</th></tr>{''.join(rows)}</table>"
        "<h3>Exceptions</h3><p>An exception switches a deadline off; it does not move it. It excuses only the "
        "deadlines its ground covers, due on or after the day its circumstances began, and nothing if they ended "
        f"before the request was received. Nothing excuses the latest safe draft day.</p><ul>{grounds}</ul>"
        f"<h3>Advisers excused (reg 8(2))</h3><ul>{excuses}</ul>")


def show_rules(parent: QWidget, rules: Rules) -> None:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Statutory timescales")
    dialog.resize(900, 650)
    layout = QVBoxLayout(dialog)
    text = QTextBrowser(dialog)
    text.setAccessibleName("Statutory timescales")
    text.setHtml(rules_html(rules))
    layout.addWidget(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=dialog)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.exec()


def show_about(parent: QWidget, desktop: DesktopContext) -> None:
    # Loaded when asked for: the licence table and its texts are nothing the window needs at start.
    from ui.dialogs.about import AboutDialog

    AboutDialog(desktop, parent).exec()
