"""Where the app's editable resources live: fonts, letter templates, blocks and council settings.

``CASEWORKER_RESOURCES`` names the folder when set (a council's own edited set). Otherwise they are the
package's own: ``caseworker/resources`` in an installed package, read through ``importlib.resources``
(pyproject.toml ships the repository's top-level ``resources`` folder there), or that ``resources``
folder itself when the package runs from a source checkout (an editable install).
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

ENV_VAR = "CASEWORKER_RESOURCES"
PACKAGED = "resources"  # the folder's name inside the installed package


@cache
def shipped_resources_dir() -> Path:
    """The resources that came with this copy of Caseworker, installed or in a source checkout."""
    packaged = resources.files("caseworker").joinpath(PACKAGED)
    # Fonts and the logo are handed to reportlab by file name, so only a folder on disk will do; a pip
    # install always unpacks one. A package in a zip falls through to a missing folder the loaders name.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / PACKAGED).is_dir():
        return checkout / PACKAGED
    return Path(str(packaged))


def resources_dir() -> Path:
    """The resources folder (it is not checked for existence here; the loaders say what is missing)."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured) if configured else shipped_resources_dir()


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def letters_dir() -> Path:
    return resources_dir() / "letters"


def templates_dir() -> Path:
    return letters_dir() / "templates"


def blocks_dir() -> Path:
    return letters_dir() / "blocks"


def sample_council_file() -> Path:
    return letters_dir() / "council.sample.toml"
