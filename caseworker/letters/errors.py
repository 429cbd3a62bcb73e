"""What can go wrong in making a letter; every message names the template, file, key or field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from caseworker.errors import CaseworkerError

if TYPE_CHECKING:
    from caseworker.letters.settings import SettingsProblem


class LetterError(CaseworkerError):
    """A letter cannot be made: a field is missing or unknown, a fact is not recorded, the recipient is wrong."""


class TemplateFormatError(LetterError):
    """A template file is malformed (its front matter or its Jinja2 body); the message names file and key."""


class SettingsError(LetterError):
    """The council settings are malformed; the message names the file and the key.

    ``problems`` holds each problem under its field (caseworker.letters.settings.SettingsProblem), so
    the Settings dialog can show it beside that field.
    """

    def __init__(self, message: str, problems: Sequence[SettingsProblem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class MandatoryBlocksMissing(SettingsError):
    """An appealable-decision block (appeal rights, mediation, SENDIASS) is not configured or is empty."""
