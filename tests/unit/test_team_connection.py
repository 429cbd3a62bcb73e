"""The team's database as this computer remembers it: checked fields, a file without the password,
and the place every command then connects to."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseworker.store.connection import (
    ConnectionSettingsError,
    load_team_database,
    needs_password,
    save_team_database,
    saved_path,
    server_sign_in,
    team_database,
    with_password,
)
from caseworker.store.database import DatabaseError
from caseworker.store.location import ENV_DATA_DIR, ENV_URL, database_chosen, default_database_url


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path))
    monkeypatch.delenv(ENV_URL, raising=False)
    return tmp_path


@pytest.mark.parametrize(("fields", "field", "reason"), [
    (("", "caseworker", "jo", "5432"), "host", "give the server's name or address"),
    (("db server", "caseworker", "jo", "5432"), "host", "'db server' is not a server name or address"),
    (("db1", "", "jo", "5432"), "database", "give the database's name"),
    (("db1", "case worker", "jo", "5432"), "database", "'case worker' is not a database name"),
    (("db1", "caseworker", "", "5432"), "user", "give your user name on the server"),
    (("db1", "caseworker", "jo", "70000"), "port", "'70000' is not a port: use a number from 1 to 65535 (usually "
                                                   "5432)"),
    (("db1", "caseworker", "jo", "five"), "port", "'five' is not a port: use a number from 1 to 65535 (usually "
                                                  "5432)"),
])
def test_impossible_settings_are_refused_by_field(fields: tuple[str, str, str, str], field: str, reason: str) -> None:
    with pytest.raises(ConnectionSettingsError) as refused:
        team_database(*fields)
    assert (refused.value.field, refused.value.reason) == (field, reason)


def test_the_settings_are_remembered_without_a_password_and_used_by_every_command(home: Path) -> None:
    assert not database_chosen()
    assert default_database_url() == f"sqlite:///{home / 'caseworker.sqlite'}"
    team = team_database(" send-db.council.local ", "caseworker", "j.smith", "")
    save_team_database(team)
    assert load_team_database() == team and team.port == 5432
    assert "password" not in saved_path().read_text("utf-8").replace("no password is kept", "")
    assert database_chosen()
    assert default_database_url() == "postgresql+psycopg://j.smith@send-db.council.local:5432/caseworker"
    assert team.url("s3cr:t") == "postgresql+psycopg://j.smith:s3cr%3At@send-db.council.local:5432/caseworker"


def test_a_database_address_in_the_environment_comes_first(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_team_database(team_database("db1", "caseworker", "jo"))
    monkeypatch.setenv(ENV_URL, "sqlite:////tmp/elsewhere.sqlite")
    assert default_database_url() == "sqlite:////tmp/elsewhere.sqlite"


def test_a_damaged_settings_file_is_an_error_naming_it_not_a_quiet_local_database(home: Path) -> None:
    saved_path().write_text('host = "db1"\nport = 5432\n', "utf-8")
    with pytest.raises(DatabaseError) as failed:
        default_database_url()
    assert str(saved_path()) in str(failed.value) and "correct or delete the file" in str(failed.value)


def test_a_local_database_file_counts_as_chosen(home: Path) -> None:
    (home / "caseworker.sqlite").write_bytes(b"")
    assert database_chosen()


@pytest.mark.parametrize(("reason", "wanted"), [
    ('connection failed: FATAL:  password authentication failed for user "jo"', True),
    ("connection failed: fe_sendauth: no password supplied", True),
    ('connection failed: FATAL:  database "casework" does not exist', False),
    ("connection failed: Connection refused", False),
])
def test_only_a_refused_or_missing_password_asks_for_one(reason: str, wanted: bool) -> None:
    assert needs_password(reason) is wanted


def test_only_a_server_address_without_a_password_is_signed_in_to() -> None:
    assert server_sign_in("postgresql+psycopg://jo@db1:5432/caseworker") == "caseworker on db1 as jo"
    assert server_sign_in("postgresql+psycopg://jo:pw@db1/caseworker") is None
    assert server_sign_in("sqlite:////tmp/x.sqlite") is None
    assert with_password("postgresql+psycopg://jo@db1:5432/caseworker", "p@ss") == (
        "postgresql+psycopg://jo:p%40ss@db1:5432/caseworker")
