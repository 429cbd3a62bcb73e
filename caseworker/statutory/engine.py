"""The deadline engine: pure functions from a request's facts and ``today`` to its deadlines.

No I/O and no clock: the caller passes ``today``. The statuses, their order of precedence and when an
exception excuses a deadline are set out in docs/law.md (the 20-week assessment, exceptions) and published
in docs/deadlines-json.md; the dates come from the timescales table (rules.py).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter

from caseworker.statutory.calendar import WorkingCalendar, default_calendar
from caseworker.statutory.rules import REQUEST_EVENT_FIELDS, Rules, Timescale, default_rules

# Milestone statuses, in the order the report decides them.
NOT_APPLICABLE = "not_applicable"
MET = "met"
EXEMPT = "exempt"
MET_LATE = "met_late"
OVERDUE = "overdue"
DUE_SOON = "due_soon"
PENDING = "pending"

# Advice statuses.
RECEIVED = "received"
RECEIVED_LATE = "received_late"
LATE = "late"
EXCUSED = "excused"

# Ways a request or a draft can go; post arrives on the second working day after posting.
POST = "post"
POSTAL_DELIVERY_WORKING_DAYS = 2

# Stages of a request.
STAGE_REQUEST = "request"
STAGE_ASSESSMENT = "assessment"
STAGE_DRAFTING = "drafting"
STAGE_ISSUED = "issued"
STAGE_CLOSED = "closed"
OPEN_STAGES = frozenset({STAGE_REQUEST, STAGE_ASSESSMENT, STAGE_DRAFTING})


@dataclass(slots=True)
class AdviceFacts:
    kind: str
    requested: date
    received: date | None = None
    service: str | None = None
    id: int | None = None
    sent_by: str = "email"
    # A reg 8(2) excuse recorded on the request: the adviser need not meet the 6 weeks.
    excused_ground: str | None = None


@dataclass(slots=True)
class ExceptionFacts:
    ground: str
    recorded: date
    note: str = ""
    began: date | None = None  # when the circumstances began; unknown means the day it was recorded
    ended: date | None = None  # when they ended; None while they continue

    @property
    def start(self) -> date:
        return self.began or self.recorded


# The yes-or-no answer recorded with a decision event (a row binding "only_if_no" reads it).
DECISION_ANSWER_FIELDS = {"assessment_decided": "decision_to_assess", "issue_decided": "decision_to_issue"}


@dataclass(slots=True)
class RequestFacts:
    """What is known of one EHC needs assessment request: dates recorded, nothing derived."""

    reference: str
    received: date
    child: str = ""
    caseworker: str | None = None
    decision_to_assess: bool | None = None
    decision_to_assess_on: date | None = None
    decision_to_issue: bool | None = None
    decision_to_issue_on: date | None = None
    draft_sent: date | None = None
    draft_served: date | None = None  # recorded only when service differs from the default
    final_issued: date | None = None
    withdrawn: date | None = None
    advice: list[AdviceFacts] = field(default_factory=list)
    exceptions: list[ExceptionFacts] = field(default_factory=list)
    id: int | None = None
    draft_sent_by: str = "email"

    @property
    def events(self) -> dict[str, date | None]:
        """The request's recorded dates by event name, as the timescales table's rows name them."""
        return {event: getattr(self, name) for event, name in REQUEST_EVENT_FIELDS.items()}


@dataclass(slots=True)
class Milestone:
    name: str
    due: date
    work_by: date
    done: date | None
    status: str
    # Whether the law fixes this date; a late non-binding milestone is later than planned, not a breach.
    binding: bool = True

    @property
    def breached(self) -> bool:
        """Overdue in law: past a binding date with nothing done and nothing excusing it."""
        return self.status == OVERDUE and self.binding


@dataclass(slots=True)
class AdviceDeadline:
    kind: str
    requested: date
    due: date
    received: date | None
    status: str
    days_late: int
    service: str | None = None
    id: int | None = None
    sent_by: str = "email"
    delivered: date | None = None  # the day the adviser received the request: their 6 weeks run from it


@dataclass(slots=True)
class RequestDeadlines:
    facts: RequestFacts
    stage: str
    earliest_final: date | None
    milestones: list[Milestone]
    advice: list[AdviceDeadline]
    served: date | None = None  # the draft's service day (deemed for post)
    # Set when the final plan is still to issue and the family's 15 days end after its due date: the
    # earliest day it may lawfully be issued (from the draft's service, or a draft sent today).
    final_cannot_be_met: date | None = None

    def milestone(self, name: str) -> Milestone:
        for m in self.milestones:
            if m.name == name:
                return m
        raise KeyError(name)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


def stage_of(facts: RequestFacts) -> str:
    """Where the request stands, from the latest step recorded."""
    if (facts.withdrawn is not None or facts.decision_to_assess is False
            or facts.decision_to_issue is False):
        return STAGE_CLOSED
    if facts.final_issued is not None:
        return STAGE_ISSUED
    if facts.decision_to_issue is True or facts.draft_sent is not None:
        return STAGE_DRAFTING
    if facts.decision_to_assess is True:
        return STAGE_ASSESSMENT
    # Advice asked before the decision (some teams do) does not make it an assessment yet.
    return STAGE_REQUEST


def excuses(e: ExceptionFacts, grounds: frozenset[str], due: date, received: date) -> bool:
    """Whether one exception excuses a late milestone (docs/law.md#exceptions).

    Its ground must be one the law gives for that milestone, its circumstances must have begun on or
    before the due date (what arose after a deadline was missed cannot have made it impractical), and
    they must not have ended before the request arrived. When it was recorded does not matter.
    """
    return e.ground in grounds and e.start <= due and (e.ended is None or e.ended >= received)


def exception_excuses(exceptions: list[ExceptionFacts], grounds: frozenset[str], due: date,
                      received: date) -> bool:
    return any(excuses(e, grounds, due, received) for e in exceptions)


def ended_before(facts: RequestFacts, stage: str, due: date, after_issue_decision: bool) -> bool:
    """Whether the process ended before this milestone, so it no longer applies.

    A "no" to assess ends every later step; a "no" to issue ends the steps after that decision in the
    table (the draft and the final); an issued final plan completes the process. A withdrawal ends the
    steps due on or after the day it came: a deadline already missed before then stays missed.
    """
    if stage == STAGE_ISSUED or facts.decision_to_assess is False:
        return True
    if facts.decision_to_issue is False and after_issue_decision:
        return True
    return facts.withdrawn is not None and due >= facts.withdrawn


def milestone_status(due: date, done: date | None, today: date, ended: bool, excused: bool,
                     due_soon: timedelta) -> str:
    """The status of one milestone, decided in the published order.

    ``excused``: an exception on record excuses this milestone if it is late. Before the due date the
    ordinary status shows, so the team still sees the date it aims for.
    """
    if done is None:
        if ended:
            return NOT_APPLICABLE
        if today > due:
            return EXEMPT if excused else OVERDUE
        return DUE_SOON if due - today <= due_soon else PENDING
    if done <= due:
        return MET
    return EXEMPT if excused else MET_LATE


def advice_status(due: date, received: date | None, today: date, due_soon: timedelta,
                  excused: bool = False) -> tuple[str, int]:
    """Status and days late of one advice request's own 6-week clock."""
    if received is not None:
        if received <= due:
            return RECEIVED, 0
        return RECEIVED_LATE, (received - due).days
    if excused:
        return EXCUSED, 0
    if today > due:
        return LATE, (today - due).days
    return (DUE_SOON if due - today <= due_soon else PENDING), 0


_ANY_DAY = date(2001, 1, 1)


@dataclass(frozen=True, slots=True)
class _Step:
    """One request row of the table compiled for a regime: its offset from receipt, the recorded fields
    that complete it, the grounds that excuse it, and whether it binds (``answer``: the yes-or-no field a
    row binding only a "no" reads; ``after_issue_decision``: a "no" to issue ends it)."""

    name: str
    offset: timedelta
    grounds: frozenset[str]
    binding: str
    done: Callable[[RequestFacts], date | None]  # the first completing date recorded
    answer: str | None
    after_issue_decision: bool
    always_binds: bool

    def binds(self, facts: RequestFacts) -> bool:
        if self.binding == "always":
            return True
        return self.binding == "only_if_no" and (self.answer is None or getattr(facts, self.answer) is not True)


@dataclass(frozen=True, slots=True)
class _Regime:
    effective_from: date
    rules: Rules
    steps: tuple[_Step, ...]


def _done_reader(row: Timescale) -> Callable[[RequestFacts], date | None]:
    """Reads the date that completes a row from a request's fields (a C-level getter for the usual one)."""
    fields = tuple(REQUEST_EVENT_FIELDS[e] for e in row.completed_by)
    if len(fields) == 1:
        reader: Callable[[RequestFacts], date | None] = attrgetter(fields[0])
        return reader
    read_all = attrgetter(*fields)
    return lambda facts: next((d for d in read_all(facts) if d is not None), None)


def _compile(rules: Rules) -> _Regime:
    """Each request milestone of the table as a fixed offset from receipt and the fields that complete it."""
    offsets = rules.milestone_offsets
    issue_at = next((i for i, m in enumerate(rules.milestones) if "issue_decided" in m.completed_by), None)
    steps = tuple(
        _Step(m.name, timedelta(days=offsets[m.name]), m.exception_grounds, m.binding, _done_reader(m),
              next((DECISION_ANSWER_FIELDS[e] for e in m.completed_by if e in DECISION_ANSWER_FIELDS), None),
              issue_at is not None and i > issue_at, m.binding == "always")
        for i, m in enumerate(rules.milestones))
    return _Regime(rules.effective_from, rules, steps)


class DeadlineEngine:
    """Evaluates requests against the timescales tables and one working calendar.

    Built once and reused: it compiles each table into day offsets so that evaluating a request is a
    handful of date additions (the whole of a large council's open work in well under 100 ms). Several
    regimes may sit side by side (``later``): a request is judged by the one in force on the day it was
    received. ``rules`` is the base regime, and its words (kinds, grounds, titles) serve them all.
    """

    def __init__(self, rules: Rules | None = None, calendar: WorkingCalendar | None = None,
                 later: tuple[Rules, ...] = ()) -> None:
        self.rules = rules or default_rules()
        self.calendar = calendar or default_calendar()
        regimes = sorted((_compile(r) for r in (self.rules, *later)), key=lambda r: r.effective_from)
        self._regimes = tuple(regimes)
        self._advice_days = timedelta(days=self.rules.advice_days)
        self._comment: Timescale | None = self.rules.periods.get("family_comment")
        self._due_soon = timedelta(days=self.rules.due_soon_days)
        # From service to the earliest lawful final, as a fixed step when the period has no months (the law's 15
        # days): one date addition per request instead of walking the table.
        self._to_earliest_final: timedelta | None = timedelta(days=15)
        if self._comment is not None:
            fixed = self._comment.period.fixed_days is not None
            self._to_earliest_final = self._comment.first_day_after(_ANY_DAY) - _ANY_DAY if fixed else None
        self._posted: dict[date, date] = {}  # posting day -> deemed delivery (few distinct days, many letters)

    def regime_for(self, received: date) -> Rules:
        """The rules in force on the day a request was received."""
        return self._regime(received).rules

    def _regime(self, received: date) -> _Regime:
        chosen = self._regimes[0]
        for regime in self._regimes[1:]:
            if regime.effective_from <= received:
                chosen = regime
        return chosen

    def applies_to(self, ground: str, received: date) -> list[str]:
        """The milestones an exception on ``ground`` can excuse in law, in the report's order."""
        return [step.name for step in self._regime(received).steps if ground in step.grounds]

    def earliest_final(self, served: date | None) -> date | None:
        """The first day the final plan may lawfully be issued after the draft was served."""
        if served is None:
            return None
        if self._to_earliest_final is not None:
            return served + self._to_earliest_final
        assert self._comment is not None
        return self._comment.first_day_after(served)

    def family_comment_ends(self, served: date) -> date:
        """The last day of the family's 15 days on the draft (the service day is day 1)."""
        if self._comment is None:
            return served + timedelta(days=14)
        return self._comment.last_day(served)

    def delivered(self, sent: date, sent_by: str) -> date:
        """The day something sent reaches its reader: the same day, or for post the second working day."""
        if sent_by != POST:
            return sent
        delivered = self._posted.get(sent)
        if delivered is None:
            delivered = self._posted[sent] = self.calendar.add_working_days(sent, POSTAL_DELIVERY_WORKING_DAYS)
        return delivered

    def draft_served(self, facts: RequestFacts) -> date | None:
        """The draft's service day: as recorded, else deemed from how it was sent."""
        if facts.draft_sent is None:
            return None
        return facts.draft_served or self.delivered(facts.draft_sent, facts.draft_sent_by)

    def advice_due(self, requested: date, sent_by: str = "email") -> date:
        """The adviser's last day: 6 weeks from the day they received the request (reg 8(1))."""
        return self.delivered(requested, sent_by) + self._advice_days

    def evaluate(self, facts: RequestFacts, today: date) -> RequestDeadlines:
        stage = stage_of(facts)
        closing = stage in (STAGE_CLOSED, STAGE_ISSUED)
        work_by = self.calendar.work_by
        received = facts.received
        exceptions = facts.exceptions
        due_soon = self._due_soon
        milestones = []
        final = None
        steps = self._regimes[0].steps if len(self._regimes) == 1 else self._regime(received).steps
        for step in steps:
            due = received + step.offset
            done = step.done(facts)
            ended = closing and done is None and ended_before(facts, stage, due, step.after_issue_decision)
            excused = bool(exceptions) and exception_excuses(exceptions, step.grounds, due, received)
            status = milestone_status(due, done, today, ended, excused, due_soon)
            binding = True if step.always_binds else step.binds(facts)
            milestone = Milestone(step.name, due, work_by(due), done, status, binding)
            milestones.append(milestone)
            if step.name == "final_plan":
                final = milestone
        advice = [self._advice(a, today) for a in facts.advice] if facts.advice else []
        served = self.draft_served(facts) if facts.draft_sent is not None else None
        result = RequestDeadlines(facts, stage, self.earliest_final(served), milestones, advice, served)
        if final is not None and final.done is None and not closing and final.status != NOT_APPLICABLE:
            result.final_cannot_be_met = self._final_cannot_be_met(final.due, result.earliest_final, today)
        return result

    def _advice(self, a: AdviceFacts, today: date) -> AdviceDeadline:
        delivered = self.delivered(a.requested, a.sent_by) if a.sent_by == POST else a.requested
        due = delivered + self._advice_days
        status, late = advice_status(due, a.received, today, self._due_soon, a.excused_ground is not None)
        return AdviceDeadline(a.kind, a.requested, due, a.received, status, late, a.service, a.id,
                              a.sent_by, delivered)

    def _final_cannot_be_met(self, final_due: date, earliest_final: date | None, today: date) -> date | None:
        """The earliest lawful final day when it falls after week 20 and is still ahead, for a final still
        to issue (from the draft's service, or from a draft sent today)."""
        earliest = earliest_final if earliest_final is not None else self.earliest_final(today)
        # Once that day has come the plan can issue today: an overdue final is simply overdue.
        if earliest is None or earliest <= final_due or earliest <= today:
            return None
        return earliest

    def evaluate_all(self, requests: list[RequestFacts], today: date) -> list[RequestDeadlines]:
        evaluate = self.evaluate
        with collector_paused():
            return [evaluate(r, today) for r in requests]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    At national scale the collector's repeated scans of the growing result took most of the time
    (2.9 s against 0.8 s paused); nothing built here forms a cycle, so reference counting frees it all.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
