"""Reg 6(1): which advice must be on record before a decision to issue (docs/law.md#advice)."""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.statutory.required_advice import missing_advice, required_advice, school_year


@pytest.mark.parametrize(("born", "on", "year"), [
    ("2012-09-01", "2026-09-01", 9),   # oldest in the year: 13 on 31 Aug 2026, so year 9 in 2026/27
    ("2013-08-31", "2026-09-01", 9),   # youngest in the same year: 13 on 31 Aug 2026 itself
    ("2013-09-01", "2026-09-01", 8),   # oldest of the next year: 12 on 31 Aug 2026
    ("2013-09-01", "2027-08-31", 8),   # still year 8 on the last day of that school year
    ("2013-09-01", "2027-09-01", 9),
    ("2021-09-01", "2026-09-01", 0),   # Reception: turns 5 during it
    ("2024-03-14", "2026-12-02", -2),  # under school age
])
def test_school_year(born: str, on: str, year: int) -> None:
    assert school_year(date.fromisoformat(born), date.fromisoformat(on)) == year


def test_preparation_for_adulthood_is_required_from_year_9() -> None:
    assert "pfa" not in required_advice(date(2013, 9, 1), date(2027, 8, 31))
    assert "pfa" in required_advice(date(2013, 9, 1), date(2027, 9, 1))


def test_missing_advice_lists_what_is_neither_asked_for_nor_already_available() -> None:
    born, on = date(2016, 3, 14), date(2026, 12, 2)
    assert missing_advice([], born, on) == ["education", "health", "ep", "social_care"]
    assert missing_advice(["ep", "health", "other"], born, on) == ["education", "social_care"]
    assert missing_advice(["education", "health", "ep", "social_care"], born, on) == []
    assert missing_advice(["education", "health", "ep", "social_care"], date(2010, 1, 1), on) == ["pfa"]
