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

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    from caseworker.letters.pdf import render_many, render_pdf
    from caseworker.letters.scripts import unprintable
    from caseworker.letters.settings import MANDATORY_BLOCKS, ContactPoint, CouncilSettings, load_council_settings
    from caseworker.letters.templates import LetterTemplate, TemplateSet, load_templates

# Where each name lives. The package loads nothing until a name is used, so a module that needs only
# ``caseworker.letters.resources`` (the window's icon, the Licences page) does not import the templates,
# jinja2 and the fonts' scripts with it, and the desktop paints sooner.
_HOMES = {
    "document": ("Bullets", "Heading", "Letter", "Para", "parse_markup"),
    "errors": ("LetterError", "MandatoryBlocksMissing", "SettingsError", "TemplateFormatError"),
    "facts": ("RECIPIENT_KINDS", "AdviceLetterFacts", "CaseFacts", "ChildFacts", "ExceptionLetterFacts",
              "LetterFacts", "Recipient", "SettingFacts"),
    "from_case": ("contact_recipient", "contact_recipients", "facts_from_detail"),
    "scripts": ("unprintable",),
    "settings": ("MANDATORY_BLOCKS", "ContactPoint", "CouncilSettings", "load_council_settings"),
    "templates": ("LetterTemplate", "TemplateSet", "load_templates"),
    "pdf": ("render_many", "render_pdf"),  # reportlab's layout engine with it
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

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
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found at once next time
    return value
