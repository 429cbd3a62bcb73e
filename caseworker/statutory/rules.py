"""The statutory timescales as data.

The table lives in ``timescales.json`` beside this module so that a rule marked *(check)* can be
corrected without touching code: a council may point ``load_rules`` at its own copy. The engine,
the tooltips, the letters and the reports all read the same table. Each table carries the day it took
effect, so a future regime can sit beside today's (docs/law.md#sources).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

MILESTONE_NAMES = ("decision_to_assess", "issue_decision", "draft_latest_safe", "final_plan")
# Whether the law fixes a milestone's date: always, never (a planning date), or only when the decision
# it asks for is "no" (reg 10(1) binds a decision not to issue; a late "yes" is not a breach).
BINDING = ("always", "never", "only_if_no")


class RulesError(ValueError):
    """The timescales table is malformed; the message names the entry."""


@dataclass(frozen=True, slots=True)
class Period:
    """A length of time in the law's own units."""

    days: int = 0
    weeks: int = 0
    months: int = 0

    def add_to(self, start: date) -> date:
        """The date ``start`` + this period, months by calendar (31 Dec + 2 months = end of Feb)."""
        moved = start + relativedelta(months=self.months) if self.months else start
        return moved + timedelta(days=self.days + 7 * self.weeks)

    @property
    def fixed_days(self) -> int | None:
        """The period in days when it has no months part (so it is the same length everywhere)."""
        return None if self.months else self.days + 7 * self.weeks


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

    def last_day(self, start: date) -> date:
        """The last compliant day for a clock started on ``start``."""
        end = self.period.add_to(start)
        return end - timedelta(days=1) if self.counting == "beginning_with" else end

    def first_day_after(self, start: date) -> date:
        """The first day after the period has run (for 15 days beginning with service: served + 15)."""
        return self.last_day(start) + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Rules:
    """The whole table, with the four assessment milestones compiled to day offsets from receipt."""

    version: str
    effective_from: date
    milestones: tuple[Timescale, ...]
    periods: dict[str, Timescale]
    advice_days: int
    milestone_offsets: dict[str, int]
    consultation_allowance_days: int
    due_soon_days: int
    default_turnaround_days: int
    turnaround_window: int
    turnaround_min_returns: int
    exception_grounds: dict[str, dict[str, str]]
    advice_excuses: dict[str, dict[str, str]]
    advice_kinds: dict[str, str]
    primary_needs: dict[str, str]
    request_sources: tuple[str, ...]

    def milestone(self, name: str) -> Timescale:
        for m in self.milestones:
            if m.name == name:
                return m
        raise KeyError(name)


def _period(raw: dict[str, Any], where: str) -> Period:
    unknown = set(raw) - {"days", "weeks", "months"}
    if unknown:
        raise RulesError(f"{where}: unknown period unit(s) {sorted(unknown)}")
    return Period(days=int(raw.get("days", 0)), weeks=int(raw.get("weeks", 0)),
                  months=int(raw.get("months", 0)))


def _timescale(raw: dict[str, Any]) -> Timescale:
    name = raw.get("name")
    if not isinstance(name, str):
        raise RulesError(f"a timescale has no name: {raw!r}")
    if not isinstance(raw.get("starts"), str):
        raise RulesError(f"{name}: say when its clock starts ('starts')")
    if not isinstance(raw.get("period"), dict):
        raise RulesError(f"{name}: give its length ('period', in days, weeks or months)")
    counting = raw.get("counting", "within")
    if counting not in ("within", "beginning_with"):
        raise RulesError(f"{name}: counting must be 'within' or 'beginning_with', not {counting!r}")
    binding = raw.get("binding", "always")
    if binding not in BINDING:
        raise RulesError(f"{name}: binding must be one of {', '.join(BINDING)}, not {binding!r}")
    return Timescale(
        name=name,
        title=str(raw.get("title", name)),
        starts=str(raw["starts"]),
        period=_period(raw["period"], name),
        counting=counting,
        law=str(raw.get("law", "")),
        exception_grounds=frozenset(raw.get("exception_grounds", ())),
        check=raw.get("check"),
        less_consultation_allowance=bool(raw.get("less_consultation_allowance", False)),
        binding=binding,
    )


def _milestone_offsets(milestones: tuple[Timescale, ...], allowance: int) -> dict[str, int]:
    """Resolve every milestone to a fixed number of days after receipt.

    A milestone may start from another milestone's due date (the draft's latest safe day counts back
    from the final plan's); months are not allowed here because the offset must not vary by date.
    """
    by_name = {m.name: m for m in milestones}
    offsets: dict[str, int] = {}

    def resolve(name: str, seen: tuple[str, ...]) -> int:
        if name in offsets:
            return offsets[name]
        if name in seen:
            raise RulesError(f"{name}: milestones start from each other in a loop")
        m = by_name[name]
        days = m.period.fixed_days
        if days is None:
            raise RulesError(f"{name}: an assessment milestone must be in days or weeks")
        if m.starts == "received":
            base = 0
        elif m.starts in by_name:
            base = resolve(m.starts, (*seen, name))
        else:
            raise RulesError(f"{name}: starts from unknown event {m.starts!r}")
        offset = base + days - (allowance if m.less_consultation_allowance else 0)
        offsets[name] = offset
        return offset

    for m in milestones:
        resolve(m.name, ())
    return offsets


def _advice_days(periods: dict[str, Timescale]) -> int:
    advice = periods.get("advice")
    if advice is None:
        raise RulesError("periods: the advice period ('advice') is missing")
    days = advice.period.fixed_days
    if days is None or days <= 0:
        raise RulesError("advice: the advice period must be a positive number of days or weeks")
    return days


def _effective_from(raw: dict[str, Any]) -> date:
    value = raw.get("effective_from")
    if not isinstance(value, str):
        raise RulesError("say from when the table is in force ('effective_from', YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise RulesError(f"effective_from: {value!r} is not a date (YYYY-MM-DD)") from exc


def rules_from_dict(raw: dict[str, Any]) -> Rules:
    if not isinstance(raw.get("milestones"), list):
        raise RulesError("the table has no 'milestones' list")
    milestones = tuple(_timescale(m) for m in raw["milestones"])
    names = tuple(m.name for m in milestones)
    if names != MILESTONE_NAMES:
        raise RulesError(f"milestones must be {MILESTONE_NAMES} in that order, not {names}")
    allowance = int(raw.get("consultation_allowance_days", 7))
    if allowance < 0:
        raise RulesError("consultation_allowance_days must not be negative")
    grounds = dict(raw.get("exception_grounds", {}))
    for m in milestones:
        if not m.exception_grounds <= set(grounds):
            raise RulesError(f"{m.name}: unknown exception ground(s) {sorted(m.exception_grounds - set(grounds))}")
    periods = {p.name: p for p in (_timescale(r) for r in raw.get("periods", []))}
    return Rules(
        version=str(raw.get("version", "")),
        effective_from=_effective_from(raw),
        milestones=milestones,
        periods=periods,
        advice_days=_advice_days(periods),
        milestone_offsets=_milestone_offsets(milestones, allowance),
        consultation_allowance_days=allowance,
        due_soon_days=int(raw.get("due_soon_days", 7)),
        default_turnaround_days=int(raw.get("default_turnaround_days", 42)),
        turnaround_window=int(raw.get("turnaround_window", 20)),
        turnaround_min_returns=int(raw.get("turnaround_min_returns", 5)),
        exception_grounds=grounds,
        advice_excuses=dict(raw.get("advice_excuses", {})),
        advice_kinds=dict(raw.get("advice_kinds", {})),
        primary_needs=dict(raw.get("primary_needs", {})),
        request_sources=tuple(raw.get("request_sources", ())),
    )


def load_rules(path: Path | None = None) -> Rules:
    """The table shipped with the app, or a council's corrected copy at ``path``."""
    if path is None:
        text = resources.files(__package__).joinpath("timescales.json").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"timescales file is not valid JSON: {exc}") from exc
    return rules_from_dict(raw)


_DEFAULT: Rules | None = None


def default_rules() -> Rules:
    """The shipped table, parsed once (it is immutable, so sharing it is safe)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_rules()
    return _DEFAULT
