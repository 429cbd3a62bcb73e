"""The clocks of a plan in place: annual review, amendments, phase transfer, ceasing.

Pure functions from a plan's recorded dates (``PlanFacts``) and ``today`` to its schedule; no I/O and no
clock. Every period comes from the timescales table (rules.py): a row names the events that start its
clock, its length and the events that complete it, and this module only gathers a plan's events and
reads the rows. The counting is set out in docs/law.md (plans in place).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from caseworker.statutory.calendar import WorkingCalendar, default_calendar
from caseworker.statutory.clocks import Clock, due_day, run_clock
from caseworker.statutory.cohort import (
    BirthRange,
    CohortTransfer,
    birth_dates_transferring,
    reception_year,
    transfer_cohort,
    transfer_in,
)
from caseworker.statutory.engine import (
    DUE_SOON,
    MET,
    MET_LATE,
    OVERDUE,
    PENDING,
    Milestone,
    collector_paused,
    milestone_status,
)
from caseworker.statutory.plan_facts import (
    TRANSFER_KINDS,
    AmendmentFacts,
    CeaseFacts,
    PlanFacts,
    ReviewFacts,
    TransferFacts,
)
from caseworker.statutory.rows import add_months
from caseworker.statutory.rules import Period, Rules, Timescale, default_rules

__all__ = [
    "DUE_SOON", "MET", "MET_LATE", "OVERDUE", "PENDING",
    "AmendmentClock", "AnnualReview", "BirthRange", "CeaseState", "CohortTransfer", "PhaseTransfer",
    "PlanClocks", "PlanSchedule", "birth_dates_transferring", "cease_state", "clocks_for", "plan_schedule",
    "reception_year",
    "reviews_held", "transfer_cohort", "transfer_in",
]

# Where a proposal to cease stands (CFA s45; regs 29-31).
CEASE_PROPOSED = "proposed"
CEASE_DECIDED = "decided"  # the decision notified: the plan is kept while an appeal is possible
CEASE_APPEAL_PENDING = "appeal_pending"
CEASE_CEASED = "ceased"
CEASE_WITHDRAWN = "withdrawn"

# A phase transfer done this long ago still shows (INTERCHANGE: done within the last 366 days).
TRANSFER_SHOWN_AFTER_DONE = timedelta(days=366)
UNDER_FIVES_AGE = 5


@dataclass(slots=True)
class AnnualReview:
    """The next annual review, and the steps of one under way (a meeting held, no decision notified)."""

    clock_started: date  # the plan's issue or the last review decision's notification, whichever is later
    due: date
    work_by: date
    status: str  # overdue, due_soon or pending
    last_decision: ReviewFacts | None  # the latest review with its decision notified
    meeting: date | None = None  # the review under way
    steps: tuple[Milestone, ...] = ()  # its invitations, report and decision, in that order

    def step(self, name: str) -> Milestone:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)


@dataclass(slots=True)
class AmendmentClock:
    """The latest amendment notice: the family's 15 days and the 8 weeks to the final amended plan."""

    notice_sent: date
    served: date
    comments_until: date
    final_due: date
    work_by: date
    final_issued: date | None  # the final amended plan, issued on or after the notice
    not_amended: date | None  # or the decision not to amend after all
    status: str  # met, met_late, overdue, due_soon or pending

    @property
    def done(self) -> date | None:
        return self.final_issued or self.not_amended


@dataclass(slots=True)
class PhaseTransfer:
    """The phase transfer recorded on the plan: the amended plan naming the next setting, and its due day."""

    kind: str  # school, post16 or post16_move
    transfer_date: date
    due: date
    work_by: date
    done: date | None
    status: str
    consultation_sent: date | None = None
    setting_replied: date | None = None


@dataclass(slots=True)
class CeaseState:
    """Where ceasing stands; ``appeal_until`` is the last day of the family's appeal window."""

    state: str  # proposed, decided, appeal_pending, ceased or withdrawn
    proposed: date | None
    decided: date | None
    appeal_until: date | None
    ceased: date | None = None
    reason: int | None = None  # SEN2 cease reason, 1-9

    def may_cease(self, today: date) -> bool:
        """Decided, and the appeal window has closed with no appeal pending."""
        return self.state == CEASE_DECIDED and self.appeal_until is not None and today > self.appeal_until


@dataclass(slots=True)
class PlanSchedule:
    """Everything due on one plan in place, worked out for one day."""

    facts: PlanFacts
    review: AnnualReview
    amendment: AmendmentClock | None
    transfer: PhaseTransfer | None
    cease: CeaseState | None
    under_fives: Milestone | None = None  # a suggested review: guidance, never a breach

    @property
    def maintained(self) -> bool:
        return self.cease is None or self.cease.state != CEASE_CEASED


def last_decision(reviews: list[ReviewFacts]) -> ReviewFacts | None:
    """The review whose decision was notified last."""
    latest: ReviewFacts | None = None
    for r in reviews:
        if r.notified is not None and (latest is None or latest.notified is None or r.notified > latest.notified):
            latest = r
    return latest


def review_under_way(reviews: list[ReviewFacts]) -> ReviewFacts | None:
    """The latest review when its meeting is recorded and its decision not yet notified."""
    if not reviews:
        return None
    latest = reviews[-1]
    return latest if latest.meeting is not None and latest.notified is None else None


def plan_events(facts: PlanFacts) -> dict[str, date | None]:
    """The plan's events by the names the table's rows use."""
    last = last_decision(facts.reviews)
    return {"plan_issued": facts.plan_issued, "review_notified": last.notified if last else None}


def review_events(review: ReviewFacts) -> dict[str, date | None]:
    return {"review_meeting": review.meeting, "invitations_sent": review.invitations_sent,
            "report_sent": review.report_sent, "review_notified": review.notified}


def amendment_events(a: AmendmentFacts) -> dict[str, date | None]:
    # Only a final plan or a decision on or after the notice answers it (an earlier one is another matter).
    sent, issued, dropped = a.notice_sent, a.final_issued, a.not_amended
    return {"amendment_notice_sent": sent, "amendment_notice_served": a.notice_served or sent,
            "amended_plan_issued": issued if issued is not None and issued >= sent else None,
            "amendment_dropped": dropped if dropped is not None and dropped >= sent else None}


def transfer_events(t: TransferFacts) -> dict[str, date | None]:
    return {"transfer_date": t.transfer_date, "transfer_done": t.done}


def cease_state(cease: CeaseFacts | None, rules: Rules | None = None) -> CeaseState | None:
    """Where ceasing stands; the appeal window runs from the decision letter (the tribunal row)."""
    if cease is None:
        return None
    rules = rules or default_rules()
    clock = run_clock(rules.row("tribunal_appeal"), {"decision_letter": cease.decided}, rules)
    appeal_until = clock.due if clock is not None else None
    if cease.ceased is not None:
        state = CEASE_CEASED
    elif cease.withdrawn is not None:
        state = CEASE_WITHDRAWN
    elif cease.appeal_lodged is not None and cease.appeal_concluded is None:
        state = CEASE_APPEAL_PENDING
    elif cease.decided is not None:
        state = CEASE_DECIDED
    else:
        state = CEASE_PROPOSED
    return CeaseState(state, cease.proposed, cease.decided, appeal_until, cease.ceased, cease.reason)


REVIEW_STEPS = ("review_invitations", "review_report", "review_decision")


def _notice_sent(a: AmendmentFacts) -> date:
    return a.notice_sent


class _Row:
    """One row of the table made ready for many plans: its last day remembered for each start day."""

    __slots__ = ("binds", "completed_by", "last_days", "row", "soon", "starts", "walks_rows")

    def __init__(self, row: Timescale, rules: Rules) -> None:
        self.row = row
        self.starts = row.starts_from
        self.completed_by = row.completed_by
        self.walks_rows = any(name in rules.table for name in row.starts_from)
        self.soon = timedelta(days=rules.due_soon_days if row.due_soon_days is None else row.due_soon_days)
        self.binds = row.binding != "never"
        self.last_days: dict[date, date] = {}


class PlanClocks:
    """The plan clocks of one timescales table, ready to run over many plans.

    Built once and reused, like the deadline engine: it reads its rows from the table when built and
    remembers each row's last day for each start day it has met, so a large council's plans (which share
    far fewer start days than they number) cost a few dictionary look-ups each. ``under_fives_months``
    is the council's setting for how often a young child's plan is reviewed (default: the table's row).
    """

    def __init__(self, rules: Rules | None = None, calendar: WorkingCalendar | None = None,
                 under_fives_months: int | None = None) -> None:
        self.rules = rules = rules or default_rules()
        self.calendar = calendar or default_calendar()
        self.under_fives_months = under_fives_months
        under_fives = rules.row("under_fives_review")
        if under_fives_months is not None:
            if not 1 <= under_fives_months <= 12:
                raise ValueError(f"a young child's plan is reviewed every 1 to 12 months, not {under_fives_months}")
            under_fives = replace(under_fives, period=Period(months=under_fives_months))
        self.review_row = _Row(rules.row("annual_review"), rules)
        self.under_fives_row = _Row(under_fives, rules)
        self.step_rows = tuple(_Row(rules.row(n), rules) for n in REVIEW_STEPS)
        self.final_row = _Row(rules.row("amendment_final"), rules)
        self.comment_row = _Row(rules.row("amendment_comment"), rules)
        self.transfer_rows = {kind: _Row(rules.row(f"phase_transfer_{kind}"), rules) for kind in TRANSFER_KINDS}
        self._fifth_birthdays: dict[date, date] = {}

    # --- walking a row -------------------------------------------------------------------------------------

    def started(self, r: _Row, events: Mapping[str, date | None]) -> tuple[date, date] | None:
        """When the row's clock started (the latest of its starting events recorded) and its last day."""
        if r.walks_rows:
            walked = run_clock(r.row, events, self.rules)
            return None if walked is None else (walked.start, walked.due)
        start: date | None = None
        for name in r.starts:
            d = events.get(name)
            if d is not None and (start is None or d > start):
                start = d
        if start is None:
            return None
        due = r.last_days.get(start)
        if due is None:
            due = r.last_days[start] = due_day(r.row, start, self.rules)
        return start, due

    def clock(self, r: _Row, events: Mapping[str, date | None]) -> Clock | None:
        """``run_clock`` with the last days remembered (a row that starts from another row walks it)."""
        started = self.started(r, events)
        if started is None:
            return None
        done = None
        for name in r.completed_by:
            done = events.get(name)
            if done is not None:
                break
        return Clock(r.row.name, started[0], started[1], done)

    def milestone(self, r: _Row, due: date, done: date | None, today: date) -> Milestone:
        status = milestone_status(due, done, today, False, False, r.soon)
        return Milestone(r.row.name, due, self.calendar.work_by(due), done, status, r.binds)

    # --- one plan --------------------------------------------------------------------------------------------

    def schedule(self, facts: PlanFacts, today: date) -> PlanSchedule:
        """Everything due on one plan in place on ``today``."""
        last = last_decision(facts.reviews) if facts.reviews else None
        events = {"plan_issued": facts.plan_issued, "review_notified": last.notified if last else None}
        return PlanSchedule(
            facts,
            self.annual_review(facts, last, events, today),
            self.amendment(facts, today) if facts.amendments else None,
            self.transfer(facts, today) if facts.transfer is not None else None,
            cease_state(facts.cease, self.rules) if facts.cease is not None else None,
            self.under_fives(facts, events, today),
        )

    def schedule_all(self, plans: list[PlanFacts], today: date) -> list[PlanSchedule]:
        schedule = self.schedule
        with collector_paused():
            return [schedule(p, today) for p in plans]

    def annual_review(self, facts: PlanFacts, last: ReviewFacts | None, events: Mapping[str, date | None],
                      today: date) -> AnnualReview:
        r = self.review_row
        started = self.started(r, events)
        assert started is not None  # plan_issued is always recorded
        start, due = started
        # The next review is never done yet: its decision, when notified, starts the one after.
        status = OVERDUE if today > due else DUE_SOON if due - today <= r.soon else PENDING
        under_way = review_under_way(facts.reviews)
        steps: tuple[Milestone, ...] = ()
        if under_way is not None:
            step_events = review_events(under_way)
            steps = tuple(self.milestone(r, c.due, c.done, today)
                          for r in self.step_rows if (c := self.clock(r, step_events)) is not None)
        return AnnualReview(start, due, self.calendar.work_by(due), status, last,
                            under_way.meeting if under_way else None, steps)

    def amendment(self, facts: PlanFacts, today: date) -> AmendmentClock | None:
        if not facts.amendments:
            return None
        amendments = facts.amendments
        latest = amendments[0] if len(amendments) == 1 else max(amendments, key=_notice_sent)
        events = amendment_events(latest)
        final = self.clock(self.final_row, events)
        comment = self.clock(self.comment_row, events)
        assert final is not None and comment is not None  # the notice is always recorded
        m = self.milestone(self.final_row, final.due, final.done, today)
        return AmendmentClock(latest.notice_sent, comment.start, comment.due, m.due, m.work_by,
                              events["amended_plan_issued"], events["amendment_dropped"], m.status)

    def transfer(self, facts: PlanFacts, today: date) -> PhaseTransfer | None:
        t = facts.transfer
        if t is None or (t.done is not None and today - t.done > TRANSFER_SHOWN_AFTER_DONE):
            return None
        row = self.transfer_rows[t.kind]
        clock = self.clock(row, transfer_events(t))
        assert clock is not None
        m = self.milestone(row, clock.due, clock.done, today)
        return PhaseTransfer(t.kind, t.transfer_date, m.due, m.work_by, m.done, m.status, t.consultation_sent,
                             t.setting_replied)

    def under_fives(self, facts: PlanFacts, events: Mapping[str, date | None], today: date) -> Milestone | None:
        born = facts.date_of_birth
        fifth = self._fifth_birthdays.get(born)
        if fifth is None:
            fifth = self._fifth_birthdays[born] = add_months(born, 12 * UNDER_FIVES_AGE)[0]
        if today >= fifth:
            return None
        clock = self.clock(self.under_fives_row, events)
        assert clock is not None
        return self.milestone(self.under_fives_row, clock.due, None, today)

    def reviews_held(self, facts: PlanFacts) -> list[Milestone]:
        """Each notified review judged against its own 12 months (from the issue or the decision before
        it), oldest first: met when notified by the due day, else met_late (review timeliness)."""
        held = []
        previous: date | None = None
        for review in sorted((r for r in facts.reviews if r.notified is not None),
                             key=lambda r: r.notified or date.min):
            clock = self.clock(self.review_row, {"plan_issued": facts.plan_issued, "review_notified": previous})
            assert clock is not None
            # Today does not matter to a step already done.
            held.append(self.milestone(self.review_row, clock.due, review.notified, clock.due))
            previous = review.notified
        return held


_LAST_BUILT: list[PlanClocks] = []  # the clocks last built by plan_schedule, reused while the table is the same


def clocks_for(rules: Rules | None = None, calendar: WorkingCalendar | None = None,
               under_fives_months: int | None = None) -> PlanClocks:
    """Clocks for this table and calendar: the last ones built when they match (building reads the table)."""
    rules = rules or default_rules()
    calendar = calendar or default_calendar()
    if _LAST_BUILT:
        last = _LAST_BUILT[0]
        if last.rules is rules and last.calendar is calendar and last.under_fives_months == under_fives_months:
            return last
    built = PlanClocks(rules, calendar, under_fives_months)
    _LAST_BUILT[:] = [built]
    return built


def plan_schedule(facts: PlanFacts, today: date, rules: Rules | None = None,
                  calendar: WorkingCalendar | None = None, under_fives_months: int | None = None) -> PlanSchedule:
    """Everything due on one plan in place on ``today`` (over many plans, ``PlanClocks.schedule_all``)."""
    return clocks_for(rules, calendar, under_fives_months).schedule(facts, today)


def reviews_held(facts: PlanFacts, rules: Rules | None = None,
                 calendar: WorkingCalendar | None = None) -> list[Milestone]:
    """Each notified review judged against its own 12 months, oldest first (see ``PlanClocks``)."""
    return clocks_for(rules, calendar).reviews_held(facts)
