"""The desktop's password store: a keyring that is missing, null or broken never stops the app; it asks."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from caseworker.store.passwords import account, forget_password, keyring_available, save_password, saved_password

URL = "postgresql+psycopg://jsmith@send-db.council.local/caseworker"


class LockedKeyring(KeyringBackend):
    """A keyring whose every call fails, as a locked or unreachable Secret Service does."""

    priority = 1

    def __init__(self) -> None:
        pass

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("locked")


@pytest.fixture
def backend_restored() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_the_account_names_login_server_port_and_database() -> None:
    assert account(URL) == "jsmith@send-db.council.local:5432/caseworker"
    assert account("postgresql://kim:secret@10.0.0.5:6432/send") == "kim@10.0.0.5:6432/send"


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring], ids=["fail", "null"])
def test_no_usable_keyring_keeps_nothing(backend_restored: None, backend: type[KeyringBackend]) -> None:
    keyring.set_keyring(backend())
    assert not keyring_available()
    assert save_password(URL, "pw") is False and saved_password(URL) is None
    forget_password(URL)


def test_a_locked_keyring_is_asked_past(backend_restored: None) -> None:
    keyring.set_keyring(LockedKeyring())
    assert keyring_available()
    assert saved_password(URL) is None and save_password(URL, "pw") is False
    forget_password(URL)
