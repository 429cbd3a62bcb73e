"""The fields of a staff record as a person types them (on the command line, in a CSV file, in the Staff
page's form), each read into its stored value or refused with a reason naming what is wrong.

One reader per field, shared by every way in, so `staff set`, `staff import` and the window accept and
refuse exactly the same things.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from caseworker.dates_typed import UnreadableDate, read_typed_date
from caseworker.errors import Problem, ValidationError
from caseworker.store.models import ROLES

# The import file's columns and the options of `staff set`, in the order people read them.
FIELDS = ("username", "display_name", "title", "job_title", "email", "phone", "role", "team", "fte",
          "start_date", "active")
# What each field is called in a sentence (and beside the form's fields).
LABELS = {"username": "username", "display_name": "name", "title": "title", "job_title": "job title",
          "email": "email", "phone": "phone", "role": "role", "team": "team", "fte": "FTE",
          "start_date": "start date", "active": "active"}
# The Staff model's attribute for a field whose name differs (the file says start_date, as people do).
COLUMN = {"start_date": "started_on"}

# PostgreSQL's limit on a role (login) name is 63 bytes; the staff username is the login (issue 14).
LOGIN_MAX = 63
_LOGIN = re.compile(r"[a-z_][a-z0-9_.\-]*", re.ASCII)
# Names PostgreSQL keeps for itself: no login can have them.
_RESERVED_LOGINS = frozenset({"public", "none", "current_user", "current_role", "session_user", "user",
                              "all"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[0-9+() \-]+")
EARLIEST_START = date(1970, 1, 1)
_YES = frozenset({"yes", "y", "true", "1", "active"})
_NO = frozenset({"no", "n", "false", "0", "inactive"})
_LENGTHS = {"display_name": 200, "title": 20, "job_title": 100, "email": 200, "phone": 50, "team": 100}


class FieldRefused(ValueError):
    """A typed value a field cannot take; the message is the plain reason."""


def read_username(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise FieldRefused("give a username (the person's database login)")
    if len(text.encode()) > LOGIN_MAX:
        raise FieldRefused(f"{text!r} is longer than the {LOGIN_MAX} characters a database login can have")
    if not _LOGIN.fullmatch(text.lower()):
        raise FieldRefused(f"{text!r} is not a database login name: start with a letter and use only letters, "
                           "digits, '_', '.' and '-' (no spaces)")
    if text != text.lower():
        raise FieldRefused(f"{text!r} has capital letters: use {text.lower()!r} (a database login in capitals "
                           "has to be quoted every time it is typed)")
    if text.startswith("pg_") or text in _RESERVED_LOGINS:
        raise FieldRefused(f"{text!r} is a name PostgreSQL keeps for itself; choose another")
    return text


def _text(field: str, required: bool = False) -> Callable[[Any], str | None]:
    def read(value: Any) -> str | None:
        text = " ".join(str(value or "").split())
        if not text:
            if required:
                raise FieldRefused(f"give the person's {LABELS[field]}")
            return None
        if len(text) > _LENGTHS[field]:
            raise FieldRefused(f"at most {_LENGTHS[field]} characters (this is {len(text)})")
        return text
    return read


def read_email(value: Any) -> str | None:
    text = _text("email")(value)
    if text is not None and not _EMAIL.fullmatch(text):
        raise FieldRefused(f"{text!r} is not an email address (name@council.gov.uk)")
    return text


def read_phone(value: Any) -> str | None:
    text = _text("phone")(value)
    if text is not None and (not _PHONE.fullmatch(text) or not any(c.isdigit() for c in text)):
        raise FieldRefused(f"{text!r} is not a phone number: digits, spaces, '+', '-' and brackets only")
    return text


def read_role(value: Any) -> str:
    text = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if text not in ROLES:
        raise FieldRefused(f"{str(value).strip()!r} is not a role; use one of {', '.join(ROLES)}")
    return text


def read_fte(value: Any) -> float:
    if isinstance(value, bool):
        raise FieldRefused("give the FTE as a number, for example 0.6")
    try:
        fte = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise FieldRefused(f"{str(value).strip()!r} is not a number: give the FTE as, for example, 0.6") from None
    if not 0 < fte <= 1:
        raise FieldRefused(f"{fte:g} is outside 0 to 1: full time is 1, three days a week is 0.6")
    return round(fte, 3)


def read_start_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            day = date.fromisoformat(text)  # 2025-09-01, as the export and scripts write it
        except ValueError:
            try:
                day = read_typed_date(text, EARLIEST_START)  # 01/09/2025, as spreadsheets show it
            except UnreadableDate as exc:
                raise FieldRefused(f"{text!r}: {exc.reason}") from None
    if day is not None and not EARLIEST_START <= day <= date(2100, 12, 31):
        raise FieldRefused(f"{day.isoformat()} is not a plausible start date: check the year")
    return day


def read_active(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FieldRefused(f"{str(value).strip()!r}: say yes or no")


READERS: dict[str, Callable[[Any], Any]] = {
    "username": read_username, "display_name": _text("display_name", required=True),
    "title": _text("title"), "job_title": _text("job_title"), "email": read_email, "phone": read_phone,
    "role": read_role, "team": _text("team"), "fte": read_fte, "start_date": read_start_date,
    "active": read_active,
}


def read_fields(given: Mapping[str, Any]) -> dict[str, Any]:
    """Every given field read into its stored value; ValidationError naming each field refused."""
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise ValidationError([Problem(name, f"there is no staff field {name!r}; the fields are "
                                             f"{', '.join(FIELDS)}") for name in unknown])
    values, problems = {}, []
    for name, value in given.items():
        try:
            values[name] = READERS[name](value)
        except FieldRefused as exc:
            problems.append(Problem(name, str(exc)))
    if problems:
        raise ValidationError(problems)
    return values


def column(field: str) -> str:
    return COLUMN.get(field, field)


__all__ = ["COLUMN", "FIELDS", "LABELS", "LOGIN_MAX", "READERS", "ROLES", "FieldRefused", "column", "read_fields"]
