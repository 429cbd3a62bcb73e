"""The licence table (caseworker/licences.py) against what is really installed: a runtime dependency, or one
of theirs, without an entry fails here, as does an entry for something no longer shipped or a library whose
declared licence no longer matches what the table says."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from caseworker.licences import BUNDLE, EVERY_INSTALL, SHIPPED, Shipped, licence_text, normalised, version_of

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# The systems a bundle is made for, as packaging's environment markers see them.
SYSTEMS = {"linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
           "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}}


def runtime_requirements() -> list[Requirement]:
    return [Requirement(r) for r in tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["dependencies"]]


def shipped_distributions(system: dict[str, str]) -> set[str]:
    """Every distribution the runtime dependencies bring on one system, theirs included, as installed here."""
    found: set[str] = set()
    waiting = [(r, r.extras) for r in runtime_requirements()]
    while waiting:
        requirement, extras = waiting.pop()
        name = normalised(requirement.name)
        if name in found:
            continue
        found.add(name)
        try:
            needs = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            continue  # another system's library (tzdata on Windows): listed, but nothing here to read
        for line in needs:
            need = Requirement(line)
            if need.marker is None or any(need.marker.evaluate({**system, "extra": e}) for e in extras or {""}):
                waiting.append((need, need.extras))
    return found


def listed() -> set[str]:
    return {normalised(d) for entry in SHIPPED for d in entry.distributions}


def test_the_walk_finds_what_the_project_asks_for_and_what_those_ask_for() -> None:
    linux = shipped_distributions(SYSTEMS["linux"])
    assert {"pyside6-essentials", "reportlab", "psycopg-binary"} <= linux  # direct, and by an extra
    assert {"shiboken6", "markupsafe", "pillow"} <= linux  # brought by PySide6, Jinja2, ReportLab
    assert "tzdata" in shipped_distributions(SYSTEMS["win32"]) - linux


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_shipped_distribution_has_an_entry(system: str) -> None:
    assert shipped_distributions(SYSTEMS[system]) - listed() == set()


def test_every_entry_is_for_something_shipped() -> None:
    everywhere = set().union(*(shipped_distributions(s) for s in SYSTEMS.values()))
    assert listed() - everywhere == set()


def spdx_ids(expression: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9.+-]+", expression)) - {"OR", "AND", "WITH"}


@pytest.mark.parametrize("entry", [e for e in SHIPPED if e.distributions], ids=lambda e: e.name)
def test_the_table_names_the_licence_each_library_declares(entry: Shipped) -> None:
    for name in entry.distributions:
        try:
            declared = metadata.metadata(name).get("License-Expression")
        except metadata.PackageNotFoundError:
            continue
        if declared:  # an SPDX expression: at least one of its licences is the one the table names
            assert spdx_ids(declared) & spdx_ids(entry.licence), (name, declared, entry.licence)


@pytest.mark.parametrize("entry", [e for e in SHIPPED if e.comes_with == EVERY_INSTALL
                                   and e.distributions and e.only_on is None], ids=lambda e: e.name)
def test_every_installed_library_has_its_full_licence_text_and_version(entry: Shipped) -> None:
    text = licence_text(entry)
    assert text is not None and len(text) > 300, entry.name
    assert version_of(entry) is not None


@pytest.mark.parametrize(("name", "words"), [
    ("Qt for Python", ("GNU LESSER GENERAL PUBLIC LICENSE", "Version 3")),
    ("psycopg", ("GNU LESSER GENERAL PUBLIC LICENSE", "Version 3")),
    ("python-stdnum", ("GNU LESSER GENERAL PUBLIC LICENSE", "Version 2.1")),
    ("DejaVu", ("Bitstream Vera", "Arev")),
    ("ReportLab", ("Redistribution and use in source and binary forms",)),
    ("Python", ("PYTHON SOFTWARE FOUNDATION LICENSE",)),
])
def test_the_texts_shown_are_the_licences_named(name: str, words: tuple[str, ...]) -> None:
    [entry] = [e for e in SHIPPED if e.name.startswith(name)]
    text = licence_text(entry)
    assert text is not None and all(w in text for w in words), name


def test_the_bundle_only_parts_say_so() -> None:
    assert {e.name for e in SHIPPED if e.comes_with == BUNDLE} == {"Python", "PyInstaller's bootloader"}
