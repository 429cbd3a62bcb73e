"""A team database password kept in the operating system's keyring, for the desktop only.

Windows Credential Manager, the macOS Keychain or the desktop's Secret Service keep the password,
locked with the person's own computer login; ``team-database.toml`` never holds it. Where no usable
keyring exists (a server without a desktop session, some Linux set-ups) the ``keyring`` library
answers with its "fail" or "null" backend: then nothing is kept and the window asks at each start.
Headless commands never look here: they sign in with libpq's own means (docs/sign-in.md).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger("caseworker.passwords")
SERVICE = "Caseworker"


def account(url: str) -> str:
    """The keyring's name for one login on one database: ``user@host:port/database``."""
    target = make_url(url)
    return f"{target.username}@{target.host or 'localhost'}:{target.port or 5432}/{target.database}"


def _backend() -> Any | None:
    """The keyring in use, or None where there is none that keeps anything."""
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:  # an install without the library: ask each time, as before
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring configuration must not stop the app starting
        log.warning("no keyring: %s", exc)
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)) or getattr(backend, "priority", 1) <= 0:
        return None
    return backend


def keyring_available() -> bool:
    return _backend() is not None


def saved_password(url: str) -> str | None:
    """The password kept for this login and database, or None (none kept, or no keyring)."""
    backend = _backend()
    if backend is None:
        return None
    try:
        found = backend.get_password(SERVICE, account(url))
    except Exception as exc:  # a locked or unreachable keyring: ask instead
        log.warning("the keyring could not be read: %s", exc)
        return None
    return str(found) if found else None


def save_password(url: str, password: str) -> bool:
    """Keep the password (replacing any kept before); False when it could not be kept."""
    backend = _backend()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, account(url), password)
    except Exception as exc:
        log.warning("the keyring could not keep the password: %s", exc)
        return False
    return True


def forget_password(url: str) -> None:
    """Remove a kept password (the server refused it, or the person no longer wants it kept)."""
    backend = _backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, account(url))
    except Exception as exc:  # nothing kept (PasswordDeleteError) or the keyring is unreachable
        log.debug("no password removed from the keyring: %s", exc)
