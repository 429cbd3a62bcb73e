"""Council settings as data and as a TOML file: the form they are stored in, exported and imported.

``settings_document`` is the settings without their blocks and logo, shaped exactly like the file's
sections; ``settings_toml`` writes a file that ``read_settings_file`` reads back to equal settings (the
blocks inline, the logo as a file name beside it). Written here rather than with a TOML library: the
file has a fixed shape (text, lists of text, sections), and every text value is quoted so that any
text an administrator can type comes back unchanged; the one number, the under-5s review interval in
the optional [plans] section, is a bare integer.
"""

from __future__ import annotations

import re
from typing import Any

from caseworker.letters.settings import CONTACT_KEYS, CONTACTS, CouncilSettings

COUNCIL_KEYS = ("name", "address", "postcode", "phone", "email", "website", "team", "local_offer",
                "signatory_role")
_HEADER = """\
# Council settings for letters, exported from Caseworker: the council's letterhead, the services a
# letter tells the family about, and the three paragraphs every appealable decision carries.
#
# Import it again with: caseworker settings import FILE (an admin only). Text goes in "quotes", lists
# in [square brackets]; a block may name a text file instead of holding its text. File names are
# relative to this file.
"""
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def settings_document(settings: CouncilSettings) -> dict[str, dict[str, Any]]:
    """The council's details and contacts as the file's sections (empty optional values left out)."""
    council: dict[str, Any] = {
        "name": settings.name, "address": list(settings.address_lines), "postcode": settings.postcode,
        "phone": settings.phone, "email": settings.email, "website": settings.website,
        "team": settings.team_name, "local_offer": settings.local_offer,
        "signatory_role": settings.signatory_role,
    }
    document = {"council": {k: v for k, v in council.items() if v}}
    for section in CONTACTS:
        point = settings.contact(section)
        document[section] = {k: getattr(point, k) for k in CONTACT_KEYS if getattr(point, k)}
    if settings.under_fives_review_months is not None:
        document["plans"] = {"under_fives_review_months": settings.under_fives_review_months}
    return document


def toml_string(value: str) -> str:
    """``value`` as a one-line TOML basic string that reads back exactly."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_text(value: str) -> str:
    """``value`` (a block, many lines) as a TOML multi-line string that reads back exactly.

    A literal string ('''...''') keeps the text as it is typed, with nothing escaped; text it cannot
    hold (three quotes in a row, a quote at the end, control characters) is written as a basic string
    with escapes instead.
    """
    literal_ok = ("'''" not in value and not value.endswith("'")
                  and not any((ord(ch) < 0x20 and ch not in "\t\n") or ord(ch) == 0x7F for ch in value))
    if literal_ok:
        return "'''\n" + value + "'''"
    return toml_string(value)


def _value(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a number of months: a TOML integer
    if isinstance(value, list):
        return "[" + ", ".join(toml_string(v) for v in value) + "]"
    return toml_string(str(value))


def settings_toml(settings: CouncilSettings, logo_file: str | None = None) -> str:
    """The settings as a TOML file; ``logo_file`` names the logo written beside it (None: no logo)."""
    document = settings_document(settings)
    if logo_file is not None:
        document["council"]["logo"] = logo_file
    lines = [_HEADER]
    for section, values in document.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_value(value)}" for key, value in values.items()]
        lines.append("")
    for name, text in settings.blocks.items():
        lines.append(f"[blocks.{name if _BARE_KEY.fullmatch(name) else toml_string(name)}]")
        lines.append(f"text = {toml_text(text)}")
        lines.append("")
    return "\n".join(lines)
