"""A tracker row on its way in: the cells as read, the values parsed, and what is wrong with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from caseworker.io.records import TrackerRecord


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one cell, placed as a spreadsheet shows it (the header is row 1)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


@dataclass(slots=True)
class ParsedRow:
    number: int
    cells: Sequence[Any]
    values: dict[str, Any] = field(default_factory=dict)  # column -> parsed value, filled cells only
    bad: set[str] = field(default_factory=set)  # columns whose cell could not be read
    problems: list[RowProblem] = field(default_factory=list)
    # Said about a row that is still imported (advice reg 6(1) requires and the row does not show).
    warnings: list[RowProblem] = field(default_factory=list)
    record: TrackerRecord | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reference(self) -> str | None:
        ref = self.values.get("reference")
        return ref if isinstance(ref, str) else None

    def given(self, column: str) -> bool:
        """The cell was filled in, whether or not it could be read."""
        return column in self.values or column in self.bad

    def problem(self, column: str, reason: str) -> None:
        self.problems.append(RowProblem(self.number, column, reason))

    def warn(self, column: str, reason: str) -> None:
        self.warnings.append(RowProblem(self.number, column, reason))
