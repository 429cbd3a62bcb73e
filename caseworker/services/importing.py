"""Importing a tracker spreadsheet (INTERCHANGE.md section 1), all or nothing.

``import_tracker`` reads and checks every row first, against what is already stored, then writes the
good rows in one transaction through ``store.writer.write_cases`` (which audits every change as
``import``). By default one bad row means nothing is written and ``ImportFailed`` lists every problem;
with ``skip_invalid`` the good rows go in and the bad ones are written to a rejects file, each with its
reasons, ready to fix and import again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError
from caseworker.io.checks import StoredCases, check_rows
from caseworker.io.rows import RowProblem
from caseworker.io.table import TableError, read_table, write_csv
from caseworker.io.tracker import parse_table, rejects_table
from caseworker.services.actor import Actor, require_writer
from caseworker.store.models import Case
from caseworker.store.queries import load_request_facts
from caseworker.store.writer import WriteSummary, chunks, existing_case_ids, write_cases

REJECTS_SUFFIX = ".rejects.csv"


def default_rejects_path(path: Path) -> Path:
    """``tracker.csv`` -> ``tracker.rejects.csv`` (and ``tracker.xlsx`` -> ``tracker.rejects.csv``)."""
    return path.with_name(path.stem + REJECTS_SUFFIX)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


@dataclass
class ImportReport:
    """What an import did. ``problems`` are the rejected rows' problems (only with ``skip_invalid``)."""

    path: Path
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejects_path: Path | None = None

    def problem_lines(self) -> list[str]:
        """One line per problem, ``row N, column C: reason``, for standard error."""
        return [str(p) for p in self.problems]

    def summary_lines(self) -> list[str]:
        """What was added, updated and warned about, for standard output."""
        line = (f"Imported {self.path.name}: {self.added:,} added, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged")
        if self.rejected:
            line += f", {_plural(self.rejected, 'row')} rejected"
            if self.rejects_path is not None:
                line += f" (written with their reasons to {self.rejects_path})"
        lines = [line + "."]
        lines += [f"warning: {w}" for w in self.warnings]
        return lines


class ImportFailed(CaseworkerError):
    """Nothing was imported. ``problems`` lists every problem found; ``lines()`` is what to print."""

    def __init__(self, message: str, problems: Sequence[RowProblem] = (),
                 warnings: Sequence[str] = ()) -> None:
        self.message = message
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__(message)

    def lines(self) -> list[str]:
        """For standard error: each problem as ``row N, column C: reason``, then what happened."""
        return [*(str(p) for p in self.problems), *(f"warning: {w}" for w in self.warnings), self.message]


def load_stored(session: Session, references: list[str]) -> StoredCases:
    """The stored requests (and plans in place) among ``references``: a few queries, none per row."""
    stored = StoredCases()
    existing = sorted(existing_case_ids(session, references))
    for part in chunks(existing):
        for facts in load_request_facts(session, open_only=False, references=part):
            stored.requests[facts.reference] = facts
        plans = select(Case.reference, Case.final_issued_on).where(
            Case.received_on.is_(None), Case.reference.in_(list(part)))
        for reference, final in session.execute(plans):
            stored.plans_in_place[reference] = final
    return stored


def import_tracker(ctx: AppContext, actor: Actor, path: Path, *, skip_invalid: bool = False,
                   rejects_path: Path | None = None) -> ImportReport:
    """Import a tracker .csv or .xlsx; ``ImportFailed`` (nothing written) unless every row is good.

    With ``skip_invalid`` the good rows are imported and the rejected ones written to ``rejects_path``
    (default: beside the input, ``NAME.rejects.csv``).
    """
    require_writer(actor)
    if skip_invalid:
        rejects_path = rejects_path or default_rejects_path(path)
        if rejects_path.resolve() == path.resolve():
            raise ImportFailed(f"the rejects file {rejects_path} would overwrite the file being imported; "
                               "choose another name")
    try:
        table = read_table(path)
    except TableError as exc:
        raise ImportFailed(f"nothing was imported: {exc}") from None
    read = parse_table(table, ctx.engine.rules)
    if read.problems:
        raise ImportFailed(f"nothing was imported: fix the header row of {path.name}", read.problems,
                           read.warnings)
    report = ImportReport(path, rows=len(read.rows), warnings=list(read.warnings))
    today = ctx.today()
    with ctx.db.session() as s:
        references = [r for r in dict.fromkeys(row.reference for row in read.rows) if r is not None]
        check_rows(read.rows, load_stored(s, references), today, ctx.engine, read.columns)
        bad = [row for row in read.rows if not row.ok]
        problems = [p for row in bad for p in row.problems]
        if bad and not skip_invalid:
            raise ImportFailed(
                f"nothing was imported: {_plural(len(bad), 'row')} of {len(read.rows):,} "
                f"{'has' if len(bad) == 1 else 'have'} problems; fix them, or import the other rows with "
                "--skip-invalid", problems, read.warnings)
        good = [row.record for row in read.rows if row.ok and row.record is not None]
        summary = (write_cases(s, good, actor_id=actor.id, today=today, action="import") if good
                   else WriteSummary())
        if bad and rejects_path is not None:
            # Before the commit: if the rejects cannot be saved, the good rows are not kept either.
            header, rows = rejects_table(table, bad)
            try:
                write_csv(rejects_path, header, rows)
            except OSError as exc:
                raise ImportFailed(f"nothing was imported: cannot write the rejects file {rejects_path}: "
                                   f"{exc.strerror or exc}", problems, read.warnings) from None
            report.rejects_path = rejects_path
    report.added, report.updated, report.unchanged = summary.added, summary.updated, summary.unchanged
    report.warnings += summary.warnings
    report.rejected = len(bad)
    report.problems = problems
    return report
