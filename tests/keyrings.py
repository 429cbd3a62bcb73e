"""A keyring of the tests' own: passwords in a dictionary, as a real one keeps them in the OS."""

from __future__ import annotations

from keyring.backend import KeyringBackend


class DictKeyring(KeyringBackend):
    """Keeps passwords in ``kept`` and counts its reads (a desktop that keeps none should not read it)."""

    priority = 1

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)
