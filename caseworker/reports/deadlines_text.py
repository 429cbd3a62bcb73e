"""The deadlines report's JSON written straight out as text, case by case, for the command line.

``deadlines.report_json`` states the published format (docs/deadlines-json.md) as a dictionary; the
nightly command writes exactly the text ``json.dumps(report_json(...), ensure_ascii=False)`` would, but
without building 5,000 nested dictionaries first and then walking them again: at a large council that
was over a third of the command's time, and all of its memory beyond the engine's (see json_text.py).
tests/unit/test_deadlines_text.py holds the two forms to the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from json.encoder import encode_basestring as encode
from operator import attrgetter
from typing import TextIO

from caseworker.reports.deadlines import JSON_VERSION
from caseworker.reports.json_text import Quoted, text_json
from caseworker.statutory.engine import DeadlineEngine, RequestDeadlines


def write_report_json(out: TextIO, today: date, deadlines: Iterable[RequestDeadlines],
                      engine: DeadlineEngine) -> None:
    """The published report on ``out`` (one line, no newline), cases sorted by reference."""
    q = Quoted()
    applies: dict[tuple[str, date], str] = {}
    out.write(f'{{"version": {JSON_VERSION}, "today": {q[today]}, "cases": [')
    # Some cases a write: standard output may be unbuffered (python -u, PYTHONUNBUFFERED), and a write a
    # case was then a system call a case. Not many more: text past ~128 KB is memory fresh from the system
    # each time (500 cases a write cost a quarter of the writing), and all of it at once, 16 MB with --all.
    separator, batch = "", []
    for d in sorted(deadlines, key=_BY_REFERENCE):
        batch.append(_case(d, engine, q, applies))
        if len(batch) == CASES_PER_WRITE:
            out.write(separator + ", ".join(batch))
            separator, batch = ", ", []
    if batch:
        out.write(separator + ", ".join(batch))
    out.write("]}")


CASES_PER_WRITE = 50  # about 60 KB
_BY_REFERENCE = attrgetter("facts.reference")  # a sort key read in C, not a Python call per case
_START = attrgetter("start")


def _case(d: RequestDeadlines, engine: DeadlineEngine, q: Quoted, applies: dict[tuple[str, date], str]) -> str:
    f = d.facts
    # Lists, not generators, for join: it makes a list of a generator first anyway, resuming it per item.
    milestones = ", ".join([
        f'{{"name": {q[m.name]}, "due": {q[m.due]}, "work_by": {q[m.work_by]}, "done": {q[m.done]}, '
        f'"status": {q[m.status]}, "binding": {"true" if m.binding else "false"}}}' for m in d.milestones])
    advice = ", ".join([
        f'{{"kind": {q[a.kind]}, "requested": {q[a.requested]}, "sent_by": {q[a.sent_by]}, "due": {q[a.due]}, '
        f'"received": {q[a.received]}, "status": {q[a.status]}, "days_late": {int(a.days_late)}}}'
        for a in d.advice])
    exceptions = ", ".join([
        f'{{"ground": {q[e.ground]}, "from": {q[e.start]}, "to": {q[e.ended]}, "recorded": {q[e.recorded]}, '
        f'"note": {text_json(e.note)}, "applies_to": {_applies(engine, e.ground, f.received, q, applies)}}}'
        for e in sorted(f.exceptions, key=_START)]) if f.exceptions else ""  # most requests have none
    # A request's reference and child's name are never null: escaped straight away, not through text_json.
    return (f'{{"reference": {encode(f.reference)}, "child": {encode(f.child)}, "caseworker": {q[f.caseworker]}, '
            f'"received": {q[f.received]}, "stage": {q[d.stage]}, "earliest_final": {q[d.earliest_final]}, '
            f'"milestones": [{milestones}], "advice": [{advice}], "exceptions": [{exceptions}]}}')


def _applies(engine: DeadlineEngine, ground: str, received: date, q: Quoted,
             applies: dict[tuple[str, date], str]) -> str:
    """The milestones an exception can excuse, as a JSON list (the same for every request of a day)."""
    key = (ground, received)
    text = applies.get(key)
    if text is None:
        text = "[" + ", ".join(q[name] for name in engine.applies_to(ground, received)) + "]"
        applies[key] = text
    return text
