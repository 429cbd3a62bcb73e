"""The checks on a person's details that the new-request form, the case record's edit forms and the
tracker import share: identifiers (caseworker.identifiers), SEN2 need codes, names that a spreadsheet
would run as a formula (statutory.validation.check_names), email, phone and text that fits its column.

Each check adds a ``Problem`` named for the field it is about, so a form shows it beside that field,
and returns the value as it will be stored (a UPN in capitals, a postcode with its one space).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from caseworker.errors import Problem
from caseworker.identifiers import (
    IdentifierError,
    normalise_nhs_number,
    normalise_postcode,
    normalise_uln,
    normalise_upn,
)
from caseworker.statutory.rules import Rules
from caseworker.statutory.validation import CONTROL

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Digits with the spaces, brackets, hyphens and leading + people write them with ("01432 555 0192").
PHONE = re.compile(r"\+?[\d\s()-]+")
PHONE_DIGITS = (10, 15)  # a UK number has 10 or 11 digits; an international one (E.164) up to 15
# Why a child has no UPN, as SEN2 codes them (docs/law.md#identifiers: never invented, the reason recorded).
# The wording follows the DfE's SEN2 guide; check it against the year's guide when the return changes.
UPN_UNKNOWN_REASONS = {
    "UN1": "Aged under 6 and not yet given a UPN",
    "UN2": "Has never attended a state-funded school in England",
    "UN3": "Educated outside England",
    "UN4": "A refugee or asylum seeker not yet given a UPN",
    "UN5": "Records disagree on the name or date of birth, so the UPN cannot be matched",
    "UN8": "New to the council and the UPN is not yet known",
    "UN9": "A young person who has never attended a state-funded school in England",
    "UN10": "The request ended before the UPN was known",
}
# Titles a form offers; any other (Rev, Prof, Sir, Cllr) may be typed.
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")

Normalise = Callable[[str], str]
IDENTIFIERS: dict[str, Normalise] = {"upn": normalise_upn, "nhs_number": normalise_nhs_number,
                                     "uln": normalise_uln, "postcode": normalise_postcode}


def check_identifier(p: list[Problem], field: str, value: str | None, normalise: Normalise) -> str | None:
    """The identifier as stored (None when blank), or a problem beside ``field`` when it fails its check."""
    if value is None or not value.strip():
        return None
    try:
        return normalise(value)
    except IdentifierError as exc:
        p.append(Problem(field, str(exc)))
        return None


def check_need(p: list[Problem], field: str, code: str | None, rules: Rules, what: str = "need") -> None:
    if code and code not in rules.primary_needs:
        p.append(Problem(field, f"{code!r} is not an SEN2 {what} code"))


def check_needs(p: list[Problem], primary: str | None, secondary: str | None, rules: Rules) -> None:
    """SEN2 codes for the primary and secondary need; a secondary need is another need than the primary."""
    check_need(p, "primary_need", primary, rules, "primary need")
    check_need(p, "secondary_need", secondary, rules)
    if secondary and not primary:
        p.append(Problem("secondary_need", "give the primary need first"))
    elif secondary and secondary == primary:
        p.append(Problem("secondary_need", "the secondary need is another need than the primary one"))


def check_upn_unknown(p: list[Problem], upn: str | None, reason: str | None) -> None:
    if reason is None:
        return
    if reason not in UPN_UNKNOWN_REASONS:
        p.append(Problem("upn_unknown_reason", f"{reason!r} is not an SEN2 reason for an unknown UPN"))
    elif upn:
        p.append(Problem("upn_unknown_reason", "a UPN is given, so clear the reason it is not known"))


def check_email(p: list[Problem], field: str, value: str | None) -> str | None:
    text = (value or "").strip()
    if text and not EMAIL.fullmatch(text):
        p.append(Problem(field, "an email address looks like name@example.org"))
    return text or None


def check_phone(p: list[Problem], field: str, value: str | None) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        return None
    digits = sum(ch.isdigit() for ch in text)
    if not PHONE.fullmatch(text) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        p.append(Problem(field, f"a phone number has {PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits (spaces, "
                                "brackets, hyphens and a leading + are fine), not " + repr(text[:30])))
    return text


def check_lengths(p: list[Problem], values: Mapping[str, str | None], limits: Mapping[str, int]) -> None:
    """Text longer than its column holds, by field."""
    for field, value in values.items():
        limit = limits.get(field)
        if limit is not None and len(value or "") > limit:
            p.append(Problem(field, f"{len(value or '')} characters is too long (at most {limit})"))


def check_control(p: list[Problem], values: Mapping[str, str | None]) -> None:
    """Text (an address, an email) holding a control character no one types (a NUL no database holds)."""
    for field, value in values.items():
        if (bad := CONTROL.search(value or "")) is not None:  # tabs and line ends are fine
            p.append(Problem(field, f"holds the control character {ord(bad.group()):#04x}, which is not text anyone "
                                    "typed: retype it"))


def whole_name(forename: str | None, surname: str | None) -> str:
    """The name a contact is known by: forename and surname; the title is kept apart."""
    return " ".join(part.strip() for part in (forename, surname) if part and part.strip())
