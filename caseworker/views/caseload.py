"""The team's caseloads as the Team page and ``caseworker caseload`` show them, read in a few statements.

Every case with its points (by state), whether a balancing proposal must leave it (and why), and its
next deadline; every member of staff who holds cases or could, with capacity on ``today``, load,
utilisation, band, overdue and late-advice counts. At a large council's scale (25,000 cases) this is
five statements (``store.caseload_reads``, the open requests' two, the plans that may have work in
one) with the deadline engine and the plan clocks over them; no ORM objects per row, no SQL here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from caseworker.caseload import (
    Absence,
    CaseloadSettings,
    Proposal,
    StaffFacts,
    band,
    capacity_on,
    load_settings,
    points_of,
    propose_balance,
    protection,
    state_of,
    utilisation,
)
from caseworker.caseload.balance_input import balance_input
from caseworker.caseload.capacity import CASE_HOLDING_ROLES
from caseworker.caseload.settings import PLAN
from caseworker.caseload.weights import STATE_WORDS, next_due_work, plan_work_points
from caseworker.context import AppContext
from caseworker.statutory.engine import LATE, RequestDeadlines, collector_paused
from caseworker.statutory.plans import clocks_for
from caseworker.store.case_select import reading
from caseworker.store.caseload_reads import CaseHeld, cases_held, staff_and_absences
from caseworker.store.plan_reads import plan_facts
from caseworker.store.plan_work_reads import maybe_with_work
from caseworker.store.queries import load_request_facts
from caseworker.views.my_day import review_started_by
from caseworker.vocabulary import day_month, short_date


@dataclass(frozen=True, slots=True)
class CaseLoad:
    """One case in someone's caseload."""

    case_id: int
    reference: str
    child: str
    owner: str  # username; "" when nobody holds it
    state: str
    points: float
    protected: str | None  # why a proposal leaves it where it is
    next_due: date | None  # the earliest step or advice not done
    next_what: str
    overdue: bool
    late_advice: int
    pinned: bool = False  # the team lead keeps it with its caseworker

    @property
    def state_words(self) -> str:
        return STATE_WORDS.get(self.state, self.state)


@dataclass(frozen=True, slots=True)
class PersonLoad:
    """One member of staff's load against capacity on the day."""

    id: int
    username: str
    display_name: str
    role: str
    team: str
    fte: float
    capacity: float
    points: float
    cases: int
    utilisation: float  # math.inf when they hold work with no capacity
    band: str
    overdue: int  # cases with a step overdue
    late_advice: int  # advice requests late
    protected_points: float
    new_starter: bool
    absence: Absence | None  # today
    next_absence: Absence | None  # the next one to start after today
    active: bool = True

    @property
    def can_receive(self) -> bool:
        return self.active and self.role != "read_only" and self.capacity > 0

    @property
    def unavailable(self) -> str | None:
        if not self.active:
            return "no longer active"
        if self.absence is not None:
            return f"absent until {short_date(self.absence.ends)}"
        if self.capacity <= 0:
            return "without a capacity"
        return None

    @property
    def note(self) -> str:
        """What a team lead should know beside the figures: away, new, inactive."""
        notes = []
        if self.absence is not None:
            notes.append(f"absent to {day_month(self.absence.ends)}")
        elif self.next_absence is not None:
            notes.append(f"away {day_month(self.next_absence.starts)} to {day_month(self.next_absence.ends)}")
        if self.new_starter:
            notes.append("new starter")
        if not self.active:
            notes.append("inactive")
        return ", ".join(notes)


@dataclass(frozen=True)
class TeamCaseload:
    today: date
    settings: CaseloadSettings
    people: list[PersonLoad]
    cases: list[CaseLoad]
    absences: dict[str, tuple[Absence, ...]] = field(default_factory=dict)

    def person(self, username: str) -> PersonLoad:
        for p in self.people:
            if p.username == username:
                return p
        raise KeyError(username)

    def cases_of(self, username: str) -> list[CaseLoad]:
        return [c for c in self.cases if c.owner == username]

    @property
    def unallocated(self) -> list[CaseLoad]:
        return [c for c in self.cases if not c.owner]


def plan_work_by_case(session: Session, engine: Any, today: date, settings: CaseloadSettings) -> dict[int, float]:
    """The points each plan in place adds for its work (a review due, an amendment, a transfer), by case.

    Only the plans that may have such work are read (a review due within its window or overdue, or
    something under way: most of a large council's plans have none this week), all in one statement,
    and run through the plan clocks once; the clocks decide which really have work."""
    started_by = review_started_by(engine.rules, today)
    among = None if started_by is None else maybe_with_work(started_by)
    schedules = clocks_for(engine.rules, engine.calendar).schedule_all(plan_facts(session, among=among), today)
    return {s.facts.case_id: extra for s in schedules
            if s.facts.case_id is not None and (extra := plan_work_points(s, settings))}


def read_team_caseload(session: Session, engine: Any, today: date, settings: CaseloadSettings) -> TeamCaseload:
    """The caseload through a session (inside its transaction, or a ``reading`` session's statements)."""
    with collector_paused():  # tens of thousands of small acyclic rows: the collector's scans cost more
        return _read(session, engine, today, settings)


def _read(session: Session, engine: Any, today: date, settings: CaseloadSettings) -> TeamCaseload:
    staff = staff_and_absences(session, today)
    held = cases_held(session, today - timedelta(days=settings.protect_moved_within_days))
    evaluated = {r.facts.id: r for r in engine.evaluate_all(load_request_facts(session), today)}
    plan_work = plan_work_by_case(session, engine, today, settings)
    username = {s.id: s.username for s in staff}
    plan_points = points_of(PLAN, settings)
    cases: list[CaseLoad] = []
    for c in held:
        owner = username.get(c.holder_id or 0, "")
        dl = evaluated.get(c.case_id)
        if dl is not None:
            request = _request_load(c, owner, dl, today, settings)
            if request is not None:
                cases.append(request)
        elif c.plan_in_place:  # a plan in place: its own points and those of any work running on it
            cases.append(CaseLoad(c.case_id, c.reference, c.child, owner, PLAN,
                                  plan_points + plan_work.get(c.case_id, 0.0),
                                  protection(None, today, settings, moved_on=c.moved_on, pinned=c.pinned),
                                  None, "", False, 0, c.pinned))
    return TeamCaseload(today, settings, _people(staff, cases, today, settings),
                        cases, {s.username: s.absences for s in staff})


def _request_load(c: CaseHeld, owner: str, dl: RequestDeadlines, today: date,
                  settings: CaseloadSettings) -> CaseLoad | None:
    """A request still running as load, or None when the engine sees none in it."""
    state = state_of(dl)
    if state is None:
        return None
    due, what = next_due_work(dl)
    return CaseLoad(c.case_id, c.reference, c.child, owner, state, points_of(state, settings),
                    protection(dl, today, settings, moved_on=c.moved_on, pinned=c.pinned), due, what,
                    any(m.breached for m in dl.milestones), sum(1 for a in dl.advice if a.status == LATE), c.pinned)


def _people(staff: list[StaffFacts], cases: list[CaseLoad], today: date,
            settings: CaseloadSettings) -> list[PersonLoad]:
    points: dict[str, float] = defaultdict(float)
    kept: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    overdue: dict[str, int] = defaultdict(int)
    late: dict[str, int] = defaultdict(int)
    for c in cases:
        points[c.owner] += c.points
        count[c.owner] += 1
        overdue[c.owner] += c.overdue
        late[c.owner] += c.late_advice
        if c.protected is not None:
            kept[c.owner] += c.points
    out = []
    for s in staff:
        cap = capacity_on(s, today, settings)
        holds = count[s.username] > 0
        if not holds and not (s.active and (s.role in CASE_HOLDING_ROLES or cap > 0)):
            continue
        u = utilisation(points[s.username], cap)
        upcoming = [a for a in s.absences if a.starts > today]
        out.append(PersonLoad(s.id, s.username, s.display_name, s.role, s.team, s.fte, cap, points[s.username],
                              count[s.username], u, band(u), overdue[s.username], late[s.username],
                              kept[s.username], s.is_new_starter(today, settings), s.absence_on(today),
                              min(upcoming, key=lambda a: a.starts) if upcoming else None, s.active))
    return sorted(out, key=lambda p: (p.team, p.display_name))


def load_team_caseload(ctx: AppContext, today: date, settings: CaseloadSettings | None = None) -> TeamCaseload:
    """The whole team's caseload on ``today`` (settings: the council's, else the defaults)."""
    chosen = settings or load_settings()
    with reading(ctx.db) as s:  # no transaction: no round trips spent opening and ending one
        return read_team_caseload(s, ctx.engine, today, chosen)


def propose(team: TeamCaseload, *, across_teams: bool = False) -> Proposal:
    """The balancing proposal for the team as loaded (a short absence hands on only what falls due)."""
    people, items = balance_input(team.people, team.cases, team.settings, team.today)
    return propose_balance(people, items, across_teams=across_teams)
