"""The advice reg 6(1) says a council must seek before it decides to issue a plan (docs/law.md#advice).

Educational, medical (health), psychological (EP) and social care advice always; advice on preparing
for adulthood from year 9. Reg 6(4) lets the council use advice already available instead of asking
again, when the adviser, the council and the family agree it is enough: the reason is then recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

ALWAYS_REQUIRED = ("education", "health", "ep", "social_care")
PFA = "pfa"
PFA_FROM_YEAR = 9
# In England a child's year group is their age on the 31 August before the school year, less 4
# (Reception is year 0: children who turn 5 during it).
_RECEPTION_AGE = 4

REQUIRED_TITLES = {"education": "educational advice", "health": "medical (health) advice",
                   "ep": "psychological advice from an educational psychologist",
                   "social_care": "social care advice", PFA: "advice on preparing for adulthood (from year 9)"}


def school_year(date_of_birth: date, on: date) -> int:
    """The national curriculum year group a child is in on ``on`` (Reception = 0; may be negative)."""
    start_year = on.year if on.month >= 9 else on.year - 1
    age_at_start = relativedelta(date(start_year, 8, 31), date_of_birth).years
    return age_at_start - _RECEPTION_AGE


def required_advice(date_of_birth: date, on: date) -> tuple[str, ...]:
    """The kinds of advice reg 6(1) requires for a child on ``on``."""
    if school_year(date_of_birth, on) >= PFA_FROM_YEAR:
        return (*ALWAYS_REQUIRED, PFA)
    return ALWAYS_REQUIRED


def missing_advice(on_record: Iterable[str], date_of_birth: date, on: date) -> list[str]:
    """The required kinds with no advice on record: asked for, or already available under reg 6(4).

    ``on_record`` holds the kinds of advice requested (with ``"pfa"`` when an adviser was asked about
    preparing for adulthood) and the kinds recorded as already available.
    """
    have = set(on_record)
    return [kind for kind in required_advice(date_of_birth, on) if kind not in have]
