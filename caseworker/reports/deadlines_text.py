"""The deadlines report's JSON written straight out as text, case by case, for the command line.

``deadlines.report_json`` states the published format (docs/deadlines-json.md) as a dictionary; the
nightly command writes exactly the text ``json.dumps(report_json(...), ensure_ascii=False)`` would, but
without building 5,000 nested dictionaries first and then walking them again: at a large council that
was over a third of the command's time, and all of its memory beyond the engine's (see json_text.py).
tests/unit/test_deadlines_text.py holds the two forms to the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from json.encoder import encode_basestring as encode
from operator import attrgetter
from typing import Any, TextIO

from caseworker.reports.deadlines import JSON_VERSION
from caseworker.reports.json_text import Quoted, text_json
from caseworker.statutory.engine import DeadlineEngine, RequestDeadlines


def write_report_json(out: TextIO, today: date, deadlines: Iterable[RequestDeadlines],
                      engine: DeadlineEngine) -> None:
    """The published report on ``out`` (one line, no newline), cases sorted by reference."""
    q = Quoted()
    texts = _Texts(q)
    applies: dict[tuple[str, date], str] = {}
    out.write(f'{{"version": {JSON_VERSION}, "today": {q[today]}, "cases": [')
    # Some cases a write: standard output may be unbuffered (python -u, PYTHONUNBUFFERED), and a write a
    # case was then a system call a case. Not many more: text past ~128 KB is memory fresh from the system
    # each time (500 cases a write cost a quarter of the writing), and all of it at once, 16 MB with --all.
    separator, batch = "", []
    for d in sorted(deadlines, key=_BY_REFERENCE):
        batch.append(_case(d, engine, q, texts, applies))
        if len(batch) == CASES_PER_WRITE:
            out.write(separator + ", ".join(batch))
            separator, batch = ", ", []
    if batch:
        out.write(separator + ", ".join(batch))
    out.write("]}")


CASES_PER_WRITE = 50  # about 60 KB
_BY_REFERENCE = attrgetter("facts.reference")  # a sort key read in C, not a Python call per case
_START = attrgetter("start")


class _Texts:
    """Milestones and advice as JSON text, each distinct one written once. A large council's 20,000 milestones
    are about 3,500 distinct ones (the same due dates, statuses and completions recur across requests received
    the same day), its 14,000 advice requests about 6,000: looking each up by its values costs a fraction of
    writing it out again."""

    def __init__(self, q: Quoted) -> None:
        self.milestones = _Written(lambda k: (
            f'{{"name": {q[k[0]]}, "due": {q[k[1]]}, "work_by": {q[k[2]]}, "done": {q[k[3]]}, '
            f'"status": {q[k[4]]}, "binding": {"true" if k[5] else "false"}}}'))
        self.advice = _Written(lambda k: (
            f'{{"kind": {q[k[0]]}, "requested": {q[k[1]]}, "sent_by": {q[k[2]]}, "due": {q[k[3]]}, '
            f'"received": {q[k[4]]}, "status": {q[k[5]]}, "days_late": {int(k[6])}}}'))


class _Written(dict[tuple[Any, ...], str]):
    """Values (a tuple) -> their JSON text, written by ``write`` the first time they are seen.

    Started afresh once it holds ``KEPT_TEXTS``, so its memory stays small at any scale: the open requests'
    texts recur (a few thousand distinct), while with ``--all`` most milestones are done on days of their own
    (18,000 distinct of 55,000 at a large council) and keeping every text put 10 MB on the report for a
    saving of 2% of its writing."""

    def __init__(self, write: Callable[[tuple[Any, ...]], str]) -> None:
        super().__init__()
        self.write = write

    def __missing__(self, key: tuple[Any, ...]) -> str:
        if len(self) >= KEPT_TEXTS:
            self.clear()
        text = self[key] = self.write(key)
        return text


KEPT_TEXTS = 4096


def _case(d: RequestDeadlines, engine: DeadlineEngine, q: Quoted, texts: _Texts,
          applies: dict[tuple[str, date], str]) -> str:
    f = d.facts
    # Lists, not generators, for join: it makes a list of a generator first anyway, resuming it per item.
    ms, ad = texts.milestones, texts.advice
    milestones = ", ".join([ms[m.name, m.due, m.work_by, m.done, m.status, m.binding] for m in d.milestones])
    advice = ", ".join([ad[a.kind, a.requested, a.sent_by, a.due, a.received, a.status, a.days_late]
                        for a in d.advice]) if d.advice else ""
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
