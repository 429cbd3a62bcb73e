"""The team's shared database, as this computer remembers it.

When a desktop connects to the team's PostgreSQL server (the first-run window), the server, port,
database and user are kept in ``team-database.toml`` in the user data folder, so the next start (and
every headless command) goes to the same place. The password is never written there: the server's own
means supply it (PGPASSWORD, a .pgpass file, single sign-on) or the window asks for it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from caseworker.store.location import data_dir

FILE_NAME = "team-database.toml"
DEFAULT_PORT = 5432
# Host names, IPv4 and bracket-free IPv6 addresses; database and user names as PostgreSQL allows them unquoted
# plus the dots and hyphens councils use (``send-caseworker``, ``j.smith``).
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252})$")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,62}$")


class ConnectionSettingsError(ValueError):
    """A field of the team's database settings that cannot be right; ``field`` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TeamDatabase:
    """Where the team's database is: enough to connect, never the password."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT

    def url(self, password: str | None = None) -> str:
        from sqlalchemy.engine import URL

        return URL.create("postgresql+psycopg", username=self.user, password=password or None,
                          host=self.host, port=self.port, database=self.database).render_as_string(
            hide_password=False)

    def describe(self) -> str:
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        return f"{self.database} on {self.host}{port} as {self.user}"


def team_database(host: str, database: str, user: str, port: str | int = DEFAULT_PORT) -> TeamDatabase:
    """The settings as typed in, checked field by field (ConnectionSettingsError names the field)."""
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host:
        raise ConnectionSettingsError("host", "give the server's name or address")
    if not _HOST.match(host):
        raise ConnectionSettingsError("host", f"{host!r} is not a server name or address")
    if not database:
        raise ConnectionSettingsError("database", "give the database's name")
    if not _NAME.match(database):
        raise ConnectionSettingsError("database", f"{database!r} is not a database name")
    if not user:
        raise ConnectionSettingsError("user", "give your user name on the server")
    if not _NAME.match(user):
        raise ConnectionSettingsError("user", f"{user!r} is not a user name")
    return TeamDatabase(host, database, user, _port(port))


def _port(port: str | int) -> int:
    text = str(port).strip() or str(DEFAULT_PORT)
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConnectionSettingsError("port", f"{text!r} is not a port: use a number from 1 to 65535 (usually 5432)")
    return int(text)


def saved_path() -> Path:
    return data_dir() / FILE_NAME


def load_team_database(path: Path | None = None) -> TeamDatabase | None:
    """The remembered team database, or None. A damaged file is an error that names it, not a silent
    fall back to a local database the user did not choose."""
    path = path or saved_path()
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        return team_database(str(data["host"]), str(data["database"]), str(data["user"]),
                             data.get("port", DEFAULT_PORT))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, ConnectionSettingsError) as exc:
        from caseworker.store.database import DatabaseError

        raise DatabaseError(f"the team database settings in {path} cannot be read ({exc}); correct or delete "
                            "the file and start Caseworker again") from exc


def save_team_database(team: TeamDatabase, path: Path | None = None) -> Path:
    """Remember ``team`` (written whole, then moved into place, so a crash never leaves half a file)."""
    path = path or saved_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (f"# The team's database for Caseworker on this computer (no password is kept here).\n"
            f"host = {_toml(team.host)}\nport = {team.port}\ndatabase = {_toml(team.database)}\n"
            f"user = {_toml(team.user)}\n")
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    partial.replace(path)
    return path


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_team_database(team: TeamDatabase, password: str | None = None, timeout: int = 5) -> str | None:
    """Connect once: None when the server answers, else the reason in one line (the server's own words)."""
    import psycopg

    try:
        with psycopg.connect(host=team.host, port=team.port, dbname=team.database, user=team.user,
                             password=password or None, connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else type(exc).__name__
    return None


def needs_password(reason: str) -> bool:
    """The server refused because it wants a (different) password."""
    lowered = reason.lower()
    return "password" in lowered and ("no password supplied" in lowered or "authentication failed" in lowered)


def field_at_fault(reason: str) -> str:
    """Which of the settings a server's refusal points at, so the window can show it beside that field."""
    lowered = reason.lower()
    if "password" in lowered:
        return "password"
    if "database" in lowered and "does not exist" in lowered:
        return "database"
    if ("role" in lowered and "does not exist" in lowered) or "authentication failed" in lowered:
        return "user"
    return "host"


def server_sign_in(url: str) -> str | None:
    """For a PostgreSQL address with no password in it: whom the server signs in, in words; else None."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.get_backend_name() != "postgresql" or target.password:
        return None
    return f"{target.database} on {target.host or 'localhost'} as {target.username}"


def with_password(url: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)
