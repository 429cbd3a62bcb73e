"""What a balancing proposal is given: each person (with whether they are away for a short while) and
each case (with why it must stay), from the team's caseload as read.

The one rule decided here is the short absence. Someone back within fewer working days than the
council's ``short_absence_working_days`` (counted from today, or from the absence's first day if it has
not begun) keeps their caseload: only the cases with a step or advice due before they are back (overdue
ones too) are offered for moving, as "Cover an absence" does. So a long absence in its last days hands
on no more than a short one: moving a caseload a week before its holder returns is churn, not relief.
A pin or a recent move still keeps a case where it is. Someone away for longer, or no longer active, is
treated as before: every case a proposal may move is offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from caseworker.caseload.balance import Item, Person
from caseworker.caseload.capacity import Absence
from caseworker.caseload.settings import CaseloadSettings
from caseworker.caseload.weights import kept_by_lead
from caseworker.vocabulary import short_date

NOT_DUE_WORDS = "short absence: nothing due before"


class PersonFacts(Protocol):
    @property
    def username(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def team(self) -> str: ...
    @property
    def capacity(self) -> float: ...
    @property
    def can_receive(self) -> bool: ...
    @property
    def unavailable(self) -> str | None: ...
    @property
    def absence(self) -> Absence | None: ...


class CaseFacts(Protocol):
    @property
    def case_id(self) -> int: ...
    @property
    def reference(self) -> str: ...
    @property
    def child(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def points(self) -> float: ...
    @property
    def protected(self) -> str | None: ...
    @property
    def next_due(self) -> date | None: ...


def working_days(absence: Absence, today: date | None = None) -> int:
    """Monday to Friday from its first day (or ``today``, if later) to its last, both included (bank
    holidays count as working days: a short absence over one is still short)."""
    first = absence.starts if today is None else max(today, absence.starts)
    days = (absence.ends - first).days + 1
    return sum(1 for n in range(max(0, days)) if (first + timedelta(days=n)).weekday() < 5)


def is_short(absence: Absence | None, settings: CaseloadSettings, today: date | None = None) -> bool:
    """Whether they are back within fewer working days than the setting (the days left, given ``today``)."""
    return absence is not None and working_days(absence, today) < settings.short_absence_working_days


def back_on(absence: Absence) -> date:
    """The first weekday after the absence."""
    day = absence.ends + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _protection(case: CaseFacts, absence: Absence | None) -> str | None:
    """Why the case stays, given its holder's short absence (None: it may move)."""
    if absence is None:
        return case.protected
    if kept_by_lead(case.protected):
        return case.protected
    if case.next_due is not None and case.next_due <= absence.ends:
        return None  # due while they are away: someone at work must do it
    return f"{NOT_DUE_WORDS} {short_date(back_on(absence))}, when they are back"


def balance_input(people: Sequence[PersonFacts], cases: Sequence[CaseFacts], settings: CaseloadSettings,
                  today: date | None = None) -> tuple[list[Person], list[Item]]:
    short = {p.username: p.absence for p in people if p.capacity <= 0 and is_short(p.absence, settings, today)}
    persons = [Person(p.username, p.display_name, p.team, p.capacity, p.can_receive, p.unavailable,
                      short_absence=p.username in short) for p in people]
    items = [Item(c.case_id, c.reference, c.owner, c.points, _protection(c, short.get(c.owner)), c.child)
             for c in cases if c.owner]
    return persons, items
