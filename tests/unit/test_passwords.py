"""The desktop's password store: a keyring that is missing, null or broken never stops the app; it asks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from caseworker.store.passwords import account, forget_password, keyring_available, save_password, saved_password
from tests.keyrings import DictKeyring

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


@pytest.fixture
def counting(backend_restored: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DictKeyring:
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path))  # notes of its own
    ring = DictKeyring()
    keyring.set_keyring(ring)
    return ring


def test_a_login_with_nothing_kept_is_not_looked_up_again(counting: DictKeyring) -> None:
    assert saved_password(URL) is None and counting.reads == 1
    assert saved_password(URL) is None and counting.reads == 1  # noted: the keyring is left alone


def test_a_kept_password_is_found_at_every_start_and_a_forgotten_one_is_not(counting: DictKeyring) -> None:
    saved_password(URL)  # noted as none kept ...
    assert save_password(URL, "first-horse")  # ... until one is kept
    assert saved_password(URL) == "first-horse" and saved_password(URL) == "first-horse"
    assert counting.reads == 3
    forget_password(URL)
    assert saved_password(URL) is None and counting.reads == 3


def test_a_password_kept_before_anything_was_noted_is_still_found(counting: DictKeyring, tmp_path: Path) -> None:
    counting.kept[("Caseworker", account(URL))] = "old-horse"  # kept by an earlier version
    other = "postgresql+psycopg://kim@send-db.council.local/caseworker"
    assert saved_password(other) is None  # another login noted first
    assert saved_password(URL) == "old-horse"
    (tmp_path / "kept-passwords.json").write_text("not json", "utf-8")  # a damaged note: look again
    assert saved_password(other) is None and counting.reads == 3


def test_the_note_holds_names_never_passwords(counting: DictKeyring, tmp_path: Path) -> None:
    save_password(URL, "first-horse")
    note = (tmp_path / "kept-passwords.json").read_text("utf-8")
    assert account(URL) in note and "first-horse" not in note
