"""Children's identifiers (docs/law.md#identifiers): UPN, NHS number, ULN, postcode."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseworker.identifiers import (
    IdentifierError,
    nhs_number_from,
    normalise_nhs_number,
    normalise_postcode,
    normalise_uln,
    normalise_upn,
    uln_from,
    upn_check_letter,
)

# --- UPN ---------------------------------------------------------------------------------------
# Check letter = "ABCDEFGHJKLMNPQRTUVWXYZ"[(sum of position x value, positions 2..13) mod 23].
# B801200005001: 8x2 + 0x3 + 1x4 + 2x5 + 0 + 0 + 0 + 0 + 5x10 + 0x11 + 0x12 + 1x13 = 93;
# 93 mod 23 = 1 -> "B".


@pytest.mark.parametrize(("value", "expected"), [
    ("B801200005001", "B801200005001"),
    ("b801200005001", "B801200005001"),
    (" B801 2000 05001 ", "B801200005001"),
    # Temporary UPN, ending in a letter (A = 0): 8x2 + 1x4 + 2x5 + 5x10 + 0x13 = 80; 80 mod 23 = 11
    # -> "M".
    ("M80120000500A", "M80120000500A"),
    ("m80120000500a", "M80120000500A"),
])
def test_valid_upns(value: str, expected: str) -> None:
    assert normalise_upn(value) == expected


@pytest.mark.parametrize(("value", "why"), [
    ("A801200005001", "check letter"),   # the check letter should be B
    ("B801200005002", "check letter"),   # a changed serial
    ("N80120000500A", "check letter"),   # temporary UPN with the wrong letter (should be M)
    ("B80120000500", "13 characters"),   # 12 characters
    ("B8012000050011", "13 characters"),
    ("B80120000A001", "11 digits"),      # letters only at the ends
    ("B80120000500I", "11 digits"),      # I is not in the check alphabet
    ("", "13 characters"),
])
def test_invalid_upns(value: str, why: str) -> None:
    with pytest.raises(IdentifierError, match=why):
        normalise_upn(value)


def test_upn_with_an_unknown_la_number_is_refused() -> None:
    body = "000200005001"  # LA 000 does not exist
    with pytest.raises(IdentifierError, match="LA number"):
        normalise_upn(upn_check_letter(body) + body)


def test_upn_check_letter_by_hand() -> None:
    assert upn_check_letter("801200005001") == "B"
    assert upn_check_letter("80120000500A") == "M"


LA_NUMBERS = st.sampled_from(["201", "330", "801", "884", "938"])  # City of London .. West Sussex
UPN_BODIES = st.builds(
    lambda la, digits, last: la + digits + last,
    LA_NUMBERS, st.text("0123456789", min_size=8, max_size=8),
    st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUVWXYZ"))


@given(UPN_BODIES)
def test_upn_check_letter_makes_valid_upns(body: str) -> None:
    upn = upn_check_letter(body) + body
    assert normalise_upn(upn.lower()) == upn


@given(UPN_BODIES, st.sampled_from("ABCDEFGHJKLMNPQRTUVWXYZ"))
def test_any_other_check_letter_is_refused(body: str, letter: str) -> None:
    if letter != upn_check_letter(body):
        with pytest.raises(IdentifierError):
            normalise_upn(letter + body)


# --- NHS number --------------------------------------------------------------------------------
# 9434765919: 9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2 = 299; 299 mod 11 = 2;
# 11 - 2 = 9, the last digit.


@pytest.mark.parametrize(("value", "expected"), [
    ("9434765919", "9434765919"),
    ("943 476 5919", "9434765919"),
    ("943-476-5919", "9434765919"),
    # 4010232137: 4x10 + 1x8 + 2x6 + 3x5 + 2x4 + 1x3 + 3x2 = 92; 92 mod 11 = 4; 11 - 4 = 7.
    ("4010232137", "4010232137"),
    # 0000000000: sum 0, 11 - 0 = 11 -> 0.
    ("0000000000", "0000000000"),
])
def test_valid_nhs_numbers(value: str, expected: str) -> None:
    assert normalise_nhs_number(value) == expected


@pytest.mark.parametrize("value", ["9434765918", "9434765910", "4010232138", "943476591",
                                   "94347659199", "943476591X", ""])
def test_invalid_nhs_numbers(value: str) -> None:
    with pytest.raises(IdentifierError):
        normalise_nhs_number(value)


@pytest.mark.parametrize("last", "0123456789")
def test_nhs_check_10_is_invalid_whatever_the_last_digit(last: str) -> None:
    # 100000001: 1x10 + 1x2 = 12; 12 mod 11 = 1; 11 - 1 = 10 -> no valid NHS number starts so.
    with pytest.raises(IdentifierError, match="check digit"):
        normalise_nhs_number("100000001" + last)
    assert nhs_number_from("100000001") is None


@given(st.text("0123456789", min_size=9, max_size=9))
def test_nhs_number_from_makes_valid_numbers(first_nine: str) -> None:
    made = nhs_number_from(first_nine)
    weighted = sum(int(c) * w for c, w in zip(first_nine, range(10, 1, -1), strict=True)) % 11
    if weighted == 1:  # check would be 10
        assert made is None
    else:
        assert made is not None and made[:9] == first_nine
        assert normalise_nhs_number(made) == made
        for other in "0123456789":
            if other != made[9]:
                with pytest.raises(IdentifierError):
                    normalise_nhs_number(first_nine + other)


# --- ULN ---------------------------------------------------------------------------------------
# 9276308686: 9x10 + 2x9 + 7x8 + 6x7 + 3x6 + 0x5 + 8x4 + 6x3 + 8x2 + 6x1 = 296; 296 mod 11 = 10.


def test_valid_uln() -> None:
    assert normalise_uln("9276308686") == "9276308686"
    assert normalise_uln(" 92763 08686 ") == "9276308686"


@pytest.mark.parametrize(("value", "why"), [
    ("9276308687", "check digit"),
    ("9276308685", "check digit"),
    ("0276308686", "not starting with 0"),   # leading 0 is never a ULN
    ("927630868", "10 digits"),
    ("92763086861", "10 digits"),
    ("92763O8686", "10 digits"),             # letter O for zero
])
def test_invalid_ulns(value: str, why: str) -> None:
    with pytest.raises(IdentifierError, match=why):
        normalise_uln(value)


@given(st.text("0123456789", min_size=8, max_size=8), st.sampled_from("123456789"))
def test_uln_from_makes_valid_ulns(rest: str, first: str) -> None:
    first_nine = first + rest
    made = uln_from(first_nine)
    total = sum(int(c) * w for c, w in zip(first_nine, range(10, 1, -1), strict=True))
    if (10 - total) % 11 == 10:  # the last digit (weight 1) would have to be 10
        assert made is None
    else:
        assert made is not None and made[:9] == first_nine
        assert normalise_uln(made) == made


# --- postcode ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("hr12ab", "HR1 2AB"),
    ("HR1 2AB", "HR1 2AB"),
    ("  hr1   2ab ", "HR1 2AB"),
    ("sw1a1aa", "SW1A 1AA"),
    ("M11AE", "M1 1AE"),
    ("b338th", "B33 8TH"),
    ("cr26xh", "CR2 6XH"),
    ("dn551pt", "DN55 1PT"),
    ("w1a0ax", "W1A 0AX"),
    ("gir0aa", "GIR 0AA"),
])
def test_postcode_normalisation(value: str, expected: str) -> None:
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize("value", [
    "", "HR1", "HR1 2A", "HR1 2ABC", "12345", "HR1-2AB", "1R1 2AB", "HRR1 2AB",
    "HR1 2CB",   # C is never an inward letter (nor I, K, M, O, V)
    "HR1 AAB",   # the inward code starts with a digit
])
def test_postcode_rejects(value: str) -> None:
    with pytest.raises(IdentifierError, match="not a UK postcode"):
        normalise_postcode(value)
