"""Letters: editable templates, the council's mandatory blocks, and deterministic PDFs.

To make a letter from a case (no database here: the caller passes plain data)::

    council = load_council_settings(path)            # once; MandatoryBlocksMissing if a block is absent
    templates = load_templates()                     # once; resources/letters/templates/*.txt
    recipient = contact_recipients(detail)[0]        # only people and bodies linked to the case
    facts = facts_from_detail(detail, recipient, council, today, engine)
    letter = templates.render("final_plan_cover", facts)   # LetterError names a missing or unknown field
    pdf = render_pdf(letter)                         # or render_many([...]) for a batch

``unprintable(text)`` says which character of a name no letter font can print (None: all can).
"""

from caseworker.letters.document import Bullets, Heading, Letter, Para, parse_markup
from caseworker.letters.errors import LetterError, MandatoryBlocksMissing, SettingsError, TemplateFormatError
from caseworker.letters.facts import (
    RECIPIENT_KINDS,
    AdviceLetterFacts,
    CaseFacts,
    ChildFacts,
    ExceptionLetterFacts,
    LetterFacts,
    Recipient,
    SettingFacts,
)
from caseworker.letters.from_case import contact_recipient, contact_recipients, facts_from_detail
from caseworker.letters.scripts import unprintable
from caseworker.letters.settings import MANDATORY_BLOCKS, ContactPoint, CouncilSettings, load_council_settings
from caseworker.letters.templates import LetterTemplate, TemplateSet, load_templates

__all__ = [
    "MANDATORY_BLOCKS",
    "RECIPIENT_KINDS",
    "AdviceLetterFacts",
    "Bullets",
    "CaseFacts",
    "ChildFacts",
    "ContactPoint",
    "CouncilSettings",
    "ExceptionLetterFacts",
    "Heading",
    "Letter",
    "LetterError",
    "LetterFacts",
    "LetterTemplate",
    "MandatoryBlocksMissing",
    "Para",
    "Recipient",
    "SettingFacts",
    "SettingsError",
    "TemplateFormatError",
    "TemplateSet",
    "contact_recipient",
    "contact_recipients",
    "facts_from_detail",
    "load_council_settings",
    "load_templates",
    "parse_markup",
    "render_many",
    "render_pdf",
    "unprintable",
]


def __getattr__(name: str) -> object:
    # The PDF renderer (and reportlab's layout engine) loads on first use, not with the package.
    if name in ("render_pdf", "render_many"):
        from caseworker.letters import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
