"""The application context: built once by a command's ``main`` and passed to every service.

No module-level singletons: tests build their own context around a throwaway database and a fixed
``today``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from caseworker.clock import fixed_clock, london_today
from caseworker.statutory.engine import DeadlineEngine
from caseworker.store.database import Database

__all__ = ["AppContext", "fixed_clock", "london_today"]


@dataclass
class AppContext:
    db: Database
    engine: DeadlineEngine = field(default_factory=DeadlineEngine)
    clock: Callable[[], date] = london_today

    def today(self) -> date:
        return self.clock()

