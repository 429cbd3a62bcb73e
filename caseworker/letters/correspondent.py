"""Who a case's letters go to by default: its one main correspondent.

docs/law.md#letters: from the end of compulsory school age (the last Friday in June of the
school year in which the child turns 16) the young person is the main correspondent unless they
have asked for letters to go to their parent; before that it is the contact the team recorded as
main correspondent (or, if none is marked, the first parent or carer with a postal address).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

FRIDAY = 4
FAMILY_ROLES = ("parent", "carer")


class ContactLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def main_correspondent(self) -> bool: ...


def end_of_compulsory_school_age(date_of_birth: date) -> date:
    """The last Friday in June of the school year (1 September to 31 August) in which the child turns 16."""
    sixteenth = _birthday(date_of_birth, 16)
    year = sixteenth.year if sixteenth.month < 9 else sixteenth.year + 1
    last_of_june = date(year, 6, 30)
    return last_of_june - timedelta(days=(last_of_june.weekday() - FRIDAY) % 7)


def _birthday(born: date, age: int) -> date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February: the birthday falls on 1 March in other years
        return date(born.year + age, 3, 1)


def past_compulsory_school_age(date_of_birth: date, today: date) -> bool:
    return today >= end_of_compulsory_school_age(date_of_birth)


def main_correspondent_id(contacts: Sequence[ContactLike], date_of_birth: date, letters_to_parent: bool,
                          today: date) -> int | None:
    """The id of the contact a letter to "the family" goes to, or None when no contact can be written to."""
    writable = [c for c in contacts if c.address.strip()]
    young_person = next((c for c in writable if c.role == "young_person"), None)
    if young_person is not None and not letters_to_parent and past_compulsory_school_age(date_of_birth, today):
        return young_person.id
    marked = next((c for c in writable if c.main_correspondent and c.role != "young_person"), None)
    if marked is None and young_person is not None and young_person.main_correspondent and not letters_to_parent:
        marked = young_person
    if marked is not None:
        return marked.id
    family = next((c for c in writable if c.role in FAMILY_ROLES), None)
    if family is not None:
        return family.id
    return young_person.id if young_person is not None else None
