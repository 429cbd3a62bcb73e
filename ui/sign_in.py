"""Signing the desktop in to the team's database server.

A password is asked for only when the server wants one that its own means (a .pgpass file,
PGPASSWORD, Windows or Kerberos single sign-on) did not supply. With "Remember on this computer" it is
kept in the operating system's keyring (caseworker/store/passwords.py) and tried first at the next
start; a kept password the server refuses (changed since) is forgotten and asked for again.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.store.connection import needs_password, with_password
from caseworker.store.database import Database, DatabaseError, open_database
from caseworker.store.passwords import forget_password, keyring_available, save_password
from ui.opening import SignIn, open_without_asking, prepare_sign_in, with_kept_password

__all__ = ["PasswordDialog", "SignIn", "ask_when_refused", "open_with_sign_in", "prepare_sign_in",
           "with_kept_password"]

TRIES = 3  # passwords typed before the window gives up (a kept one that fails does not count)


@dataclass(frozen=True, slots=True)
class PasswordAnswer:
    password: str
    remember: bool


class PasswordDialog(QDialog):
    """Your password for the team's database, and whether this computer should remember it."""

    def __init__(self, who: str, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to the team's database")
        layout = QVBoxLayout(self)
        text = QLabel(f"The server for <b>{_escape(who)}</b> asks for your password.", self)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.setMinimumWidth(440)
        self.reason = QLabel(_escape(reason), self)
        self.reason.setWordWrap(True)
        self.reason.setVisible(bool(reason))
        layout.addWidget(self.reason)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        label = QLabel("&Password:", self)
        label.setBuddy(self.password)
        layout.addWidget(label)
        layout.addWidget(self.password)
        self.remember = QCheckBox("&Remember on this computer", self)
        can_keep = keyring_available()
        self.remember.setEnabled(can_keep)
        self.remember.setToolTip("Kept in this computer's password store, locked with your own login"
                                 if can_keep else "This computer has no password store Caseworker can use, "
                                 "so the password is asked for at each start")
        layout.addWidget(self.remember, 0, Qt.AlignmentFlag.AlignLeft)  # as wide as its words, where a click lands
        if not can_keep:  # say it where it is seen, not only in a tooltip
            note = QLabel(self.remember.toolTip() + ".", self)
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Sign in")
        self.ok.setEnabled(False)
        self.password.textChanged.connect(lambda t: self.ok.setEnabled(bool(t)))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def answer(self) -> PasswordAnswer:
        return PasswordAnswer(self.password.text(), self.remember.isChecked() and self.remember.isEnabled())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ask_password(who: str, reason: str, parent: QWidget | None = None) -> PasswordAnswer | None:
    """The server wants a password: ask for it; None if the person cancelled."""
    dialog = PasswordDialog(who, reason, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.password.text():
        return None
    return dialog.answer()


def ask_when_refused(sign_in: SignIn, refused: DatabaseError, parent: QWidget | None = None) -> Database | None:
    """After ``open_without_asking`` failed: if the server wants a password, ask for it (forgetting a kept
    one it no longer takes); None if the person gave up. Any other failure is raised as it came."""
    if sign_in.who is None or not needs_password(str(refused)):
        raise refused
    if sign_in.kept is not None:
        forget_password(sign_in.url)  # changed since it was kept: ask, and keep the new one
        return _ask_and_open(sign_in.url, sign_in.who, "The password kept on this computer was not accepted "
                             "(changed since?): type the new one.", parent)
    return _ask_and_open(sign_in.url, sign_in.who, _reason(refused), parent)


def open_with_sign_in(url: str | None, parent: QWidget | None = None) -> Database | None:
    """Open the database, signing in to its server if it wants a password (the kept one first, then up
    to TRIES typed). None if the person gave up; any other failure is the DatabaseError as it came."""
    sign_in = with_kept_password(prepare_sign_in(url))
    try:
        return open_without_asking(sign_in)
    except DatabaseError as exc:
        return ask_when_refused(sign_in, exc, parent)


def _reason(exc: Exception) -> str:
    """The server's answer in plain words: nothing on the first ask (no password given yet is not a fault)."""
    said = str(exc).rsplit(": ", 1)[-1]
    if "no password supplied" in said:
        return ""
    if "password authentication failed" in str(exc):
        return "That password was not accepted. Check it and try again (capital letters matter)."
    return said


def _ask_and_open(url: str, who: str, reason: str, parent: QWidget | None) -> Database | None:
    for _ in range(TRIES):
        answer = ask_password(who, reason, parent)
        if answer is None:
            return None
        try:
            db = open_database(with_password(url, answer.password))
        except DatabaseError as exc:
            if not needs_password(str(exc)):
                raise
            reason = _reason(exc)
            continue
        if answer.remember:
            save_password(url, answer.password)
        return db
    return None
