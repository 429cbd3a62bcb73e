"""Help: the statutory timescales the app applies (from the same table the engine reads), and About."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from caseworker import __version__
from caseworker.statutory.rules import Rules, Timescale


def _length(t: Timescale) -> str:
    p = t.period
    parts = [f"{abs(n)} {unit}" for n, unit in ((p.months, "months"), (p.weeks, "weeks"), (p.days, "days")) if n]
    return " ".join(parts) or "0 days"


def rules_html(rules: Rules) -> str:
    rows = []
    for t in (*rules.milestones, *rules.periods.values()):
        check = f"<br><i>(check) {t.check}</i>" if t.check else ""
        starts = t.starts.replace("_", " ")
        rows.append(f"<tr><td><b>{t.title}</b>{check}</td><td>{starts}</td><td>{_length(t)}</td>"
                    f"<td>{t.law}</td></tr>")
    grounds = "".join(f"<li><b>({k})</b> {g.get('title', '')}: {g.get('text', '')}</li>"
                      for k, g in rules.exception_grounds.items())
    return (
        f"<h2>Statutory timescales (table version {rules.version})</h2>"
        "<p>Weeks are 7 calendar days; weekends and bank holidays count. A step done on its due date is on "
        "time. The <i>work-by</i> date is the last working day on or before the due date. Rules marked "
        "<i>(check)</i> are believed right but not yet confirmed against the legislation; your "
        "administrator can correct them in the timescales table without a new release.</p>"
        "<table border=1 cellpadding=4 cellspacing=0><tr><th>Step</th><th>Clock starts</th><th>Length</th>"
        f"<th>Law</th></tr>{''.join(rows)}</table>"
        f"<h3>Exceptions</h3><p>An exception switches a deadline off; it does not move it.</p><ul>{grounds}</ul>")


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


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About Caseworker",
                      f"<b>Caseworker {__version__}</b><p>EHC needs assessments and plans for council SEND "
                      "teams: statutory deadlines, advice tracking, letters and caseloads.</p>")
