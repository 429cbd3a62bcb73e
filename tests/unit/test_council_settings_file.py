"""The council settings file as written by an export, the plausibility checks, and the logo check."""

from __future__ import annotations

import io
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from caseworker.letters.logo import LOGO_MAX_BYTES, MEDIA_TYPES, LogoRefused, check_logo
from caseworker.letters.plausible import email_problem, phone_problem, postcode_problem, website_problem
from caseworker.letters.settings_file import toml_string, toml_text
from caseworker.store import models

# Any text an administrator can type, including quotes, backslashes, control characters and line ends.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)


@given(TEXT)
def test_a_one_line_value_reads_back_exactly(value: str) -> None:
    assert tomllib.loads(f"key = {toml_string(value)}")["key"] == value


@given(st.lists(st.sampled_from(["line", "'", "''", "'''", '"', '"""', "\\", "\n", "\r\n", "\t", "\x01", " ", "é"]),
                max_size=30).map("".join) | TEXT)
def test_a_block_reads_back_exactly(value: str) -> None:
    assert tomllib.loads(f"text = {toml_text(value)}\n")["text"] == value


def test_an_ordinary_block_is_written_as_it_reads() -> None:
    block = "## Your right to appeal\n\nYou can appeal to the Tribunal: it's free.\n"
    assert toml_text(block) == "'''\n" + block + "'''"


@pytest.mark.parametrize(("value", "ok"), [
    ("01632 960000", True), ("(01632) 960 000", True), ("+44 1632 960000", True), ("0300 123 4567 ext 12", True),
    ("0800 123456", True), ("01632 9600", False), ("1632 960000", False), ("call us", False), ("", False),
])
def test_phone_numbers(value: str, ok: bool) -> None:
    assert (phone_problem(value) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("send@marches.example.gov.uk", True), ("first.last+send@nhs.net", True), ("send@marches", False),
    ("send at marches.gov.uk", False), ("a..b@x.gov.uk", False), ("mailto:send@x.gov.uk", False),
])
def test_email_addresses(value: str, ok: bool) -> None:
    assert (email_problem(value) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("www.gov.uk/courts-tribunals/first-tier-tribunal-special-educational-needs-and-disability", True),
    ("https://www.marches.example.gov.uk/send?x=1", True), ("marches.example.gov.uk", True),
    ("localhost", False), ("www.marches council.gov.uk", False), ("http://", False),
])
def test_websites(value: str, ok: bool) -> None:
    assert (website_problem(value) is None) is ok


def test_postcodes_are_checked_and_a_loose_one_is_shown_tidied() -> None:
    assert postcode_problem("MF1 1AA") is None and postcode_problem("SW1A 1AA") is None
    assert postcode_problem("sw1a1aa") == "write the postcode as SW1A 1AA, in capitals with one space"
    assert postcode_problem("12345") == "'12345' is not a UK postcode, e.g. MF1 1AA"


def image(kind: str, size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 60)).save(out, kind)
    return out.getvalue()


def test_a_png_or_jpeg_logo_is_accepted_with_its_type() -> None:
    assert check_logo(image("PNG")).media_type == "image/png"
    jpeg = check_logo(image("JPEG"))
    assert (jpeg.media_type, jpeg.suffix) == ("image/jpeg", ".jpg")


@pytest.mark.parametrize(("data", "says"), [
    (b"", "empty"),
    (b"%PDF-1.4 a letter, not a logo", "not a PNG or JPEG"),
    (image("GIF"), "not a PNG or JPEG"),
    (image("PNG")[:60], "cannot be read"),  # a truncated download
    (b"\x89PNG\r\n\x1a\n" + image("JPEG"), "cannot be read"),
    (image("PNG", (8, 8)), "too small"),
    (image("PNG", (4100, 20)), "at most 4000 pixels"),
    (b"\x89PNG\r\n\x1a\n" + bytes(LOGO_MAX_BYTES), "at most 1 MB"),
])
def test_anything_but_a_printable_image_is_refused(data: bytes, says: str) -> None:
    with pytest.raises(LogoRefused, match=says):
        check_logo(data)


def test_the_database_holds_the_same_logo_limits_as_the_check() -> None:
    assert models.LOGO_MAX_BYTES == LOGO_MAX_BYTES
    assert set(models.LOGO_TYPES) == set(MEDIA_TYPES.values())
