"""Is this a phone number, an email address, a postcode, a website? Checks for what a letterhead prints.

Each check returns None when the value will do, or the reason it will not, in words an administrator
can act on. They are deliberately forgiving about layout (spaces, an extension) and strict about what
would make a family's call or email go nowhere.
"""

from __future__ import annotations

import re

_PHONE = re.compile(r"\+?[\d ()-]+?(?:\s*(?:ext\.?|extension|x)\s*\d{1,6})?", re.IGNORECASE)
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*\d{1,6}$", re.IGNORECASE)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~.-]+@{_LABEL}(?:\.{_LABEL})+")
_WEBSITE = re.compile(rf"(?:https?://)?{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}(?::\d{{1,5}})?(?:/\S*)?")
_POSTCODE = re.compile(r"GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")


def phone_problem(value: str) -> str | None:
    if not _PHONE.fullmatch(value):
        return f"{value!r} is not a phone number: use digits and spaces, e.g. 01632 960000"
    digits = re.sub(r"\D", "", _EXTENSION.sub("", value))
    if value.startswith("+"):
        return None if 8 <= len(digits) <= 15 else f"{value!r} has {len(digits)} digits; an international " \
                                                      "number has 8 to 15"
    if not digits.startswith("0") or not 10 <= len(digits) <= 11:
        return f"{value!r} is not a UK phone number: it starts with 0 and has 10 or 11 digits, e.g. 01632 960000"
    return None


def email_problem(value: str) -> str | None:
    local = value.partition("@")[0]
    if not _EMAIL.fullmatch(value) or local.startswith(".") or local.endswith(".") or ".." in local:
        return f"{value!r} is not an email address, e.g. send@council.gov.uk"
    return None


def website_problem(value: str) -> str | None:
    if not _WEBSITE.fullmatch(value):
        return f"{value!r} is not a website address, e.g. www.council.gov.uk/send"
    return None


def postcode_problem(value: str) -> str | None:
    if _POSTCODE.fullmatch(value):
        return None
    squeezed = re.sub(r"\s+", "", value).upper()
    tidy = f"{squeezed[:-3]} {squeezed[-3:]}"
    if len(squeezed) > 4 and _POSTCODE.fullmatch(tidy):
        return f"write the postcode as {tidy}, in capitals with one space"
    return f"{value!r} is not a UK postcode, e.g. MF1 1AA"
