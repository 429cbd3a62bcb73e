"""Children's identifiers, validated as docs/law.md#identifiers explains.

UPN checks use python-stdnum (``stdnum.gb.upn``), which implements the DfE's check letter; the NHS
number, ULN and postcode rules are short enough to state here.
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import upn as _upn


class IdentifierError(ValueError):
    """An identifier failed its format or check character/digit; the message says which."""


def normalise_upn(value: str) -> str:
    """A valid UPN in upper case, or IdentifierError (a temporary UPN ends in a letter)."""
    compact = re.sub(r"\s", "", value).upper()
    if len(compact) != 13:
        raise IdentifierError(f"a UPN has 13 characters, {value!r} has {len(compact)}")
    try:
        return str(_upn.validate(compact))
    except StdnumError as exc:
        reason = {
            "InvalidChecksum": "its check letter does not match",
            "InvalidFormat": "it is not a check letter, 11 digits and a digit or letter",
            "InvalidComponent": "its LA number is not a known local authority",
        }.get(type(exc).__name__, "it is not a valid UPN")
        raise IdentifierError(f"UPN {compact}: {reason}") from exc


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS number check digit (weights 10..2, 11 - sum mod 11; 11 -> 0; 10 means invalid)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_nhs_number(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"\d{10}", digits):
        raise IdentifierError(f"an NHS number is 10 digits, not {value!r}")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise IdentifierError(f"NHS number {digits}: its check digit does not match")
    return digits


def uln_is_valid(digits: str) -> bool:
    """ULN: 10 digits, first not 0, sum(digit x weight 10..1) mod 11 == 10."""
    if not re.fullmatch(r"[1-9]\d{9}", digits):
        return False
    return sum(int(d) * w for d, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 10


def normalise_uln(value: str) -> str:
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"[1-9]\d{9}", digits):
        raise IdentifierError(f"a ULN is 10 digits not starting with 0, not {value!r}")
    if not uln_is_valid(digits):
        raise IdentifierError(f"ULN {digits}: its check digit does not match")
    return digits


# Outward code (area, district) and inward code (sector digit, unit letters), plus GIR 0AA.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the last three characters; IdentifierError if not a postcode."""
    compact = re.sub(r"\s", "", value).upper()
    if not _POSTCODE.match(compact):
        raise IdentifierError(f"{value!r} is not a UK postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (used to make valid demo UPNs)."""
    return str(_upn.calc_check_digit(body))


def nhs_number_from(first_nine: str) -> str | None:
    """A valid NHS number from nine digits, or None where those nine have no valid check digit."""
    check = nhs_check_digit(first_nine)
    return None if check is None else first_nine + str(check)


def uln_from(first_nine: str) -> str | None:
    """A valid ULN from nine digits (first not 0), or None where no tenth digit satisfies the rule."""
    for last in "0123456789":
        if uln_is_valid(first_nine + last):
            return first_nine + last
    return None
