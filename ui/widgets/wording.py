"""The words the case record, its timeline and the step forms share: dates, step names, summaries.

No Qt here: plain functions from the read model to text, so the same sentence appears in a tooltip,
a table cell and the timeline's accessible description.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caseworker.statutory.engine import (
    DUE_SOON,
    EXCUSED,
    MET_LATE,
    OVERDUE,
    PENDING,
    AdviceDeadline,
    ExceptionFacts,
    Milestone,
    RequestDeadlines,
    RequestFacts,
    excuses,
)
from caseworker.statutory.rules import Rules
from caseworker.views.case_detail import AdviceView, CaseDetail, ExceptionView
from caseworker.vocabulary import ADVICE_SHORT, MILESTONE_LABELS, stage_long
from caseworker.vocabulary import long_date as long_date  # re-exported: the panels write dates through here
from caseworker.vocabulary import short_date as short_date
from ui.status import status_text

LONDON = ZoneInfo("Europe/London")
WEEKS = 20
DAYS = 7 * WEEKS

# The milestones' labels and the dates come from caseworker.vocabulary (one place for the app's words).
MILESTONE_SHORT = MILESTONE_LABELS
ADVICE_LONG = {"ep": "EP (educational psychology)", "health": "Health (medical)",
               "social_care": "Social care", "education": "Education (school or setting)", "other": "Other"}
LATE_STATUSES = frozenset({"overdue", "late", "met_late", "received_late"})
# How a request or a draft went; post arrives on the second working day after posting.
SENT_BY_WORDS = {"email": "Email", "portal": "Portal", "hand": "Hand", "post": "Post"}
SENT_BY_PHRASE = {"email": "by email", "portal": "through a portal", "hand": "by hand", "post": "by post"}
# A setting's answer to being consulted on being named (CFA s39).
REPLY_WORDS = {"agrees": "Agrees to be named", "declines": "Declines to be named", "other": "Another reply"}
LATER_THAN_PLANNED = "Later than planned"
PAST_PLANNED_DAY = "Past the planned day"
NOT_BINDING = "Not binding: being later than this date is behind plan, not a breach of the law."


def local_time(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def week_of(received: date, day: date) -> int:
    """Which week of the process ``day`` falls in: the request day starts week 0."""
    return (day - received).days // 7


def week_text(detail: CaseDetail, today: date, rules: Rules | None = None) -> str:
    """The header's "week N of 20", or how the request ended."""
    if detail.received is None:
        return plan_words(detail, today)
    if detail.stage == "issued" and detail.final_issued is not None:
        return f"Plan issued in week {week_of(detail.received, detail.final_issued)} of {WEEKS}"
    if detail.stage == "closed" and detail.deadlines is not None:
        return closed_words(detail.deadlines.facts, today, rules)
    week = week_of(detail.received, today)
    return f"Week {week} of {WEEKS}" + (" (past week 20)" if week > WEEKS else "")


def plan_words(detail: CaseDetail, today: date) -> str:
    """The header of a plan in place with no request on record: since when, and its next review."""
    plan = detail.plan
    if plan is None:
        return "No assessment on record"
    if plan.ceased and plan.cease is not None and plan.cease.state.ceased is not None:
        return f"Plan ceased on {short_date(plan.cease.state.ceased)}"
    words = f"Plan in place since {short_date(plan.issued)}"
    review = plan.review
    if review is None:
        return words
    if review.due < today:
        return f"{words}; annual review overdue since {short_date(review.due)}"
    return f"{words}; next annual review due {short_date(review.due)}"


def closed_words(f: RequestFacts, today: date, rules: Rules | None) -> str:
    """How a closed request ended, and for a refusal how long the family has to appeal (docs/law.md#letter-dates)."""
    if f.withdrawn is not None:
        return f"Withdrawn on {short_date(f.withdrawn)}"
    if f.decision_to_assess is False and f.decision_to_assess_on is not None:
        return f"Not assessed: decision notified {short_date(f.decision_to_assess_on)}" + \
            _appeal_words(f.decision_to_assess_on, today, rules)
    if f.decision_to_issue is False and f.decision_to_issue_on is not None:
        return f"No plan issued: decision notified {short_date(f.decision_to_issue_on)}" + \
            _appeal_words(f.decision_to_issue_on, today, rules)
    return "Closed"


def _appeal_words(notified: date, today: date, rules: Rules | None) -> str:
    period = rules.periods.get("tribunal_appeal") if rules is not None else None
    if period is None:
        return ""
    last = period.last_day(notified)
    if last < today:
        return f"; the time to appeal ended {short_date(last)}"
    return f"; the family may appeal until {short_date(last)} (later after mediation)"


def stage_words(stage: str) -> str:
    return stage_long(stage)


def milestone_status_words(status: str) -> str:
    return "Exempt: as soon as practicable" if status == "exempt" else status_text(status)


def cannot_be_met(m: Milestone, d: RequestDeadlines | None) -> date | None:
    """The earliest lawful final day, when the final plan is still to issue and week 20 is out of reach."""
    if d is None or m.name != "final_plan" or m.done is not None:
        return None
    return d.final_cannot_be_met


def milestone_words(m: Milestone, d: RequestDeadlines | None = None) -> str:
    """A milestone's status in words, as the law sees it (docs/law.md#binding, #cannot-be-met): a date that
    does not bind is "later than planned", never overdue; a week 20 nobody can keep says so."""
    earliest = cannot_be_met(m, d)
    if earliest is not None and m.status in (PENDING, DUE_SOON):
        return f"Cannot be met: earliest lawful final {short_date(earliest)}"
    if earliest is not None and m.status == OVERDUE:
        return f"Overdue: earliest lawful final {short_date(earliest)}"
    if not m.binding and m.status == MET_LATE:
        return LATER_THAN_PLANNED
    if not m.binding and m.status == OVERDUE:
        return PAST_PLANNED_DAY
    return milestone_status_words(m.status)


def milestone_look(m: Milestone, d: RequestDeadlines | None = None) -> str:
    """The status whose icon and colour a milestone wears: red only for a breach, or one that is certain."""
    if cannot_be_met(m, d) is not None and m.status in (PENDING, DUE_SOON, OVERDUE):
        return OVERDUE
    if not m.binding and m.status == OVERDUE:
        return "at_risk"
    return m.status


def advice_look(status: str) -> str:
    """An excused adviser wears the exception's mark: switched off, not late."""
    return "exempt" if status == EXCUSED else status


def advice_name(kind: str, service: str = "") -> str:
    name = ADVICE_SHORT.get(kind, kind.replace("_", " ").capitalize())
    return f"{name} ({service})" if service else name


def advice_status_words(status: str, days_late: int) -> str:
    words = "Excused (reg 8(2))" if status == EXCUSED else status_text(status)
    return f"{words} by {days_late} day{'s' if days_late != 1 else ''}" if days_late else words


def milestone_tooltip(m: Milestone, rules: Rules | None = None, d: RequestDeadlines | None = None) -> str:
    lines = [MILESTONE_SHORT.get(m.name, m.name), f"Due: {long_date(m.due)}"]
    if m.work_by != m.due:
        lines.append(f"Work by: {long_date(m.work_by)} (the last working day)")
    lines.append(f"Done: {long_date(m.done)}" if m.done else "Done: not yet")
    lines.append(f"Status: {milestone_words(m, d)}")
    earliest = cannot_be_met(m, d)
    if earliest is not None:
        lines.append(f"The family's 15 days on the draft run past week 20: the final plan cannot lawfully be issued "
                     f"before {long_date(earliest)}.")
    if not m.binding:
        lines.append(NOT_BINDING)
    if rules is not None:
        try:
            rule = rules.milestone(m.name)
        except KeyError:
            return "\n".join(lines)
        lines.append(f"{rule.title}. {rule.law}.")
        if rule.check:
            lines.append(f"(To be checked: {rule.check}.)")
    return "\n".join(lines)


def sent_by_words(code: str) -> str:
    return SENT_BY_WORDS.get(code, code.capitalize())


def sent_by_phrase(code: str) -> str:
    return SENT_BY_PHRASE.get(code, f"by {code}")


def advice_tooltip(a: AdviceDeadline | AdviceView, rules: Rules | None = None) -> str:
    lines = [f"{ADVICE_LONG.get(a.kind, a.kind)} advice" + (f": {a.service}" if a.service else ""),
             f"Requested: {long_date(a.requested)}, {sent_by_phrase(a.sent_by)}"]
    if a.delivered is not None and a.delivered != a.requested:
        lines.append(f"The adviser had it: {long_date(a.delivered)} (the second working day after posting)")
    lines += [f"Due: {long_date(a.due)} (6 weeks from the adviser's receipt, reg 8(1))",
              f"Received: {long_date(a.received)}" if a.received else "Received: not yet",
              f"Status: {advice_status_words(a.status, a.days_late)}"]
    if isinstance(a, AdviceView):
        lines.append("Reg 8 binds this service: the law sets its 6 weeks." if a.bound_by_reg8 else
                     "The 6 weeks are the council's own standard for this service (reg 8 binds health bodies and "
                     "other councils).")
        if a.excused_ground:
            title = (rules.advice_excuses.get(a.excused_ground, {}).get("title", a.excused_ground)
                     if rules is not None else a.excused_ground)
            ended = f" to {long_date(a.excused_to)}" if a.excused_to else ", still going on"
            lines.append(f"Excused under reg 8(2): {title}, from {long_date(a.excused_from)}{ended}. Not chased.")
    return "\n".join(lines)


def exception_reach(e: ExceptionView, d: RequestDeadlines | None) -> list[Milestone]:
    """The milestones of this request the exception would excuse if missed (docs/law.md#exempt-rule)."""
    if d is None:
        return []
    facts = ExceptionFacts(e.ground, e.recorded, e.note, e.began, e.ended)
    grounds = frozenset({e.ground})
    received = d.facts.received
    return [m for m in d.milestones if m.name in e.applies_to and excuses(facts, grounds, m.due, received)]


def exception_reach_words(e: ExceptionView, d: RequestDeadlines | None) -> str:
    reach = exception_reach(e, d)
    if not reach:
        return "Nothing on this request"
    return ", ".join(MILESTONE_SHORT.get(m.name, m.name) + (" (now exempt)" if m.status == "exempt" else "")
                     for m in reach)


def exception_tooltip(e: ExceptionView, rules: Rules | None = None, d: RequestDeadlines | None = None) -> str:
    began = e.began or e.recorded
    ended = f"ended {long_date(e.ended)}" if e.ended else "still going on"
    lines = [f"Exception ({e.ground}): {e.title}", f"Circumstances began {long_date(began)}; {ended}",
             f"Recorded: {long_date(e.recorded)}"]
    if rules is not None and e.ground in rules.exception_grounds:
        ground = rules.exception_grounds[e.ground]
        lines.append(f"{ground.get('text', '')} ({ground.get('law', '')}).")
    if e.note:
        lines.append(f"Note: {e.note}")
    can = ", ".join(MILESTONE_SHORT.get(n, n).lower() for n in e.applies_to) or "nothing"
    lines.append(f"Its ground can excuse: {can}; only a deadline due on or after the day the circumstances began.")
    if d is not None:
        lines.append(f"On this request: {exception_reach_words(e, d).lower()}.")
    lines.append("A missed deadline it excuses shows as exempt; the dates do not move.")
    return "\n".join(lines)


def _milestone_sentence(m: Milestone, d: RequestDeadlines) -> str:
    done = f", done {short_date(m.done)}" if m.done else ""
    return f"{MILESTONE_SHORT.get(m.name, m.name)}: due {short_date(m.due)}{done}, {milestone_words(m, d)}."


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
    overdue = [MILESTONE_SHORT.get(m.name, m.name) for m in d.milestones if m.breached]
    late = [advice_name(a.kind) for a in d.advice if a.status == "late"]
    if overdue or late:
        parts.append("Overdue: " + ", ".join(overdue + [f"{name} advice" for name in late]) + ".")
    parts.extend(_milestone_sentence(m, d) for m in d.milestones)
    parts.extend(_advice_sentence(a) for a in d.advice)
    parts.extend(f"Exception ({e.ground}) {e.title}: circumstances from {short_date(e.began or e.recorded)}"
                 f"{f' to {short_date(e.ended)}' if e.ended else ''}, recorded {short_date(e.recorded)}."
                 for e in detail.exceptions)
    if d.facts.withdrawn:
        parts.append(f"Withdrawn {short_date(d.facts.withdrawn)}.")
    return " ".join(parts)
