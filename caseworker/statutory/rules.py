"""The statutory timescales as data.

The table lives in ``timescales.json`` beside this module so that a rule marked *(check)* can be
corrected without touching code: a council may point ``load_rules`` at its own copy. The engine,
the tooltips, the letters and the reports all read the same table. Each table carries the day it took
effect, so a future regime can sit beside today's (docs/law.md#sources).
"""

from __future__ import annotations

import copy
import json
import pkgutil
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from caseworker.statutory.rows import BELONGS_TO, BINDING, Period, RulesError, Timescale, row_from_dict
from caseworker.vocabulary import EVENT_WORDS

__all__ = ["BELONGS_TO", "BINDING", "MILESTONE_NAMES", "REQUEST_EVENT_FIELDS", "Period", "Rules", "RulesError",
           "Timescale", "TransferPoint", "default_rules", "load_rules", "rules_from_dict"]

# The request's milestones, in the order the deadlines report publishes them (docs/deadlines-json.md).
MILESTONE_NAMES = ("decision_to_assess", "issue_decision", "draft_latest_safe", "final_plan")
# The events a request records, by the names the table's rows use, and the RequestFacts field of each.
REQUEST_EVENT_FIELDS = {
    "received": "received",
    "assessment_decided": "decision_to_assess_on",
    "issue_decided": "decision_to_issue_on",
    "draft_sent": "draft_sent",
    "draft_served": "draft_served",
    "final_issued": "final_issued",
    "withdrawn": "withdrawn",
}


@dataclass(frozen=True, slots=True)
class TransferPoint:
    """A school year group a child moves into, counted from the year they start Reception."""

    year_group: str
    years_after_reception: int
    kind: str  # school or post16: which row of the table gives its due date


# England's usual points: early years to Reception, primary to secondary, secondary to post-16. A council
# with first, middle and upper schools corrects them in its copy of the table ("transfer_points").
DEFAULT_TRANSFER_POINTS = (TransferPoint("Reception", 0, "school"), TransferPoint("Year 7", 7, "school"),
                           TransferPoint("Year 12", 12, "post16"))


@dataclass(frozen=True, slots=True)
class Rules:
    """The whole table, with the four assessment milestones compiled to day offsets from receipt.

    ``table`` holds every row by name, the request's milestones first; ``milestones`` and ``periods``
    are the same rows as the file groups them (the milestones are those the deadlines report shows).
    """

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
    transfer_points: tuple[TransferPoint, ...] = DEFAULT_TRANSFER_POINTS
    table: dict[str, Timescale] = field(default_factory=dict)

    def milestone(self, name: str) -> Timescale:
        for m in self.milestones:
            if m.name == name:
                return m
        raise KeyError(name)

    def row(self, name: str) -> Timescale:
        """One row of the table by name."""
        found = self.table.get(name)
        if found is None:
            raise KeyError(f"the timescales table has no {name!r} row")
        return found

    def rows_of(self, belongs_to: str) -> tuple[Timescale, ...]:
        """The rows of one thing (the request, a review, an amendment, ...), in the table's order."""
        return tuple(r for r in self.table.values() if r.belongs_to == belongs_to)


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


def _timescale(raw: dict[str, Any]) -> Timescale:
    name = raw.get("name")
    if not isinstance(name, str):
        raise RulesError(f"a timescale has no name: {raw!r}")
    if not isinstance(raw.get("starts"), str | list):
        raise RulesError(f"{name}: say when its clock starts ('starts')")
    clock_events = _names(raw["starts"], name, "starts")
    if not isinstance(raw.get("period"), dict):
        raise RulesError(f"{name}: give its length ('period', in days, weeks or months)")
    counting = raw.get("counting", "within")
    if counting not in ("within", "beginning_with"):
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


def _check_clock_names(table: dict[str, Timescale]) -> None:
    """Every row starts from a known event or another row, is completed by known events, and no rows
    start from each other in a loop."""
    for row in table.values():
        for name in row.starts_from:
            if name not in table and name not in EVENT_WORDS:
                raise RulesError(f"{row.name}: starts from unknown event {name!r}")
        for name in row.completed_by:
            if name not in EVENT_WORDS:
                raise RulesError(f"{row.name}: completed by unknown event {name!r}")

    def follow(name: str, seen: tuple[str, ...]) -> None:
        if name in seen:
            raise RulesError(f"{name}: rows start from each other in a loop ({' -> '.join((*seen, name))})")
        for start in table[name].starts_from:
            if start in table:
                follow(start, (*seen, name))

    for name in table:
        follow(name, ())


def _advice_days(periods: dict[str, Timescale]) -> int:
    advice = periods.get("advice")
    if advice is None:
        raise RulesError("periods: the advice period ('advice') is missing")
    days = advice.period.fixed_days
    if days is None or days <= 0:
        raise RulesError("advice: the advice period must be a positive number of days or weeks")
    return days


def _transfer_points(raw: Any) -> tuple[TransferPoint, ...]:
    if raw is None:
        return DEFAULT_TRANSFER_POINTS
    if not isinstance(raw, list) or not raw:
        raise RulesError("transfer_points: give a list of year groups")
    points = []
    for n, entry in enumerate(raw, start=1):
        where = f"transfer_points entry {n}"
        if not isinstance(entry, dict):
            raise RulesError(f"{where}: expected an object")
        group, years, kind = entry.get("year_group"), entry.get("years_after_reception"), entry.get("kind")
        if not isinstance(group, str) or not group:
            raise RulesError(f"{where}: name its year group ('year_group')")
        if not isinstance(years, int) or not 0 <= years <= 14:
            raise RulesError(f"{group}: years_after_reception must be a whole number from 0 to 14")
        if kind not in ("school", "post16"):
            raise RulesError(f"{group}: kind must be 'school' or 'post16', not {kind!r}")
        points.append(TransferPoint(group, years, kind))
    return tuple(sorted(points, key=lambda p: p.years_after_reception))


def _effective_from(raw: dict[str, Any]) -> date:
    value = raw.get("effective_from")
    if not isinstance(value, str):
        raise RulesError("say from when the table is in force ('effective_from', YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise RulesError(f"effective_from: {value!r} is not a date (YYYY-MM-DD)") from exc


# Fields and rows added to the table since councils first copied it (version 2026.3, with plans in place).
# A council's older copy takes them from the shipped table, so it keeps loading; its own values stand.
ADDED_FIELDS = ("completed_by", "belongs_to", "due_soon_days")
# Old spellings of an event a council's copy may still use.
OLD_EVENT_NAMES: dict[str, list[str]] = {"plan_issued_or_last_review": ["plan_issued", "review_notified"]}


@cache
def _shipped_text() -> str:
    # Through the package's loader (from a zip too), not importlib.resources.files: that one loads its
    # readers and zipfile, a twentieth of the nightly report's budget, to read one file.
    data = pkgutil.get_data(__package__, "timescales.json")
    if data is None:
        raise RulesError("the shipped timescales table cannot be read from this installation")
    return data.decode("utf-8")


def _shipped_rows() -> dict[str, dict[str, dict[str, Any]]]:
    raw = json.loads(_shipped_text())
    return {group: {r["name"]: r for r in raw[group]} for group in ("milestones", "periods")}


def with_added_rows(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of a table with the fields and rows added since it was made filled in from the shipped one."""
    shipped = _shipped_rows()
    upgraded = copy.deepcopy(raw)
    for group, rows in shipped.items():
        listed = upgraded.get(group)
        if not isinstance(listed, list):
            continue
        for row in listed:
            if not isinstance(row, dict):
                continue
            if isinstance(row.get("starts"), str) and row["starts"] in OLD_EVENT_NAMES:
                row["starts"] = OLD_EVENT_NAMES[row["starts"]]
            model = rows.get(str(row.get("name")), {})
            for name in ADDED_FIELDS:
                if name not in row and name in model:
                    row[name] = copy.deepcopy(model[name])
        if group == "periods":
            present = {r.get("name") for r in listed if isinstance(r, dict)}
            listed.extend(copy.deepcopy(r) for name, r in rows.items() if name not in present)
    return upgraded


def rules_from_dict(raw: dict[str, Any], *, complete: bool = False) -> Rules:
    """The table from its JSON form. ``complete``: it is the shipped table itself, with nothing to fill in."""
    if not isinstance(raw.get("milestones"), list):
        raise RulesError("the table has no 'milestones' list")
    if not isinstance(raw.get("periods", []), list):
        raise RulesError("the table's 'periods' must be a list")
    if not complete:
        raw = with_added_rows(raw)
    milestones = tuple(row_from_dict(m) for m in raw["milestones"])
    names = tuple(m.name for m in milestones)
    if names != MILESTONE_NAMES:
        raise RulesError(f"milestones must be {MILESTONE_NAMES} in that order, not {names}")
    allowance = int(raw.get("consultation_allowance_days", 7))
    if allowance < 0:
        raise RulesError("consultation_allowance_days must not be negative")
    for m in milestones:
        if m.belongs_to != "request":
            raise RulesError(f"{m.name}: a milestone belongs to the request, not {m.belongs_to!r}")
        if not m.completed_by or not set(m.completed_by) <= set(REQUEST_EVENT_FIELDS):
            raise RulesError(f"{m.name}: a milestone is completed by what a request records "
                             f"({', '.join(REQUEST_EVENT_FIELDS)}), not {list(m.completed_by)}")
    grounds = dict(raw.get("exception_grounds", {}))
    for m in milestones:
        if not m.exception_grounds <= set(grounds):
            raise RulesError(f"{m.name}: unknown exception ground(s) {sorted(m.exception_grounds - set(grounds))}")
    periods = _periods(raw.get("periods", []), milestones)
    table = {r.name: r for r in (*milestones, *periods.values())}
    offsets = _milestone_offsets(milestones, allowance)
    _check_clock_names(table)
    return Rules(
        version=str(raw.get("version", "")),
        effective_from=_effective_from(raw),
        milestones=milestones,
        periods=periods,
        advice_days=_advice_days(periods),
        milestone_offsets=offsets,
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
        transfer_points=_transfer_points(raw.get("transfer_points")),
        table=table,
    )


def _periods(raw: list[Any], milestones: tuple[Timescale, ...]) -> dict[str, Timescale]:
    periods: dict[str, Timescale] = {}
    taken = {m.name for m in milestones}
    for entry in raw:
        if not isinstance(entry, dict):
            raise RulesError(f"periods: each row must be an object, not {entry!r}")
        row = row_from_dict(entry)
        if row.name in taken or row.name in periods:
            raise RulesError(f"{row.name}: two rows have this name")
        periods[row.name] = row
    return periods


def load_rules(path: Path | None = None) -> Rules:
    """The table shipped with the app, or a council's corrected copy at ``path``."""
    text = _shipped_text() if path is None else path.read_text("utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"timescales file is not valid JSON: {exc}") from exc
    return rules_from_dict(raw, complete=path is None)


_DEFAULT: Rules | None = None


def default_rules() -> Rules:
    """The shipped table, parsed once (it is immutable, so sharing it is safe)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_rules()
    return _DEFAULT
