"""Capacity, utilisation and bands.

Capacity is in points on a given day: the person's own figure if one is recorded, else the council's
default scaled by FTE (a lower default for a new starter); zero on any day of an absence. Utilisation
is load / capacity; someone with no capacity who still holds work has unbounded utilisation
(``math.inf``), which the reports show as "no capacity" rather than a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from caseworker.caseload.settings import CaseloadSettings

UNDER, OK, OVER, CRITICAL = "under", "ok", "over", "critical"
BANDS = (UNDER, OK, OVER, CRITICAL)
# The bands' edges: under < 85% <= ok <= 100% < over <= 110% < critical.
OK_FROM, OVER_ABOVE, CRITICAL_ABOVE = 0.85, 1.00, 1.10
BAND_WORDS = {UNDER: "under", OK: "ok", OVER: "over", CRITICAL: "critical"}
# Roles whose capacity defaults to the council's figure; others (team leads, admins) hold cases only
# if they have a capacity of their own recorded.
CASE_HOLDING_ROLES = frozenset({"caseworker"})


@dataclass(frozen=True, slots=True)
class Absence:
    starts: date
    ends: date  # inclusive
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


@dataclass(frozen=True, slots=True)
class StaffFacts:
    """One member of staff as the caseload needs them (no database)."""

    id: int
    username: str
    display_name: str
    role: str = "caseworker"
    team: str = ""
    fte: float = 1.0
    capacity_points: float | None = None  # their own figure, when the team lead recorded one
    started_on: date | None = None
    active: bool = True
    absences: tuple[Absence, ...] = field(default=())

    def absence_on(self, day: date) -> Absence | None:
        return next((a for a in self.absences if a.covers(day)), None)

    def is_new_starter(self, day: date, settings: CaseloadSettings) -> bool:
        return self.started_on is not None and 0 <= (day - self.started_on).days < settings.new_starter_days

    @property
    def can_hold_cases(self) -> bool:
        return self.active and self.role != "read_only"


def capacity_on(staff: StaffFacts, day: date, settings: CaseloadSettings) -> float:
    """Points this person can hold on ``day`` (0 when absent or inactive)."""
    if not staff.can_hold_cases or staff.absence_on(day) is not None:
        return 0.0
    if staff.capacity_points is not None:
        return max(0.0, staff.capacity_points)
    if staff.role not in CASE_HOLDING_ROLES:
        return 0.0
    per_fte = settings.new_starter_points if staff.is_new_starter(day, settings) else settings.full_time_points
    return per_fte * max(0.0, staff.fte)


def utilisation(load: float, capacity: float) -> float:
    """Load as a fraction of capacity (1.0 = at capacity); unbounded when work is held with no capacity."""
    if capacity > 0:
        return load / capacity
    return math.inf if load > 0 else 0.0


def band(util: float) -> str:
    if util < OK_FROM:
        return UNDER
    if util <= OVER_ABOVE:
        return OK
    if util <= CRITICAL_ABOVE:
        return OVER
    return CRITICAL


def percent(util: float) -> str:
    """Utilisation as people read it: "124%", or "no capacity" when unbounded."""
    return "no capacity" if math.isinf(util) else f"{util * 100:.0f}%"


def fraction_or_none(util: float) -> float | None:
    """For JSON: the fraction, or None when unbounded (JSON has no infinity)."""
    return None if math.isinf(util) else round(util, 4)
