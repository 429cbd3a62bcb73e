"""A team database password kept in the operating system's keyring, for the desktop only.

Windows Credential Manager, the macOS Keychain or the desktop's Secret Service keep the password,
locked with the person's own computer login; ``team-database.toml`` never holds it. Where no usable
keyring exists (a server without a desktop session, some Linux set-ups) the ``keyring`` library
answers with its "fail" or "null" backend: then nothing is kept and the window asks at each start.
Headless commands never look here: they sign in with libpq's own means (docs/sign-in.md).

Finding the keyring takes the desktop about 0.15 s of CPU at each start (the library looks through every
installed package for its stores), so which logins have a password kept is noted beside the databases
(``kept-passwords.json``: names and yes/no, never a password). A login noted as having none kept is not
looked up; one never seen before is looked up once and noted.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from caseworker.store.location import data_dir

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
    name = account(url)
    if _noted().get(name) is False:
        return None  # none kept here: the keyring is not loaded at all
    backend = _backend()
    if backend is None:
        _note(name, False)
        return None
    try:
        found = backend.get_password(SERVICE, name)
    except Exception as exc:  # a locked or unreachable keyring: ask instead (and look again next time)
        log.warning("the keyring could not be read: %s", exc)
        return None
    _note(name, bool(found))
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
    _note(account(url), True)
    return True


def forget_password(url: str) -> None:
    """Remove a kept password (the server refused it, or the person no longer wants it kept)."""
    _note(account(url), False)
    backend = _backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, account(url))
    except Exception as exc:  # nothing kept (PasswordDeleteError) or the keyring is unreachable
        log.debug("no password removed from the keyring: %s", exc)


def _noted_file() -> Path:
    return data_dir() / "kept-passwords.json"


def _noted() -> dict[str, bool]:
    """Which logins have a password kept in the keyring, as noted here (empty when nothing is noted)."""
    try:
        raw = json.loads(_noted_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, bool)} if isinstance(raw, dict) else {}


def _note(name: str, kept: bool) -> None:
    """Note whether ``name`` has a password kept; a note that cannot be written only costs a slower start."""
    noted = _noted()
    if noted.get(name) is kept:
        return
    noted[name] = kept
    path = _noted_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(noted, indent=1, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("could not note which passwords are kept: %s", exc)
