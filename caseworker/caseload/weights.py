"""What a case costs: its state from the deadline engine's view, and the points that state carries.

Also which cases a balancing proposal must leave where they are (``protection``): work due within the
protection window (overdue included), a case moved recently, or one the team lead pinned.
"""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.caseload.settings import (
    AMENDMENT,
    ASSESSMENT_ADVICE_IN,
    ASSESSMENT_ADVICE_OUTSTANDING,
    DRAFTING,
    PHASE_TRANSFER,
    PLAN,
    REQUEST,
    REVIEW_DUE,
    CaseloadSettings,
)
from caseworker.statutory.engine import (
    NOT_APPLICABLE,
    STAGE_ASSESSMENT,
    STAGE_DRAFTING,
    STAGE_ISSUED,
    STAGE_REQUEST,
    RequestDeadlines,
)
from caseworker.statutory.plans import DUE_SOON, OVERDUE, PlanSchedule
from caseworker.vocabulary import short_date, step_phrase

PINNED_WORDS = "pinned by the team lead"
MOVED_WORDS = "reallocated on"
STATE_WORDS = {
    REQUEST: "request (deciding whether to assess)",
    ASSESSMENT_ADVICE_OUTSTANDING: "assessment, advice outstanding",
    ASSESSMENT_ADVICE_IN: "assessment, all advice in",
    DRAFTING: "drafting the plan",
    PLAN: "plan in place",
}
ADVICE_WORDS = {"ep": "EP advice", "health": "health advice", "social_care": "social care advice",
                "education": "education advice", "other": "advice"}


def state_of(deadlines: RequestDeadlines) -> str | None:
    """The caseload state of a request, or None when it carries no load (withdrawn or declined)."""
    stage = deadlines.stage
    if stage == STAGE_REQUEST:
        return REQUEST
    if stage == STAGE_ASSESSMENT:
        # No advice asked yet still means advice to get: the heavier half of the assessment is ahead.
        if deadlines.advice and all(a.received is not None for a in deadlines.advice):
            return ASSESSMENT_ADVICE_IN
        return ASSESSMENT_ADVICE_OUTSTANDING
    if stage == STAGE_DRAFTING:
        return DRAFTING
    if stage == STAGE_ISSUED:
        return PLAN
    return None


def points_of(state: str | None, settings: CaseloadSettings) -> float:
    return 0.0 if state is None else settings.points_for(state)


def due_work(deadlines: RequestDeadlines, today: date, within_days: int) -> str | None:
    """The first step or advice not done and due by ``today + within_days`` (overdue too), in words."""
    if not deadlines.is_open:
        return None
    horizon = today + timedelta(days=within_days)
    soonest: tuple[date, str] | None = None
    for m in deadlines.milestones:
        if m.done is None and m.status != NOT_APPLICABLE and m.due <= horizon and (
                soonest is None or m.due < soonest[0]):
            soonest = (m.due, step_phrase(m.name))
    for a in deadlines.advice:
        if a.received is None and a.due <= horizon and (soonest is None or a.due < soonest[0]):
            soonest = (a.due, ADVICE_WORDS.get(a.kind, "advice"))
    if soonest is None:
        return None
    due, what = soonest
    if due < today:
        return f"{what} overdue since {short_date(due)}"
    return f"{what} due {short_date(due)}"


def protection(deadlines: RequestDeadlines | None, today: date, settings: CaseloadSettings, *,
               moved_on: date | None = None, pinned: bool = False) -> str | None:
    """Why a proposal must not move this case, or None when it may.

    ``moved_on`` is the day it was last reallocated (not its first allocation).
    """
    if pinned:
        return PINNED_WORDS
    if moved_on is not None and (today - moved_on).days < settings.protect_moved_within_days:
        return f"{MOVED_WORDS} {short_date(moved_on)}"
    if deadlines is not None:
        return due_work(deadlines, today, settings.protect_due_within_days)
    return None


def plan_work(schedule: PlanSchedule) -> list[str]:
    """The plan work running on a plan in place, each adding its points to the plan's own: a review due
    within its due-soon window (8 weeks) or overdue, an amendment under way, a phase transfer in progress."""
    if not schedule.maintained:
        return []
    work = []
    if schedule.review.status in (OVERDUE, DUE_SOON):
        work.append(REVIEW_DUE)
    a = schedule.amendment
    if a is not None and a.done is None:
        work.append(AMENDMENT)
    t = schedule.transfer
    if t is not None and t.done is None:
        work.append(PHASE_TRANSFER)
    return work


def plan_work_points(schedule: PlanSchedule, settings: CaseloadSettings) -> float:
    return sum(settings.points_for(w) for w in plan_work(schedule))


def kept_by_lead(reason: str | None) -> bool:
    """A protection that holds even while the caseworker is away: a pin, or a recent move."""
    return reason is not None and reason.startswith((PINNED_WORDS, MOVED_WORDS))


def next_due_work(d: RequestDeadlines) -> tuple[date | None, str]:
    """The earliest step or advice not done yet, in words (no date: nothing left to do): the "next
    deadline" the Team page and My day's cases not allocated show."""
    soonest: tuple[date, str] | None = None
    for m in d.milestones:
        if m.done is None and m.status != NOT_APPLICABLE and (soonest is None or m.due < soonest[0]):
            soonest = (m.due, step_phrase(m.name))
    for a in d.advice:
        if a.received is None and (soonest is None or a.due < soonest[0]):
            soonest = (a.due, ADVICE_WORDS.get(a.kind, "advice"))
    return soonest if soonest is not None else (None, "")
