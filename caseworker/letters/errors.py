"""What can go wrong in making a letter; every message names the template, file, key or field."""

from __future__ import annotations

from caseworker.errors import CaseworkerError


class LetterError(CaseworkerError):
    """A letter cannot be made: a field is missing or unknown, a fact is not recorded, the recipient is wrong."""


class TemplateFormatError(LetterError):
    """A template file is malformed (its front matter or its Jinja2 body); the message names file and key."""


class SettingsError(LetterError):
    """The council settings file is malformed; the message names the file and the key."""


class MandatoryBlocksMissing(SettingsError):
    """An appealable-decision block (appeal rights, mediation, SENDIASS) is not configured or is empty."""
