"""The deadlines report: the published JSON (version 2, docs/deadlines-json.md), and a table for people."""

from __future__ import annotations

from datetime import date
from typing import Any

from caseworker.statutory.engine import (
    DUE_SOON,
    EXEMPT,
    LATE,
    NOT_APPLICABLE,
    DeadlineEngine,
    RequestDeadlines,
)
from caseworker.vocabulary import ADVICE_SHORT, column_date, step_task

JSON_VERSION = 2



def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def case_json(d: RequestDeadlines, engine: DeadlineEngine) -> dict[str, Any]:
    f = d.facts
    return {
        "reference": f.reference,
        "child": f.child,
        "caseworker": f.caseworker,
        "received": f.received.isoformat(),
        "stage": d.stage,
        "earliest_final": _iso(d.earliest_final),
        "milestones": [{"name": m.name, "due": m.due.isoformat(), "work_by": m.work_by.isoformat(),
                        "done": _iso(m.done), "status": m.status, "binding": m.binding} for m in d.milestones],
        "advice": [{"kind": a.kind, "requested": a.requested.isoformat(), "sent_by": a.sent_by,
                    "due": a.due.isoformat(), "received": _iso(a.received), "status": a.status,
                    "days_late": a.days_late}
                   for a in d.advice],
        "exceptions": [{"ground": e.ground, "from": e.start.isoformat(), "to": _iso(e.ended),
                        "recorded": e.recorded.isoformat(), "note": e.note,
                        "applies_to": engine.applies_to(e.ground, f.received)}
                       for e in sorted(f.exceptions, key=lambda e: e.start)],
    }


def report_json(today: date, deadlines: list[RequestDeadlines], engine: DeadlineEngine) -> dict[str, Any]:
    """The published report: cases sorted by reference."""
    ordered = sorted(deadlines, key=lambda d: d.facts.reference)
    return {"version": JSON_VERSION, "today": today.isoformat(),
            "cases": [case_json(d, engine) for d in ordered]}


def next_step(d: RequestDeadlines) -> tuple[str, date, date, str] | None:
    """The first milestone still to do (title, due, work-by, status), or None when none is left."""
    for m in d.milestones:
        if m.done is None and m.status != NOT_APPLICABLE:
            return step_task(m.name), m.due, m.work_by, m.status
    return None


def late_advice_text(d: RequestDeadlines) -> str:
    return ", ".join(f"{ADVICE_SHORT.get(a.kind, a.kind)} {a.days_late}d" for a in d.advice if a.status == LATE)


def report_table(today: date, deadlines: list[RequestDeadlines]) -> str:
    """A fixed-width table a caseworker can read in a terminal or paste into an email."""
    ordered = sorted(deadlines, key=lambda d: d.facts.reference)
    overdue = sum(1 for d in ordered if any(m.breached for m in d.milestones))
    soon = sum(1 for d in ordered if any(m.status == DUE_SOON for m in d.milestones))
    late = sum(1 for d in ordered if any(a.status == LATE for a in d.advice))
    exempt = sum(1 for d in ordered if any(m.status == EXEMPT for m in d.milestones))
    lines = [
        f"Deadlines on {column_date(today)}: {len(ordered)} requests; {overdue} with a step overdue, "
        f"{soon} with a step due within 7 days, {late} waiting on late advice, {exempt} with an exception.",
        "",
    ]
    header = ("Reference", "Child", "Caseworker", "Stage", "Wk", "Next step", "Due", "Work by", "Status",
              "Late advice")
    rows: list[tuple[str, ...]] = []
    for d in ordered:
        f = d.facts
        step = next_step(d)
        week = str((today - f.received).days // 7)
        if step is None:
            title, due, work_by, status = "-", "", "", d.stage
        else:
            title, due_d, work_d, status = step
            due, work_by = column_date(due_d), column_date(work_d)
        rows.append((f.reference, f.child, f.caseworker or "(unallocated)", d.stage, week, title, due, work_by,
                     status.replace("_", " "), late_advice_text(d) or "-"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines.append(fmt.format(*header).rstrip())
    lines.append(fmt.format(*("-" * w for w in widths)).rstrip())
    lines.extend(fmt.format(*r).rstrip() for r in rows)
    return "\n".join(lines)
