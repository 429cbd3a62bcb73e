"""Files in and out: the tracker import (docs/tracker-import.md)."""

from caseworker.io.rows import ParsedRow, RowProblem
from caseworker.io.table import TableError
from caseworker.io.tracker import TrackerRead, parse_table, read_tracker

__all__ = ["ParsedRow", "RowProblem", "TableError", "TrackerRead", "parse_table", "read_tracker"]
