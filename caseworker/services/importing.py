"""Importing a tracker spreadsheet (docs/tracker-import.md), all or nothing.

``import_tracker`` reads and checks every row first, against what is already stored, then writes the
good rows in one transaction through ``store.writer.write_cases`` (which audits every change as
``import``), and then what only the version 2 columns carry (how advice requests went, an exception's
dates, the named setting), audited the same way. By default one bad row means nothing is written and
``ImportFailed`` lists every problem; with ``skip_invalid`` the good rows go in and the bad ones are
written to a rejects file, each with its reasons, ready to fix and import again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError
from caseworker.io.checks import StoredCases, check_rows
from caseworker.io.records import NamedSetting, TrackerRecord
from caseworker.io.rows import ParsedRow, RowProblem
from caseworker.io.table import TableError, read_table, write_csv
from caseworker.io.tracker import parse_table, rejects_table
from caseworker.services.actor import Actor, require_writer
from caseworker.statutory.engine import collector_paused
from caseworker.statutory.required_advice import PFA
from caseworker.store.audit import audit_many
from caseworker.store.models import (
    AdviceRequest,
    AuditEvent,
    Case,
    Child,
    ExistingAdvice,
    School,
    StatutoryException,
)
from caseworker.store.queries import load_request_facts
from caseworker.store.writer import WriteSummary, bulk_insert, chunks, existing_case_ids, write_cases

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
    # Tens of thousands of cells, values and records, and the collector would rescan them all again and
    # again as they pile up; whatever cycles the ORM leaves are collected once the import is over.
    with collector_paused():
        return _import(ctx, actor, path, skip_invalid, rejects_path)


def _import(ctx: AppContext, actor: Actor, path: Path, skip_invalid: bool, rejects_path: Path | None) -> ImportReport:
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
        stored = load_stored(s, references)
        check_rows(read.rows, stored, today, ctx.engine, read.columns)
        bad = [row for row in read.rows if not row.ok]
        problems = [p for row in bad for p in row.problems]
        if bad and not skip_invalid:
            raise ImportFailed(
                f"nothing was imported: {_plural(len(bad), 'row')} of {len(read.rows):,} "
                f"{'has' if len(bad) == 1 else 'have'} problems; fix them, or import the other rows with "
                "--skip-invalid", problems, read.warnings)
        good_rows = [row for row in read.rows if row.ok and row.record is not None]
        summary = _write(s, good_rows, actor.id, today, stored)
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
    report.warnings += [str(w) for row in good_rows for w in row.warnings]
    report.rejected = len(bad)
    report.problems = problems
    return report



def _write(s: Session, rows: list[ParsedRow], actor_id: int | None, today: date,
           stored: StoredCases) -> WriteSummary:
    """Write the good rows: the case records, then what only the version 2 columns carry."""
    records = [row.record for row in rows if row.record is not None]
    if not records:
        return WriteSummary()
    mark = s.scalar(select(func.max(AuditEvent.id))) or 0
    summary = write_cases(s, list(records), actor_id=actor_id, today=today, action="import")
    later = [(row.number, row.record) for row in rows if row.record is not None and row.record.has_version_two]
    if not later:
        return summary
    s.flush()
    ids = existing_case_ids(s, [r.reference for _, r in later])
    written = _audited_cases(s, mark, set(ids.values()))
    v2 = VersionTwo(s, actor_id, ids, {cid for ref, cid in ids.items() if ref not in stored})
    v2.write(later)
    summary.warnings += v2.warnings
    # A stored case the writer found unchanged, whose version 2 values changed, was updated after all.
    moved = len(v2.changed - written)
    summary.updated += moved
    summary.unchanged -= moved
    return summary


def _audited_cases(s: Session, mark: int, case_ids: set[int]) -> set[int]:
    """Which of ``case_ids`` have an audit row after ``mark``: the cases the writer created or changed."""
    found: set[int] = set()
    for part in chunks(sorted(case_ids)):
        found.update(s.scalars(select(AuditEvent.case_id).where(
            AuditEvent.id > mark, AuditEvent.case_id.in_(list(part))).distinct()))
    return found


def _update_by_id(s: Session, table: Table, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """One UPDATE for many rows by id (``b_id`` and ``b_<column>``), each row's version moving on."""
    if rows:
        values: dict[str, Any] = {c: bindparam(f"b_{c}") for c in columns}
        stmt = update(table).where(table.c.id == bindparam("b_id")).values(values | {"version": table.c.version + 1})
        s.execute(stmt, rows)


class VersionTwo:
    """Writes how advice requests went, exceptions' dates and named settings for imported rows.

    A filled cell sets the value and a blank one leaves what is stored. A change to a stored case is
    audited as ``import.update`` like the writer's, and the case moves to a new version; for a case this
    import created, what the version 2 columns added is one more ``import.create`` row beside the
    writer's. A few queries for the whole file, none per row.
    """

    def __init__(self, s: Session, actor_id: int | None, case_ids: dict[str, int], new_cases: set[int]) -> None:
        self.s = s
        self.actor_id = actor_id
        self.case_ids = case_ids
        self.new_cases = new_cases
        self.changed: set[int] = set()
        self.warnings: list[str] = []
        self._audit: list[dict[str, Any]] = []
        self._created: dict[int, dict[str, list[dict[str, Any]]]] = {}  # new case -> entity -> values set

    def write(self, rows: list[tuple[int, TrackerRecord]]) -> None:
        self._sent_by(rows)
        self._exception_dates(rows)
        self._named_settings(rows)
        cases: Table = Case.__table__  # type: ignore[assignment]
        for part in chunks(sorted(self.changed - self.new_cases)):
            self.s.execute(update(cases).where(cases.c.id.in_(list(part))).values(version=cases.c.version + 1))
        self._audit += [{"actor_id": self.actor_id, "action": "import.create", "entity": "case", "entity_id": cid,
                         "case_id": cid, "before": None, "after": after} for cid, after in self._created.items()]
        audit_many(self.s, self._audit)
        if self.changed:
            self.s.expire_all()  # the ORM's copies of what was just updated underneath it

    def _log(self, case_id: int, entity: str, entity_id: int, before: dict[str, Any],
             after: dict[str, Any]) -> None:
        self.changed.add(case_id)
        if case_id in self.new_cases:
            self._created.setdefault(case_id, {}).setdefault(entity, []).append(after)
            return
        self._audit.append({"actor_id": self.actor_id, "action": "import.update", "entity": entity,
                            "entity_id": entity_id, "case_id": case_id, "before": before, "after": after})

    def _rows_of(self, model: Any, *columns: Any, case_ids: set[int]) -> list[Any]:
        out: list[Any] = []
        for part in chunks(sorted(case_ids)):
            out += self.s.execute(select(*columns).where(model.case_id.in_(list(part)))).all()
        return out

    def _sent_by(self, rows: list[tuple[int, TrackerRecord]]) -> None:
        wanted = {(self.case_ids[r.reference], kind): how for _, r in rows for kind, how in r.advice_sent_by.items()}
        if not wanted:
            return
        updates = []
        a = AdviceRequest
        for aid, cid, kind, current in self._rows_of(a, a.id, a.case_id, a.kind, a.sent_by,
                                                     case_ids={cid for cid, _ in wanted}):
            how = wanted.get((cid, kind))
            if how is not None and how != current:
                updates.append({"b_id": aid, "b_sent_by": how})
                self._log(cid, "advice_request", aid, {"sent_by": current}, {"kind": kind, "sent_by": how})
        _update_by_id(self.s, AdviceRequest.__table__, ("sent_by",), updates)  # type: ignore[arg-type]

    def _exception_dates(self, rows: list[tuple[int, TrackerRecord]]) -> None:
        wanted = {(self.case_ids[r.reference], e.ground, e.recorded): (r.exception_began, r.exception_ended)
                  for _, r in rows if r.exception_began or r.exception_ended for e in r.exceptions}
        if not wanted:
            return
        updates = []
        e = StatutoryException
        for eid, cid, ground, recorded, began, ended in self._rows_of(
                e, e.id, e.case_id, e.ground, e.recorded_on, e.began_on, e.ended_on,
                case_ids={cid for cid, *_ in wanted}):
            given = wanted.get((cid, ground, recorded))
            if given is None:
                continue
            new_began, new_ended = given[0] or began, given[1] or ended
            if (new_began, new_ended) != (began, ended):
                updates.append({"b_id": eid, "b_began_on": new_began, "b_ended_on": new_ended})
                self._log(cid, "statutory_exception", eid, {"began_on": began, "ended_on": ended},
                          {"ground": ground, "began_on": new_began, "ended_on": new_ended})
        _update_by_id(self.s, StatutoryException.__table__, ("began_on", "ended_on"),  # type: ignore[arg-type]
                      updates)

    def _named_settings(self, rows: list[tuple[int, TrackerRecord]]) -> None:
        named = [(n, self.case_ids[r.reference], r.named_setting) for n, r in rows if r.named_setting is not None]
        if not named:
            return
        schools = Settings(self.s)
        schools.add_missing([setting for *_, setting in named])
        kinds = []
        for _, cid, setting in named:
            school = schools.find(setting)
            if setting.kind is not None and setting.kind != school.kind:
                kinds.append({"b_id": school.id, "b_kind": setting.kind})
                self._log(cid, "school", school.id, {"kind": school.kind}, {"name": school.name, "kind": setting.kind})
                school.kind = setting.kind
        _update_by_id(self.s, School.__table__, ("kind",), kinds)  # type: ignore[arg-type]
        self._link_cases(named, schools)

    def _link_cases(self, named: list[tuple[int, int, NamedSetting]], schools: Settings) -> None:
        current: dict[int, int | None] = {}
        for part in chunks(sorted({cid for _, cid, _ in named})):
            current.update({cid: sid for cid, sid in self.s.execute(select(Case.id, Case.named_setting_id).where(
                Case.id.in_(list(part))))})
        updates = []
        for number, cid, setting in named:
            school = schools.find(setting)
            if school.kind is None:
                self.warnings.append(str(RowProblem(
                    number, "named_setting_kind",
                    f"{school.name} has no kind on record, so the final plan's letter to it cannot say whether "
                    "it must admit the child: give its kind (maintained, academy, fe_college, nmss, "
                    "s41_independent, independent, early_years or other)")))
            if current[cid] != school.id:
                updates.append({"b_id": cid, "b_named_setting_id": school.id})
                self._log(cid, "case", cid, {"named_setting_id": current[cid]},
                          {"named_setting_id": school.id, "named_setting": school.name, "kind": school.kind})
                current[cid] = school.id
        if updates:  # the case's version moves once, with everything else changed on it
            cases: Table = Case.__table__  # type: ignore[assignment]
            self.s.execute(update(cases).where(cases.c.id == bindparam("b_id")).values(
                named_setting_id=bindparam("b_named_setting_id")), updates)


@dataclass(slots=True)
class StoredSetting:
    id: int
    name: str
    kind: str | None


class Settings:
    """The schools and settings on record, found by URN or else by name; missing ones are added."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.by_urn: dict[str, StoredSetting] = {}
        self.by_name: dict[str, StoredSetting] = {}
        for sid, urn, name, kind in s.execute(select(School.id, School.urn, School.name, School.kind)):
            self._know(StoredSetting(sid, name, kind), urn)

    def _know(self, school: StoredSetting, urn: str | None) -> None:
        if urn:
            self.by_urn[urn] = school
        self.by_name.setdefault(school.name, school)

    def get(self, setting: NamedSetting) -> StoredSetting | None:
        if setting.urn:
            return self.by_urn.get(setting.urn)
        return self.by_name.get(setting.name or "")

    def find(self, setting: NamedSetting) -> StoredSetting:
        found = self.get(setting)
        assert found is not None, "add_missing adds every setting first"
        return found

    def add_missing(self, settings: list[NamedSetting]) -> None:
        """Add the settings not on record (with their kind when given), in one statement."""
        new: dict[str, NamedSetting] = {}
        for setting in settings:
            if self.get(setting) is None:
                new.setdefault(setting.key, setting)
        if not new:
            return
        rows: list[dict[str, Any]] = [{"urn": n.urn, "name": n.name or f"School URN {n.urn}", "kind": n.kind}
                                      for n in new.values()]
        ids = self.s.scalars(bulk_insert(School).returning(School.id, sort_by_parameter_order=True), rows)
        for row, sid in zip(rows, list(ids), strict=True):
            self._know(StoredSetting(sid, row["name"], row["kind"]), row["urn"])
