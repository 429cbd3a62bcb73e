"""Where the databases live. Imports nothing heavy, so quick commands start quickly."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Caseworker"
ENV_URL = "CASEWORKER_DATABASE_URL"
ENV_DATA_DIR = "CASEWORKER_DATA_DIR"
# The Alembic head this code expects; a test checks it matches the migrations folder.
SCHEMA_REVISION = "0010_staff_titles"


def data_dir() -> Path:
    import platformdirs

    return Path(os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir(APP_NAME, False))


def cache_dir() -> Path:
    import platformdirs

    base = os.environ.get(ENV_DATA_DIR)
    return Path(base) / "cache" if base else Path(platformdirs.user_cache_dir(APP_NAME, False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def default_database_url() -> str:
    """The user's real database: the environment's URL, else the team's database this computer connected
    to (the first-run window), else a file in the user data directory."""
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    from caseworker.store.connection import load_team_database

    team = load_team_database()
    return team.url() if team is not None else sqlite_url(local_database_path())


def local_database_path() -> Path:
    """The council database kept on this computer (no server)."""
    return data_dir() / "caseworker.sqlite"


def database_chosen() -> bool:
    """Has this computer a database yet: a URL in the environment, a team database, or a local file?
    (The desktop asks how to start when it has none.)"""
    from caseworker.store.connection import saved_path

    return bool(os.environ.get(ENV_URL)) or saved_path().exists() or local_database_path().exists()


def demo_database_url() -> str:
    """The demo's own file, beside (never in) the user's real database."""
    return sqlite_url(data_dir() / "caseworker-demo.sqlite")
