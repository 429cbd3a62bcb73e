"""The words the case record, its timeline and the step forms share: dates, step names, summaries.

No Qt here: plain functions from the read model to text, so the same sentence appears in a tooltip,
a table cell and the timeline's accessible description.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caseworker.statutory.engine import AdviceDeadline, Milestone, RequestDeadlines
from caseworker.statutory.rules import Rules
from caseworker.views.case_detail import AdviceView, CaseDetail, ExceptionView
from ui.status import status_text

LONDON = ZoneInfo("Europe/London")
WEEKS = 20
DAYS = 7 * WEEKS

MILESTONE_SHORT = {
    "decision_to_assess": "Decision to assess",
    "issue_decision": "Decision to issue",
    "draft_latest_safe": "Draft (latest safe day)",
    "final_plan": "Final plan",
}
ADVICE_SHORT = {"ep": "EP", "health": "Health", "social_care": "Social care", "education": "Education",
                "other": "Other"}
ADVICE_LONG = {"ep": "EP (educational psychology)", "health": "Health (medical)",
               "social_care": "Social care", "education": "Education (school or setting)", "other": "Other"}
STAGE_WORDS = {
    "request": "Request: deciding whether to assess",
    "assessment": "Assessment: gathering advice",
    "drafting": "Drafting the plan",
    "issued": "Plan issued",
    "closed": "Closed",
    "plan": "Plan in place",
}
LATE_STATUSES = frozenset({"overdue", "late", "met_late", "received_late"})


def long_date(d: date | None) -> str:
    """Mon 3 March 2025 (as the previews and letters say it)."""
    return "" if d is None else f"{d:%a} {d.day} {d:%B %Y}"


def short_date(d: date | None) -> str:
    """3 Mar 2025 (tables and markers)."""
    return "" if d is None else f"{d.day} {d:%b %Y}"


def local_time(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def week_of(received: date, day: date) -> int:
    """Which week of the process ``day`` falls in: the request day starts week 0."""
    return (day - received).days // 7


def week_text(detail: CaseDetail, today: date) -> str:
    """The header's "week N of 20", or how the request ended."""
    if detail.received is None:
        return "No assessment on record"
    if detail.stage == "issued" and detail.final_issued is not None:
        return f"Plan issued in week {week_of(detail.received, detail.final_issued)} of {WEEKS}"
    if detail.stage == "closed":
        return "Closed"
    week = week_of(detail.received, today)
    return f"Week {week} of {WEEKS}" + (" (past week 20)" if week > WEEKS else "")


def stage_words(stage: str) -> str:
    return STAGE_WORDS.get(stage, stage.replace("_", " ").capitalize())


def milestone_status_words(status: str) -> str:
    return "Exempt: as soon as practicable" if status == "exempt" else status_text(status)


def advice_name(kind: str, service: str = "") -> str:
    name = ADVICE_SHORT.get(kind, kind.replace("_", " ").capitalize())
    return f"{name} ({service})" if service else name


def advice_status_words(status: str, days_late: int) -> str:
    words = status_text(status)
    return f"{words} by {days_late} day{'s' if days_late != 1 else ''}" if days_late else words


def milestone_tooltip(m: Milestone, rules: Rules | None = None) -> str:
    lines = [MILESTONE_SHORT.get(m.name, m.name), f"Due: {long_date(m.due)}"]
    if m.work_by != m.due:
        lines.append(f"Work by: {long_date(m.work_by)} (the last working day)")
    lines.append(f"Done: {long_date(m.done)}" if m.done else "Done: not yet")
    lines.append(f"Status: {milestone_status_words(m.status)}")
    if rules is not None:
        try:
            rule = rules.milestone(m.name)
        except KeyError:
            return "\n".join(lines)
        lines.append(f"{rule.title}. {rule.law}.")
        if rule.check:
            lines.append(f"(To be checked: {rule.check}.)")
    return "\n".join(lines)


def advice_tooltip(a: AdviceDeadline | AdviceView) -> str:
    lines = [f"{ADVICE_LONG.get(a.kind, a.kind)} advice" + (f": {a.service}" if a.service else ""),
             f"Requested: {long_date(a.requested)}", f"Due: {long_date(a.due)} (6 weeks, reg 8(1))",
             f"Received: {long_date(a.received)}" if a.received else "Received: not yet",
             f"Status: {advice_status_words(a.status, a.days_late)}"]
    return "\n".join(lines)


def exception_tooltip(e: ExceptionView, rules: Rules | None = None) -> str:
    lines = [f"Exception ({e.ground}): {e.title}", f"Recorded: {long_date(e.recorded)}"]
    if rules is not None and e.ground in rules.exception_grounds:
        ground = rules.exception_grounds[e.ground]
        lines.append(f"{ground.get('text', '')} ({ground.get('law', '')}).")
    if e.note:
        lines.append(f"Note: {e.note}")
    lines.append("Deadlines missed from this date show as exempt; the dates do not move.")
    return "\n".join(lines)


def _milestone_sentence(m: Milestone) -> str:
    done = f", done {short_date(m.done)}" if m.done else ""
    return f"{MILESTONE_SHORT.get(m.name, m.name)}: due {short_date(m.due)}{done}, {milestone_status_words(m.status)}."


def _advice_sentence(a: AdviceDeadline) -> str:
    got = f", received {short_date(a.received)}" if a.received else ", not received"
    return (f"{advice_name(a.kind, a.service or '')} advice: requested {short_date(a.requested)}, due "
            f"{short_date(a.due)}{got}, {advice_status_words(a.status, a.days_late)}.")


def timeline_description(detail: CaseDetail | None, today: date) -> str:
    """The timeline in words, for screen readers and anyone who cannot read the picture."""
    if detail is None:
        return "Loading the case."
    d: RequestDeadlines | None = detail.deadlines
    if d is None or detail.received is None:
        return "There is no assessment on record: this is a plan in place."
    parts = [f"Request received {short_date(detail.received)}. Today, {short_date(today)}, is "
             f"week {week_of(detail.received, today)} of {WEEKS}. Stage: {stage_words(d.stage)}."]
    overdue = [MILESTONE_SHORT.get(m.name, m.name) for m in d.milestones if m.status == "overdue"]
    late = [advice_name(a.kind) for a in d.advice if a.status == "late"]
    if overdue or late:
        parts.append("Overdue: " + ", ".join(overdue + [f"{name} advice" for name in late]) + ".")
    parts.extend(_milestone_sentence(m) for m in d.milestones)
    parts.extend(_advice_sentence(a) for a in d.advice)
    parts.extend(f"Exception ({e.ground}) {e.title} recorded {short_date(e.recorded)}." for e in detail.exceptions)
    if d.facts.withdrawn:
        parts.append(f"Withdrawn {short_date(d.facts.withdrawn)}.")
    return " ".join(parts)
