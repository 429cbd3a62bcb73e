"""What the demo's plans have been through since they were issued, drawn before anything is written.

Most plans are reviewed in time, about one review in four comes late (some months late, so a few are
overdue on ``today``), and about three decisions in ten amend the plan, most within the 8 weeks and a few
later; a few notices are still inside the family's 15 days. Children due to change phase next September
form the transfer cohort (consulted in the autumn, most plans amended before 15 February, some late, a
few not yet), and a few plans are being ceased: one at least inside its appeal window, one at least
ceased with its SEN2 reason. Every date fits the rules the plan's services apply (nothing before the
plan, nothing done after ``today``, decisions after meetings, amended plans after the family's 15 days).
One ``random.Random`` in plan order: the same seed and ``today`` give the same histories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from caseworker.demo.cases import weekday
from caseworker.statutory.plans import transfer_cohort, transfer_in

KEEP_REVIEWS = 3  # the reviews kept on record for each plan (older ones before the tracker's history)
REVIEW_LATE = 0.25  # of reviews decided after their 12 months
AMEND = 0.30  # of review decisions
AMENDED_LATE = 0.18  # of final amended plans, after the 8 weeks
NOT_AMENDED = 0.04  # of amendment notices: the council decides not to amend after the family's comments
FRESH_NOTICE = 0.03  # of plans: a notice sent in the last month, outside a review
TRANSFER_RECORDED = 0.9  # of the cohort: the move is on the plan (the rest show on the Phase transfers page)
TRANSFER_LATE = 0.15  # of transfers: the amended plan names the setting after the due day
TRANSFER_NOT_DONE = 0.07  # of transfers: not done at all yet
POST16_MOVE = 0.02  # of young people in a post-16 setting: moving to another next September
OUT_OF_YEAR_GROUP = 0.015  # of children: taught a year behind
CEASING = 0.008  # of plans: ceasing proposed, decided, under appeal, dropped or done
CEASE_STATES = (("proposed", 25), ("decided", 20), ("appeal_pending", 10), ("withdrawn", 15), ("ceased", 30))
REPLIES = (("agrees", 75), ("declines", 12), ("other", 13))
# SEN2 reasons a plan ceases for, by the young person's age.
CEASE_REASONS_BY_AGE = ((19, (2, 3, 4, 6)), (16, (2, 3, 4, 6, 9)), (0, (2, 5, 7, 9)))


@dataclass(frozen=True, slots=True)
class PlanSeed:
    """A plan on record, as the history needs it."""

    case_id: int
    issued: date
    born: date
    child_id: int
    school_phase: str | None  # the phase of the child's own school


@dataclass(slots=True)
class History:
    reviews: list[dict[str, Any]] = field(default_factory=list)
    amendments: list[dict[str, Any]] = field(default_factory=list)
    transfer: dict[str, Any] | None = None
    cease: dict[str, Any] | None = None
    year_group_offset: int = 0
    next_setting_phase: str | None = None  # the phase the consulted setting is from, for the writer


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    """Between ``low`` and ``high`` days, both included (``randint``'s draw, at a fraction of its cost)."""
    return timedelta(days=low + int(rng.random() * (high - low + 1)))


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def year_on(d: date, years: int = 1) -> date:
    """The same date ``years`` on; 29 February becomes 1 March in a year without it."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return date(d.year + years, 3, 1)


def review_due(start: date) -> date:
    """The last day of the 12 months starting with ``start`` (29 February 2024: 28 February 2025)."""
    return year_on(start) - timedelta(days=1)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def draw_history(rng: random.Random, plan: PlanSeed, today: date, *,
                 forced_cease: dict[str, Any] | None = None) -> History:
    """``forced_cease``: this plan's ceasing, drawn by the caller (the demo shows every state at least once)."""
    h = History()
    if rng.random() < OUT_OF_YEAR_GROUP:
        h.year_group_offset = 1
    cease_state = _pick(rng, CEASE_STATES) if rng.random() < CEASING else None
    cease = forced_cease or (_cease(rng, plan, today, cease_state) if cease_state else None)
    # A plan being ceased is not reviewed, amended or moved after the proposal.
    until = min(today, cease["proposed_on"] - timedelta(days=1)) if cease else today
    h.cease = cease
    h.reviews = _reviews(rng, plan, until)
    h.amendments = _amendments(rng, plan, h.reviews, until)
    if cease is None:
        h.transfer, h.next_setting_phase = _transfer(rng, plan, today, h.year_group_offset)
    return h


# ---------------------------------------------------------------- reviews and amendments


def _reviews(rng: random.Random, plan: PlanSeed, today: date) -> list[dict[str, Any]]:
    # Only the last few reviews are kept, so an old plan's chain starts on an anniversary of its issue a
    # few years back (the reviews before it are before the tracker's history).
    start, out = plan.issued, []
    if today.year - plan.issued.year > KEEP_REVIEWS + 1:
        start = year_on(plan.issued, today.year - plan.issued.year - KEEP_REVIEWS - 1)
    while True:
        due = review_due(start)
        late = rng.random() < REVIEW_LATE
        notified = weekday(due + _days(rng, 5, 200) if late else due - _days(rng, 3, 50))
        meeting = weekday(notified - (_days(rng, 8, 27) if rng.random() < 0.9 else _days(rng, 29, 45)))
        invited = meeting - (_days(rng, 14, 24) if rng.random() < 0.9 else _days(rng, 6, 13))
        report = meeting + (_days(rng, 3, 13) if rng.random() < 0.85 else _days(rng, 15, 30))
        if notified <= today:
            decision = "amend" if rng.random() < AMEND else "maintain"
            out.append({"meeting_on": meeting, "invitations_sent_on": invited, "report_sent_on": min(report, today),
                        "decision": decision, "notified_on": notified})
            start = notified
            continue
        if invited <= today:  # a review under way: the meeting held, or arranged with its invitations out
            out.append({"meeting_on": meeting, "invitations_sent_on": invited,
                        "report_sent_on": report if report <= today else None, "decision": None,
                        "notified_on": None})
        return out[-KEEP_REVIEWS:]


def _amendments(rng: random.Random, plan: PlanSeed, reviews: list[dict[str, Any]],
                today: date) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for review in reviews:
        if review["decision"] != "amend":
            continue
        notice = weekday(review["notified_on"] + _days(rng, 0, 6))
        if notice > today:
            continue
        out.append(_answered(rng, notice, today))
    latest = out[-1] if out else None
    settled = latest is None or latest["final_issued_on"] or latest["not_amended_on"]
    if settled and rng.random() < FRESH_NOTICE:
        notice = today - _days(rng, 0, 30)
        after = (latest["final_issued_on"] or latest["not_amended_on"]) if latest else plan.issued
        if notice > after:
            out.append(_answered(rng, notice, today))
    return out


def _answered(rng: random.Random, notice: date, today: date) -> dict[str, Any]:
    row: dict[str, Any] = {"notice_sent_on": notice, "notice_served_on": None, "final_issued_on": None,
                           "not_amended_on": None}
    r = rng.random()
    if r < NOT_AMENDED:
        answer, column = notice + _days(rng, 16, 45), "not_amended_on"
    elif r < NOT_AMENDED + AMENDED_LATE:
        answer, column = notice + _days(rng, 57, 130), "final_issued_on"
    else:
        answer, column = notice + _days(rng, 21, 56), "final_issued_on"
    if answer <= today:
        row[column] = answer
    return row


# ---------------------------------------------------------------- phase transfers


def _transfer(rng: random.Random, plan: PlanSeed, today: date,
              offset: int) -> tuple[dict[str, Any] | None, str | None]:
    """Next September's move for the cohort, else last September's (done), else a post-16 move."""
    ahead = transfer_cohort(plan.born, today, offset)
    if ahead is not None and (ahead.transfer_date - today).days <= 366:
        if rng.random() >= TRANSFER_RECORDED:
            return None, None
        row = _moving(rng, plan, today, ahead.kind, ahead.transfer_date, ahead.due)
        return row, _next_phase(ahead.year_group, plan.school_phase)
    september = today.year if today >= date(today.year, 9, 1) else today.year - 1
    moved = transfer_in(plan.born, september, offset)
    if moved is not None and moved.transfer_date >= plan.issued:
        row = _moving(rng, plan, today, moved.kind, moved.transfer_date, moved.due, done_by=True)
        return row, None  # the child is at their new setting: their own school, as the plan names
    age = age_on(plan.born, today)
    if 17 <= age <= 19 and plan.school_phase in ("college", "specialist_post16") and rng.random() < POST16_MOVE:
        moves = date(september + 1, 9, 1)
        return _moving(rng, plan, today, "post16_move", moves, moves - relativedelta(months=5)), "college"
    return None, None


def _moving(rng: random.Random, plan: PlanSeed, today: date, kind: str, moves: date, due: date, *,
            done_by: bool = False) -> dict[str, Any] | None:
    """A recorded move: the consultation in the autumn before, the reply, and the amended plan."""
    consulted = weekday(min(date(moves.year - 1, 10, 1) + _days(rng, 0, 75), due - timedelta(days=20)))
    replied = consulted + _days(rng, 4, 25)
    r = rng.random()
    if done_by or r < 1 - TRANSFER_LATE - TRANSFER_NOT_DONE:
        done: date | None = weekday(due - _days(rng, 3, 40))
    elif r < 1 - TRANSFER_NOT_DONE:
        done = weekday(due + _days(rng, 3, 50))
    else:
        done = None
    if consulted < plan.issued:
        return None  # the plan came after the move was prepared
    if done is not None and done <= replied:
        done = weekday(replied + timedelta(days=2))
    return {"kind": kind, "transfer_date": moves,
            "consultation_sent_on": consulted if consulted <= today else None,
            "setting_replied_on": replied if replied <= today and consulted <= today else None,
            "reply": _pick(rng, REPLIES) if replied <= today and consulted <= today else None,
            "done_on": done if done is not None and done <= today else None}


def _next_phase(year_group: str, current: str | None) -> str:
    if current in ("special", "specialist") and year_group != "Year 12":
        return current  # an all-through special school: the child stays
    return {"Reception": "primary", "Year 7": "secondary"}.get(year_group, "college")


# ---------------------------------------------------------------- ceasing


def _cease(rng: random.Random, plan: PlanSeed, today: date, state: str) -> dict[str, Any] | None:
    row: dict[str, Any] = {"proposed_on": None, "decided_on": None, "appeal_lodged_on": None,
                           "appeal_concluded_on": None, "ceased_on": None, "reason": None, "withdrawn_on": None}
    if state == "proposed":
        row["proposed_on"] = weekday(today - _days(rng, 3, 30))
    elif state == "withdrawn":
        proposed = weekday(today - _days(rng, 40, 200))
        row.update(proposed_on=proposed, withdrawn_on=proposed + _days(rng, 10, 35))
    else:
        back = {"decided": (1, 55), "appeal_pending": (40, 150), "ceased": (70, 330)}[state]
        decided = weekday(today - _days(rng, *back))
        decided = min(decided, today)
        row.update(proposed_on=decided - _days(rng, 15, 35), decided_on=decided)
        if state == "appeal_pending":
            row["appeal_lodged_on"] = min(decided + _days(rng, 10, 55), today)
        elif state == "ceased":
            ceased = decided + relativedelta(months=2) + _days(rng, 1, 30)
            if ceased <= today:
                row.update(ceased_on=ceased, reason=cease_reason(rng, plan, ceased))
    if row["proposed_on"] - timedelta(days=30) < plan.issued:
        return None  # too soon after the plan was issued to be ceasing it
    return row


def cease_reason(rng: random.Random, plan: PlanSeed, on: date) -> int:
    age = age_on(plan.born, on)
    reasons = next(r for least, r in CEASE_REASONS_BY_AGE if age >= least)
    return int(rng.choice(reasons))


def decided_in_window(plan: PlanSeed, today: date) -> dict[str, Any] | None:
    """A decision to cease notified three weeks ago: the family can still appeal."""
    decided = weekday(today - timedelta(days=21))
    if decided > today:
        decided -= timedelta(days=7)
    proposed = decided - timedelta(days=28)
    if proposed - timedelta(days=30) < plan.issued:
        return None
    return {"proposed_on": proposed, "decided_on": decided, "appeal_lodged_on": None, "appeal_concluded_on": None,
            "ceased_on": None, "reason": None, "withdrawn_on": None}


def ceased_with_reason(rng: random.Random, plan: PlanSeed, today: date) -> dict[str, Any] | None:
    """A plan ceased last month, the appeal window long closed."""
    ceased = today - timedelta(days=30)
    decided = ceased - relativedelta(months=2) - timedelta(days=14)
    proposed = decided - timedelta(days=28)
    if proposed - timedelta(days=30) < plan.issued:
        return None
    return {"proposed_on": proposed, "decided_on": decided, "appeal_lodged_on": None, "appeal_concluded_on": None,
            "ceased_on": ceased, "reason": cease_reason(rng, plan, ceased), "withdrawn_on": None}
