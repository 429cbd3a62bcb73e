"""Where the app's editable resources live: fonts, letter templates, blocks and council settings.

``CASEWORKER_RESOURCES`` names the folder when set (an installed copy, or a council's own edited
set); otherwise it is the ``resources`` folder at the root of the repository this package sits in.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CASEWORKER_RESOURCES"
_REPO_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resources_dir() -> Path:
    """The resources folder (it is not checked for existence here; the loaders say what is missing)."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured) if configured else _REPO_RESOURCES


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
