"""What every window part shares: the app context, the background runner, who is acting and whose
work is on show. Built once in ``ui.app.run`` and passed down; no globals."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from caseworker.context import AppContext
from caseworker.services.actor import Actor
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from caseworker.services.letters import LetterKit


class DesktopContext(QObject):
    data_changed = Signal(int)  # a case id whose data changed (0: many cases, reload everything)
    actor_changed = Signal()
    viewing_changed = Signal()
    # Someone on another desktop changed a case: (case id, their name, "HH:MM"), for a form open on it.
    changed_elsewhere = Signal(int, str, str)

    def __init__(self, ctx: AppContext, actor: Actor, *, is_demo: bool = False,
                 runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.runner = runner or TaskRunner(self)
        self.actor = actor
        self.is_demo = is_demo
        # Whose work My day shows: a username, or None for the whole team (team leads only).
        self.viewing: str | None = actor.username
        self._letter_kit: LetterKit | None = None
        self._letter_kit_lock = threading.Lock()
        self._council_version = 0  # the stored council settings' version the letter kit was loaded with

    def today(self) -> date:
        return self.ctx.today()

    def letter_kit(self) -> LetterKit:
        """The letter templates and council settings, loaded once (call it on a worker thread).

        Loaded again when an admin has saved new council settings since (on any desktop: the stored
        version is read each time, one small query), so every desktop prints the same letters. A
        SettingsError (no council settings for a real database) is not remembered: once the settings
        are in place, Refresh finds them.
        """
        from caseworker.services.council_settings import stored_version
        from caseworker.services.letters import load_letter_kit

        with self._letter_kit_lock:
            version = stored_version(self.ctx)
            if self._letter_kit is None or version != self._council_version:
                self._letter_kit = load_letter_kit(self.ctx)
                self._council_version = version
            return self._letter_kit

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        # As at start: a team lead's morning is the whole team's work, a caseworker's their own.
        self.viewing = None if self.can_view_team else actor.username
        self.actor_changed.emit()
        self.viewing_changed.emit()

    def set_viewing(self, username: str | None) -> None:
        if username != self.viewing:
            self.viewing = username
            self.viewing_changed.emit()

    @property
    def may_choose_actor(self) -> bool:
        """Only a demo file lets the person pick which member of the team they are: on a server (the
        demo there too) they are their own database login."""
        return self.is_demo and self.ctx.db.is_sqlite

    @property
    def can_view_team(self) -> bool:
        return self.actor.role in ("team_lead", "admin")
