"""A panel that reloads in the background, coalescing changes that arrive while it loads or is hidden."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class ReloadingPanel(QWidget):
    """Subclasses provide ``busy`` (a widget shown while loading) and ``_start_load()``, and call
    ``_finished()`` first thing when their load lands (it returns False when a newer load has started)."""

    busy: QWidget
    # True where the page's own count already reads "Loading…" until its first load lands, so the busy
    # label would only say it twice; it still shows on every later reload.
    says_loading_itself = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._again = False  # a change arrived while loading: load once more when this one ends
        self._stale = False  # a change arrived while hidden: load when shown
        self._has_loaded = False

    def _start_load(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Load in the background; what is on screen stays until the new data arrives."""
        self._stale = False
        if self._loading:
            self._again = True
            return
        self._loading = True
        if self._has_loaded or not self.says_loading_itself:
            self.busy.show()
        self._start_load()

    def load_when_shown(self) -> None:
        """Load now if on screen, else when first shown: a page behind another waits for its turn, so it
        does not compete with the page the window opens on."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def has_loaded(self) -> bool:
        return self._has_loaded

    def _changed(self, _case_id: int = 0) -> None:
        if self.isVisible() or not self._has_loaded:
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _finished(self) -> bool:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()
            return False
        self.busy.hide()
        return True
