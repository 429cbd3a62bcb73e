"""Saving a list as .xlsx or .csv: header, order, dates, escaping, the byte-order mark, and never over a file."""

from __future__ import annotations

import csv
import errno
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from caseworker.io.export import ExportRefused, column_widths, export_table
from caseworker.io.table import read_table

HEADER = ["Reference", "Child", "Born", "Next due", "Points"]
ROWS: list[list[str | int | date | None]] = [
    ["EHC-0003", "Zoë Ångström", date(2014, 9, 1), date(2025, 3, 10), 3],
    ["EHC-0001", "Elena Ţurcanu", date(2012, 1, 31), None, 1],
    ["EHC-0002", "=HYPERLINK(\"http://x\")", date(2013, 12, 5), date(2025, 4, 1), 2],
    ["EHC-0004", "+44 7700 900123", date(2011, 6, 2), None, 0],
    ["EHC-0005", "-1", date(2010, 7, 3), None, 0],
    ["EHC-0006", "@SUM(A1)", date(2009, 8, 4), None, 0],
    ["EHC-0007", "\tTabbed", date(2008, 9, 5), None, 0],
    ["EHC-0008", "\rReturned", date(2007, 10, 6), None, 0],
]


def test_xlsx_has_the_header_the_rows_in_order_and_real_dates(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    assert export_table(path, HEADER, ROWS) == len(ROWS)
    ws = load_workbook(path).active
    assert ws is not None
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert [r[0] for r in values[1:]] == [r[0] for r in ROWS]  # the order given, not re-sorted
    assert values[1][1] == "Zoë Ångström" and values[2][1] == "Elena Ţurcanu"
    assert values[1][2] == datetime(2014, 9, 1) and values[2][3] is None and values[1][4] == 3
    born = ws["C2"]
    assert born.is_date and born.number_format == "dd/mm/yyyy"
    assert ws["A1"].font.b and not ws["A2"].font.b and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:E{len(ROWS) + 1}" and ws.print_title_rows == "$1:$1"


def test_xlsx_columns_are_as_wide_as_their_values(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    export_table(path, HEADER, ROWS)
    ws = load_workbook(path).active
    assert ws is not None
    widths = {c: ws.column_dimensions[c].width for c in "ABCDE"}
    assert widths["B"] > widths["A"] >= len("EHC-0003") and widths["C"] >= 10
    assert column_widths(["A"], [["x" * 500]]) == [60]  # a long value does not make a column a screen wide


def test_formula_like_cells_are_text_in_both_kinds_of_file(tmp_path: Path) -> None:
    export_table(tmp_path / "cases.xlsx", HEADER, ROWS)
    export_table(tmp_path / "cases.csv", HEADER, ROWS)
    ws = load_workbook(tmp_path / "cases.xlsx").active
    assert ws is not None
    children = [ws.cell(row=i, column=2) for i in range(4, 10)]
    assert all(c.data_type == "s" for c in children)
    assert [c.value for c in children] == ["'=HYPERLINK(\"http://x\")", "'+44 7700 900123", "'-1", "'@SUM(A1)",
                                           "'\tTabbed", "'\rReturned"]
    with (tmp_path / "cases.csv").open(encoding="utf-8-sig", newline="") as fh:
        written = [row[1] for row in csv.reader(fh)][3:]
    assert written == ["'=HYPERLINK(\"http://x\")", "'+44 7700 900123", "'-1", "'@SUM(A1)", "'\tTabbed",
                       "'\rReturned"]


def test_csv_is_utf8_with_a_byte_order_mark_and_day_first_dates(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    export_table(path, HEADER, ROWS[:2])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfReference,Child,Born,Next due,Points\r\n")
    lines = raw[3:].decode("utf-8").splitlines()
    assert lines[1:] == ["EHC-0003,Zoë Ångström,01/09/2014,10/03/2025,3", "EHC-0001,Elena Ţurcanu,31/01/2012,,1"]


def test_the_import_reads_an_exported_csv_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    export_table(path, HEADER, ROWS)
    table = read_table(path)
    assert table.header == HEADER
    assert [r.cells[1] for r in table.rows][2:4] == ["=HYPERLINK(\"http://x\")", "+44 7700 900123"]


def test_the_import_reads_an_exported_workbook_back(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    export_table(path, HEADER, ROWS)
    table = read_table(path)
    assert table.header == HEADER and len(table.rows) == len(ROWS)
    assert list(table.rows[0].cells) == ["EHC-0003", "Zoë Ångström", datetime(2014, 9, 1), datetime(2025, 3, 10), 3]


def test_never_over_an_existing_file_unless_agreed(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("keep me")
    with pytest.raises(ExportRefused, match="already exists"):
        export_table(path, HEADER, ROWS)
    assert path.read_text() == "keep me"
    assert export_table(path, HEADER, ROWS, replace=True) == len(ROWS)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfReference")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]  # no partial file left beside it


def test_never_over_a_database_or_a_folder_or_with_another_ending(tmp_path: Path) -> None:
    database = tmp_path / "team.xlsx"
    sqlite3.connect(database).execute("create table t (x)").connection.close()
    with pytest.raises(ExportRefused, match="a database file"):
        export_table(database, HEADER, ROWS, replace=True)
    with pytest.raises(ExportRefused, match="the database in use"):  # or its write-ahead log
        export_table(tmp_path / "caseworker.sqlite-wal", HEADER, ROWS, database=tmp_path / "caseworker.sqlite")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ExportRefused, match="is a folder"):
        export_table(tmp_path / "folder.csv", HEADER, ROWS, replace=True)
    with pytest.raises(ExportRefused, match=r"end the name with \.xlsx or \.csv"):
        export_table(tmp_path / "cases.pdf", HEADER, ROWS)
    with pytest.raises(ExportRefused, match="does not exist"):
        export_table(tmp_path / "nowhere" / "cases.csv", HEADER, ROWS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv", "team.xlsx"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    class Unwritable:
        def __str__(self) -> str:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        export_table(tmp_path / "cases.csv", ["A"], [[Unwritable()]])  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []


def test_a_disk_that_refuses_the_file_is_a_plain_reason_and_leaves_nothing(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportRefused, match=r"cannot write .*cases\.xlsx: No space left on device"):
        export_table(tmp_path / "cases.xlsx", HEADER, ROWS)
    assert list(tmp_path.iterdir()) == []
