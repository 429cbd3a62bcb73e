"""The council's branding, contacts and appealable-decision blocks: the one set of rules for them.

They are stored in the database and edited in the Settings dialog (caseworker.services.council_settings);
a TOML file (``resources/letters/council.sample.toml`` shows every key) is their import and export
format, and is still read directly by a database that stores none. Whatever their source, they pass
through ``settings_from_dict`` here, which reports every problem at once, each under the field it
concerns ("council.phone", "sendiass.email", "blocks.mediation").

The three mandatory blocks (appeal rights, mediation, SENDIASS) are Jinja2 text, named as files or
given inline; settings lacking one cannot make a letter at all, so an appealable letter can never go
out without them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from caseworker.letters.errors import MandatoryBlocksMissing, SettingsError
from caseworker.letters.logo import Logo, LogoRefused, check_logo
from caseworker.letters.plausible import email_problem, phone_problem, postcode_problem, website_problem
from caseworker.letters.resources import sample_council_file

MANDATORY_BLOCKS = ("appeal_rights", "mediation", "sendiass")
CONTACTS = ("mediation_adviser", "la_mediation", "disagreement_resolution", "sendiass", "tribunal")
CONTACT_KEYS = ("name", "phone", "email", "website", "address")
DEFAULT_SIGNATORY = "SEND Caseworker"
Check = Callable[[str], str | None]
MISSING: Mapping[str, Any] = MappingProxyType({})  # a section that is not there at all


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
    signatory_role: str = DEFAULT_SIGNATORY
    logo: Logo | None = None
    # How often a young child's plan is reviewed, in months (CoP 9.178 suggests 3 to 6; None: the table's
    # 6). Guidance for the plan schedule, never a breach; kept with the letter settings, one per council.
    under_fives_review_months: int | None = None
    source: str = field(default="(settings)", compare=False)

    def __post_init__(self) -> None:
        missing = [b for b in MANDATORY_BLOCKS if not str(self.blocks.get(b, "")).strip()]
        if missing:
            raise MandatoryBlocksMissing(
                f"{self.source}: the appealable-decision block(s) {', '.join(missing)} are missing or empty; "
                "every appealable letter must carry them")
        object.__setattr__(self, "blocks", MappingProxyType(dict(self.blocks)))

    def contact(self, section: str) -> ContactPoint:
        if section not in CONTACTS:
            raise KeyError(section)
        point: ContactPoint = getattr(self, section)
        return point


@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """One thing wrong with the settings: the field ("council.phone", "sendiass") and why, in plain words."""

    field: str
    reason: str
    block: bool = False  # a mandatory block is missing: no letter can be made at all


class _Reader:
    """Reads the settings' sections, noting every problem rather than stopping at the first."""

    def __init__(self, raw: Mapping[str, Any], base: Path, where: str) -> None:
        self.raw, self.base, self.where = raw, base, where
        self.problems: list[SettingsProblem] = []

    def problem(self, section: str, key: str, reason: str, *, block: bool = False) -> None:
        self.problems.append(SettingsProblem(f"{section}.{key}" if key else section, reason, block))

    def table(self, section: str) -> Mapping[str, Any]:
        """The section, or MISSING (its absence noted once, not again for each of its keys)."""
        value = self.raw.get(section)
        if not isinstance(value, Mapping):
            self.problem(section, "", "section is missing")
            return MISSING
        return value

    def text(self, table: Mapping[str, Any], section: str, key: str, *, required: bool = True,
             check: Check | None = None) -> str:
        given = table.get(key, "")
        if table is MISSING:
            return ""
        if not isinstance(given, str):
            self.problem(section, key, f"must be text in quotes, not {given!r}")
            return ""
        value = given.strip()
        if required and not value:
            self.problem(section, key, "missing or empty")
        elif value and check is not None and (reason := check(value)):
            self.problem(section, key, reason)
        return value

    def fail(self) -> None:
        """Raise the problems found, if any, as one error naming the file and each key."""
        if not self.problems:
            return
        lines = [f"[{p.field.partition('.')[0]}] " + (f"{p.field.partition('.')[2]}: " if "." in p.field else "")
                 + p.reason for p in self.problems]
        kind = MandatoryBlocksMissing if any(p.block for p in self.problems) else SettingsError
        raise kind(f"{self.where}: " + "; ".join(lines), problems=self.problems)


def _contact(reader: _Reader, section: str, needs: tuple[str, ...]) -> ContactPoint:
    table = reader.table(section)
    if table is MISSING:
        return ContactPoint("")
    unknown = sorted(set(table) - set(CONTACT_KEYS))
    if unknown:
        reader.problem(section, "", f"has unknown key(s) {', '.join(unknown)}")
    checks: dict[str, Check] = {"phone": phone_problem, "email": email_problem, "website": website_problem}
    values = {k: reader.text(table, section, k, required=k in needs, check=checks.get(k)) for k in CONTACT_KEYS}
    ways = ("phone", "email", "website")
    if values["name"] and not set(ways) & set(needs) and not any(values[k] for k in ways):
        reader.problem(section, "", "give at least a phone number, an email address or a website")
    return ContactPoint(**values)


def _block_text(reader: _Reader, name: str, value: object) -> str | None:
    """A block given inline (``{text = "..."}``) or as a file name relative to the settings file."""
    if isinstance(value, Mapping):
        text = value.get("text")
        if set(value) != {"text"} or not isinstance(text, str):
            reader.problem("blocks", name, 'give the block as text = """...""" (and nothing else) or as a file name')
            return None
        return text
    if not isinstance(value, str):
        reader.problem("blocks", name, "must be a file name in quotes")
        return None
    path = reader.base / value if not Path(value).is_absolute() else Path(value)
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        reader.problem("blocks", name, f"cannot read {path} ({exc.strerror})", block=True)
    except UnicodeDecodeError:
        reader.problem("blocks", name, f"{path} is not UTF-8 text")
    return None


def _blocks(reader: _Reader) -> dict[str, str]:
    table = reader.raw.get("blocks")
    if not isinstance(table, Mapping):
        reader.problem("blocks", "", f"section (naming {', '.join(MANDATORY_BLOCKS)}) is missing",
                       block=True)
        return {}
    texts = {name: text for name, value in table.items() if (text := _block_text(reader, name, value)) is not None}
    for name in MANDATORY_BLOCKS:
        if name in table and name in texts and not texts[name].strip():
            reader.problem("blocks", name, "empty: every appealable letter must carry it", block=True)
        elif name not in table:
            reader.problem("blocks", name, "missing: every appealable letter must carry it", block=True)
    return texts


def _logo(reader: _Reader, council: Mapping[str, Any]) -> Logo | None:
    """The logo as given in the dialog (a Logo), or read from the file the settings name."""
    value = council.get("logo")
    if value is None or isinstance(value, Logo):
        return value
    if not isinstance(value, str):
        reader.problem("council", "logo", f"must be a file name in quotes, not {value!r}")
        return None
    if not value.strip():
        return None
    path = reader.base / value.strip() if not Path(value.strip()).is_absolute() else Path(value.strip())
    try:
        return check_logo(path.read_bytes())
    except OSError as exc:
        reader.problem("council", "logo", f"cannot read {path} ({exc.strerror})")
    except LogoRefused as exc:
        reader.problem("council", "logo", f"{path.name}: {exc}")
    return None


def _address(reader: _Reader, council: Mapping[str, Any]) -> tuple[str, ...]:
    address = council.get("address")
    if council is MISSING:
        return ()
    if address is None or address == [] or address == "":
        reader.problem("council", "address", "missing or empty")
        return ()
    if not isinstance(address, list) or not address or not all(isinstance(a, str) and a.strip() for a in address):
        reader.problem("council", "address", 'must be a list of lines, e.g. ["County Hall", "Marchford"]')
        return ()
    return tuple(a.strip() for a in address)


PLANS_KEYS = ("under_fives_review_months",)
UNDER_FIVES_MONTHS = range(1, 13)


def _plans(reader: _Reader) -> int | None:
    """The optional [plans] section: how often a young child's plan is reviewed (whole months, 1 to 12)."""
    table = reader.raw.get("plans", MISSING)
    if not isinstance(table, Mapping):
        reader.problem("plans", "", "must be a section of settings")
        return None
    unknown = sorted(set(table) - set(PLANS_KEYS))
    if unknown:
        reader.problem("plans", "", f"has unknown key(s) {', '.join(unknown)}")
    given = table.get("under_fives_review_months")
    if given is None or (isinstance(given, str) and not given.strip()):
        return None
    if isinstance(given, str) and given.strip().isdigit():
        given = int(given.strip())
    if isinstance(given, bool) or not isinstance(given, int) or given not in UNDER_FIVES_MONTHS:
        reader.problem("plans", "under_fives_review_months",
                       f"must be a whole number of months from 1 to 12 (the Code of Practice suggests 3 to 6), "
                       f"not {given!r}")
        return None
    return given


def settings_from_dict(raw: Mapping[str, Any], base: Path, where: str = "(settings)") -> CouncilSettings:
    """Build settings from parsed TOML (or the dialog's fields); file names in it are relative to ``base``.

    Every problem is found before any is reported: SettingsError (MandatoryBlocksMissing when a
    mandatory block is absent) carries them all in ``problems``.
    """
    reader = _Reader(raw, base, where)
    council = reader.table("council")
    read = reader.text
    address = _address(reader, council)
    name, team = read(council, "council", "name"), read(council, "council", "team")
    postcode = read(council, "council", "postcode", check=postcode_problem)
    phone = read(council, "council", "phone", check=phone_problem)
    email = read(council, "council", "email", check=email_problem)
    website = read(council, "council", "website", required=False, check=website_problem)
    local_offer = read(council, "council", "local_offer", required=False, check=website_problem)
    signatory_role = read(council, "council", "signatory_role", required=False) or DEFAULT_SIGNATORY
    logo = _logo(reader, council)
    contacts = {c: _contact(reader, c, ("name", "website") if c == "tribunal" else ("name",)) for c in CONTACTS}
    blocks = _blocks(reader)
    under_fives = _plans(reader)
    reader.fail()
    return CouncilSettings(
        name=name, address_lines=address, postcode=postcode, phone=phone, email=email, website=website,
        team_name=team, local_offer=local_offer, signatory_role=signatory_role, logo=logo, blocks=blocks,
        mediation_adviser=contacts["mediation_adviser"], la_mediation=contacts["la_mediation"],
        disagreement_resolution=contacts["disagreement_resolution"], sendiass=contacts["sendiass"],
        tribunal=contacts["tribunal"], under_fives_review_months=under_fives, source=where)


def read_settings_file(path: Path) -> CouncilSettings:
    """A council settings file, checked; file names in it are relative to its folder."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read the council settings ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name}: not valid TOML: {exc}") from exc
    return settings_from_dict(raw, path.parent, path.name)


def load_council_settings(path: Path | None = None) -> CouncilSettings:
    """The council's settings file, or the shipped sample (a fictional council) when ``path`` is None."""
    path = path or sample_council_file()
    settings = read_settings_file(path)
    from caseworker.letters.jinja import compile_text  # here, not at the top: the template language reads facts

    for name, text in settings.blocks.items():
        compile_text(text, f"{path.name}: block {name}")
    return settings
