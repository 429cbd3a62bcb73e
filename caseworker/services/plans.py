"""Keeping a plan in place: annual reviews, amendments and a child taught out of their year group.

Each command takes the application context and the acting staff member, checks the role and the dates
against the plan as stored (nothing before the plan was issued, a decision not before its meeting, an
amended plan not inside the family's 15 days, nothing done after today), and either commits the change
with one audit row holding the values before and after, or raises ValidationError / PermissionDenied /
ConflictError / NotFound having written nothing. Every change moves the case to a new version, so two
people recording on the same plan at once cannot both succeed unseen (``expected_version``).
Phase transfers are in ``plan_transfers``, ceasing in ``plan_cease``; the clocks in
``caseworker.statutory.plans``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.context import AppContext
from caseworker.errors import NotFound, Problem, ValidationError
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import check_version, writing
from caseworker.statutory.plan_facts import AMEND, CEASE, REVIEW_DECISIONS, PlanFacts, ReviewFacts
from caseworker.store.audit import audit, changes
from caseworker.store.codes import YEAR_GROUP_OFFSETS
from caseworker.store.models import Case, Child
from caseworker.store.plan_models import PlanAmendment, PlanCease, PlanReview
from caseworker.store.plan_reads import plan_of_case
from caseworker.vocabulary import short_date

# The family have at least 15 days, beginning with the day the notice is served, to comment (reg 22(2)(c)).
COMMENT_DAYS = 15
# A meeting may be arranged ahead, but not further than a year: further is a slip of the keyboard.
FURTHEST_AHEAD = timedelta(days=366)
# A notice served (by post) at most this long after it was sent.
LONGEST_SERVICE = timedelta(days=7)


def day(d: date) -> str:
    return short_date(d)


@dataclass(slots=True)
class Change:
    """What one command changed, for its audit row."""

    entity: str
    entity_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]


PlanChange = Callable[[Session, Case, PlanFacts], Change]


def change_plan(ctx: AppContext, actor: Actor, case_id: int, action: str, change: PlanChange, *,
                expected_version: int | None = None) -> int:
    """Run one command on a maintained plan; returns the case's new version."""
    require_writer(actor)
    with writing(ctx, action) as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound(f"there is no case with id {case_id}")
        check_version(case, expected_version)
        plan = plan_of_case(s, case_id)
        if plan is None:
            raise ValidationError(Problem("plan", f"{case.reference} has no plan in place: its plan is not issued "
                                                  "yet, or it has ceased"))
        done = change(s, case, plan)
        flag_modified(case, "reference")  # the case's version moves with every change to its plan
        s.flush()
        audit(s, actor_id=actor.id, action=action, entity=done.entity, entity_id=done.entity_id, case_id=case.id,
              before=done.before, after=done.after)
        return case.version


def refuse(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def check_day(p: list[Problem], field: str, d: date | None, plan: PlanFacts, today: date, *,
              ahead: bool = False, any_ahead: bool = False) -> None:
    """Not before the plan was issued; not after today (or, ``ahead``, not more than a year ahead;
    ``any_ahead``: the caller bounds how far ahead itself)."""
    if d is None:
        return
    if d < plan.plan_issued:
        p.append(Problem(field, f"{day(d)} is before the plan was issued ({day(plan.plan_issued)})"))
    elif any_ahead:
        return
    elif ahead and d > today + FURTHEST_AHEAD:
        p.append(Problem(field, f"{day(d)} is more than a year ahead"))
    elif not ahead and d > today:
        p.append(Problem(field, f"{day(d)} is after today ({day(today)})"))


def row_of(s: Session, model: Any, row_id: int | None) -> Any:
    found = s.get(model, row_id) if row_id is not None else None
    assert found is not None, "the plan's facts were read in this transaction"
    return found


def values(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(row, f) for f in fields}


def set_values(row: Any, new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set ``new`` on ``row``; what changed as (before, after)."""
    before, after = changes(values(row, tuple(new)), new)
    for field, value in after.items():
        setattr(row, field, value)
    return before, after


# ---------------------------------------------------------------- reviews

REVIEW_FIELDS = ("meeting_on", "invitations_sent_on", "report_sent_on", "decision", "notified_on")


def waiting_review(plan: PlanFacts) -> ReviewFacts | None:
    """The review on record whose decision is still to be notified (the latest one), if any."""
    waiting = [r for r in plan.reviews if r.notified is None]
    return waiting[-1] if waiting else None


def last_decided(plan: PlanFacts) -> ReviewFacts | None:
    decided = [r for r in plan.reviews if r.notified is not None]
    return max(decided, key=lambda r: r.notified or date.min) if decided else None


def record_review_meeting(ctx: AppContext, actor: Actor, case_id: int, meeting_on: date, *,
                          invitations_sent_on: date | None = None, report_sent_on: date | None = None,
                          expected_version: int | None = None) -> int:
    """Record (or correct) the meeting of the review under way: its day, when the invitations and advice
    went to the reg 20(2) list, and when the report went out. A meeting may be arranged ahead."""
    today = ctx.today()

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        p: list[Problem] = []
        check_day(p, "meeting_on", meeting_on, plan, today, ahead=True)
        check_day(p, "invitations_sent_on", invitations_sent_on, plan, today)
        check_day(p, "report_sent_on", report_sent_on, plan, today)
        if invitations_sent_on is not None and invitations_sent_on > meeting_on:
            p.append(Problem("invitations_sent_on", f"the invitations go out before the meeting ({day(meeting_on)})"))
        if report_sent_on is not None and report_sent_on < meeting_on:
            p.append(Problem("report_sent_on", f"the report follows the meeting ({day(meeting_on)})"))
        last = last_decided(plan)
        if last is not None and last.meeting is not None and meeting_on <= last.meeting:
            p.append(Problem("meeting_on", f"the last review met on {day(last.meeting)}; this one meets after it"))
        refuse(p)
        given = {"meeting_on": meeting_on, "invitations_sent_on": invitations_sent_on,
                 "report_sent_on": report_sent_on}
        waiting = waiting_review(plan)
        if waiting is None:
            review = PlanReview(case_id=plan.case_id, **given)
            s.add(review)
            s.flush()
            return Change("plan_review", review.id, {}, given)
        review = row_of(s, PlanReview, waiting.id)
        before, after = set_values(review, {k: v for k, v in given.items() if v is not None})
        return Change("plan_review", review.id, before, after)

    return change_plan(ctx, actor, case_id, "record_review_meeting", change, expected_version=expected_version)


def record_review_decision(ctx: AppContext, actor: Actor, case_id: int, decision: str, notified_on: date, *,
                           amendment_notice_sent: date | None = None, expected_version: int | None = None) -> int:
    """The decision after the review meeting (maintain, amend or cease) and the day it was notified: that day
    starts the next 12 months. An amendment decision may carry the day its proposed amendments were sent;
    a decision to cease is the decision to cease the plan, appealable from its notified day."""
    today = ctx.today()
    if decision not in REVIEW_DECISIONS:
        raise ValidationError(Problem("decision", f"{decision!r} is not a review decision (use maintain, amend or "
                                                  "cease)"))
    if amendment_notice_sent is not None and decision != AMEND:
        raise ValidationError(Problem("amendment_notice_sent", "proposed amendments go with a decision to amend"))

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        waiting = waiting_review(plan)
        if waiting is None or waiting.meeting is None:
            raise ValidationError(Problem("decision", "record the review meeting first: the decision follows it"))
        p: list[Problem] = []
        check_day(p, "notified_on", notified_on, plan, today)
        if notified_on < waiting.meeting:
            p.append(Problem("notified_on", f"{day(notified_on)} is before the review meeting on "
                                            f"{day(waiting.meeting)}"))
        if amendment_notice_sent is not None:
            check_notice(p, plan, amendment_notice_sent, None, today)
            if amendment_notice_sent < waiting.meeting:
                p.append(Problem("amendment_notice_sent", f"the amendments come from the review meeting on "
                                                          f"{day(waiting.meeting)}"))
        refuse(p)
        review = row_of(s, PlanReview, waiting.id)
        before, after = set_values(review, {"decision": decision, "notified_on": notified_on})
        if amendment_notice_sent is not None:
            notice = PlanAmendment(case_id=plan.case_id, notice_sent_on=amendment_notice_sent)
            s.add(notice)
            after["amendment_notice_sent"] = amendment_notice_sent
        if decision == CEASE:
            after["cease_decided_on"] = _cease_from_review(s, plan, waiting.meeting, notified_on)
        return Change("plan_review", review.id, before, after)

    return change_plan(ctx, actor, case_id, "record_review_decision", change, expected_version=expected_version)


def _cease_from_review(s: Session, plan: PlanFacts, meeting: date, notified: date) -> date:
    """A review deciding to cease: the proposal on record is decided, or one opens with the meeting as the
    consultation with the family and the setting."""
    open_one = plan.cease if plan.cease is not None and plan.cease.withdrawn is None else None
    if open_one is not None and open_one.decided is not None:
        raise ValidationError(Problem("decision", f"the decision to cease was already notified on "
                                                  f"{day(open_one.decided)}"))
    if open_one is not None:
        row_of(s, PlanCease, open_one.id).decided_on = notified
    else:
        s.add(PlanCease(case_id=plan.case_id, proposed_on=meeting, decided_on=notified))
    return notified


# ---------------------------------------------------------------- amendments

AMENDMENT_FIELDS = ("notice_sent_on", "notice_served_on", "final_issued_on", "not_amended_on")


def open_amendment(plan: PlanFacts) -> Any:
    """The latest amendment notice when it has neither a final amended plan nor a decision not to amend."""
    if not plan.amendments:
        return None
    latest = max(plan.amendments, key=lambda a: a.notice_sent)
    answered = [d for d in (latest.final_issued, latest.not_amended) if d is not None and d >= latest.notice_sent]
    return None if answered else latest


def check_notice(p: list[Problem], plan: PlanFacts, sent: date, served: date | None, today: date) -> None:
    check_day(p, "amendment_notice_sent", sent, plan, today)
    if served is not None and not sent <= served <= sent + LONGEST_SERVICE:
        p.append(Problem("notice_served_on", f"a notice sent on {day(sent)} is served that day or within a week"))
    waiting = open_amendment(plan)
    if waiting is not None:
        p.append(Problem("amendment_notice_sent", f"the amendments proposed on {day(waiting.notice_sent)} are still "
                                                  "open: record their final amended plan or the decision not to "
                                                  "amend first"))


def record_amendment_notice(ctx: AppContext, actor: Actor, case_id: int, sent_on: date, *,
                            served_on: date | None = None, expected_version: int | None = None) -> int:
    """Proposed amendments sent to the family (reg 22): their 15 days to comment begin with the day it is
    served (the day sent, unless ``served_on`` says otherwise), the final amended plan is due in 8 weeks."""
    today = ctx.today()

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        p: list[Problem] = []
        check_notice(p, plan, sent_on, served_on, today)
        refuse(p)
        notice = PlanAmendment(case_id=plan.case_id, notice_sent_on=sent_on, notice_served_on=served_on)
        s.add(notice)
        s.flush()
        return Change("plan_amendment", notice.id, {}, {"notice_sent_on": sent_on, "notice_served_on": served_on})

    return change_plan(ctx, actor, case_id, "record_amendment_notice", change, expected_version=expected_version)


def record_amended_plan(ctx: AppContext, actor: Actor, case_id: int, *, issued_on: date | None = None,
                        not_amended_on: date | None = None, expected_version: int | None = None) -> int:
    """Answer the open amendment notice: the final amended plan issued (not inside the family's 15 days),
    or the decision, notified, not to amend after all."""
    today = ctx.today()
    if (issued_on is None) == (not_amended_on is None):
        raise ValidationError(Problem("issued_on", "give the day the final amended plan was issued, or the day the "
                                                   "decision not to amend was notified (one of them)"))

    def change(s: Session, _case: Case, plan: PlanFacts) -> Change:
        notice = open_amendment(plan)
        if notice is None:
            raise ValidationError(Problem("amendment_notice_sent", "there is no open amendment notice on this plan: "
                                                                   "record the notice first"))
        p: list[Problem] = []
        field, answered = ("issued_on", issued_on) if issued_on is not None else ("not_amended_on", not_amended_on)
        assert answered is not None
        check_day(p, field, answered, plan, today)
        served = notice.notice_served or notice.notice_sent
        earliest = served + timedelta(days=COMMENT_DAYS)
        if issued_on is not None and issued_on < earliest:
            p.append(Problem("issued_on", f"the family have 15 days from {day(served)} to comment: the final amended "
                                          f"plan can be issued from {day(earliest)}"))
        if not_amended_on is not None and not_amended_on < notice.notice_sent:
            p.append(Problem("not_amended_on", f"the amendments were proposed on {day(notice.notice_sent)}"))
        refuse(p)
        row = row_of(s, PlanAmendment, notice.id)
        before, after = set_values(row, {"final_issued_on": issued_on} if issued_on is not None
                                   else {"not_amended_on": not_amended_on})
        if issued_on is not None and row.not_amended_on is not None:
            before["not_amended_on"], after["not_amended_on"] = row.not_amended_on, None
            row.not_amended_on = None
        if not_amended_on is not None and row.final_issued_on is not None:  # an earlier amendment's plan
            before["final_issued_on"], after["final_issued_on"] = row.final_issued_on, None
            row.final_issued_on = None
        return Change("plan_amendment", row.id, before, after)

    return change_plan(ctx, actor, case_id, "record_amended_plan", change, expected_version=expected_version)


# ---------------------------------------------------------------- the child's year group


def set_year_group_offset(ctx: AppContext, actor: Actor, case_id: int, offset: int, *,
                          expected_version: int | None = None) -> int:
    """A child taught out of their year group: +1 a year behind, -1 a year ahead (their phase transfers move
    with it). Returns the case's new version."""
    require_writer(actor)
    if offset not in YEAR_GROUP_OFFSETS:
        raise ValidationError(Problem("year_group_offset", f"a child is taught at most {YEAR_GROUP_OFFSETS.stop - 1} "
                                                           "years behind or ahead of their year group"))
    with writing(ctx, "set year group") as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound(f"there is no case with id {case_id}")
        check_version(case, expected_version)
        child = s.get(Child, case.child_id)
        assert child is not None  # the foreign key holds it
        before = child.year_group_offset
        if before == offset:
            return case.version
        child.year_group_offset = offset
        flag_modified(case, "reference")
        s.flush()
        audit(s, actor_id=actor.id, action="set_year_group_offset", entity="child", entity_id=child.id,
              case_id=case.id, before={"year_group_offset": before}, after={"year_group_offset": offset})
        return case.version
