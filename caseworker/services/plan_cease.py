"""Ceasing a plan (CFA s45; regs 29-31): the proposal, on which the family and the setting are consulted;
the decision, notified with the right to appeal; any appeal; and the cease itself with its SEN2 reason.

The plan is kept while an appeal is possible or pending, so ``cease_plan`` refuses a day inside the
appeal window (2 months from the decision letter: ``caseworker.statutory.plans.cease_state``) or while an
appeal waits for the Tribunal, and says the date. A proposal can be dropped (``withdraw_cease``): the plan
goes on, and a new proposal may follow. The same shape as ``caseworker.services.plans``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import Problem, ValidationError
from caseworker.services.actor import Actor
from caseworker.services.plans import Change, change_plan, check_day, day, refuse, row_of, set_values
from caseworker.statutory.plan_facts import CeaseFacts, PlanFacts
from caseworker.statutory.plans import cease_state
from caseworker.store.codes import CEASE_REASONS
from caseworker.store.models import Case
from caseworker.store.plan_models import PlanCease

# Ceasing without a decision letter to appeal: the plan goes with the child to the new council (reg 15),
# or the child has died.
NO_DECISION_NEEDED = frozenset({5, 8})


def open_cease(plan: PlanFacts) -> CeaseFacts | None:
    """The proposal to cease on record that is neither dropped nor done."""
    c = plan.cease
    return c if c is not None and c.withdrawn is None and c.ceased is None else None


def _needs_open(plan: PlanFacts) -> CeaseFacts:
    c = open_cease(plan)
    if c is None:
        raise ValidationError(Problem("cease", "there is no proposal to cease this plan: propose it first"))
    return c


def propose_cease(ctx: AppContext, actor: Actor, case_id: int, proposed_on: date, *,
                  expected_version: int | None = None) -> int:
    """The council is considering ceasing the plan: the family and the setting are told and consulted."""
    today = ctx.today()

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        current = open_cease(plan)
        if current is not None:
            raise ValidationError(Problem("proposed_on", f"ceasing this plan is already under way (proposed on "
                                                         f"{day(current.proposed or current.decided or today)})"))
        p: list[Problem] = []
        check_day(p, "proposed_on", proposed_on, plan, today)
        refuse(p)
        row = PlanCease(case_id=plan.case_id, proposed_on=proposed_on)
        s.add(row)
        s.flush()
        return Change("plan_cease", row.id, {}, {"proposed_on": proposed_on})

    return change_plan(ctx, actor, case_id, "propose_cease", change, expected_version=expected_version)


def decide_cease(ctx: AppContext, actor: Actor, case_id: int, decided_on: date, *,
                 expected_version: int | None = None) -> int:
    """The decision to cease, notified (the day of the letter): the family may appeal for 2 months."""
    today = ctx.today()

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        c = _needs_open(plan)
        if c.decided is not None:
            raise ValidationError(Problem("decided_on", f"the decision was already notified on {day(c.decided)}"))
        p: list[Problem] = []
        check_day(p, "decided_on", decided_on, plan, today)
        if c.proposed is not None and decided_on < c.proposed:
            p.append(Problem("decided_on", f"ceasing was proposed on {day(c.proposed)}; the decision follows the "
                                           "consultation"))
        refuse(p)
        row = row_of(s, PlanCease, c.id)
        before, after = set_values(row, {"decided_on": decided_on})
        state = cease_state(CeaseFacts(c.proposed, decided_on), ctx.engine.rules)
        assert state is not None and state.appeal_until is not None
        after["appeal_until"] = state.appeal_until
        return Change("plan_cease", row.id, before, after)

    return change_plan(ctx, actor, case_id, "decide_cease", change, expected_version=expected_version)


def record_cease_appeal(ctx: AppContext, actor: Actor, case_id: int, *, lodged_on: date | None = None,
                        concluded_on: date | None = None, expected_version: int | None = None) -> int:
    """The family's appeal against the decision: the day it was lodged, and the day the Tribunal decided.
    If the Tribunal keeps the plan, drop the proposal (``withdraw_cease``)."""
    today = ctx.today()
    if lodged_on is None and concluded_on is None:
        raise ValidationError(Problem("appeal_lodged_on", "give the day the appeal was lodged, or the day it was "
                                                          "decided"))

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        c = _needs_open(plan)
        if c.decided is None:
            raise ValidationError(Problem("appeal_lodged_on", "there is no decision to cease to appeal against yet"))
        lodged = lodged_on or c.appeal_lodged
        p: list[Problem] = []
        check_day(p, "appeal_lodged_on", lodged_on, plan, today)
        check_day(p, "appeal_concluded_on", concluded_on, plan, today)
        if lodged is None:
            p.append(Problem("appeal_lodged_on", "give the day the appeal was lodged"))
        elif lodged < c.decided:
            p.append(Problem("appeal_lodged_on", f"the decision was notified on {day(c.decided)}; an appeal comes "
                                                 "after it"))
        elif concluded_on is not None and concluded_on < lodged:
            p.append(Problem("appeal_concluded_on", f"the appeal was lodged on {day(lodged)}"))
        refuse(p)
        row = row_of(s, PlanCease, c.id)
        given = {"appeal_lodged_on": lodged_on, "appeal_concluded_on": concluded_on}
        before, after = set_values(row, {k: v for k, v in given.items() if v is not None})
        return Change("plan_cease", row.id, before, after)

    return change_plan(ctx, actor, case_id, "record_cease_appeal", change, expected_version=expected_version)


def withdraw_cease(ctx: AppContext, actor: Actor, case_id: int, withdrawn_on: date, *,
                   expected_version: int | None = None) -> int:
    """The proposal dropped (after the consultation, or because the Tribunal kept the plan): it goes on."""
    today = ctx.today()

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        c = _needs_open(plan)
        p: list[Problem] = []
        check_day(p, "withdrawn_on", withdrawn_on, plan, today)
        started = c.proposed or c.decided
        if started is not None and withdrawn_on < started:
            p.append(Problem("withdrawn_on", f"ceasing was proposed on {day(started)}"))
        refuse(p)
        row = row_of(s, PlanCease, c.id)
        before, after = set_values(row, {"withdrawn_on": withdrawn_on})
        return Change("plan_cease", row.id, before, after)

    return change_plan(ctx, actor, case_id, "withdraw_cease", change, expected_version=expected_version)


def cease_plan(ctx: AppContext, actor: Actor, case_id: int, ceased_on: date, reason: int, *,
               expected_version: int | None = None) -> int:
    """The plan stops being maintained, with its SEN2 reason (1-9). Only once the family can no longer
    appeal the decision and no appeal is waiting (a child who moved to another council or died: at once)."""
    today = ctx.today()
    if reason not in CEASE_REASONS:
        raise ValidationError(Problem("reason", f"{reason!r} is not an SEN2 reason for ceasing a plan (use 1 to 9)"))

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        p: list[Problem] = []
        check_day(p, "ceased_on", ceased_on, plan, today)
        refuse(p)
        c = open_cease(plan)
        if reason not in NO_DECISION_NEEDED:
            refuse(_still_appealable(ctx, c, ceased_on))
        given = {"ceased_on": ceased_on, "reason": reason}
        if c is None:
            row = PlanCease(case_id=plan.case_id, **given)
            s.add(row)
            s.flush()
            return Change("plan_cease", row.id, {}, {**given, "reason_title": CEASE_REASONS[reason]})
        row = row_of(s, PlanCease, c.id)
        before, after = set_values(row, given)
        return Change("plan_cease", row.id, before, {**after, "reason_title": CEASE_REASONS[reason]})

    return change_plan(ctx, actor, case_id, "cease_plan", change, expected_version=expected_version)


def _still_appealable(ctx: AppContext, c: CeaseFacts | None, ceased_on: date) -> list[Problem]:
    """Why the plan must still be kept on ``ceased_on``, if it must."""
    if c is None or c.decided is None:
        return [Problem("ceased_on", "a plan ceases only after a decision to cease is notified: record the "
                                     "proposal and the decision first")]
    state = cease_state(c, ctx.engine.rules)
    assert state is not None and state.appeal_until is not None
    if c.appeal_lodged is not None and c.appeal_concluded is None:
        return [Problem("ceased_on", f"the appeal lodged on {day(c.appeal_lodged)} is waiting for the Tribunal: the "
                                     "plan is kept until it is decided")]
    if c.appeal_concluded is not None:
        if ceased_on < c.appeal_concluded:
            return [Problem("ceased_on", f"the Tribunal decided the appeal on {day(c.appeal_concluded)}: the plan "
                                         "is kept until then")]
        return []
    if ceased_on <= state.appeal_until:
        first = state.appeal_until + timedelta(days=1)
        return [Problem("ceased_on", f"the family can appeal until {day(state.appeal_until)}: the plan is kept "
                                     f"until then and can cease from {day(first)}")]
    return []
