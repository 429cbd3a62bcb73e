"""The deadline engine: pure functions from a request's facts and ``today`` to its deadlines.

No I/O and no clock: the caller passes ``today``. The statuses and their order of precedence are the
ones INTERCHANGE.md section 2 publishes; the dates come from the timescales table (rules.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from caseworker.statutory.calendar import WorkingCalendar, default_calendar
from caseworker.statutory.rules import Rules, default_rules

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


@dataclass(slots=True)
class ExceptionFacts:
    ground: str
    recorded: date
    note: str = ""


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
    draft_served: date | None = None
    final_issued: date | None = None
    withdrawn: date | None = None
    advice: list[AdviceFacts] = field(default_factory=list)
    exceptions: list[ExceptionFacts] = field(default_factory=list)
    id: int | None = None

    @property
    def served(self) -> date | None:
        """Served defaults to sent unless deemed service was recorded."""
        return self.draft_served or self.draft_sent


@dataclass(slots=True)
class Milestone:
    name: str
    due: date
    work_by: date
    done: date | None
    status: str


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


@dataclass(slots=True)
class RequestDeadlines:
    facts: RequestFacts
    stage: str
    earliest_final: date | None
    milestones: list[Milestone]
    advice: list[AdviceDeadline]

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


def exception_applies(exceptions: list[ExceptionFacts], grounds: frozenset[str], on: date) -> bool:
    """True when an exception on one of ``grounds`` was on record by ``on``."""
    return any(e.recorded <= on and e.ground in grounds for e in exceptions)


def ended_before(facts: RequestFacts, stage: str, name: str, due: date) -> bool:
    """Whether the process ended before this milestone, so it no longer applies.

    A "no" to assess ends every later step; a "no" to issue ends the draft and the final; an issued
    final plan completes the process. A withdrawal ends the steps due on or after the day it came:
    a deadline already missed before then stays missed.
    """
    if stage == STAGE_ISSUED or facts.decision_to_assess is False:
        return True
    if facts.decision_to_issue is False and name in ("draft_latest_safe", "final_plan"):
        return True
    return facts.withdrawn is not None and due >= facts.withdrawn


def milestone_status(due: date, done: date | None, today: date, ended: bool,
                     exceptions: list[ExceptionFacts], grounds: frozenset[str],
                     due_soon: timedelta) -> str:
    """The status of one milestone, decided in the published order."""
    if done is None:
        if ended:
            return NOT_APPLICABLE
        if today > due:
            if exceptions and exception_applies(exceptions, grounds, today):
                return EXEMPT
            return OVERDUE
        return DUE_SOON if due - today <= due_soon else PENDING
    if done <= due:
        return MET
    if exceptions and exception_applies(exceptions, grounds, done):
        return EXEMPT
    return MET_LATE


def advice_status(due: date, received: date | None, today: date,
                  due_soon: timedelta) -> tuple[str, int]:
    """Status and days late of one advice request's own 6-week clock."""
    if received is not None:
        if received <= due:
            return RECEIVED, 0
        return RECEIVED_LATE, (received - due).days
    if today > due:
        return LATE, (today - due).days
    return (DUE_SOON if due - today <= due_soon else PENDING), 0


class DeadlineEngine:
    """Evaluates requests against one timescales table and one working calendar.

    Built once and reused: it compiles the table into day offsets so that evaluating a request is a
    handful of date additions (the whole of a large council's open work in well under 100 ms).
    """

    def __init__(self, rules: Rules | None = None, calendar: WorkingCalendar | None = None) -> None:
        self.rules = rules or default_rules()
        self.calendar = calendar or default_calendar()
        offsets = self.rules.milestone_offsets
        self._steps = tuple(
            (m.name, timedelta(days=offsets[m.name]), m.exception_grounds)
            for m in self.rules.milestones
        )
        self._advice_days = timedelta(days=self.rules.advice_days)
        comment = self.rules.periods.get("family_comment")
        self._comment = comment
        self._due_soon = timedelta(days=self.rules.due_soon_days)

    def earliest_final(self, served: date | None) -> date | None:
        """The first day the final plan may lawfully be issued after the draft was served."""
        if served is None:
            return None
        if self._comment is None:
            return served + timedelta(days=15)
        return self._comment.first_day_after(served)

    def family_comment_ends(self, served: date) -> date:
        """The last day of the family's 15 days on the draft (the service day is day 1)."""
        if self._comment is None:
            return served + timedelta(days=14)
        return self._comment.last_day(served)

    def advice_due(self, requested: date) -> date:
        return requested + self._advice_days

    def evaluate(self, facts: RequestFacts, today: date) -> RequestDeadlines:
        stage = stage_of(facts)
        closing = stage in (STAGE_CLOSED, STAGE_ISSUED)
        done_by_name = {
            "decision_to_assess": facts.decision_to_assess_on,
            "issue_decision": facts.decision_to_issue_on,
            "draft_latest_safe": facts.draft_sent,
            "final_plan": facts.final_issued,
        }
        work_by = self.calendar.work_by
        received = facts.received
        exceptions = facts.exceptions
        due_soon = self._due_soon
        milestones = []
        for name, offset, grounds in self._steps:
            due = received + offset
            done = done_by_name[name]
            ended = closing and done is None and ended_before(facts, stage, name, due)
            status = milestone_status(due, done, today, ended, exceptions, grounds, due_soon)
            milestones.append(Milestone(name, due, work_by(due), done, status))
        advice = []
        for a in facts.advice:
            due = a.requested + self._advice_days
            status, late = advice_status(due, a.received, today, due_soon)
            advice.append(AdviceDeadline(a.kind, a.requested, due, a.received, status, late,
                                         a.service, a.id))
        return RequestDeadlines(facts, stage, self.earliest_final(facts.served), milestones, advice)

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
