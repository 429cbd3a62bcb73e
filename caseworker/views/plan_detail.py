"""One maintained plan as its case record shows it: the plan's own timeline worked out for one day.

Built from the plan as stored (``plan_of_case``) and the plan clocks (``caseworker.statutory.plans``):
every review on record judged against its own 12 months, the review under way with its steps, the next
review due, each amendment notice with its clock, the phase transfer with the setting consulted, ceasing
with its appeal window, the suggested review of a child under 5, and the transfer the child's date of
birth points to. ``steps`` names the plan steps that make sense now (the case record offers those).
Plain frozen dataclasses: the desktop reads them and never the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.services.council_settings import under_fives_months
from caseworker.services.named_setting import SETTING_KIND_TITLES
from caseworker.services.plan_cease import open_cease
from caseworker.services.plan_corrections import plan_dates_on_record
from caseworker.services.plan_transfers import open_transfer
from caseworker.services.plans import open_amendment, waiting_review
from caseworker.statutory.cohort import CohortTransfer, transfer_cohort
from caseworker.statutory.engine import Milestone
from caseworker.statutory.plan_facts import CeaseFacts, PlanFacts, ReviewFacts
from caseworker.statutory.plans import (
    CEASE_CEASED,
    AmendmentClock,
    AnnualReview,
    CeaseState,
    PhaseTransfer,
    PlanClocks,
    cease_state,
    clocks_for,
)
from caseworker.store import codes
from caseworker.store.case_plan_select import CasePlan, TransferSetting, case_plan
from caseworker.store.case_select import CaseLists, case_lists
from caseworker.store.models import Case

# The plan steps, by the names the case record and the Case menu use.
REVIEW_MEETING = "review_meeting"
REVIEW_DECISION = "review_decision"
AMENDMENT_NOTICE = "amendment_notice"
AMENDED_PLAN = "amended_plan"
RECORD_TRANSFER = "record_transfer"
TRANSFER_CONSULTATION = "transfer_consultation"
TRANSFER_REPLY = "transfer_reply"
TRANSFER_DONE = "transfer_done"
PROPOSE_CEASE = "propose_cease"
DECIDE_CEASE = "decide_cease"
CEASE_APPEAL = "cease_appeal"
WITHDRAW_CEASE = "withdraw_cease"
CEASE_PLAN = "cease_plan"
YEAR_GROUP = "year_group"
CORRECT_PLAN_DATE = "correct_plan_date"
PLAN_STEPS = (REVIEW_MEETING, REVIEW_DECISION, AMENDMENT_NOTICE, AMENDED_PLAN, RECORD_TRANSFER,
              TRANSFER_CONSULTATION, TRANSFER_REPLY, TRANSFER_DONE, PROPOSE_CEASE, DECIDE_CEASE, CEASE_APPEAL,
              WITHDRAW_CEASE, CEASE_PLAN, YEAR_GROUP, CORRECT_PLAN_DATE)
# For the forms (the desktop never imports the store): SEN2's reasons for ceasing, and how far out of their
# year group a child may be taught.
CEASE_REASON_WORDS: dict[int, str] = dict(codes.CEASE_REASONS)
YEAR_GROUP_OFFSETS: tuple[int, ...] = tuple(codes.YEAR_GROUP_OFFSETS)
DAYS_IN_A_YEAR = 366  # a first review later than this past its due day means a review is missing before it


@dataclass(frozen=True, slots=True)
class ReviewHeld:
    """A review whose decision was notified, judged against the 12 months it was due in."""

    review: ReviewFacts
    judged: Milestone  # due: the end of its 12 months; done: the day notified; met or met_late
    # The first review on record, notified more than a year after the 12 months from the plan's issue: the
    # reviews in between are most likely missing from the record (a tracker import brings only the last
    # review), so its lateness is not stated as a fact.
    earlier_not_on_record: bool = False

    @property
    def days_late(self) -> int:
        done = self.judged.done
        return max(0, (done - self.judged.due).days) if done is not None else 0


@dataclass(frozen=True, slots=True)
class TransferView:
    """The phase transfer on record, with the setting consulted about the move and its answer."""

    clock: PhaseTransfer
    consulted: str  # the setting's name; "" when none is consulted yet
    reply: str  # agrees, declines, other; "" while waiting
    days_left: int | None  # to the due day, while not done (negative: overdue)
    consulted_id: int | None = None


@dataclass(frozen=True, slots=True)
class CeaseView:
    """Ceasing the plan: where it stands, the family's appeal and, once ceased, the SEN2 reason."""

    state: CeaseState
    appeal_lodged: date | None
    appeal_concluded: date | None
    withdrawn: date | None

    @property
    def reason_words(self) -> str:
        reason = self.state.reason
        return f"{reason}: {CEASE_REASON_WORDS.get(reason, 'not an SEN2 reason')}" if reason is not None else ""


@dataclass(frozen=True, slots=True)
class PlanDetail:
    """The plan on one case, worked out for ``today``. A ceased plan has no clocks, only its cease."""

    case_id: int
    today: date
    issued: date
    named_setting: str  # "Hillside Primary School (Mainstream school)", "" when none is named
    year_group_offset: int
    facts: PlanFacts | None  # None once the plan has ceased
    review: AnnualReview | None  # the next review due
    reviews_held: tuple[ReviewHeld, ...] = ()  # oldest first
    amendments: tuple[AmendmentClock, ...] = ()  # each notice on record with its own clock, oldest first
    transfer: TransferView | None = None
    cease: CeaseView | None = None
    under_fives: Milestone | None = None  # a suggested review: guidance, never a breach
    cohort: CohortTransfer | None = None  # the next move the date of birth (and year group) points to
    steps: frozenset[str] = frozenset()

    @property
    def ceased(self) -> bool:
        return self.cease is not None and self.cease.state.state == CEASE_CEASED

    @property
    def review_under_way(self) -> bool:
        return self.review is not None and self.review.meeting is not None


def plan_steps(facts: PlanFacts | None) -> frozenset[str]:
    """The plan steps that make sense for the plan as it stands: a decision only after a meeting, an
    amended plan only while proposed amendments are open, a reply only after a setting is consulted,
    an appeal only after a decision to cease. Nothing once the plan has ceased."""
    if facts is None:
        return frozenset()
    steps = {REVIEW_MEETING, RECORD_TRANSFER, CEASE_PLAN, YEAR_GROUP}
    waiting = waiting_review(facts)
    if waiting is not None and waiting.meeting is not None:
        steps.add(REVIEW_DECISION)
    steps.add(AMENDED_PLAN if open_amendment(facts) is not None else AMENDMENT_NOTICE)
    moving = open_transfer(facts)
    if moving is not None:
        steps |= {TRANSFER_CONSULTATION, TRANSFER_DONE}
        if moving.consultation_sent is not None:
            steps.add(TRANSFER_REPLY)
    ceasing = open_cease(facts)
    if ceasing is None:
        steps.add(PROPOSE_CEASE)
    else:
        steps.add(WITHDRAW_CEASE)
        steps.add(DECIDE_CEASE if ceasing.decided is None else CEASE_APPEAL)
    if plan_dates_on_record(facts):
        steps.add(CORRECT_PLAN_DATE)
    return frozenset(steps)


def setting_words(name: str, kind: str) -> str:
    title = SETTING_KIND_TITLES.get(kind, "")
    return f"{name} ({title})" if title else name


def load_plan_detail(s: Session, ctx: AppContext, case: Case, today: date) -> PlanDetail | None:
    """The plan of ``case`` (inside the caller's session), or None when its plan is not issued yet."""
    if case.final_issued_on is None:
        return None
    lists = case_lists(s, [case.id], allocations=False, staff=False, plans=[case.id],
                       council=under_five(case.child.date_of_birth, today))
    return plan_detail_of(ctx, case, case_plan(case, lists), today, s, lists)


def under_five(born: date, today: date) -> bool:
    """Young enough for the council's suggested review interval (CoP 9.178) to apply."""
    return today < born + relativedelta(years=5)


def _under_fives_interval(ctx: AppContext, born: date, today: date, session: Session | None,
                          lists: CaseLists | None) -> int | None:
    """The council's suggested review interval for a young child (guidance, never a breach), for a child
    under 5 only: from ``lists`` when the record's own statement brought it (no round trip of its own), else
    read (in the caller's ``session`` when given: one statement, not a checkout and a transaction)."""
    if not under_five(born, today):
        return None
    if lists is not None and lists.council_read:
        return lists.under_fives_months
    return under_fives_months(ctx, session)


def plan_detail_of(ctx: AppContext, case: Case, plan: CasePlan | None, today: date,
                   session: Session | None = None, lists: CaseLists | None = None) -> PlanDetail | None:
    """The plan of ``case`` from its rows already read (``case_plan_select.case_plan``); the council's
    under-5s interval, if the child is under 5, from ``lists`` (``case_lists(..., council=True)``) or read
    in ``session``."""
    if plan is None or case.final_issued_on is None:
        return None
    facts = plan.facts
    if facts is None:
        return _ceased(ctx, case, plan.ceased, today)
    interval = _under_fives_interval(ctx, facts.date_of_birth, today, session, lists)
    clocks = clocks_for(ctx.engine.rules, ctx.engine.calendar, interval)
    schedule = clocks.schedule(facts, today)
    named = facts.named_setting
    cease = facts.cease
    return PlanDetail(
        case_id=case.id, today=today, issued=facts.plan_issued,
        named_setting=setting_words(named.name, named.kind) if named is not None else "",
        year_group_offset=facts.year_group_offset, facts=facts, review=schedule.review,
        reviews_held=_held(clocks, facts), amendments=_amendments(clocks, facts, today),
        transfer=_transfer(schedule.transfer, facts, plan.transfer_setting, today),
        cease=CeaseView(schedule.cease, cease.appeal_lodged, cease.appeal_concluded, cease.withdrawn)
        if schedule.cease is not None and cease is not None else None,
        under_fives=schedule.under_fives,
        cohort=transfer_cohort(facts.date_of_birth, today, facts.year_group_offset, ctx.engine.rules),
        steps=plan_steps(facts))


def _held(clocks: PlanClocks, facts: PlanFacts) -> tuple[ReviewHeld, ...]:
    """Each notified review beside its judgement (both oldest first, by the day notified)."""
    notified = sorted((r for r in facts.reviews if r.notified is not None), key=lambda r: r.notified or date.min)
    held = [ReviewHeld(r, m) for r, m in zip(notified, clocks.reviews_held(facts), strict=True)]
    if held and held[0].days_late > DAYS_IN_A_YEAR:
        held[0] = ReviewHeld(held[0].review, held[0].judged, earlier_not_on_record=True)
    return tuple(held)


def _amendments(clocks: PlanClocks, facts: PlanFacts, today: date) -> tuple[AmendmentClock, ...]:
    """Every notice's own clock: the engine works out the latest; an earlier one is the latest of its plan."""
    out = []
    for notice in sorted(facts.amendments, key=lambda a: a.notice_sent):
        clock = clocks.amendment(replace(facts, amendments=[notice]), today)
        if clock is not None:
            out.append(clock)
    return tuple(out)


def _transfer(clock: PhaseTransfer | None, facts: PlanFacts, setting: TransferSetting | None,
              today: date) -> TransferView | None:
    if clock is None or facts.transfer is None:
        return None
    consulted, reply, school_id = "", "", None
    if setting is not None:
        reply, school_id = setting.reply, setting.school_id
        if school_id is not None:
            consulted = setting.school
    days_left = (clock.due - today).days if clock.done is None else None
    return TransferView(clock, consulted, reply, days_left, school_id)


def _ceased(ctx: AppContext, case: Case, row: CeaseFacts | None, today: date) -> PlanDetail:
    """A plan no longer maintained: when it ceased and why; no clocks, no steps."""
    assert case.final_issued_on is not None
    cease = None
    if row is not None:
        state = cease_state(CeaseFacts(row.proposed, row.decided, row.appeal_lodged, row.appeal_concluded,
                                       row.ceased, row.reason), ctx.engine.rules)
        assert state is not None
        cease = CeaseView(state, row.appeal_lodged, row.appeal_concluded, row.withdrawn)
    named = case.named_setting
    return PlanDetail(case_id=case.id, today=today, issued=case.final_issued_on,
                      named_setting=setting_words(named.name, named.kind or "") if named is not None else "",
                      year_group_offset=case.child.year_group_offset or 0, facts=None, review=None, cease=cease)


__all__ = ["CEASE_REASON_WORDS", "PLAN_STEPS", "YEAR_GROUP_OFFSETS", "CeaseView", "PlanDetail", "ReviewHeld",
           "TransferView", "load_plan_detail", "plan_detail_of", "plan_steps"]
