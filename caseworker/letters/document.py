"""A letter as a document: who it is to, its date and reference, and its text as simple blocks.

The body markup is deliberately small so an administrator can write it in a text editor:
paragraphs are separated by blank lines, a line starting "## " is a heading, lines starting "- "
are a bulleted list and lines starting "1. ", "2. " ... a numbered one (an indented line continues
the item above it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from caseworker.letters.facts import Recipient
from caseworker.letters.settings import CouncilSettings


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    text: str


BULLET = "\u2022"


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False  # printed 1., 2., 3. (a decision's reasons) instead of bullets

    def markers(self) -> list[str]:
        return [f"{n}." for n in range(1, len(self.items) + 1)] if self.numbered else [BULLET] * len(self.items)


Block = Heading | Para | Bullets
RIGHTS_HEADING = "Your rights"  # printed above the appealable-decision blocks
_NUMBERED = re.compile(r"^(\d{1,2})\.\s+(.*)$")


@dataclass(frozen=True, slots=True)
class Letter:
    """Everything printed on one letter; pdf.render_pdf turns it into pages."""

    template_id: str
    template_version: int  # which wording went out, for the case history
    title: str  # the template's title: the PDF's metadata, never personal data
    subject: str  # the bold heading under the salutation
    council: CouncilSettings
    recipient: Recipient
    date: date
    our_reference: str
    case_reference: str
    body: tuple[Block, ...]
    rights: tuple[Block, ...]  # the appealable-decision blocks, under "Your rights"; empty otherwise
    signatory: str
    signatory_role: str
    contact_phone: str
    contact_email: str

    @property
    def appealable(self) -> bool:
        return bool(self.rights)

    def text(self) -> str:
        """The letter's words as plain text (for a preview, a search, or a test)."""
        out = [self.recipient.greeting + ",", self.subject]
        rights: tuple[Block, ...] = (Heading(RIGHTS_HEADING), *self.rights) if self.rights else ()
        for block in (*self.body, *rights):
            if isinstance(block, Bullets):
                marks = block.markers() if block.numbered else ["-"] * len(block.items)
                out.extend(f"{m} {item}" for m, item in zip(marks, block.items, strict=True))
            else:
                out.append(block.text)
        return "\n".join(out)


def parse_markup(text: str) -> tuple[Block, ...]:
    """Paragraphs, "## " headings, "- " bullets and "1. " numbered items, from rendered template text."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    numbered = False

    def flush() -> None:
        if para:
            blocks.append(Para(" ".join(para)))
            para.clear()
        if items:
            blocks.append(Bullets(tuple(items), numbered))
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        number = _NUMBERED.match(line)
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(Heading(line[3:].strip()))
        elif line.startswith("- ") or number:
            if para or (items and numbered != bool(number)):
                flush()
            numbered = bool(number)
            items.append(number.group(2).strip() if number else line[2:].strip())
        elif items and raw[:1].isspace():
            items[-1] = f"{items[-1]} {line}"
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return tuple(blocks)
