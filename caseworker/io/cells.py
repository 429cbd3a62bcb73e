"""Turning one spreadsheet cell into a typed value, or a plain reason why it cannot be.

A cell arrives as text (CSV, or a text cell in .xlsx), or as a number, a boolean or a datetime (an
.xlsx cell). Blank cells are ``None`` before they reach these functions. Every parser raises
``CellError`` with a reason a council officer can act on; the caller adds the row and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from caseworker.identifiers import (
    IdentifierError,
    normalise_nhs_number,
    normalise_postcode,
    normalise_uln,
    normalise_upn,
)
from caseworker.statutory.validation import CONTROL

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
DIGITS = re.compile(r"\d+")

YES = frozenset({"yes", "y", "true"})
NO = frozenset({"no", "n", "false"})
DATE_FORMATS = "use 2025-01-06 or 06/01/2025 (day first)"


class CellError(ValueError):
    """A cell's value cannot be used; the message is the reason."""


def cell_text(value: Any) -> str | None:
    """A cell as text, ``None`` when blank. Whole numbers lose Excel's ``.0``; datetimes become dates."""
    if value is None:
        return None
    if type(value) is str:
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _real_date(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"{shown!r} is not a real date") from None


def parse_date(value: Any) -> date:
    """ISO ``2025-01-06``, UK ``06/01/2025`` or ``6/1/2025`` (always day first), or an Excel date cell."""
    if type(value) is str:
        text = value.strip()
        if len(text) == 10 and ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise CellError(f"{text!r} is not a real date") from None
        m = UK_DATE.fullmatch(text)
        if m:
            return _real_date(int(m[3]), int(m[2]), int(m[1]), text)
        raise CellError(f"{text!r} is not a date: {DATE_FORMATS}")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(f"{cell_text(value)!r} is a number, not a date: format the cell as a date, "
                        f"or {DATE_FORMATS}")
    raise CellError(f"{cell_text(value)!r} is not a date: {DATE_FORMATS}")


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = (cell_text(value) or "").lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"{cell_text(value)!r} is not yes or no")


def parse_text(value: Any, limit: int) -> str:
    text = cell_text(value) or ""
    if len(text) > limit:
        raise CellError(f"{len(text)} characters is too long (at most {limit})")
    if (bad := CONTROL.search(text)) is not None:
        raise CellError(f"holds the control character {ord(bad.group()):#04x} (not text anyone typed): retype "
                        "the value")
    return text


def _identifier(normalise: Any, value: Any) -> str:
    try:
        return str(normalise(cell_text(value) or ""))
    except IdentifierError as exc:
        raise CellError(str(exc)) from None


def parse_upn(value: Any) -> str:
    return _identifier(normalise_upn, value)


def parse_nhs_number(value: Any) -> str:
    return _identifier(normalise_nhs_number, value)


def parse_uln(value: Any) -> str:
    return _identifier(normalise_uln, value)


def parse_postcode(value: Any) -> str:
    return _identifier(normalise_postcode, value)


def parse_email(value: Any, limit: int) -> str:
    text = parse_text(value, limit)
    if not EMAIL.fullmatch(text):
        raise CellError(f"{text!r} is not an email address")
    return text


def parse_urn(value: Any, limit: int) -> str:
    text = cell_text(value) or ""
    if not DIGITS.fullmatch(text) or len(text) > limit:
        raise CellError(f"{text!r} is not a school URN (a number of up to {limit} digits)")
    return text


def parse_code(value: Any, codes: dict[str, str], what: str) -> str:
    """One of ``codes`` (keys in canonical spelling), matched ignoring case, spaces and hyphens."""
    text = cell_text(value) or ""
    key = re.sub(r"[\s\-]+", "_", text.strip("() ")).lower()
    found = codes.get(key)
    if found is None:
        shown = ", ".join(dict.fromkeys(codes.values()))
        raise CellError(f"{text!r} is not {what} (use one of: {shown})")
    return found


def code_lookup(codes: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Lower-cased spelling -> canonical code, for ``parse_code``."""
    return {c.lower(): c for c in codes}
