"""What only the tracker's version 2 columns carry, written for the rows of an import.

How each advice request went, an exception's own dates, and the named setting: a filled cell sets the
value and a blank one leaves what is stored (docs/tracker-import.md). A few queries for a whole part of
the file, none per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from caseworker.io.records import NamedSetting, TrackerRecord
from caseworker.io.rows import RowProblem
from caseworker.store.audit import audit_many
from caseworker.store.models import AdviceRequest, AuditEvent, Case, School, StatutoryException
from caseworker.store.writer import bulk_insert, chunks


def audited_cases(s: Session, mark: int, case_ids: set[int], *, upto: int | None = None) -> set[int]:
    """Which of ``case_ids`` have an audit row after ``mark`` (up to ``upto``): the cases the case writer
    created or changed."""
    found: set[int] = set()
    for part in chunks(sorted(case_ids)):
        query = select(AuditEvent.case_id).where(AuditEvent.id > mark, AuditEvent.case_id.in_(list(part)))
        if upto is not None:
            query = query.where(AuditEvent.id <= upto)
        found.update(s.scalars(query.distinct()))
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
