"""The command's deadlines JSON, written as text case by case, is exactly what ``json.dumps`` makes of the
published dictionary (``report_json``): the same bytes, whatever the names and notes hold."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from caseworker.reports import deadlines_text
from caseworker.reports.deadlines import report_json
from caseworker.reports.deadlines_text import CASES_PER_WRITE, write_report_json
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts

TODAY = date(2025, 6, 2)


def requests() -> list[RequestFacts]:
    awkward = RequestFacts(
        "EHC-2025-0002", date(2025, 1, 6), 'Zoë "Zee" O\'Brien-Łukasz\n\\ \u2028', None,
        decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
        advice=[AdviceFacts("health", date(2025, 2, 11), None, "ICB", 1, "post"),
                AdviceFacts("ep", date(2025, 2, 12), date(2025, 4, 30), None, 2, "email"),
                AdviceFacts("social_care", date(2025, 2, 12), None, None, 3, None)],  # type: ignore[arg-type]
        exceptions=[ExceptionFacts("c", date(2025, 3, 3), "Mum in hospital \u2014 \"urgent\"\t", date(2025, 2, 3)),
                    ExceptionFacts("d", date(2025, 3, 3), None, date(2024, 12, 1), date(2024, 12, 20)),  # type: ignore[arg-type]
                    ExceptionFacts("b", date(2025, 3, 3), "", date(2025, 2, 1))])
    drafted = RequestFacts(
        "EHC-2025-0001", date(2024, 11, 4), "Amelia Jones", "jsmith", decision_to_assess=True,
        decision_to_assess_on=date(2024, 12, 9), decision_to_issue=True, decision_to_issue_on=date(2025, 3, 3),
        draft_sent=date(2025, 5, 1), draft_sent_by="post")
    refused = RequestFacts("EHC-2025-0003", date(2025, 1, 6), "Noah Patel", "rkhan", decision_to_assess=False,
                           decision_to_assess_on=date(2025, 2, 14))
    return [awkward, drafted, refused]


def test_the_text_is_the_dictionary_as_json_dumps_writes_it() -> None:
    engine = DeadlineEngine()
    deadlines = engine.evaluate_all(requests(), TODAY)
    out = io.StringIO()
    write_report_json(out, TODAY, deadlines, engine)
    assert out.getvalue() == json.dumps(report_json(TODAY, deadlines, engine), ensure_ascii=False)
    cases = json.loads(out.getvalue())["cases"]
    assert [c["reference"] for c in cases] == ["EHC-2025-0001", "EHC-2025-0002", "EHC-2025-0003"]
    assert cases[1]["child"] == 'Zoë "Zee" O\'Brien-Łukasz\n\\ \u2028'
    assert [e["ground"] for e in cases[1]["exceptions"]] == ["d", "b", "c"]  # oldest "from" first


def test_no_requests_is_an_empty_list() -> None:
    engine = DeadlineEngine()
    out = io.StringIO()
    write_report_json(out, TODAY, [], engine)
    assert json.loads(out.getvalue()) == {"version": 2, "today": "2025-06-02", "cases": []}
    assert out.getvalue() == json.dumps(report_json(TODAY, [], engine), ensure_ascii=False)


def test_many_requests_are_written_in_a_few_writes_and_read_the_same() -> None:
    """More cases than one write holds, and one over: the batches join into the same text, in order."""
    engine = DeadlineEngine()
    many = [RequestFacts(f"EHC-2024-{n:04d}", date(2024, 9, 2 + n % 20), f"Child {n}", "jsmith")
            for n in range(2 * CASES_PER_WRITE + 1)]
    deadlines = engine.evaluate_all(many, TODAY)
    out = Recording()
    write_report_json(out, TODAY, deadlines, engine)
    assert out.getvalue() == json.dumps(report_json(TODAY, deadlines, engine), ensure_ascii=False)
    assert out.writes == 2 + 3  # the opening and the close, and three batches


class Recording(io.StringIO):
    """Output that counts its writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_requests_alike_but_for_one_value_each_keep_their_own_text() -> None:
    """Milestones and advice are written once for each distinct set of values: requests received the same
    day that differ only in a decision, a completion or an advice reply must still read as their own."""
    engine = DeadlineEngine()
    day = date(2025, 1, 6)
    alike = [
        RequestFacts("EHC-1", day, "A", "jsmith"),
        RequestFacts("EHC-2", day, "B", "jsmith", decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10)),
        RequestFacts("EHC-3", day, "C", "jsmith", decision_to_assess=False, decision_to_assess_on=date(2025, 2, 10)),
        RequestFacts("EHC-4", day, "D", "jsmith", decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
                     decision_to_issue=False, decision_to_issue_on=date(2025, 4, 1)),
        RequestFacts("EHC-5", day, "E", "jsmith", decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
                     advice=[AdviceFacts("ep", date(2025, 2, 11))]),
        RequestFacts("EHC-6", day, "F", "jsmith", decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
                     advice=[AdviceFacts("ep", date(2025, 2, 11), date(2025, 3, 20))]),
        RequestFacts("EHC-7", day, "G", "jsmith", decision_to_assess=True, decision_to_assess_on=date(2025, 2, 10),
                     advice=[AdviceFacts("ep", date(2025, 2, 11), sent_by="post")]),
    ]
    deadlines = engine.evaluate_all(alike, TODAY)
    out = io.StringIO()
    write_report_json(out, TODAY, deadlines, engine)
    assert out.getvalue() == json.dumps(report_json(TODAY, deadlines, engine), ensure_ascii=False)
    cases = json.loads(out.getvalue())["cases"]
    assert len({json.dumps(c["milestones"]) for c in cases}) >= 4
    assert len({json.dumps(c["advice"]) for c in cases[4:]}) == 3


def test_texts_started_afresh_when_full_still_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept texts are dropped when there are more than it keeps (a national --all): nothing else changes."""
    monkeypatch.setattr(deadlines_text, "KEPT_TEXTS", 3)
    engine = DeadlineEngine()
    many = [*requests(), *(RequestFacts(f"EHC-2024-{n:04d}", date(2024, 9, 2 + n % 7), f"Child {n}", "jsmith",
                                        advice=[AdviceFacts("ep", date(2024, 10, 1 + n % 5))]) for n in range(40))]
    deadlines = engine.evaluate_all(many, TODAY)
    out = io.StringIO()
    write_report_json(out, TODAY, deadlines, engine)
    assert out.getvalue() == json.dumps(report_json(TODAY, deadlines, engine), ensure_ascii=False)
