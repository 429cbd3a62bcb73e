"""The plans report: every maintained plan's review, amendment and phase transfer, as the published JSON
(version 1, docs/plans-json.md) and as a table for people."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from caseworker.reports.json_text import Quoted, text_json
from caseworker.statutory.calendar import WorkingCalendar
from caseworker.statutory.plan_facts import PlanFacts, ReviewFacts, SettingFacts
from caseworker.statutory.plans import DUE_SOON, OVERDUE, AmendmentClock, PhaseTransfer, PlanSchedule, plan_schedule
from caseworker.statutory.rules import Rules

JSON_VERSION = 1

TRANSFER_SHORT = {"school": "School", "post16": "Post-16", "post16_move": "Post-16 move"}


def schedules(plans: Iterable[PlanFacts], today: date, rules: Rules, calendar: WorkingCalendar) -> list[PlanSchedule]:
    """Each maintained plan's schedule on ``today``, sorted by reference as plain text."""
    worked = (plan_schedule(p, today, rules, calendar) for p in plans)
    return sorted((s for s in worked if s.maintained), key=lambda s: s.facts.reference)


# The report is written as text, a plan at a time: at 20,000 plans this takes half the time of building
# the objects for json.dumps (json_text.py). Every other value is a number or one of the report's fixed words.


def _setting_json(s: SettingFacts | None, q: Quoted) -> str:
    if s is None:
        return "null"
    return f'{{"urn":{q[s.urn]},"name":{q[s.name]},"kind":{q[s.kind or None]}}}'


def _decision_json(last: ReviewFacts | None, q: Quoted) -> str:
    if last is None or last.notified is None:
        return "null"
    return f'{{"outcome":{q[last.decision]},"notified":{q[last.notified]},"meeting":{q[last.meeting]}}}'


def _amendment_json(a: AmendmentClock | None, q: Quoted) -> str:
    if a is None:
        return "null"
    return (f'{{"notice_sent":{q[a.notice_sent]},"comments_until":{q[a.comments_until]},'
            f'"final_due":{q[a.final_due]},"done":{q[a.done]},"status":"{a.status}"}}')


def _transfer_json(t: PhaseTransfer | None, q: Quoted) -> str:
    if t is None:
        return "null"
    return (f'{{"kind":"{t.kind}","transfer_date":{q[t.transfer_date]},"due":{q[t.due]},'
            f'"work_by":{q[t.work_by]},"done":{q[t.done]},"status":"{t.status}"}}')


def plan_json(s: PlanSchedule, q: Quoted | None = None) -> str:
    """One plan of the report, as JSON text (``q``: the report's values already written, if any)."""
    q = Quoted() if q is None else q
    f, review = s.facts, s.review
    return (f'{{"reference":{text_json(f.reference)},"child":{text_json(f.child)},'
            f'"caseworker":{q[f.caseworker]},"plan_issued":{q[f.plan_issued]},'
            f'"named_setting":{_setting_json(f.named_setting, q)},'
            f'"last_review_decision":{_decision_json(review.last_decision, q)},'
            f'"review":{{"due":{q[review.due]},"work_by":{q[review.work_by]},"status":"{review.status}"}},'
            f'"amendment":{_amendment_json(s.amendment, q)},"phase_transfer":{_transfer_json(s.transfer, q)}}}')


def report_json(today: date, worked: list[PlanSchedule]) -> str:
    """The published report as JSON text (``worked`` as ``schedules`` returns it: maintained plans by
    reference)."""
    q = Quoted()
    plans = ",".join([plan_json(s, q) for s in worked])
    return f'{{"version":{JSON_VERSION},"today":{q[today]},"plans":[{plans}]}}'


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
