"""The plans report: every maintained plan's review, amendment and phase transfer, as the published JSON
(version 1, docs/plans-json.md) and as a table for people."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from caseworker.statutory.calendar import WorkingCalendar
from caseworker.statutory.plan_facts import PlanFacts
from caseworker.statutory.plans import DUE_SOON, OVERDUE, AmendmentClock, PhaseTransfer, PlanSchedule, plan_schedule
from caseworker.statutory.rules import Rules

JSON_VERSION = 1

TRANSFER_SHORT = {"school": "School", "post16": "Post-16", "post16_move": "Post-16 move"}


def schedules(plans: Iterable[PlanFacts], today: date, rules: Rules, calendar: WorkingCalendar) -> list[PlanSchedule]:
    """Each maintained plan's schedule on ``today``, sorted by reference as plain text."""
    worked = (plan_schedule(p, today, rules, calendar) for p in plans)
    return sorted((s for s in worked if s.maintained), key=lambda s: s.facts.reference)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _amendment(a: AmendmentClock | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"notice_sent": a.notice_sent.isoformat(), "comments_until": a.comments_until.isoformat(),
            "final_due": a.final_due.isoformat(), "done": _iso(a.done), "status": a.status}


def _transfer(t: PhaseTransfer | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"kind": t.kind, "transfer_date": t.transfer_date.isoformat(), "due": t.due.isoformat(),
            "work_by": t.work_by.isoformat(), "done": _iso(t.done), "status": t.status}


def plan_json(s: PlanSchedule) -> dict[str, Any]:
    f, review = s.facts, s.review
    setting = f.named_setting
    last = review.last_decision
    return {
        "reference": f.reference,
        "child": f.child,
        "caseworker": f.caseworker,
        "plan_issued": f.plan_issued.isoformat(),
        "named_setting": None if setting is None else {"urn": setting.urn, "name": setting.name,
                                                       "kind": setting.kind or None},
        "last_review_decision": None if last is None or last.notified is None else {
            "outcome": last.decision, "notified": last.notified.isoformat(), "meeting": _iso(last.meeting)},
        "review": {"due": review.due.isoformat(), "work_by": review.work_by.isoformat(), "status": review.status},
        "amendment": _amendment(s.amendment),
        "phase_transfer": _transfer(s.transfer),
    }


def report_json(today: date, worked: list[PlanSchedule]) -> dict[str, Any]:
    """The published report (``worked`` as ``schedules`` returns it: maintained plans by reference)."""
    return {"version": JSON_VERSION, "today": today.isoformat(), "plans": [plan_json(s) for s in worked]}


# ---------------------------------------------------------------- the table


def _day(d: date) -> str:
    return d.strftime("%d %b %Y")


def _status(status: str) -> str:
    return status.replace("_", " ")


def _amendment_cell(a: AmendmentClock | None) -> str:
    if a is None:
        return "-"
    if a.done is not None:
        return f"done {_day(a.done)} ({_status(a.status)})"
    return f"final by {_day(a.final_due)} ({_status(a.status)})"


def _transfer_cell(t: PhaseTransfer | None) -> str:
    if t is None:
        return "-"
    what = f"{TRANSFER_SHORT.get(t.kind, t.kind)} {_day(t.transfer_date)}"
    if t.done is not None:
        return f"{what}: done {_day(t.done)} ({_status(t.status)})"
    return f"{what}: by {_day(t.due)} ({_status(t.status)})"


def summary_line(today: date, worked: list[PlanSchedule]) -> str:
    reviews_overdue = sum(s.review.status == OVERDUE for s in worked)
    reviews_soon = sum(s.review.status == DUE_SOON for s in worked)
    amendments_late = sum(s.amendment is not None and s.amendment.status == OVERDUE for s in worked)
    transfers_late = sum(s.transfer is not None and s.transfer.status == OVERDUE for s in worked)
    transfers_soon = sum(s.transfer is not None and s.transfer.status == DUE_SOON for s in worked)
    return (f"Plans on {today.strftime('%a %d %b %Y')}: {len(worked):,} maintained; reviews {reviews_overdue:,} "
            f"overdue and {reviews_soon:,} due within 8 weeks; {amendments_late:,} amended plans overdue; phase "
            f"transfers {transfers_late:,} overdue and {transfers_soon:,} due within 4 weeks.")


def report_table(today: date, worked: list[PlanSchedule]) -> str:
    """A fixed-width table a caseworker can read in a terminal or paste into an email."""
    header = ("Reference", "Child", "Caseworker", "Review due", "Review", "Last decision", "Amendment", "Transfer")
    rows: list[tuple[str, ...]] = []
    for s in worked:
        f, last = s.facts, s.review.last_decision
        decided = f"{last.decision} {_day(last.notified)}" if last is not None and last.notified else "-"
        rows.append((f.reference, f.child, f.caseworker or "(unallocated)", _day(s.review.due),
                     _status(s.review.status), decided, _amendment_cell(s.amendment), _transfer_cell(s.transfer)))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [summary_line(today, worked), "", fmt.format(*header).rstrip(),
             fmt.format(*("-" * w for w in widths)).rstrip()]
    lines.extend(fmt.format(*r).rstrip() for r in rows)
    return "\n".join(lines)
