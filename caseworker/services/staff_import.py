"""`caseworker staff import FILE.csv`: the staff list from a spreadsheet, all of it or none.

The columns are the staff fields by name (staff_fields.FIELDS); only ``username`` is required, in any
order. A row whose username is on the list changes that person (an empty cell leaves the field as it
is); any other row adds a person (``display_name`` then required). Every row is checked by the same
rules as `staff add` and `staff set`, in one transaction: one bad row and nothing is written, with each
problem as ``row N, column C: reason`` (rows numbered as the spreadsheet shows them, the header row 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError, ValidationError
from caseworker.io.cells import cell_text
from caseworker.io.rows import RowProblem
from caseworker.io.table import RawRow, TableError, read_table
from caseworker.services.actor import Actor
from caseworker.services.casefile import writing
from caseworker.services.staff import StaffRights, add_in, change_in, require_staff_admin, rights_in
from caseworker.services.staff_fields import FIELDS, read_fields
from caseworker.store.models import Staff

SHOWN_PROBLEMS = 100


class StaffImportFailed(CaseworkerError):
    """The file has problems; nothing was written."""

    def __init__(self, path: Path, problems: list[RowProblem]) -> None:
        self.path, self.problems = path, problems
        super().__init__(f"{path.name}: {len(problems)} problem(s); nothing was imported")

    def lines(self) -> list[str]:
        shown = [str(p) for p in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            shown.append(f"... and {len(self.problems) - SHOWN_PROBLEMS} more problems")
        rows = len({p.row for p in self.problems})
        shown.append(f"nothing was imported from {self.path.name}: {rows} row(s) need fixing")
        return shown


@dataclass(slots=True)
class StaffImportReport:
    path: Path
    dry_run: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary_lines(self) -> list[str]:
        would = "would be " if self.dry_run else ""
        lines = [f"{self.path.name}: {len(self.added)} {would}added, {len(self.changed)} {would}changed, "
                 f"{self.unchanged} unchanged"]
        lines += [f"  added: {u}" for u in self.added] + [f"  changed: {u}" for u in self.changed]
        if self.dry_run:
            lines.append("dry run: nothing was written")
        return lines


class _DryRunDone(Exception):
    """Rolls the transaction back after a dry run checked every row."""


def _header(path: Path, header: list[str], row: int) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    problems = [RowProblem(row, h or f"#{i + 1}", f"not a staff column; the columns are {', '.join(FIELDS)}")
                for i, h in enumerate(names) if h not in FIELDS]
    problems += [RowProblem(row, h, "appears twice") for i, h in enumerate(names) if h in names[:i]]
    if "username" not in names:
        problems.append(RowProblem(row, "username", "the file needs a username column (it matches people)"))
    if problems:
        raise StaffImportFailed(path, problems)
    return {h: i for i, h in enumerate(names)}


def _cells(raw: RawRow, columns: dict[str, int]) -> dict[str, Any]:
    """The row's filled cells by column: an empty cell means leave the field as it is."""
    found = {}
    for name, i in columns.items():
        text = cell_text(raw.cells[i]) if i < len(raw.cells) else None
        if text is not None:
            found[name] = text
    return found


def _one_row(s: Session, actor: Actor, rights: StaffRights, raw: RawRow, cells: dict[str, Any],
             report: StaffImportReport) -> None:
    values = read_fields(cells)
    staff = s.scalar(select(Staff).where(Staff.username == values.get("username")))
    if staff is None:
        add_in(s, actor, values, action="staff.import")
        report.added.append(values["username"])
    elif change_in(s, actor, rights, staff, values, action="staff.import"):
        report.changed.append(staff.username)
    else:
        report.unchanged += 1


def _write_rows(s: Session, actor: Actor, path: Path, columns: dict[str, int], rows: list[RawRow],
                report: StaffImportReport) -> list[RowProblem]:
    rights = rights_in(s, actor)
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for raw in rows:
        cells = _cells(raw, columns)
        name = str(cells.get("username", "")).strip()
        if name in seen:
            problems.append(RowProblem(raw.number, "username", f"{name!r} is also on row {seen[name]}"))
            continue
        seen[name] = raw.number
        try:
            # A refused row is refused before it writes anything (add_in and change_in check first), so the
            # rows after it are checked against the list as the good rows left it. No savepoint: pysqlite
            # would commit one opened before the transaction's first write.
            _one_row(s, actor, rights, raw, cells, report)
        except ValidationError as exc:
            problems += [RowProblem(raw.number, p.field, p.reason) for p in exc.problems]
    return problems


def import_staff(ctx: AppContext, actor: Actor, path: Path, *, dry_run: bool = False) -> StaffImportReport:
    """Add and change staff from a file (admins only); ``StaffImportFailed`` and nothing written if any
    row is wrong. A dry run checks every row the same way and writes nothing."""
    try:
        table = read_table(path)
    except TableError as exc:
        raise CaseworkerError(str(exc)) from None
    columns = _header(path, table.header, table.header_row)
    report = StaffImportReport(path, dry_run)
    try:
        with writing(ctx, "import staff") as s:
            require_staff_admin(rights_in(s, actor), actor, "importing staff")
            problems = _write_rows(s, actor, path, columns, table.rows, report)
            if problems:
                raise StaffImportFailed(path, problems)
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        pass
    return report
