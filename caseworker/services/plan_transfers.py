"""A plan's phase transfer (reg 18): the move recorded, the next setting consulted and its reply, and the
plan amended to name it (before 15 February, 31 March for post-16, or 5 months before a move between
post-16 institutions: ``caseworker.statutory.plans``).

The same shape as ``caseworker.services.plans``: the role checked, the dates checked against the plan,
one audit row with before and after, the case's version moved on, nothing written on a refusal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import NotFound, Problem, ValidationError
from caseworker.services.actor import Actor
from caseworker.services.named_setting import set_named_setting
from caseworker.services.plans import Change, change_plan, check_day, day, refuse, row_of, set_values
from caseworker.statutory.cohort import SCHOOL_YEAR_STARTS
from caseworker.statutory.plan_facts import TRANSFER_KINDS, PlanFacts, TransferFacts
from caseworker.store.codes import CONSULTATION_REPLIES
from caseworker.store.models import Case, School
from caseworker.store.plan_models import PhaseTransfer

# How many September transfer cohorts ahead a move may be recorded: councils start on the Year 5 children
# two years before secondary transfer (reg 18 sets only the latest day, not the earliest), and a
# consultation may begin before the review in the transfer year. Further ahead is a slip of the keyboard.
COHORTS_AHEAD = 2


def furthest_move(today: date) -> date:
    """The last day a move may be recorded for: the day the second transfer cohort ahead moves (1 September,
    the next one counting as the first; a move between post-16 institutions may fall on any day up to it)."""
    month, first = SCHOOL_YEAR_STARTS
    next_september = date(today.year if (today.month, today.day) < (month, first) else today.year + 1, month, first)
    return next_september.replace(year=next_september.year + COHORTS_AHEAD - 1)


def open_transfer(plan: PlanFacts) -> TransferFacts | None:
    """The transfer on record that is not yet done."""
    t = plan.transfer
    return t if t is not None and t.done is None else None


def _needs_open_transfer(plan: PlanFacts) -> TransferFacts:
    t = open_transfer(plan)
    if t is None:
        raise ValidationError(Problem("transfer", "there is no phase transfer under way on this plan: record the "
                                                  "move (its kind and date) first"))
    return t


def record_transfer(ctx: AppContext, actor: Actor, case_id: int, kind: str, transfer_date: date, *,
                    expected_version: int | None = None) -> int:
    """Record the plan's next phase transfer (or correct the one under way): ``school`` (between school
    phases), ``post16`` (school to post-16) or ``post16_move`` (between post-16 institutions), and the day
    the move happens."""
    today = ctx.today()
    if kind not in TRANSFER_KINDS:
        raise ValidationError(Problem("transfer_kind", f"{kind!r} is not a kind of phase transfer (use "
                                                       f"{', '.join(TRANSFER_KINDS)})"))

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        p: list[Problem] = []
        check_day(p, "transfer_date", transfer_date, plan, today, any_ahead=True)
        furthest = furthest_move(today)
        if transfer_date > furthest:
            p.append(Problem("transfer_date", f"{day(transfer_date)} is beyond the next {COHORTS_AHEAD} transfer "
                                              f"cohorts (moves up to {day(furthest)}); record it once the child is "
                                              "in one of them"))
        refuse(p)
        given = {"kind": kind, "transfer_date": transfer_date}
        under_way = open_transfer(plan)
        if under_way is None:
            row = PhaseTransfer(case_id=plan.case_id, **given)
            s.add(row)
            s.flush()
            return Change("phase_transfer", row.id, {}, given)
        row = row_of(s, PhaseTransfer, under_way.id)
        before, after = set_values(row, given)
        return Change("phase_transfer", row.id, before, after)

    return change_plan(ctx, actor, case_id, "record_transfer", change, expected_version=expected_version)


def _school(s: Session, school_id: int) -> School:
    school = s.get(School, school_id)
    if school is None:
        raise NotFound(f"there is no school or setting {school_id}")
    return school


def record_transfer_consultation(ctx: AppContext, actor: Actor, case_id: int, school_id: int, sent_on: date, *,
                                 expected_version: int | None = None) -> int:
    """The next setting consulted on being named for the move (it has 15 days to reply)."""
    today = ctx.today()

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        t = _needs_open_transfer(plan)
        p: list[Problem] = []
        check_day(p, "consultation_sent_on", sent_on, plan, today)
        refuse(p)
        school = _school(s, school_id)
        row = row_of(s, PhaseTransfer, t.id)
        before, after = set_values(row, {"consulted_school_id": school.id, "consultation_sent_on": sent_on,
                                         "setting_replied_on": None, "reply": None})
        after["school"] = school.name
        return Change("phase_transfer", row.id, before, after)

    return change_plan(ctx, actor, case_id, "record_transfer_consultation", change,
                       expected_version=expected_version)


def record_transfer_reply(ctx: AppContext, actor: Actor, case_id: int, replied_on: date, reply: str, *,
                          expected_version: int | None = None) -> int:
    """The consulted setting's answer: it agrees to be named, declines, or says something else."""
    today = ctx.today()
    if reply not in CONSULTATION_REPLIES:
        raise ValidationError(Problem("reply", f"use one of {', '.join(CONSULTATION_REPLIES)}"))

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        t = _needs_open_transfer(plan)
        if t.consultation_sent is None:
            raise ValidationError(Problem("reply", "no setting has been consulted on this move yet"))
        p: list[Problem] = []
        check_day(p, "setting_replied_on", replied_on, plan, today)
        if replied_on < t.consultation_sent:
            p.append(Problem("setting_replied_on", f"the consultation was sent on {day(t.consultation_sent)}; the "
                                                   "reply cannot come before it"))
        refuse(p)
        row = row_of(s, PhaseTransfer, t.id)
        before, after = set_values(row, {"setting_replied_on": replied_on, "reply": reply})
        return Change("phase_transfer", row.id, before, after)

    return change_plan(ctx, actor, case_id, "record_transfer_reply", change, expected_version=expected_version)


def record_transfer_done(ctx: AppContext, actor: Actor, case_id: int, done_on: date, school_id: int, *,
                         kind: str | None = None, expected_version: int | None = None) -> int:
    """The plan, amended to name the next setting, issued: the setting is named in section I (its ``kind``
    set when given, as naming a setting does everywhere) and the transfer is done."""
    today = ctx.today()

    def change(s: Session, case: Case, plan: PlanFacts) -> Change:
        t = _needs_open_transfer(plan)
        p: list[Problem] = []
        check_day(p, "done_on", done_on, plan, today)
        if t.consultation_sent is not None and done_on < t.consultation_sent:
            p.append(Problem("done_on", f"the next setting was consulted on {day(t.consultation_sent)}; the plan "
                                        "naming it comes after"))
        refuse(p)
        before: dict[str, Any] = {"named_setting_id": case.named_setting_id}
        school = set_named_setting(s, case, school_id, kind)
        assert school is not None
        row = row_of(s, PhaseTransfer, t.id)
        b, a = set_values(row, {"done_on": done_on})
        return Change("phase_transfer", row.id, {**before, **b},
                      {**a, "named_setting_id": school.id, "named_setting": school.name, "kind": school.kind})

    return change_plan(ctx, actor, case_id, "record_transfer_done", change, expected_version=expected_version)
