"""Caseload settings: the points each kind of case carries, default capacities, what a proposal protects.

The defaults are data (``defaults.toml`` beside this file). A council overrides any of them in its own
TOML file, named by ``CASEWORKER_CASELOAD_SETTINGS`` or passed as a path; keys it leaves out keep their
default. A bad file is refused with a message naming the file, the section and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from caseworker.errors import CaseworkerError

ENV_SETTINGS = "CASEWORKER_CASELOAD_SETTINGS"
DEFAULTS = Path(__file__).with_name("defaults.toml")

# Where a case stands, for its points (weights.py decides which one applies).
REQUEST = "request"
ASSESSMENT_ADVICE_OUTSTANDING = "assessment_advice_outstanding"
ASSESSMENT_ADVICE_IN = "assessment_advice_in"
DRAFTING = "drafting"
PLAN = "plan"
STATES = (REQUEST, ASSESSMENT_ADVICE_OUTSTANDING, ASSESSMENT_ADVICE_IN, DRAFTING, PLAN)
# A plan in place carries more while its work is running (added to ``plan``; weights.plan_work_points).
REVIEW_DUE = "review_due"
AMENDMENT = "amendment"
PHASE_TRANSFER = "phase_transfer"
PLAN_WORK = (REVIEW_DUE, AMENDMENT, PHASE_TRANSFER)

_SECTIONS: dict[str, tuple[str, ...]] = {
    "points": STATES + PLAN_WORK,
    "capacity": ("full_time_points", "new_starter_points", "new_starter_days"),
    "balance": ("protect_due_within_days", "protect_moved_within_days", "short_absence_working_days"),
}


class CaseloadSettingsError(CaseworkerError):
    """The caseload settings file cannot be used; the message names the file and key."""


@dataclass(frozen=True, slots=True)
class CaseloadSettings:
    points: Mapping[str, float]
    full_time_points: float
    new_starter_points: float
    new_starter_days: int
    protect_due_within_days: int
    protect_moved_within_days: int
    short_absence_working_days: int = 10
    source: str = "defaults"

    def points_for(self, state: str) -> float:
        return self.points[state]


def _number(value: Any, where: str, *, whole: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseloadSettingsError(f"{where} must be a number, not {value!r}")
    if value < 0:
        raise CaseloadSettingsError(f"{where} cannot be negative ({value})")
    if whole and int(value) != value:
        raise CaseloadSettingsError(f"{where} must be a whole number of days ({value})")
    return float(value)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise CaseloadSettingsError(f"caseload settings {path}: cannot read it ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CaseloadSettingsError(f"caseload settings {path}: not valid TOML ({exc})") from exc


def _merge(base: dict[str, dict[str, Any]], raw: Mapping[str, Any], where: str) -> None:
    for section, table in raw.items():
        keys = _SECTIONS.get(section)
        if keys is None:
            raise CaseloadSettingsError(f"{where}: unknown section [{section}] (use {', '.join(_SECTIONS)})")
        if not isinstance(table, dict):
            raise CaseloadSettingsError(f"{where}: [{section}] must be a section of keys")
        unknown = sorted(set(table) - set(keys))
        if unknown:
            raise CaseloadSettingsError(f"{where}: [{section}] has unknown key(s) {', '.join(unknown)}; "
                                        f"the keys are {', '.join(keys)}")
        base.setdefault(section, {}).update(table)


def settings_from(raw: Mapping[str, Any], where: str = "(settings)") -> CaseloadSettings:
    """Defaults overlaid with ``raw`` (parsed TOML), checked."""
    merged: dict[str, dict[str, Any]] = {}
    _merge(merged, _read(DEFAULTS), str(DEFAULTS))
    _merge(merged, raw, where)
    points = {s: _number(merged["points"].get(s), f"{where}: [points] {s}") for s in STATES + PLAN_WORK}
    cap, bal = merged["capacity"], merged["balance"]
    full = _number(cap.get("full_time_points"), f"{where}: [capacity] full_time_points")
    if full <= 0:
        raise CaseloadSettingsError(f"{where}: [capacity] full_time_points must be more than 0")
    return CaseloadSettings(
        points=MappingProxyType(points),
        full_time_points=full,
        new_starter_points=_number(cap.get("new_starter_points"), f"{where}: [capacity] new_starter_points"),
        new_starter_days=int(_number(cap.get("new_starter_days"), f"{where}: [capacity] new_starter_days",
                                     whole=True)),
        protect_due_within_days=int(_number(bal.get("protect_due_within_days"),
                                            f"{where}: [balance] protect_due_within_days", whole=True)),
        protect_moved_within_days=int(_number(bal.get("protect_moved_within_days"),
                                              f"{where}: [balance] protect_moved_within_days", whole=True)),
        short_absence_working_days=int(_number(bal.get("short_absence_working_days"),
                                               f"{where}: [balance] short_absence_working_days", whole=True)),
        source=where,
    )


def load_settings(path: Path | str | None = None) -> CaseloadSettings:
    """The council's settings: ``path``, else the file ``CASEWORKER_CASELOAD_SETTINGS`` names, else defaults."""
    chosen = path or os.environ.get(ENV_SETTINGS) or None
    if chosen is None:
        return settings_from({}, "defaults")
    p = Path(chosen)
    return settings_from(_read(p), str(p))


def default_settings() -> CaseloadSettings:
    return settings_from({}, "defaults")
