"""The main correspondent: the school-age rule (docs/law.md#letters), by worked examples and properties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from caseworker.letters.correspondent import end_of_compulsory_school_age, main_correspondent_id


@dataclass(frozen=True)
class C:
    id: int
    role: str
    address: str = "1 High Street\nHereford"
    main_correspondent: bool = False


@pytest.mark.parametrize(("born", "ends"), [
    (date(2008, 5, 4), date(2024, 6, 28)),   # turns 16 in May 2024: last Friday of June 2024
    (date(2008, 8, 31), date(2024, 6, 28)),  # the youngest in the year: 16 after the end date, same June
    (date(2008, 9, 1), date(2025, 6, 27)),   # the oldest in the next year: turns 16 in Sept 2024, leaves June 2025
    (date(2009, 7, 15), date(2025, 6, 27)),  # turns 16 in the summer holiday, after the last Friday
    (date(2008, 2, 29), date(2024, 6, 28)),  # a leap-day birthday
])
def test_end_of_compulsory_school_age_worked_examples(born: date, ends: date) -> None:
    assert end_of_compulsory_school_age(born) == ends


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_it_is_the_last_friday_in_june_when_the_child_is_15_or_16(born: date) -> None:
    ends = end_of_compulsory_school_age(born)
    assert ends.weekday() == 4 and ends.month == 6 and (ends + timedelta(days=7)).month == 7
    assert relativedelta(ends, born).years in (15, 16)
    # The school year (1 Sept to 31 Aug) that holds the 16th birthday is the one this June ends.
    sixteenth = born + relativedelta(years=16)
    assert date(ends.year - 1, 9, 1) <= sixteenth <= date(ends.year, 8, 31)


BORN = date(2008, 5, 4)
FAMILY = [C(1, "parent", main_correspondent=True), C(2, "carer"), C(3, "young_person")]


def test_before_school_age_ends_the_marked_parent_is_written_to() -> None:
    assert main_correspondent_id(FAMILY, BORN, False, date(2024, 6, 27)) == 1


def test_after_school_age_ends_the_young_person_is_written_to_unless_they_ask_otherwise() -> None:
    assert main_correspondent_id(FAMILY, BORN, False, date(2024, 6, 28)) == 3
    assert main_correspondent_id(FAMILY, BORN, True, date(2024, 6, 28)) == 1


def test_someone_with_no_address_is_never_the_main_correspondent() -> None:
    family = [C(1, "parent", address="", main_correspondent=True), C(2, "carer")]
    assert main_correspondent_id(family, BORN, False, date(2020, 1, 1)) == 2
    assert main_correspondent_id([C(1, "parent", address=" ")], BORN, False, date(2020, 1, 1)) is None


@given(st.lists(st.tuples(st.sampled_from(["parent", "carer", "young_person", "other"]), st.booleans(),
                          st.booleans()), max_size=5),
       st.booleans(), st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 1, 1)))
def test_there_is_at_most_one_and_it_can_be_written_to(people: list[tuple[str, bool, bool]], to_parent: bool,
                                                       today: date) -> None:
    contacts = [C(i, role, "1 High Street" if has_address else "", marked)
                for i, (role, has_address, marked) in enumerate(people, 1)]
    chosen = main_correspondent_id(contacts, BORN, to_parent, today)
    writable = [c for c in contacts if c.address]
    if not any(c.role in ("parent", "carer", "young_person") or c.main_correspondent for c in writable):
        assert chosen is None or any(c.id == chosen for c in writable)
    else:
        assert chosen in {c.id for c in writable}
