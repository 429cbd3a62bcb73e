"""Importing a tracker spreadsheet (docs/tracker-import.md), all or nothing.

``import_tracker`` streams the file in parts of a few thousand rows, inside one transaction: each part
is parsed, checked against what is already stored, and its good rows written through
``store.writer.write_cases`` (which audits every change as ``import``), after the rows that would change
nothing are set aside in bulk (``import_compare``); then what only the version 2 columns carry
(``import_v2``) and the ``caseworker`` column's allocations, by the reallocation rules
(``import_allocation``). By default one bad row means nothing is written (the transaction is rolled
back) and ``ImportFailed`` lists the first hundred problems and counts the rest; with ``skip_invalid``
the good rows go in and the bad ones are written to a rejects file, each with its reasons, ready to fix
and import again. A kill at any moment leaves the database as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError
from caseworker.io.checks import FileChecks, StoredCases
from caseworker.io.limits import MAX_PROBLEMS, plural
from caseworker.io.rejects import RejectsFile, RejectsRefused, check_rejects_path
from caseworker.io.rows import ParsedRow, RowProblem
from caseworker.io.table import RawRow, TableError, open_table
from caseworker.io.tracker import TrackerParser, rejects_header, rejects_row
from caseworker.services.actor import Actor, require_writer
from caseworker.services.duplicates import NHS, UPN, ChildDetails, matches_for
from caseworker.services.import_allocation import Allocations
from caseworker.services.import_compare import Lookups, StoredValues, unchanged
from caseworker.services.import_plans import PlanColumns, plans_on_record
from caseworker.services.import_v2 import VersionTwo, audited_cases
from caseworker.statutory.engine import collector_paused
from caseworker.statutory.required_advice import PFA
from caseworker.store.models import AdviceRequest, AuditEvent, Case, Child, ExistingAdvice
from caseworker.store.queries import load_request_facts
from caseworker.store.writer import WriteSummary, chunks, existing_case_ids, stored_spellings, write_cases

REJECTS_SUFFIX = ".rejects.csv"
PART = 5_000  # rows read, checked and written at a time


def default_rejects_path(path: Path) -> Path:
    """``tracker.csv`` -> ``tracker.rejects.csv`` (and ``tracker.xlsx`` -> ``tracker.rejects.csv``)."""
    return path.with_name(path.stem + REJECTS_SUFFIX)


def _more(problems: int, rows: int) -> str:
    return f"... and {plural(problems, 'more problem')} in {plural(rows, 'more row')}"


@dataclass
class ImportReport:
    """What an import did. ``problems`` are the rejected rows' first problems (only with ``skip_invalid``)."""

    path: Path
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    more_problems: int = 0  # beyond those in ``problems``
    more_rows: int = 0  # rows those are in
    rejects_path: Path | None = None

    def problem_lines(self) -> list[str]:
        """One line per problem, ``row N, column C: reason``, for standard error (the first hundred)."""
        lines = [str(p) for p in self.problems]
        if self.more_problems:
            lines.append(_more(self.more_problems, self.more_rows) + " (every one is in the rejects file)")
        return lines

    def summary_lines(self) -> list[str]:
        """What was added, updated and warned about, for standard output."""
        line = (f"Imported {self.path.name}: {self.added:,} added, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged")
        if self.rejected:
            line += f", {plural(self.rejected, 'row')} rejected"
            if self.rejects_path is not None:
                line += f" (written with their reasons to {self.rejects_path})"
        lines = [line + "."]
        lines += [f"warning: {w}" for w in self.warnings]
        return lines


class ImportFailed(CaseworkerError):
    """Nothing was imported. ``problems`` lists the first problems found; ``lines()`` is what to print."""

    def __init__(self, message: str, problems: Sequence[RowProblem] = (), warnings: Sequence[str] = (),
                 more: str = "") -> None:
        self.message = message
        self.problems = list(problems)
        self.warnings = list(warnings)
        self.more = more
        super().__init__(message)

    def lines(self) -> list[str]:
        """For standard error: each problem as ``row N, column C: reason``, then what happened."""
        more = [self.more] if self.more else []
        return [*(str(p) for p in self.problems), *more, *(f"warning: {w}" for w in self.warnings), self.message]


def load_stored(session: Session, references: list[str]) -> StoredCases:
    """The stored requests (and plans in place) among ``references``: a few queries, none per row."""
    stored = StoredCases()
    ids = existing_case_ids(session, references)
    existing = sorted(ids)
    stored.plans = plans_on_record(session, ids)
    for part in chunks(existing):
        refs = list(part)
        for facts in load_request_facts(session, open_only=False, references=part):
            stored.requests[facts.reference] = facts
        plans = select(Case.reference, Case.final_issued_on).where(
            Case.received_on.is_(None), Case.reference.in_(refs))
        for reference, final in session.execute(plans):
            stored.plans_in_place[reference] = final
        born = select(Case.reference, Child.date_of_birth).join(Child, Child.id == Case.child_id).where(
            Case.reference.in_(refs))
        stored.born.update({ref: dob for ref, dob in session.execute(born)})
        available = select(Case.reference, ExistingAdvice.kind).join(
            ExistingAdvice, ExistingAdvice.case_id == Case.id).where(Case.reference.in_(refs))
        pfa = select(Case.reference, func.min(AdviceRequest.kind)).join(
            AdviceRequest, AdviceRequest.case_id == Case.id).where(
            AdviceRequest.covers_pfa.is_(True), Case.reference.in_(refs)).group_by(Case.reference)
        for reference, kind in session.execute(available):
            stored.advice_on_record.setdefault(reference, set()).add(kind)
        for reference, _ in session.execute(pfa):
            stored.advice_on_record.setdefault(reference, set()).add(PFA)
    return stored


def sqlite_file(ctx: AppContext) -> Path | None:
    """The SQLite file in use, or None (a server database, or one in memory)."""
    if not ctx.db.is_sqlite:
        return None
    name = make_url(ctx.db.url).database
    return Path(name) if name and name != ":memory:" else None


def import_tracker(ctx: AppContext, actor: Actor, path: Path, *, skip_invalid: bool = False,
                   rejects_path: Path | None = None, force: bool = False) -> ImportReport:
    """Import a tracker .csv or .xlsx; ``ImportFailed`` (nothing written) unless every row is good.

    With ``skip_invalid`` the good rows are imported and the rejected ones written to ``rejects_path``
    (default: beside the input, ``NAME.rejects.csv``): never over an existing file unless ``force``,
    never over a database.
    """
    require_writer(actor)
    if skip_invalid:
        rejects_path = rejects_path or default_rejects_path(path)
        try:
            check_rejects_path(rejects_path, source=path, database=sqlite_file(ctx), force=force)
        except RejectsRefused as exc:
            raise ImportFailed(f"nothing was imported: {exc}") from None
    else:
        rejects_path = None
    # Tens of thousands of cells, values and records, and the collector would rescan them all again and
    # again as they pile up; whatever cycles the ORM leaves are collected once the import is over.
    with collector_paused():
        try:
            with open_table(path) as table:
                parser = TrackerParser(table, ctx.engine.rules)
                if parser.problems:
                    raise ImportFailed(f"nothing was imported: fix the header row of {path.name}", parser.problems,
                                       parser.warnings)
                run = ImportRun(ctx, actor, path, parser)
                rejects = RejectsFile(rejects_path, rejects_header(table.header)[1], force=force) \
                    if rejects_path is not None else None
                try:
                    return run.run(table.rows, rejects)
                finally:
                    if rejects is not None:
                        rejects.discard()
        except TableError as exc:
            raise ImportFailed(f"nothing was imported: {exc}") from None
        except RejectsRefused as exc:
            raise ImportFailed(f"nothing was imported: {exc}") from None
        except OSError as exc:
            raise ImportFailed(f"nothing was imported: cannot write the rejects file {rejects_path}: "
                               f"{exc.strerror or exc}") from None


def warn_same_child(s: Session, new_rows: list[ParsedRow]) -> None:
    """A new row for a child already on record is imported, with a warning naming the stored case."""
    rows = [row for row in new_rows if row.record is not None and row.record.forename and row.record.surname
            and row.record.date_of_birth is not None]
    children = [ChildDetails(r.forename or "", r.surname or "", r.date_of_birth, r.upn, r.nhs_number)
                for row in rows if (r := row.record) is not None and r.date_of_birth is not None]
    for i, found in matches_for(s, children).items():
        column = {UPN: "upn", NHS: "nhs_number"}.get(found[0].matched_on, "surname")
        rows[i].warn(column, f"possibly the same child: {found[0].describe()}")


def _as_stored(s: Session, rows: list[ParsedRow]) -> None:
    """Spell each reference as the case on record spells it: "ehc-2025-0001" updates EHC-2025-0001."""
    given = [ref for row in rows if (ref := row.reference) is not None]
    spelling = stored_spellings(s, given)
    for row in rows:
        ref = row.reference
        if ref is not None and (stored := spelling.get(ref.lower())) is not None and stored != ref:
            row.values["reference"] = stored
            if row.record is not None:
                row.record.reference = stored


def _parts(rows: Iterable[RawRow]) -> Iterator[list[RawRow]]:
    it = iter(rows)
    while part := list(itertools.islice(it, PART)):
        yield part


class ImportRun:
    """One import: the parts of the file as they stream through, and what they came to."""

    def __init__(self, ctx: AppContext, actor: Actor, path: Path, parser: TrackerParser) -> None:
        self.ctx = ctx
        self.actor = actor
        self.today = ctx.today()
        self.parser = parser
        self.checks = FileChecks()
        self.report = ImportReport(path)
        self.bad_rows = 0
        self.problems: list[RowProblem] = []  # the first MAX_PROBLEMS
        self.more_problems = 0
        self.rows_with_more = 0
        self.warnings: list[str] = []
        self.keep, _ = rejects_header(parser.header)

    def run(self, rows: Iterable[RawRow], rejects: RejectsFile | None) -> ImportReport:
        report = self.report
        try:
            self._run(rows, rejects)
        except BaseException:
            if report.rejects_path is not None:  # placed, and then the commit failed: no rows were kept
                report.rejects_path.unlink(missing_ok=True)
            raise
        report.warnings = self.parser.warnings + self.warnings
        report.rejected = self.bad_rows
        report.problems, report.more_problems, report.more_rows = self.problems, self.more_problems, \
            self.rows_with_more
        return report

    def _run(self, rows: Iterable[RawRow], rejects: RejectsFile | None) -> None:
        report = self.report
        with self.ctx.db.session() as s:
            for part in _parts(rows):
                report.rows += len(part)
                parsed = self._check(s, [self.parser.parse(raw) for raw in part])
                bad = [row for row in parsed if not row.ok]
                self._note_bad(bad)
                if rejects is not None:
                    rejects.add([rejects_row(self.keep, row) for row in bad])
                if self.bad_rows and rejects is None:
                    continue  # nothing will be kept: check the rest only to report them
                self._write(s, [row for row in parsed if row.ok and row.record is not None])
                s.flush()
                s.expunge_all()
            if self.bad_rows and rejects is None:
                raise self._failed()
            if self.bad_rows and rejects is not None:
                rejects.place(database=sqlite_file(self.ctx))  # before the commit: no rows kept without it
                report.rejects_path = rejects.path

    def _check(self, s: Session, rows: list[ParsedRow]) -> list[ParsedRow]:
        _as_stored(s, rows)
        references = [r for r in dict.fromkeys(row.reference for row in rows) if r is not None]
        stored = load_stored(s, references)
        self.checks.check(rows, stored, self.today, self.ctx.engine, self.parser.columns)
        warn_same_child(s, [row for row in rows if row.ok and row.reference not in stored])
        return rows

    def _note_bad(self, bad: list[ParsedRow]) -> None:
        self.bad_rows += len(bad)
        for row in bad:
            room = MAX_PROBLEMS - len(self.problems)
            self.problems += row.problems[:max(room, 0)]
            if len(row.problems) > room:
                self.more_problems += len(row.problems) - max(room, 0)
                self.rows_with_more += 1

    def _failed(self) -> ImportFailed:
        total = self.report.rows
        more = _more(self.more_problems, self.rows_with_more) if self.more_problems else ""
        return ImportFailed(
            f"nothing was imported: {plural(self.bad_rows, 'row')} of {total:,} "
            f"{'has' if self.bad_rows == 1 else 'have'} problems; fix them, or import the other rows with "
            "--skip-invalid", self.problems, self.parser.warnings, more)

    def _write(self, s: Session, rows: list[ParsedRow]) -> None:
        """Write one part's good rows: the case records, version 2's values, then the allocations."""
        records = [(row.number, row.record) for row in rows if row.record is not None]
        if not records:
            return
        existing = existing_case_ids(s, [r.reference for _, r in records])
        allocations = Allocations(s, self.actor, self.today, self.report.path.name)
        allocations.new_cases([(n, r) for n, r in records if r.reference not in existing])
        allocations.stored_cases([(n, existing[r.reference], r) for n, r in records if r.reference in existing])
        values, known = StoredValues(s, list(existing.values())), Lookups(s)
        changing = [r for _, r in records
                    if r.reference not in existing or not unchanged(r, existing[r.reference], values, known)]
        mark = s.scalar(select(func.max(AuditEvent.id))) or 0
        summary = (write_cases(s, list(changing), actor_id=self.actor.id, today=self.today, action="import")
                   if changing else WriteSummary())
        summary.unchanged += len(records) - len(changing)
        s.flush()
        written_upto = s.scalar(select(func.max(AuditEvent.id))) or 0
        ids = existing_case_ids(s, [r.reference for _, r in records])
        later = [(n, r) for n, r in records if r.has_version_two]
        v2 = VersionTwo(s, self.actor.id, ids, {cid for ref, cid in ids.items() if ref not in existing})
        if later:
            v2.write(later)
        plans = PlanColumns(s, self.actor.id, ids, v2.new_cases)
        plans.write(records)
        moved = allocations.write()
        # A stored case the writer found unchanged, whose version 2 values, plan columns or allocation
        # changed, was updated after all.
        touched = v2.changed | plans.changed | moved
        also = touched - audited_cases(s, mark, touched, upto=written_upto)
        self._count(summary, len(also))
        self.warnings += allocations.warnings + summary.warnings + v2.warnings + plans.warnings
        self.warnings += [str(w) for row in rows for w in row.warnings]

    def _count(self, summary: WriteSummary, also: int) -> None:
        self.report.added += summary.added
        self.report.updated += summary.updated + also
        self.report.unchanged += summary.unchanged - also
