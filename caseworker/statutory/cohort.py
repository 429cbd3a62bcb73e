"""The next phase transfer worked out from a date of birth and England's school year.

The school year runs from 1 September to 31 August; a child starts Reception in the September after
their fourth birthday, and moves at the table's transfer points (Reception, Year 7, Year 12 unless a
council sets its own). The due date of each move comes from the table's phase transfer rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from caseworker.statutory.clocks import run_clock
from caseworker.statutory.rules import Rules, TransferPoint, default_rules

# The school year starts on 1 September; a child starts Reception in the September after turning 4.
SCHOOL_YEAR_STARTS = (9, 1)
RECEPTION_AGE = 4


@dataclass(frozen=True, slots=True)
class CohortTransfer:
    """A phase transfer worked out from a date of birth and England's school year."""

    kind: str  # school or post16
    year_group: str  # the year group the child moves into: Reception, Year 7, Year 12
    transfer_date: date  # 1 September of the year of the move
    due: date  # the amended plan naming the next setting is due by this day


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


def born_to_move_soon(today: date, within_days: int, rules: Rules | None = None,
                      offset: int | None = None) -> list[tuple[date, date]]:
    """The dates of birth (first and last, both included) of the children whose next phase transfer has its
    amended plan due within ``within_days`` of ``today`` (or already past, the move still ahead): a school
    year's births for each such move, for children with this ``year_group_offset``; with no ``offset``,
    widened by a year each side for children taught out of their year group. A superset for a database to
    narrow the plans read; ``transfer_cohort`` decides each child."""
    rules = rules or default_rules()
    month, day = SCHOOL_YEAR_STARTS
    # Years of births added before and after the usual school year's (an offset of +1 is born a year earlier).
    ahead, behind = (1, 1) if offset is None else (offset, -offset)
    ranges = []
    for year in (today.year, today.year + 1):
        moves = date(year, month, day)
        if moves <= today:
            continue
        for point in rules.transfer_points:
            if (_due_for(point, moves, rules) - today).days > within_days:
                continue
            reception = year - point.years_after_reception  # born 1 Sep (reception - 5) to 31 Aug (reception - 4)
            ranges.append((date(reception - RECEPTION_AGE - 1 - ahead, month, day),
                           date(reception - RECEPTION_AGE + behind, month, day) - timedelta(days=1)))
    return ranges
