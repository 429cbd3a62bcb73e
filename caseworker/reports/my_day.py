"""A caseworker's morning: what is overdue, due this week, late, at risk or waiting.

Pure: it reads the engine's results (and each advice service's recent turnaround) and sorts the work
by urgency. The desktop's start page and any headless summary stand on the same lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from caseworker.statutory.engine import (
    DUE_SOON,
    LATE,
    OVERDUE,
    Milestone,
    RequestDeadlines,
)
from caseworker.statutory.risk import advice_at_risk
from caseworker.statutory.rules import Rules
from caseworker.vocabulary import ADVICE_SHORT, short_date, step_task

OVERDUE_STEPS = "overdue"
DUE_THIS_WEEK = "due_this_week"
LATE_EP = "late_ep"
LATE_HEALTH = "late_health"
LATE_OTHER_ADVICE = "late_other_advice"
ADVICE_DUE_SOON = "advice_due_soon"
AT_RISK = "at_risk"
DRAFT_PAST_SAFE_DAY = "draft_past_safe_day"
FINAL_WAITING = "final_waiting"
FOLLOW_UPS = "follow_ups"
# Plans in place (reports/my_day_plans.py fills these from the plan clocks).
REVIEWS_OVERDUE = "reviews_overdue"
REVIEWS_DUE = "reviews_due"
REVIEW_DECISIONS = "review_decisions"
AMENDMENTS_DUE = "amendments_due"
TRANSFERS_AT_RISK = "transfers_at_risk"
CEASE_WAITING = "cease_waiting"

SECTION_TITLES = {
    OVERDUE_STEPS: "Overdue",
    DUE_THIS_WEEK: "Due in the next 7 days",
    LATE_EP: "Late EP advice",
    LATE_HEALTH: "Late health advice",
    LATE_OTHER_ADVICE: "Other late advice",
    ADVICE_DUE_SOON: "Advice due in the next 7 days",
    AT_RISK: "At risk of missing week 20",
    DRAFT_PAST_SAFE_DAY: "Draft past its latest safe day",
    FINAL_WAITING: "Final plan waiting for the family's 15 days",
    FOLLOW_UPS: "Follow-ups",
    REVIEWS_OVERDUE: "Annual reviews overdue",
    REVIEWS_DUE: "Annual reviews due within 8 weeks",
    REVIEW_DECISIONS: "Review decisions due",
    AMENDMENTS_DUE: "Amended plans due",
    TRANSFERS_AT_RISK: "Phase transfers at risk",
    CEASE_WAITING: "Ceasing: waiting for the appeal window",
}
SECTION_ORDER = tuple(SECTION_TITLES)
PLAN_SECTIONS = (REVIEWS_OVERDUE, REVIEWS_DUE, REVIEW_DECISIONS, AMENDMENTS_DUE, TRANSFERS_AT_RISK, CEASE_WAITING)
REQUEST_SECTIONS = tuple(s for s in SECTION_ORDER if s not in PLAN_SECTIONS)


@dataclass(slots=True)
class WorkItem:
    """One thing to act on, with enough to show it and open its case. Not frozen, though never changed once
    made (``dataclasses.replace`` makes another): a frozen dataclass sets each field through
    ``object.__setattr__``, five times the time to build, and a large team's My day builds 10,000."""

    section: str
    case_id: int | None
    reference: str
    child: str
    caseworker: str | None
    what: str
    due: date
    work_by: date | None
    days_late: int  # days past the due date; 0 when not yet due
    days_left: int  # days until the due date; negative when past it
    note: str = ""
    # A final plan whose week 20 the family's 15 days have put out of reach: the day it can lawfully go.
    earliest_lawful_final: date | None = None
    # A follow-up from the case's diary: the note to mark done.
    note_id: int | None = None
    note_version: int | None = None


@dataclass
class MyDay:
    today: date
    sections: dict[str, list[WorkItem]] = field(default_factory=lambda: {s: [] for s in SECTION_ORDER})

    def count(self, section: str) -> int:
        return len(self.sections[section])

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.sections.values())


def _item(section: str, d: RequestDeadlines, what: str, due: date, work_by: date | None, today: date,
          note: str = "") -> WorkItem:
    f = d.facts
    gap = (due - today).days
    return WorkItem(section, f.id, f.reference, f.child, f.caseworker, what, due, work_by, max(0, -gap), gap, note)


def cannot_be_met_note(d: RequestDeadlines) -> str:
    """What to say of a week 20 the family's 15 days have put out of reach ("" when it can be met)."""
    if d.final_cannot_be_met is None:
        return ""
    earliest = d.final_cannot_be_met
    return f"cannot be met: earliest lawful final {earliest.day} {earliest:%b %Y}"


def _milestone_item(section: str, d: RequestDeadlines, m: Milestone, today: date) -> WorkItem:
    item = _item(section, d, step_task(m.name), m.due, m.work_by, today)
    if m.name == "final_plan" and d.final_cannot_be_met is not None:
        return replace(item, note=cannot_be_met_note(d), earliest_lawful_final=d.final_cannot_be_met)
    return item


def _milestone_items(d: RequestDeadlines, today: date, out: MyDay) -> None:
    for m in d.milestones:
        if m.status == OVERDUE:
            # Only a binding date is overdue in law; the draft's latest safe day is the team's own plan.
            section = OVERDUE_STEPS if m.binding else DRAFT_PAST_SAFE_DAY
            out.sections[section].append(_milestone_item(section, d, m, today))
        elif m.status == DUE_SOON:
            out.sections[DUE_THIS_WEEK].append(_milestone_item(DUE_THIS_WEEK, d, m, today))


def _advice_items(d: RequestDeadlines, today: date, out: MyDay) -> None:
    for a in d.advice:
        label = f"{ADVICE_SHORT.get(a.kind, a.kind)} advice" + (f" ({a.service})" if a.service else "")
        if a.status == LATE:
            section = {"ep": LATE_EP, "health": LATE_HEALTH}.get(a.kind, LATE_OTHER_ADVICE)
            out.sections[section].append(_item(section, d, label, a.due, None, today,
                                               f"asked {short_date(a.requested)}"))
        elif a.status == DUE_SOON:
            out.sections[ADVICE_DUE_SOON].append(_item(ADVICE_DUE_SOON, d, label, a.due, None, today,
                                                       f"asked {short_date(a.requested)}"))


def _risk_items(d: RequestDeadlines, today: date, turnaround: dict[str, int], rules: Rules, out: MyDay) -> None:
    for risk in advice_at_risk(d, today, turnaround, rules):
        label = f"{ADVICE_SHORT.get(risk.kind, risk.kind)} advice" + (f" ({risk.service})" if risk.service else "")
        out.sections[AT_RISK].append(_item(
            AT_RISK, d, label, risk.latest_safe_draft, None, today,
            f"expected about {short_date(risk.expected)}, after the latest safe draft day"))


def _final_waiting(d: RequestDeadlines, today: date, out: MyDay) -> None:
    if d.earliest_final is not None and d.facts.final_issued is None and today < d.earliest_final:
        out.sections[FINAL_WAITING].append(_item(
            FINAL_WAITING, d, "Final plan: the family's 15 days are running", d.earliest_final, None, today,
            f"earliest lawful final date {short_date(d.earliest_final)}"))


def build_my_day(deadlines: list[RequestDeadlines], today: date, turnaround: dict[str, int],
                 rules: Rules) -> MyDay:
    """Every open request's work, in sections, most urgent first."""
    out = MyDay(today)
    for d in deadlines:
        if not d.is_open:
            continue
        _milestone_items(d, today, out)
        _advice_items(d, today, out)
        _risk_items(d, today, turnaround, rules, out)
        _final_waiting(d, today, out)
    for items in out.sections.values():
        # Most overdue first, then soonest due; the reference keeps ties stable.
        items.sort(key=lambda i: (i.days_left, i.reference))
    return out
