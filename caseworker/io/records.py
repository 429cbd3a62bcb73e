"""A tracker row as a record: the store's ``CaseRecord`` plus the columns version 2 of the tracker added.

``store.writer.write_cases`` writes the ``CaseRecord`` part; the service that runs the import writes the
rest (how each advice request went, the exception's dates, the named setting) in the same transaction.
``None`` and empty mean "not given": a new case gets the default, a stored one keeps what it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from caseworker.store.records import CaseRecord


@dataclass(frozen=True, slots=True)
class NamedSetting:
    """The setting named in section I of the plan, as a row gives it (docs/tracker-import.md)."""

    urn: str | None = None
    name: str | None = None
    kind: str | None = None

    @property
    def key(self) -> str:
        """How the row identifies the setting: its URN, else its name."""
        key = self.urn or self.name
        assert key is not None, "a named setting needs a URN or a name"
        return key


@dataclass(slots=True)
class TrackerRecord(CaseRecord):
    # Advice kind -> how its request went (email, portal, hand, post), for the cells filled in.
    advice_sent_by: dict[str, str] = field(default_factory=dict)
    # The days the circumstances of the row's exception began and ended.
    exception_began: date | None = None
    exception_ended: date | None = None
    named_setting: NamedSetting | None = None

    @property
    def has_version_two(self) -> bool:
        """Whether the row gives anything only the version 2 columns carry."""
        return bool(self.advice_sent_by or self.exception_began or self.exception_ended
                    or self.named_setting)
