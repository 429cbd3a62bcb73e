"""My day's plans in place: reviews, review decisions, amended plans, phase transfers and ceasing.

Pure, like the rest of My day: it reads the plan clocks' schedules (statutory/plans.py) and puts each
piece of work in its section, beside the request work. The windows are the team's working horizons:
a review shows from 8 weeks before it is due, an amended plan from 7 days, a phase transfer from 28.
"""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.reports.my_day import (
    AMENDMENTS_DUE,
    CEASE_WAITING,
    PLAN_SECTIONS,
    REVIEW_DECISIONS,
    REVIEWS_DUE,
    REVIEWS_OVERDUE,
    TRANSFERS_AT_RISK,
    MyDay,
    WorkItem,
)
from caseworker.statutory.cohort import transfer_cohort
from caseworker.statutory.plans import DUE_SOON, OVERDUE, AmendmentClock, PhaseTransfer, PlanSchedule
from caseworker.statutory.rules import Rules
from caseworker.vocabulary import short_date, step_task

AMENDMENT_WINDOW_DAYS = 7
TRANSFER_WINDOW_DAYS = 42
# How long before the amended plan is due a move with steps still to take is at risk (docs/law.md#transfer-risk).
# What is left takes at least: the setting's 15 days to reply, a review (invitations 2 weeks ahead of the
# meeting), the notice of proposed amendments and the family's 15 days, then the final amended plan.
TRANSFER_UNCONSULTED_DAYS = 84
TRANSFER_AWAITING_REPLY_DAYS = 56
CEASE_DECIDED = "decided"  # the decision notified; the plan is kept until the appeal window closes

TRANSFER_WHAT = {"school": "Name the next school", "post16": "Name the post-16 setting",
                 "post16_move": "Name the next post-16 institution"}


def _item(section: str, s: PlanSchedule, what: str, due: date, work_by: date | None, today: date,
          note: str = "") -> WorkItem:
    f = s.facts
    gap = (due - today).days
    return WorkItem(section, f.case_id, f.reference, f.child, f.caseworker, what, due, work_by, max(0, -gap), gap,
                    note)


def _review(s: PlanSchedule, today: date, out: MyDay) -> None:
    review = s.review
    section = {OVERDUE: REVIEWS_OVERDUE, DUE_SOON: REVIEWS_DUE}.get(review.status)
    if section is not None:
        last = review.last_decision
        note = (f"last review decided {short_date(last.notified)}" if last is not None and last.notified
                else f"plan issued {short_date(s.facts.plan_issued)}")
        if review.meeting is not None:  # a meeting may be booked ahead: say which
            held = "held" if review.meeting <= today else "booked for"
            note += f"; meeting {held} {short_date(review.meeting)}"
        out.sections[section].append(_item(section, s, step_task("annual_review"), review.due, review.work_by,
                                           today, note))
    if review.meeting is not None and review.meeting <= today:
        decision = next((m for m in review.steps if m.name == "review_decision"), None)
        if decision is not None and decision.done is None:
            out.sections[REVIEW_DECISIONS].append(_item(
                REVIEW_DECISIONS, s, step_task("review_decision"), decision.due, decision.work_by, today,
                f"meeting held {short_date(review.meeting)}"))


def amendment_due(a: AmendmentClock, today: date) -> bool:
    """Not finished, and the final amended plan is due within 7 days (or late), or the family's 15 days
    to comment have ended (nothing stops it being issued now)."""
    if a.done is not None:
        return False
    return (a.final_due - today).days <= AMENDMENT_WINDOW_DAYS or a.comments_until < today


def _amendment(s: PlanSchedule, today: date, out: MyDay) -> None:
    a = s.amendment
    if a is None or not amendment_due(a, today):
        return
    ended = a.comments_until < today
    note = (f"the family's comments ended {short_date(a.comments_until)}" if ended
            else f"the family may comment until {short_date(a.comments_until)}")
    out.sections[AMENDMENTS_DUE].append(_item(AMENDMENTS_DUE, s, step_task("amendment_final"), a.final_due,
                                              a.work_by, today, note))


def transfer_at_risk(t: PhaseTransfer, today: date) -> bool:
    """Not done, and less time left than the steps still to take need: 6 weeks once the next setting has
    replied, 8 while its reply is awaited, 12 while no setting has been consulted."""
    if t.done is not None:
        return False
    if t.setting_replied is not None:
        window = TRANSFER_WINDOW_DAYS
    elif t.consultation_sent is not None:
        window = TRANSFER_AWAITING_REPLY_DAYS
    else:
        window = TRANSFER_UNCONSULTED_DAYS
    return (t.due - today).days <= window


def _unrecorded_transfer(s: PlanSchedule, today: date, out: MyDay, rules: Rules | None) -> None:
    """A move the child's date of birth says is coming, not yet recorded on the plan: nothing is under way,
    so it is at risk as early as a move with no setting consulted (the Phase transfers page's "Not started")."""
    f = s.facts
    move = transfer_cohort(f.date_of_birth, today, f.year_group_offset, rules)
    if move is None or (move.due - today).days > TRANSFER_UNCONSULTED_DAYS:
        return
    note = (f"moves {short_date(move.transfer_date)} into {move.year_group} (from the date of birth); "
            "not recorded on the plan yet")
    out.sections[TRANSFERS_AT_RISK].append(_item(TRANSFERS_AT_RISK, s, TRANSFER_WHAT.get(move.kind, "Phase transfer"),
                                                 move.due, None, today, note))


def _transfer(s: PlanSchedule, today: date, out: MyDay, rules: Rules | None) -> None:
    t = s.transfer
    if t is None:
        _unrecorded_transfer(s, today, out, rules)
        return
    if not transfer_at_risk(t, today):
        return
    said = f"moves {short_date(t.transfer_date)}"
    if t.setting_replied is not None:
        said += f"; setting replied {short_date(t.setting_replied)}"
    elif t.consultation_sent is not None:
        said += f"; consulted {short_date(t.consultation_sent)}"
    else:
        said += "; no setting consulted yet"
    out.sections[TRANSFERS_AT_RISK].append(_item(TRANSFERS_AT_RISK, s, TRANSFER_WHAT.get(t.kind, "Phase transfer"),
                                                 t.due, t.work_by, today, said))


def _cease(s: PlanSchedule, today: date, out: MyDay) -> None:
    c = s.cease
    if c is None or c.state != CEASE_DECIDED or c.appeal_until is None:
        return
    may_from = c.appeal_until + timedelta(days=1)
    what = "Cease the plan" if c.may_cease(today) else "Wait for the appeal window to close"
    note = f"decided {short_date(c.decided)}; appeal window ends {short_date(c.appeal_until)}" if c.decided else ""
    out.sections[CEASE_WAITING].append(_item(CEASE_WAITING, s, what, may_from, None, today, note))


def add_plan_work(schedules: list[PlanSchedule], today: date, out: MyDay, rules: Rules | None = None) -> None:
    """Each maintained plan's work, in the plan sections of ``out``, most urgent first."""
    for s in schedules:
        if not s.maintained:
            continue
        _review(s, today, out)
        _amendment(s, today, out)
        _transfer(s, today, out, rules)
        _cease(s, today, out)
    for key in PLAN_SECTIONS:
        out.sections[key].sort(key=lambda i: (i.days_left, i.reference))
