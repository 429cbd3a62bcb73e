"""Errors a user can act on. Each names what was wrong in plain words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: the field (as the user knows it) and a plain reason."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class CaseworkerError(Exception):
    """Base of the errors the app reports to a user rather than crashing on."""


class ValidationError(CaseworkerError):
    """The input is impossible or contradicts what is recorded; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def for_field(self, field: str) -> list[str]:
        return [p.reason for p in self.problems if p.field == field]


class PermissionDenied(CaseworkerError):
    """The acting user's role does not allow this."""


class NotFound(CaseworkerError):
    """No such case, person or record."""


class ConflictError(CaseworkerError):
    """Someone else changed the record since it was read; reload and try again."""


class UnknownUser(CaseworkerError):
    """The acting user is not on the staff list."""
