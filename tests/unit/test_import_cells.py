"""Reading single tracker cells and raw files: dates, yes/no, codes, encodings, delimiters."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseworker.io.cells import (
    CellError,
    cell_text,
    code_lookup,
    parse_code,
    parse_date,
    parse_email,
    parse_nhs_number,
    parse_postcode,
    parse_uln,
    parse_upn,
    parse_yes_no,
)
from caseworker.io.encoding import EncodingError
from caseworker.io.table import TableError, decode, read_csv_text, read_table, sniff_delimiter
from caseworker.io.tracker import column_letter


@pytest.mark.parametrize("text", ["2025-01-06", "06/01/2025", "6/1/2025", " 06/01/2025 ", "6/01/2025"])
def test_iso_and_uk_dates_read_day_first(text: str) -> None:
    assert parse_date(text) == date(2025, 1, 6)


def test_excel_date_cells_are_dates() -> None:
    assert parse_date(datetime(2025, 1, 6, 0, 0)) == date(2025, 1, 6)
    assert parse_date(date(2025, 1, 6)) == date(2025, 1, 6)


@pytest.mark.parametrize(("text", "reason"), [
    ("31/02/2025", "is not a real date"),
    ("2025-02-30", "is not a real date"),
    ("29/02/2023", "is not a real date"),
    ("2025/01/06", "is not a date"),
    ("06-01-2025", "is not a date"),
    ("6 Jan 2025", "is not a date"),
    ("06/01/25", "is not a date"),
    ("soon", "is not a date"),
])
def test_bad_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_date(text)


def test_a_number_in_a_date_column_is_refused_with_advice() -> None:
    with pytest.raises(CellError, match="a number, not a date"):
        parse_date(45663)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_reads_the_same_as_iso_and_as_day_first(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%d/%m/%Y")) == d
    assert parse_date(f"{d.day}/{d.month}/{d.year:04d}") == d


@pytest.mark.parametrize(("text", "value"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("True", True), ("no", False), ("n", False),
    ("False", False), (True, True), (False, False)])
def test_yes_no(text: object, value: bool) -> None:
    assert parse_yes_no(text) is value


@pytest.mark.parametrize("text", ["maybe", "1", "0", "ja"])
def test_yes_no_refuses_anything_else(text: str) -> None:
    with pytest.raises(CellError, match="is not yes or no"):
        parse_yes_no(text)


def test_codes_match_ignoring_case_and_spaces() -> None:
    sources = code_lookup(("parent", "young_person", "school"))
    assert parse_code("Young Person", sources, "a request source") == "young_person"
    assert parse_code("asd", code_lookup(("ASD", "SEMH")), "a code") == "ASD"
    with pytest.raises(CellError, match=r"'autism' is not an SEN2 code .*ASD, SEMH"):
        parse_code("autism", code_lookup(("ASD", "SEMH")), "an SEN2 code")


def test_identifiers_are_normalised_or_refused() -> None:
    assert parse_upn("b801200005001") == "B801200005001"
    assert parse_nhs_number("943 476 5919") == "9434765919"
    assert parse_nhs_number(9434765919) == "9434765919"  # an Excel number cell
    assert parse_uln("9276308686") == "9276308686"
    assert parse_postcode("hr12ab") == "HR1 2AB"
    with pytest.raises(CellError, match="check letter"):
        parse_upn("A801200005001")
    with pytest.raises(CellError, match="check digit"):
        parse_nhs_number("9434765918")
    with pytest.raises(CellError, match="check digit"):
        parse_uln("9276308687")
    with pytest.raises(CellError, match="not a UK postcode"):
        parse_postcode("HR1")
    with pytest.raises(CellError, match="not an email address"):
        parse_email("someone at example.org", 200)


def test_cell_text_drops_excel_artefacts() -> None:
    assert cell_text(100234.0) == "100234"
    assert cell_text(datetime(2025, 1, 6)) == "2025-01-06"
    assert cell_text("  x ") == "x"
    assert cell_text("   ") is None
    assert cell_text(None) is None


def test_decoding_utf8_bom_and_windows_1252() -> None:
    assert decode("\ufeffreference,name\n".encode()) == "reference,name\n"
    assert decode("Siân".encode()) == "Siân"
    assert decode("Siân £5".encode("cp1252")) == "Siân £5"
    assert decode(codecs.BOM_UTF16_BE + "Zoë Nguyễn".encode("utf-16-be")) == "Zoë Nguyễn"
    with pytest.raises(EncodingError, match="mixes encodings"):
        decode("Zoë ".encode() + "Zoë".encode("cp1252"))


@pytest.mark.parametrize(("data", "where"), [
    (b"reference,forename\nA,Zo\xc3\xab\n\xe9B,x\n", "row 3, column reference"),  # the first byte of a row
    (b"reference,forename\nA,Zo\xc3\xab\n\nB,\"x\ny\xe9\"\n", "row 4, column forename"),  # in a quoted line break
    (b"ref\xe9,forename\nA,Zo\xc3\xab\n", "row 1, column A"),  # in the header itself
])
def test_a_byte_that_cannot_be_read_is_placed_by_row_and_column(tmp_path: Path, data: bytes, where: str) -> None:
    (tmp_path / "t.csv").write_bytes(data)
    with pytest.raises(TableError, match=f"^t.csv, {where}: the file mixes encodings"):
        read_table(tmp_path / "t.csv")


@pytest.mark.parametrize(("line", "delimiter"), [
    ("reference,forename", ","), ("reference;forename", ";"), ("reference\tforename", "\t"), ("reference", ",")])
def test_delimiter_sniffed_from_the_header(line: str, delimiter: str) -> None:
    assert sniff_delimiter(f"\n{line}\nx,y\n") == delimiter


def test_rows_are_numbered_as_a_spreadsheet_shows_them() -> None:
    table = read_csv_text('reference;surname\nA;"Jones\nSmith"\n\n;\nB;Brown\n')
    assert table.header_row == 1
    assert [(r.number, list(r.cells)) for r in table.rows] == [(2, ["A", "Jones\nSmith"]), (5, ["B", "Brown"])]


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(TableError, match="empty"):
        read_table(tmp_path / "t.csv")


def test_old_xls_and_zip_as_csv_are_refused_with_advice(tmp_path: Path) -> None:
    (tmp_path / "t.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(TableError, match=r"save it as \.xlsx or CSV"):
        read_table(tmp_path / "t.xls")
    (tmp_path / "t.csv").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(TableError, match="Excel workbook"):
        read_table(tmp_path / "t.csv")
    with pytest.raises(TableError, match="cannot read"):
        read_table(tmp_path / "missing.csv")


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
