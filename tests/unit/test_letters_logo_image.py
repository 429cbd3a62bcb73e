"""The logo's PDF image is made once and reused: each letter must still be byte-for-byte what reportlab's
own drawImage makes, for every kind of logo a council may give (with or without transparency, PNG or JPEG)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from caseworker.letters import Letter, load_council_settings, load_templates, render_many, render_pdf
from caseworker.letters import pdf as letters_pdf
from caseworker.letters.logo import Logo
from caseworker.letters.samples import sample_facts, sample_recipient_for

COUNCIL = load_council_settings()
TEMPLATES = load_templates()


def _image(mode: str, fmt: str, size: tuple[int, int]) -> bytes:
    colours: dict[str, float | tuple[float, ...]] = {
        "RGBA": (200, 30, 30, 128), "RGB": (20, 90, 160), "L": 90, "LA": (90, 200), "P": 3}
    im = Image.new(mode, size, colours[mode])
    if mode in ("RGBA", "LA"):
        im.putpixel((1, 1), (0,) * len(mode))  # one fully clear pixel as well as the half-clear ones
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


def _with_logo(data: bytes, media_type: str) -> Letter:
    template = "advice_chase"
    facts = sample_facts(replace(COUNCIL, logo=Logo(data, media_type)),
                         recipient=sample_recipient_for(TEMPLATES.get(template).recipients))
    return TEMPLATES.render(template, facts)


def _reportlab_draws(canv: Canvas, data: bytes, x: float, y: float, width: float, height: float) -> None:
    canv.drawImage(ImageReader(io.BytesIO(data)), x, y, width=width, height=height, preserveAspectRatio=True,
                   mask="auto")


LOGOS = [("RGBA", "PNG", (300, 120), "image/png"), ("RGB", "PNG", (50, 200), "image/png"),
         ("LA", "PNG", (30, 30), "image/png"), ("P", "PNG", (80, 40), "image/png"),
         ("RGB", "JPEG", (120, 120), "image/jpeg")]


@pytest.mark.parametrize(("mode", "fmt", "size", "media_type"), LOGOS)
def test_a_letter_with_a_logo_is_what_reportlab_itself_draws(mode: str, fmt: str, size: tuple[int, int],
                                                              media_type: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    letter = _with_logo(_image(mode, fmt, size), media_type)
    ours = [render_pdf(letter), render_pdf(letter), render_many([letter, letter])]
    monkeypatch.setattr(letters_pdf, "draw_logo", _reportlab_draws)
    theirs = [render_pdf(letter), render_many([letter, letter])]
    assert ours[0] == ours[1] == theirs[0]  # the kept image changes nothing, the first time or after
    assert ours[2] == theirs[1]  # a batch still holds the logo once, shared by its letters


def test_a_transparent_logo_keeps_its_transparency() -> None:
    pdf = render_pdf(_with_logo(_image("RGBA", "PNG", (40, 40)), "image/png"))
    assert b"/SMask" in pdf
