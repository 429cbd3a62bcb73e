"""A row of the timescales table: what starts its clock, how long it runs, what completes it.

Each timescale in ``timescales.json`` is one row: the events (or another row's deadline) that start its
clock, its period (days, weeks, calendar months, or a fixed day of the year), how the days are counted
("within", or "beginning with" the start day), the events that complete it, its law, whether it binds
and what it belongs to. docs/law.md (the timescales table) describes the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# What a row's clock belongs to: the request's 20 weeks, or one of the plan's own clocks.
BELONGS_TO = ("request", "plan", "review", "amendment", "transfer", "cease", "appeal")
# Whether the law fixes a milestone's date: always, never (a planning date), or only when the decision
# it asks for is "no" (reg 10(1) binds a decision not to issue; a late "yes" is not a breach).
BINDING = ("always", "never", "only_if_no")
COUNTING = ("within", "beginning_with")


class RulesError(ValueError):
    """The timescales table is malformed; the message names the entry."""


@dataclass(frozen=True, slots=True)
class Period:
    """A length of time in the law's own units, or a fixed day of the year (``on``: month, day)."""

    days: int = 0
    weeks: int = 0
    months: int = 0
    on: tuple[int, int] | None = None  # 14 February of the clock's year: (2, 14)

    def add_to(self, start: date) -> date:
        """The date ``start`` + this period, months by calendar (31 Dec + 2 months = end of Feb)."""
        return self.end_from(start)[0]

    def end_from(self, start: date) -> tuple[date, bool]:
        """``start`` + this period, and whether its months landed on a day the end month lacks."""
        if self.on is not None:
            return day_of_year(start.year, *self.on), False
        moved, short = add_months(start, self.months) if self.months else (start, False)
        days = self.days + 7 * self.weeks
        return (moved + timedelta(days=days) if days else moved), short

    def months_fall_short(self, start: date) -> bool:
        """Whether the months land on a day that does not exist (31 Aug + 6 months: no 31 Feb)."""
        return self.end_from(start)[1]

    @property
    def fixed_days(self) -> int | None:
        """The period in days when it has no months part (so it is the same length everywhere)."""
        return None if self.months or self.on is not None else self.days + 7 * self.weeks


_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_length(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else _MONTH_LENGTHS[month - 1]


def add_months(start: date, months: int) -> tuple[date, bool]:
    """``start`` moved by calendar months (negative: back), a day the end month lacks becoming its last
    day (31 Dec + 2 months = 28 or 29 Feb), and whether that happened. As ``relativedelta`` does it, in a
    fraction of the time: a large council's plans each take several of these."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = month_length(year, month)
    return date(year, month, min(start.day, last)), start.day > last


def day_of_year(year: int, month: int, day: int) -> date:
    """That day in ``year``; 29 February becomes the 28th in a year without it."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


@dataclass(frozen=True, slots=True)
class Timescale:
    """One row of the table: a step, when its clock starts, how long it runs and under what law."""

    name: str
    title: str
    starts: str
    period: Period
    counting: str  # "within": last day = start + period; "beginning_with": start day is day 1
    law: str
    exception_grounds: frozenset[str]
    check: str | None = None
    less_consultation_allowance: bool = False
    binding: str = "always"
    # The events that start the clock: the latest of them recorded (``starts`` is the first).
    clock_events: tuple[str, ...] = ()
    completed_by: tuple[str, ...] = ()  # events that complete the step; none for a period the family has
    belongs_to: str = "request"
    due_soon_days: int | None = None  # its own "due soon" window; None: the table's

    @property
    def starts_from(self) -> tuple[str, ...]:
        """Every event that can start the clock (it runs from the latest of them recorded)."""
        return self.clock_events or (self.starts,)

    def last_day(self, start: date) -> date:
        """The last compliant day for a clock started on ``start``.

        "Beginning with" makes the start day the first day; a period of months beginning with a day
        whose number the end month lacks (29 February, 31 August + 6 months) ends on that month's last day.
        """
        end, fell_short = self.period.end_from(start)
        if self.counting != "beginning_with":
            return end
        if fell_short and not (self.period.days or self.period.weeks):
            return end
        return end - timedelta(days=1)

    def first_day_after(self, start: date) -> date:
        """The first day after the period has run (for 15 days beginning with service: served + 15)."""
        return self.last_day(start) + timedelta(days=1)


def _period(raw: dict[str, Any], where: str) -> Period:
    unknown = set(raw) - {"days", "weeks", "months", "on"}
    if unknown:
        raise RulesError(f"{where}: unknown period unit(s) {sorted(unknown)}")
    if "on" in raw:
        if len(raw) > 1:
            raise RulesError(f"{where}: a fixed day ('on') takes no days, weeks or months beside it")
        return Period(on=_month_day(raw["on"], where))
    try:
        return Period(days=int(raw.get("days", 0)), weeks=int(raw.get("weeks", 0)),
                      months=int(raw.get("months", 0)))
    except (TypeError, ValueError) as exc:
        raise RulesError(f"{where}: days, weeks and months must be whole numbers") from exc


def _month_day(value: Any, where: str) -> tuple[int, int]:
    """A fixed day of the year written MM-DD ("02-14" for 14 February)."""
    try:
        month, day = (int(part) for part in str(value).split("-"))
        date(2000, month, day)  # a leap year, so 02-29 is allowed
    except ValueError as exc:
        raise RulesError(f"{where}: 'on' must be a day of the year as MM-DD, not {value!r}") from exc
    return month, day


def _names(value: Any, where: str, field: str) -> tuple[str, ...]:
    """One event name or a list of them."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise RulesError(f"{where}: '{field}' must be an event name or a list of them")
    return tuple(names)


def row_from_dict(raw: dict[str, Any]) -> Timescale:
    """One row as the table writes it; a RulesError names the row."""
    if not isinstance(raw, dict):
        raise RulesError(f"each row of the table must be an object, not {raw!r}")
    name = raw.get("name")
    if not isinstance(name, str):
        raise RulesError(f"a timescale has no name: {raw!r}")
    if not isinstance(raw.get("starts"), str | list):
        raise RulesError(f"{name}: say when its clock starts ('starts')")
    clock_events = _names(raw["starts"], name, "starts")
    if not isinstance(raw.get("period"), dict):
        raise RulesError(f"{name}: give its length ('period', in days, weeks or months)")
    counting = raw.get("counting", "within")
    if counting not in COUNTING:
        raise RulesError(f"{name}: counting must be 'within' or 'beginning_with', not {counting!r}")
    binding = raw.get("binding", "always")
    if binding not in BINDING:
        raise RulesError(f"{name}: binding must be one of {', '.join(BINDING)}, not {binding!r}")
    belongs_to = raw.get("belongs_to", "request")
    if belongs_to not in BELONGS_TO:
        raise RulesError(f"{name}: belongs_to must be one of {', '.join(BELONGS_TO)}, not {belongs_to!r}")
    period = _period(raw["period"], name)
    if period.on is not None and counting != "within":
        raise RulesError(f"{name}: a fixed day ('on') is the last day itself; count it 'within'")
    due_soon = raw.get("due_soon_days")
    if due_soon is not None and (not isinstance(due_soon, int) or due_soon < 0):
        raise RulesError(f"{name}: due_soon_days must be a whole number of days, not {due_soon!r}")
    return Timescale(
        name=name,
        title=str(raw.get("title", name)),
        starts=clock_events[0],
        period=period,
        counting=counting,
        law=str(raw.get("law", "")),
        exception_grounds=frozenset(raw.get("exception_grounds", ())),
        check=raw.get("check"),
        less_consultation_allowance=bool(raw.get("less_consultation_allowance", False)),
        binding=binding,
        clock_events=clock_events,
        completed_by=_names(raw["completed_by"], name, "completed_by") if "completed_by" in raw else (),
        belongs_to=belongs_to,
        due_soon_days=due_soon,
    )
