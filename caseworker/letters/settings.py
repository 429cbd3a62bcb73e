"""The council's branding, contacts and appealable-decision blocks, loaded from one TOML file.

An administrator edits the file (``resources/letters/council.sample.toml`` shows every key); no code
changes. The three mandatory blocks (appeal rights, mediation, SENDIASS) are Jinja2 text files the
settings file names; a council whose file lacks one cannot make a letter at all, so an appealable
letter can never go out without them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from caseworker.letters.errors import MandatoryBlocksMissing, SettingsError
from caseworker.letters.resources import sample_council_file

MANDATORY_BLOCKS = ("appeal_rights", "mediation", "sendiass")


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """A service a letter tells the family about: who, and how to reach them."""

    name: str
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class CouncilSettings:
    name: str
    address_lines: tuple[str, ...]
    postcode: str
    phone: str
    email: str
    website: str
    team_name: str
    mediation_adviser: ContactPoint
    la_mediation: ContactPoint
    disagreement_resolution: ContactPoint
    sendiass: ContactPoint
    tribunal: ContactPoint
    blocks: Mapping[str, str]
    local_offer: str = ""
    signatory_role: str = "SEND Caseworker"
    logo: Path | None = None
    source: str = field(default="(settings)", compare=False)

    def __post_init__(self) -> None:
        missing = [b for b in MANDATORY_BLOCKS if not str(self.blocks.get(b, "")).strip()]
        if missing:
            raise MandatoryBlocksMissing(
                f"{self.source}: the appealable-decision block(s) {', '.join(missing)} are missing or empty; "
                "every appealable letter must carry them")
        object.__setattr__(self, "blocks", MappingProxyType(dict(self.blocks)))


def _table(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: the [{key}] section is missing")
    return value


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise SettingsError(f"{where} {key} must be text in quotes, not {value!r}")
    if required and not value.strip():
        raise SettingsError(f"{where} {key} is missing or empty")
    return value.strip()


_CONTACT_KEYS = frozenset({"name", "phone", "email", "website", "address"})


def _contact(raw: Mapping[str, Any], section: str, where: str, needs: tuple[str, ...]) -> ContactPoint:
    table = _table(raw, section, where)
    unknown = sorted(set(table) - _CONTACT_KEYS)
    if unknown:
        raise SettingsError(f"{where}: [{section}] has unknown key(s) {', '.join(unknown)}")
    here = f"{where}: [{section}]"
    values = {k: _text(table, k, here, required=False) for k in _CONTACT_KEYS}
    for key in needs:
        if not values[key]:
            raise SettingsError(f"{here} {key} is missing or empty")
    if not (values["phone"] or values["email"] or values["website"]):
        raise SettingsError(f"{here} give at least a phone number, an email address or a website")
    return ContactPoint(**values)


def _blocks(raw: Mapping[str, Any], base: Path, where: str) -> dict[str, str]:
    table = raw.get("blocks")
    if not isinstance(table, dict):
        raise MandatoryBlocksMissing(f"{where}: the [blocks] section naming {', '.join(MANDATORY_BLOCKS)} is missing")
    texts: dict[str, str] = {}
    for name, value in table.items():
        if not isinstance(value, str):
            raise SettingsError(f"{where}: [blocks] {name} must be a file name in quotes")
        path = (base / value) if not Path(value).is_absolute() else Path(value)
        try:
            texts[name] = path.read_text("utf-8")
        except OSError as exc:
            raise MandatoryBlocksMissing(f"{where}: [blocks] {name}: cannot read {path} ({exc.strerror})") from exc
    missing = [b for b in MANDATORY_BLOCKS if not texts.get(b, "").strip()]
    if missing:
        raise MandatoryBlocksMissing(f"{where}: [blocks] {', '.join(missing)} missing or empty; "
                                     "every appealable letter must carry them")
    return texts


def settings_from_dict(raw: Mapping[str, Any], base: Path, where: str = "(settings)") -> CouncilSettings:
    """Build settings from parsed TOML; file names in it are relative to ``base``."""
    council = _table(raw, "council", where)
    here = f"{where}: [council]"
    address = council.get("address")
    if not isinstance(address, list) or not address or not all(isinstance(a, str) and a.strip() for a in address):
        raise SettingsError(f"{here} address must be a list of lines, e.g. [\"County Hall\", \"Marchford\"]")
    logo_name = _text(council, "logo", here, required=False)
    logo = None
    if logo_name:
        logo = base / logo_name if not Path(logo_name).is_absolute() else Path(logo_name)
        if logo.suffix.lower() != ".png" or not logo.is_file():
            raise SettingsError(f"{here} logo: {logo} is not a PNG file that exists")
    return CouncilSettings(
        name=_text(council, "name", here),
        address_lines=tuple(a.strip() for a in address),
        postcode=_text(council, "postcode", here),
        phone=_text(council, "phone", here),
        email=_text(council, "email", here),
        website=_text(council, "website", here, required=False),
        team_name=_text(council, "team", here),
        local_offer=_text(council, "local_offer", here, required=False),
        signatory_role=_text(council, "signatory_role", here, required=False) or "SEND Caseworker",
        logo=logo,
        mediation_adviser=_contact(raw, "mediation_adviser", where, ("name",)),
        la_mediation=_contact(raw, "la_mediation", where, ("name",)),
        disagreement_resolution=_contact(raw, "disagreement_resolution", where, ("name",)),
        sendiass=_contact(raw, "sendiass", where, ("name",)),
        tribunal=_contact(raw, "tribunal", where, ("name", "website")),
        blocks=_blocks(raw, base, where),
        source=where,
    )


def load_council_settings(path: Path | None = None) -> CouncilSettings:
    """The council's settings file, or the shipped sample (a fictional council) when ``path`` is None."""
    path = path or sample_council_file()
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read the council settings ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name}: not valid TOML: {exc}") from exc
    settings = settings_from_dict(raw, path.parent, path.name)
    from caseworker.letters.jinja import compile_text  # here, not at the top: the template language reads facts

    for name, text in settings.blocks.items():
        compile_text(text, f"{path.name}: block {name}")
    return settings
