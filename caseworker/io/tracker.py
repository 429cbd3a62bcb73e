"""Reading a tracker (docs/tracker-import.md) into case records and row problems.

``TrackerParser`` maps a table's header to the tracker's columns and parses each row on its own, as the
rows stream in: each cell is checked, and the row becomes a ``TrackerRecord`` (``None`` where the cell
was blank). ``checks.check_rows`` then adds the problems that need the whole row, the rest of the file
and what is already stored. ``read_tracker`` and ``parse_table`` do the same for a whole table at once.
Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from caseworker.io.cells import CellError, cell_text
from caseworker.io.columns import PLAN_COLUMNS, REQUIRED, TrackerColumns, advice_columns, sent_by_column
from caseworker.io.records import NamedSetting, TrackerRecord
from caseworker.io.rows import ParsedRow, RowProblem
from caseworker.io.table import RawRow, Table, read_table
from caseworker.io.xlsx import Unreadable
from caseworker.io.xlsx import column_letter as sheet_column
from caseworker.statutory.rules import Rules, default_rules
from caseworker.store.records import AdviceRecord, ContactRecord, ExceptionRecord, PlanRecord

# The column a rejects file adds. Read back, it is an unknown column like any other (so a tracker's
# own "reasons" column is never dropped silently); a rejects file of a rejects file replaces it.
REASONS_COLUMN = "reasons"


def column_letter(index: int) -> str:
    """Spreadsheet letters for a 0-based column index: 0 -> A, 26 -> AA."""
    return sheet_column(index + 1)


@dataclass(slots=True)
class Header:
    index: dict[str, int]  # known column -> position in the row
    unused: list[int]  # positions whose values are not imported (unknown or unnamed columns)
    warnings: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


class HasHeader(Protocol):
    header: list[str]
    header_row: int


def map_header(table: HasHeader, columns: TrackerColumns) -> Header:
    """Known columns by position; unknown ones are a warning; missing or repeated required ones refuse."""
    known = set(columns.names)
    header = Header({}, [])
    for i, raw in enumerate(table.header):
        name = raw.strip()
        key = name.lower()
        if key in known:
            if key in header.index:
                header.problems.append(RowProblem(
                    table.header_row, key,
                    f"the column appears twice (columns {column_letter(header.index[key])} and "
                    f"{column_letter(i)}); keep one"))
            else:
                header.index[key] = i
            continue
        header.unused.append(i)
        if name:
            header.warnings.append(
                f"row {table.header_row}, column {name}: not a tracker column, so its values were not "
                "imported")
    for column in REQUIRED:
        if column not in header.index:
            header.problems.append(RowProblem(
                table.header_row, column, "this required column is missing from the header row"))
    return header


@dataclass(slots=True)
class TrackerRead:
    table: Table
    columns: TrackerColumns
    rows: list[ParsedRow]
    warnings: list[str]
    problems: list[RowProblem]  # problems with the header: the file cannot be imported at all


# Only these are memoised: among numbers True == 1 == 1.0, which must not share a parsed value.
MEMO_TYPES = (str, datetime)
# (position, column, parser, memo of parsed values for columns whose values repeat, else None)
Plan = list[tuple[int, str, Any, dict[Any, Any] | None]]


def parse_row(number: int, cells: Sequence[Any], plan: Plan, columns: TrackerColumns) -> ParsedRow:
    """Each filled cell parsed by its column's parser; a cell that fails becomes a problem."""
    row = ParsedRow(number, cells)
    values = row.values
    width = len(cells)
    for i, column, parser, memo in plan:
        if i >= width:
            continue
        value = cells[i]
        if value is None or (type(value) is str and not value.strip()):
            continue
        if type(value) is Unreadable:  # a formula saved without its value, or an error shown in Excel
            row.bad.add(column)
            row.problem(column, value.reason)
            continue
        if memo is not None and type(value) in MEMO_TYPES:
            known = memo.get(value)
            if known is not None:
                values[column] = known
                continue
        try:
            parsed = values[column] = parser(value)
            if memo is not None and type(value) in MEMO_TYPES:
                memo[value] = parsed
        except CellError as exc:
            row.bad.add(column)
            row.problem(column, str(exc))
    if "reference" not in values and "reference" not in row.bad:
        row.problem("reference", "required: every row needs the case's reference")
    row.record = to_record(values, columns)
    return row


def to_record(v: dict[str, Any], columns: TrackerColumns) -> TrackerRecord:
    """The record a row's parsed values describe (only what was filled in)."""
    contacts = []
    if "parent_name" in v:
        contacts.append(ContactRecord(name=v["parent_name"], role="parent", address=v.get("parent_address"),
                                      postcode=v.get("parent_postcode"), email=v.get("parent_email"),
                                      main_correspondent=True))
    advice = []
    sent_by = {}
    for kind in columns.advice_kinds:
        requested, received, service = (v.get(c) for c in advice_columns(kind))
        if requested is not None or received is not None or service is not None:
            advice.append(AdviceRecord(kind, requested, received, service))
        how = v.get(sent_by_column(kind))
        if how is not None:
            sent_by[kind] = how
    exceptions = []
    if "exception_ground" in v and "exception_recorded" in v:
        exceptions.append(ExceptionRecord(v["exception_ground"], v["exception_recorded"]))
    get = v.get
    setting = None
    if "named_setting_urn" in v or "named_setting_name" in v:
        setting = NamedSetting(get("named_setting_urn"), get("named_setting_name"), get("named_setting_kind"))
    return TrackerRecord(
        reference=get("reference") or "",
        forename=get("forename"), surname=get("surname"), date_of_birth=get("date_of_birth"),
        upn=get("upn"), nhs_number=get("nhs_number"), uln=get("uln"), postcode=get("postcode"),
        primary_need=get("primary_need"), school_urn=get("school_urn"), school_name=get("school_name"),
        caseworker=get("caseworker"), contacts=contacts,
        received=get("request_received"), request_source=get("request_source"),
        decision_to_assess=get("decision_to_assess"), decision_to_assess_on=get("decision_to_assess_date"),
        decision_to_issue=get("decision_to_issue"), decision_to_issue_on=get("decision_to_issue_date"),
        draft_sent=get("draft_plan_sent"), final_issued=get("final_plan_issued"),
        advice=advice, exceptions=exceptions,
        advice_sent_by=sent_by, exception_began=get("exception_from"), exception_ended=get("exception_to"),
        named_setting=setting, plan=plan_record(v),
    )


def plan_record(v: dict[str, Any]) -> PlanRecord | None:
    """The plan's own columns of a row, when any is filled in."""
    if not any(c in v for c in PLAN_COLUMNS):
        return None
    get = v.get
    return PlanRecord(
        review_meeting=get("last_review_meeting"), review_decision=get("last_review_decision"),
        review_notified=get("last_review_decision_date"), amendment_notice_sent=get("amendment_notice_sent"),
        amended_plan_issued=get("amended_plan_issued"), transfer_kind=get("transfer_kind"),
        transfer_date=get("transfer_date"), transfer_done=get("phase_transfer_done"))


class UnusedData:
    """Values under a column with no name (or beyond the header) would be lost silently: say so."""

    def __init__(self, header: list[str], unused: list[int]) -> None:
        self.header_row = 0
        self.positions = [i for i in unused if not header[i].strip()]
        self.width = len(header)
        self.found: set[int] = set()

    def see(self, cells: Sequence[Any]) -> None:
        for i in self.positions:
            if i < len(cells) and i not in self.found and cell_text(cells[i]) is not None:
                self.found.add(i)
        for i in range(self.width, len(cells)):
            if i not in self.found and cell_text(cells[i]) is not None:
                self.found.add(i)

    def warnings(self, header_row: int) -> list[str]:
        return [f"row {header_row}, column {column_letter(i)}: has values but no column name, so they were not "
                "imported" for i in sorted(self.found)]


class TrackerParser:
    """Parses a table's rows one at a time against its header (``problems``: the header's own)."""

    def __init__(self, table: HasHeader, rules: Rules | None = None) -> None:
        self.columns = TrackerColumns.from_rules(rules or default_rules())
        self.header = table.header
        self.header_row = table.header_row
        header = map_header(table, self.columns)
        self.problems = header.problems
        self._warnings = header.warnings
        self._unused = UnusedData(table.header, header.unused)
        self._plan: Plan = [(i, c, self.columns.parsers[c], {} if c in self.columns.repeating else None)
                            for c, i in header.index.items()]

    def look_at(self, raw: RawRow) -> None:
        """Note a row's values under columns with no name, without parsing it."""
        self._unused.see(raw.cells)

    def parse(self, raw: RawRow) -> ParsedRow:
        self._unused.see(raw.cells)
        return parse_row(raw.number, raw.cells, self._plan, self.columns)

    @property
    def warnings(self) -> list[str]:
        """The header's warnings, and columns with values but no name among the rows parsed so far."""
        return self._warnings + self._unused.warnings(self.header_row)


def parse_table(table: Table, rules: Rules | None = None) -> TrackerRead:
    parser = TrackerParser(table, rules)
    if parser.problems:
        for raw in table.rows:
            parser.look_at(raw)
        return TrackerRead(table, parser.columns, [], parser.warnings, parser.problems)
    rows = [parser.parse(raw) for raw in table.rows]
    return TrackerRead(table, parser.columns, rows, parser.warnings, [])


def read_tracker(path: Path, rules: Rules | None = None) -> TrackerRead:
    """Read and parse a tracker file; ``table.TableError`` when it cannot be read as a table."""
    return parse_table(read_table(path), rules)


def rejects_header(header: list[str]) -> tuple[list[int], list[str]]:
    """The columns a rejects file keeps (all but an earlier ``reasons``), and its header."""
    keep = [i for i, name in enumerate(header) if name.strip().lower() != REASONS_COLUMN]
    return keep, [header[i] for i in keep] + [REASONS_COLUMN]


def rejects_row(keep: list[int], row: ParsedRow) -> list[str]:
    """A rejected row with its original cells and its reasons, ready to fix."""
    cells = row.cells
    values = [(cell_text(cells[i]) or "") if i < len(cells) else "" for i in keep]
    values.append("; ".join(f"{p.column}: {p.reason}" for p in row.problems))
    return values


def rejects_table(table: HasHeader, rejected: Sequence[ParsedRow]) -> tuple[list[str], list[list[str]]]:
    """The rejected rows with their original columns and a ``reasons`` column, ready to fix."""
    keep, header = rejects_header(table.header)
    return header, [rejects_row(keep, row) for row in rejected]
