"""The 20-week strip paints every stage (and a plan in place), says in words what it shows, and clamps
what falls outside week 0 to week 20. Built from the engine alone: no database needed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSize
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts
from caseworker.views.case_detail import AdviceView, CaseDetail, ExceptionView
from tests.gui.conftest import GUI_TODAY
from ui.widgets.timeline import TimelineWidget

ENGINE = DeadlineEngine()
TITLES = {"c": "Exceptional personal circumstances", "d": "Absent from the area"}


def detail_of(facts: RequestFacts | None, today: date = GUI_TODAY) -> CaseDetail:
    deadlines = ENGINE.evaluate(facts, today) if facts is not None else None
    advice = tuple(AdviceView(i + 1, 1, a.kind, a.service or "", a.requested, a.due, a.received, a.status,
                              a.days_late) for i, a in enumerate(deadlines.advice if deadlines else []))
    exceptions = tuple(ExceptionView(e.ground, TITLES.get(e.ground, e.ground), e.recorded, e.note)
                       for e in (facts.exceptions if facts else []))
    return CaseDetail(case_id=1, version=1, reference="EHC-2025-0001", child="Amelia Jones",
                      date_of_birth=date(2016, 5, 4), age=8, upn="", school="", primary_need="ASD",
                      caseworker="jsmith", caseworker_name="Jo Smith", received=facts.received if facts else None,
                      final_issued=facts.final_issued if facts else date(2019, 5, 20), deadlines=deadlines,
                      advice=advice, contacts=(), exceptions=exceptions, history=())


def facts(received: date, **kw: object) -> RequestFacts:
    return RequestFacts(reference="EHC-2025-0001", received=received, **kw)  # type: ignore[arg-type]


LATE_EP = facts(date(2024, 11, 25), decision_to_assess=True, decision_to_assess_on=date(2025, 1, 3),
                advice=[AdviceFacts("ep", date(2025, 1, 6), service="County EP Service"),
                        AdviceFacts("health", date(2025, 1, 6), date(2025, 2, 10)),
                        AdviceFacts("social_care", date(2025, 1, 7), date(2025, 2, 24))],
                exceptions=[ExceptionFacts("c", date(2025, 2, 3), "bereavement")])
SCENARIOS: dict[str, RequestFacts | None] = {
    "request, just in": facts(date(2025, 2, 24)),
    "request, decision overdue": facts(date(2025, 1, 6)),
    "assessment, late EP advice and an exception": LATE_EP,
    "drafting": facts(date(2024, 10, 21), decision_to_assess=True, decision_to_assess_on=date(2024, 11, 25),
                      decision_to_issue=True, decision_to_issue_on=date(2025, 2, 3), draft_sent=date(2025, 2, 17),
                      advice=[AdviceFacts("ep", date(2024, 11, 26), date(2025, 1, 8))]),
    "issued late, in week 23": facts(date(2024, 9, 2), decision_to_assess=True, decision_to_assess_on=date(2024, 10, 7),
                                     decision_to_issue=True, decision_to_issue_on=date(2024, 12, 16),
                                     draft_sent=date(2025, 1, 20), final_issued=date(2025, 2, 10)),
    "closed: no to assess": facts(date(2025, 1, 6), decision_to_assess=False, decision_to_assess_on=date(2025, 2, 10)),
    "withdrawn": facts(date(2025, 1, 6), withdrawn=date(2025, 2, 20),
                       exceptions=[ExceptionFacts("d", date(2025, 2, 10))]),
    "past week 20, still open": facts(date(2024, 9, 2), decision_to_assess=True,
                                      decision_to_assess_on=date(2024, 10, 7)),
    "plan in place": None,
}


def shown(qtbot: QtBot, f: RequestFacts | None, width: int = 1200) -> TimelineWidget:
    widget = TimelineWidget(rules=ENGINE.rules)
    qtbot.addWidget(widget)
    widget.set_detail(detail_of(f), GUI_TODAY)
    widget.resize(width, widget.sizeHint().height())
    return widget


def painted(widget: TimelineWidget, ratio: float = 1.0) -> QImage:
    pixmap = QPixmap(QSize(int(widget.width() * ratio), int(widget.height() * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor("white"))
    widget.render(pixmap)
    return pixmap.toImage()


def reddish(image: QImage) -> int:
    """Pixels near the late colour (#b3261e) in the lower half, where the advice bars are."""
    count = 0
    for y in range(image.height() // 2, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if c.red() > 150 and c.green() < 90 and c.blue() < 90:
                count += 1
    return count


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_stage_paints_inside_the_widget_at_any_scale(qtbot: QtBot, name: str) -> None:
    widget = shown(qtbot, SCENARIOS[name])
    for ratio in (1.0, 1.5, 2.0):
        image = painted(widget, ratio)
        assert not image.isNull() and image.width() == int(widget.width() * ratio)
    hint = widget.sizeHint()
    assert hint.width() >= 1000 and 40 <= hint.height() <= 240
    for rect, text in widget._hits:
        assert text and rect.left() >= 0 and rect.right() <= widget.width() + 1, (name, text, rect)
    assert widget.accessibleName() == "Timeline of the 20-week assessment"
    assert widget.accessibleDescription()


def test_a_typical_case_is_about_170_pixels_high(qtbot: QtBot) -> None:
    two_advisers = facts(date(2025, 1, 6), decision_to_assess=True, decision_to_assess_on=date(2025, 2, 3),
                         advice=[AdviceFacts("ep", date(2025, 2, 4)), AdviceFacts("health", date(2025, 2, 4))])
    assert 150 <= shown(qtbot, two_advisers).sizeHint().height() <= 190


def test_the_description_names_what_is_overdue(qtbot: QtBot) -> None:
    text = shown(qtbot, SCENARIOS["request, decision overdue"]).accessibleDescription()
    assert "Today, 3 Mar 2025, is week 8 of 20" in text
    assert "Overdue: Decision to assess." in text
    assert "Decision to assess: due 17 Feb 2025, Overdue." in text
    late = shown(qtbot, LATE_EP).accessibleDescription()
    assert "Overdue: EP advice." in late
    assert ("EP (County EP Service) advice: requested 6 Jan 2025, due 17 Feb 2025, not received, "
            "Late by 14 days.") in late
    assert ("Social care advice: requested 7 Jan 2025, due 18 Feb 2025, received 24 Feb 2025, "
            "Received late by 6 days.") in late
    assert ("Exception (c) Exceptional personal circumstances: circumstances from 3 Feb 2025, recorded "
            "3 Feb 2025.") in late
    calm = shown(qtbot, SCENARIOS["drafting"]).accessibleDescription()
    assert "Overdue" not in calm and "Stage: Drafting the plan." in calm


def test_a_plan_in_place_says_there_is_no_assessment(qtbot: QtBot) -> None:
    widget = shown(qtbot, None)
    assert widget.accessibleDescription() == "There is no assessment on record: this is a plan in place."
    assert widget.sizeHint().height() < 80


def test_today_past_week_20_is_clamped_with_its_week(qtbot: QtBot) -> None:
    widget = shown(qtbot, SCENARIOS["past week 20, still open"])
    painted(widget)
    [today] = [(rect, text) for rect, text in widget._hits if text.startswith("Today")]
    assert today[1] == "Today: 3 Mar 2025, week 26 of 20"
    assert today[0].right() <= widget.width()
    # The latest safe draft day binds nobody: it is past the planned day, not overdue.
    text = widget.accessibleDescription()
    assert "Overdue: Decision to issue, Final plan." in text
    assert "Draft (latest safe day): due 29 Dec 2024, Past the planned day." in text
    # Received 2 Sep 2024, no draft by 3 Mar 2025: a draft served today lets the final go on 18 Mar at the earliest.
    assert "Final plan: due 20 Jan 2025, Overdue: earliest lawful final 18 Mar 2025." in text


def test_markers_have_tooltips_with_due_work_by_done_and_status(qtbot: QtBot) -> None:
    widget = shown(qtbot, SCENARIOS["drafting"])
    painted(widget)
    tips = {text.split("\n")[0]: rect for rect, text in widget._hits}
    tip = widget.tooltip_at(tips["Draft (latest safe day)"].center())
    # Received Mon 21 Oct 2024: latest safe draft day +118 = Sun 16 Feb 2025; work by Fri 14 Feb.
    assert tip.splitlines()[:5] == ["Draft (latest safe day)", "Due: Sun 16 February 2025",
                                    "Work by: Fri 14 February 2025 (the last working day)",
                                    "Done: Mon 17 February 2025", "Status: Later than planned"]
    assert "Not binding: being later than this date is behind plan, not a breach of the law." in tip
    assert "reg 13(1)" in tip
    advice_tip = widget.tooltip_at(tips["EP (educational psychology) advice"].center())
    assert "Received: Wed 8 January 2025" in advice_tip and "Status: Received late by 1 day" in advice_tip
    assert widget.tooltip_at(QPointF(-50, -50)) == ""


def test_hovering_shows_the_tooltip(qtbot: QtBot) -> None:
    widget = shown(qtbot, SCENARIOS["request, decision overdue"])
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()
    rect = next(r for r, t in widget._hits if t.startswith("Decision to assess"))
    pos = rect.center().toPoint()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos)))
    assert QToolTip.isVisible() and QToolTip.text().startswith("Decision to assess\nDue: Mon 17 February 2025")
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, QPoint(2, 2), widget.mapToGlobal(QPoint(2, 2))))
    QToolTip.hideText()


def test_late_advice_is_drawn_distinctly(qtbot: QtBot) -> None:
    on_time = facts(date(2024, 11, 25), decision_to_assess=True, decision_to_assess_on=date(2025, 1, 3),
                    advice=[AdviceFacts("ep", date(2025, 1, 6), date(2025, 2, 10))])
    assert reddish(painted(shown(qtbot, LATE_EP))) > 100
    assert reddish(painted(shown(qtbot, on_time))) == 0
