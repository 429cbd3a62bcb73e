"""The clocks of a plan in place: annual review, amendments, phase transfer, ceasing.

Pure functions from a plan's recorded dates (``PlanFacts``) and ``today`` to its schedule; no I/O and no
clock. Every period comes from the timescales table (rules.py): a row names the events that start its
clock, its length and the events that complete it, and this module only gathers a plan's events and
reads the rows. The counting is set out in docs/law.md (plans in place).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from caseworker.statutory.calendar import WorkingCalendar, default_calendar
from caseworker.statutory.clocks import Clock, run_clock
from caseworker.statutory.engine import DUE_SOON, MET, MET_LATE, OVERDUE, PENDING, Milestone, milestone_status
from caseworker.statutory.plan_facts import (
    AmendmentFacts,
    CeaseFacts,
    PlanFacts,
    ReviewFacts,
    TransferFacts,
)
from caseworker.statutory.rules import Period, Rules, Timescale, TransferPoint, default_rules

__all__ = [
    "DUE_SOON", "MET", "MET_LATE", "OVERDUE", "PENDING",
    "AmendmentClock", "AnnualReview", "BirthRange", "CeaseState", "CohortTransfer", "PhaseTransfer",
    "PlanSchedule", "birth_dates_transferring", "cease_state", "plan_schedule", "reception_year",
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
# The school year starts on 1 September; a child starts Reception in the September after turning 4.
SCHOOL_YEAR_STARTS = (9, 1)
RECEPTION_AGE = 4
UNDER_FIVES_AGE = 5
DEFAULT_UNDER_FIVES_MONTHS = 6


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class CohortTransfer:
    """A phase transfer worked out from a date of birth and England's school year."""

    kind: str  # school or post16
    year_group: str  # the year group the child moves into: Reception, Year 7, Year 12
    transfer_date: date  # 1 September of the year of the move
    due: date  # the amended plan naming the next setting is due by this day


def _milestone(row: Timescale, clock: Clock, today: date, rules: Rules, calendar: WorkingCalendar) -> Milestone:
    soon = timedelta(days=rules.due_soon_days if row.due_soon_days is None else row.due_soon_days)
    status = milestone_status(clock.due, clock.done, today, False, False, soon)
    return Milestone(row.name, clock.due, calendar.work_by(clock.due), clock.done, status, row.binding != "never")


def last_decision(reviews: list[ReviewFacts]) -> ReviewFacts | None:
    """The review whose decision was notified last."""
    notified = [r for r in reviews if r.notified is not None]
    return max(notified, key=lambda r: r.notified or date.min) if notified else None


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
    def after(d: date | None) -> date | None:
        return d if d is not None and d >= a.notice_sent else None

    return {"amendment_notice_sent": a.notice_sent, "amendment_notice_served": a.notice_served or a.notice_sent,
            "amended_plan_issued": after(a.final_issued), "amendment_dropped": after(a.not_amended)}


def transfer_events(t: TransferFacts) -> dict[str, date | None]:
    return {"transfer_date": t.transfer_date, "transfer_done": t.done}


def _annual_review(facts: PlanFacts, today: date, rules: Rules, calendar: WorkingCalendar) -> AnnualReview:
    row = rules.row("annual_review")
    clock = run_clock(row, plan_events(facts), rules)
    assert clock is not None  # plan_issued is always recorded
    # The next review is never done yet: it is done when its decision is notified, which starts the next one.
    due = _milestone(row, replace(clock, done=None), today, rules, calendar)
    under_way = review_under_way(facts.reviews)
    steps: tuple[Milestone, ...] = ()
    if under_way is not None:
        events = review_events(under_way)
        steps = tuple(_milestone(r, c, today, rules, calendar)
                      for r in (rules.row(n) for n in ("review_invitations", "review_report", "review_decision"))
                      if (c := run_clock(r, events, rules)) is not None)
    return AnnualReview(clock.start, due.due, due.work_by, due.status, last_decision(facts.reviews),
                        under_way.meeting if under_way else None, steps)


def reviews_held(facts: PlanFacts, rules: Rules | None = None,
                 calendar: WorkingCalendar | None = None) -> list[Milestone]:
    """Each notified review judged against its own 12 months (from the issue or the decision before it),
    oldest first: met when notified by the due day, else met_late (review timeliness)."""
    rules = rules or default_rules()
    calendar = calendar or default_calendar()
    row = rules.row("annual_review")
    held = []
    previous: date | None = None
    for review in sorted((r for r in facts.reviews if r.notified is not None), key=lambda r: r.notified or date.min):
        clock = run_clock(row, {"plan_issued": facts.plan_issued, "review_notified": previous}, rules)
        assert clock is not None
        # Today does not matter to a step already done.
        held.append(_milestone(row, replace(clock, done=review.notified), clock.due, rules, calendar))
        previous = review.notified
    return held


def _amendment(facts: PlanFacts, today: date, rules: Rules, calendar: WorkingCalendar) -> AmendmentClock | None:
    if not facts.amendments:
        return None
    latest = max(facts.amendments, key=lambda a: a.notice_sent)
    events = amendment_events(latest)
    final = run_clock(rules.row("amendment_final"), events, rules)
    comment = run_clock(rules.row("amendment_comment"), events, rules)
    assert final is not None and comment is not None  # the notice is always recorded
    m = _milestone(rules.row("amendment_final"), final, today, rules, calendar)
    return AmendmentClock(latest.notice_sent, comment.start, comment.due, m.due, m.work_by,
                          events["amended_plan_issued"], events["amendment_dropped"], m.status)


def _transfer(facts: PlanFacts, today: date, rules: Rules, calendar: WorkingCalendar) -> PhaseTransfer | None:
    t = facts.transfer
    if t is None or (t.done is not None and today - t.done > TRANSFER_SHOWN_AFTER_DONE):
        return None
    row = rules.row(f"phase_transfer_{t.kind}")
    clock = run_clock(row, transfer_events(t), rules)
    assert clock is not None
    m = _milestone(row, clock, today, rules, calendar)
    return PhaseTransfer(t.kind, t.transfer_date, m.due, m.work_by, m.done, m.status, t.consultation_sent,
                         t.setting_replied)


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


def _under_fives(facts: PlanFacts, today: date, rules: Rules, calendar: WorkingCalendar,
                 months: int | None) -> Milestone | None:
    if today >= facts.date_of_birth + relativedelta(years=UNDER_FIVES_AGE):
        return None
    row = rules.row("under_fives_review")
    if months is not None:
        if not 1 <= months <= 12:
            raise ValueError(f"a young child's plan is reviewed every 1 to 12 months, not {months}")
        row = replace(row, period=Period(months=months))
    clock = run_clock(row, plan_events(facts), rules)
    assert clock is not None
    return _milestone(row, replace(clock, done=None), today, rules, calendar)


def plan_schedule(facts: PlanFacts, today: date, rules: Rules | None = None,
                  calendar: WorkingCalendar | None = None, under_fives_months: int | None = None) -> PlanSchedule:
    """Everything due on one plan in place on ``today``.

    ``under_fives_months``: the council's setting for how often a young child's plan is reviewed
    (default: the table's 6 months).
    """
    rules = rules or default_rules()
    calendar = calendar or default_calendar()
    return PlanSchedule(
        facts,
        _annual_review(facts, today, rules, calendar),
        _amendment(facts, today, rules, calendar),
        _transfer(facts, today, rules, calendar),
        cease_state(facts.cease, rules),
        _under_fives(facts, today, rules, calendar, under_fives_months),
    )


# --- the cohort for the next phase transfer ---------------------------------------------------------------

def reception_year(date_of_birth: date, year_group_offset: int = 0) -> int:
    """The year (September) the child starts Reception: the school year after their 4th birthday's year
    begins (born 1 Sep 2014 to 31 Aug 2015: September 2019). ``year_group_offset`` +1: a year behind."""
    month, day = SCHOOL_YEAR_STARTS
    born_late_in_year = (date_of_birth.month, date_of_birth.day) >= (month, day)
    return date_of_birth.year + RECEPTION_AGE + (1 if born_late_in_year else 0) + year_group_offset


def _due_for(point: TransferPoint, transfer_date: date, rules: Rules) -> date:
    clock = run_clock(rules.row(f"phase_transfer_{point.kind}"), {"transfer_date": transfer_date}, rules)
    assert clock is not None
    return clock.due


def transfer_in(date_of_birth: date, year: int, year_group_offset: int = 0,
                rules: Rules | None = None) -> CohortTransfer | None:
    """The phase transfer the child makes in September of ``year``, if that is one of the transfer points."""
    rules = rules or default_rules()
    years_in = year - reception_year(date_of_birth, year_group_offset)
    for point in rules.transfer_points:
        if point.years_after_reception == years_in:
            moves = date(year, *SCHOOL_YEAR_STARTS)
            return CohortTransfer(point.kind, point.year_group, moves, _due_for(point, moves, rules))
    return None


def transfer_cohort(date_of_birth: date, today: date, year_group_offset: int = 0,
                    rules: Rules | None = None) -> CohortTransfer | None:
    """The child's next phase transfer: the first whose move (1 September) is still ahead of ``today``.
    None once the last transfer point (post-16) has passed."""
    rules = rules or default_rules()
    start = reception_year(date_of_birth, year_group_offset)
    for point in rules.transfer_points:
        moves = date(start + point.years_after_reception, *SCHOOL_YEAR_STARTS)
        if moves > today:
            return CohortTransfer(point.kind, point.year_group, moves, _due_for(point, moves, rules))
    return None


@dataclass(frozen=True, slots=True)
class BirthRange:
    """Children born in this range (in their usual year group) move into ``year_group`` that September."""

    year_group: str
    kind: str
    first: date
    last: date
    transfer_date: date
    due: date


def birth_dates_transferring(year: int, rules: Rules | None = None) -> list[BirthRange]:
    """Who transfers in September ``year``: the range of dates of birth for each transfer point, for a
    child in their usual year group. A child out of year group is one range over; ask ``transfer_in``."""
    rules = rules or default_rules()
    month, day = SCHOOL_YEAR_STARTS
    moves = date(year, month, day)
    ranges = []
    for point in rules.transfer_points:
        first_born = year - point.years_after_reception - RECEPTION_AGE - 1
        ranges.append(BirthRange(point.year_group, point.kind, date(first_born, month, day),
                                 date(first_born + 1, month, day) - timedelta(days=1), moves,
                                 _due_for(point, moves, rules)))
    return ranges
