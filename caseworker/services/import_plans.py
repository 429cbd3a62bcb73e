"""What a tracker row's plan columns carry, written for the rows of an import: the plan's last review,
its latest amendment and its next phase transfer (docs/tracker-import.md, "Plans in place").

A filled cell sets the value and a blank one leaves what is stored. A row's review is the stored review
with the same meeting or notified date, else the review on record still waiting for its decision, else
a new one; its amendment the one with the same notice date (an amended plan alone completes the latest
notice); its transfer the one of the same kind and date, else the one on record not yet done. A review
decision to cease is the decision to cease the plan: the proposal on record is completed, or one is
opened, so the appeal window runs from its notified date. A few queries for a whole part of the file,
none per row; a stored case that changes is audited as ``import.update`` and moves to a new version
(a new case's plan columns are in its ``import.create`` row).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from caseworker.io.plan_checks import PlanOnRecord
from caseworker.io.records import TrackerRecord
from caseworker.store.audit import audit_many
from caseworker.store.models import Case
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview
from caseworker.store.records import PlanRecord
from caseworker.store.writer import bulk_insert, chunks
from caseworker.vocabulary import short_date

CEASE = "cease"


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def plans_on_record(s: Session, case_ids: dict[str, int]) -> dict[str, PlanOnRecord]:
    """What is stored of the plans' reviews, amendments and transfers, by reference (for the row checks)."""
    reference = {cid: ref for ref, cid in case_ids.items()}
    found: dict[str, PlanOnRecord] = {}

    def of(cid: int) -> PlanOnRecord:
        return found.setdefault(reference[cid], PlanOnRecord())

    for part in chunks(sorted(reference)):
        ids = list(part)
        for cid, meeting, notified in s.execute(select(PlanReview.case_id, PlanReview.meeting_on,
                                                       PlanReview.notified_on).where(PlanReview.case_id.in_(ids))
                                                .order_by(PlanReview.id)):
            if notified is not None:
                of(cid).notified.add(notified)
            elif meeting is not None:
                of(cid).open_meeting = meeting
        for cid, notice in s.execute(select(PlanAmendment.case_id, PlanAmendment.notice_sent_on)
                                     .where(PlanAmendment.case_id.in_(ids))):
            plan = of(cid)
            plan.last_notice = max(notice, plan.last_notice or notice)
        for (cid,) in s.execute(select(PhaseTransfer.case_id).where(PhaseTransfer.case_id.in_(ids)).distinct()):
            of(cid).has_transfer = True
    return found


@dataclass(slots=True)
class _Stored:
    """A stored row as read for comparing: its id, the case, and its values by column."""

    id: int
    case_id: int
    values: dict[str, Any]


class PlanColumns:
    """Writes the plan columns of imported rows: inserts in bulk, updates by id, audit rows together."""

    def __init__(self, s: Session, actor_id: int | None, case_ids: dict[str, int], new_cases: set[int]) -> None:
        self.s = s
        self.actor_id = actor_id
        self.case_ids = case_ids
        self.new_cases = new_cases
        self.changed: set[int] = set()
        self.warnings: list[str] = []
        self._audit: list[dict[str, Any]] = []
        self._inserts: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self._updates: dict[Any, list[tuple[int, dict[str, Any]]]] = defaultdict(list)

    def write(self, rows: list[tuple[int, TrackerRecord]]) -> None:
        plans = [(n, self.case_ids[r.reference], r.plan) for n, r in rows if r.plan is not None]
        if not plans:
            return
        cases = {cid for _, cid, _ in plans}
        stored = cases - self.new_cases  # a case this import created has nothing on record yet
        reviews = self._stored(PlanReview, stored, "meeting_on", "decision", "notified_on")
        amendments = self._stored(PlanAmendment, stored, "notice_sent_on", "final_issued_on", "not_amended_on")
        transfers = self._stored(PhaseTransfer, stored, "kind", "transfer_date", "done_on")
        ceases = self._stored(PlanCease, stored, "proposed_on", "decided_on", "ceased_on", "withdrawn_on")
        for number, cid, plan in plans:
            if plan.has_review:
                self._review(cid, plan, reviews[cid], ceases[cid])
            if plan.has_amendment:
                self._amendment(number, cid, plan, amendments[cid])
            if plan.has_transfer:
                self._transfer(cid, plan, transfers[cid])
        self._flush(cases)

    def _stored(self, model: Any, case_ids: set[int], *columns: str) -> dict[int, list[_Stored]]:
        found: dict[int, list[_Stored]] = defaultdict(list)
        for part in chunks(sorted(case_ids)):
            stmt = (select(model.id, model.case_id, *(getattr(model, c) for c in columns))
                    .where(model.case_id.in_(list(part))).order_by(model.id))
            for row in self.s.execute(stmt):
                found[row[1]].append(_Stored(row[0], row[1], dict(zip(columns, row[2:], strict=True))))
        return found

    # ------------------------------------------------------------ one row's plan

    def _review(self, cid: int, plan: PlanRecord, reviews: list[_Stored], ceases: list[_Stored]) -> None:
        meeting, notified = plan.review_meeting, plan.review_notified
        match = next((r for r in reviews if (notified is not None and r.values["notified_on"] == notified)
                      or (meeting is not None and r.values["meeting_on"] == meeting)), None)
        if match is None:  # the review on record still waiting for its decision is the one the row completes
            match = next((r for r in reversed(reviews) if r.values["notified_on"] is None), None)
        given = {"meeting_on": meeting, "decision": plan.review_decision, "notified_on": notified}
        row = self._set(PlanReview, cid, match, given, reviews)
        if plan.review_decision == CEASE and notified is not None:
            self._cease_decided(cid, row.get("meeting_on"), notified, ceases)

    def _cease_decided(self, cid: int, meeting: date | None, notified: date, ceases: list[_Stored]) -> None:
        open_one = next((c for c in reversed(ceases) if c.values["ceased_on"] is None
                         and c.values["withdrawn_on"] is None), None)
        if open_one is not None and open_one.values["decided_on"] is not None:
            return  # already decided: the row says nothing new about it
        self._set(PlanCease, cid, open_one, {"proposed_on": meeting, "decided_on": notified}, ceases)

    def _amendment(self, number: int, cid: int, plan: PlanRecord, amendments: list[_Stored]) -> None:
        notice = plan.amendment_notice_sent
        if notice is not None:
            match = next((a for a in amendments if a.values["notice_sent_on"] == notice), None)
        else:  # an amended plan alone completes the latest notice
            match = max(amendments, key=lambda a: (a.values["notice_sent_on"], a.id), default=None)
        if match is not None and plan.amended_plan_issued is not None and match.values["not_amended_on"] is not None:
            self.warnings.append(f"row {number}, column amended_plan_issued: the amendment proposed on "
                                 f"{short_date(match.values['notice_sent_on'])} is recorded as not made, so the "
                                 "amended plan's date was not imported; correct it on the case")
            return
        self._set(PlanAmendment, cid, match, {"notice_sent_on": notice, "final_issued_on": plan.amended_plan_issued},
                  amendments)

    def _transfer(self, cid: int, plan: PlanRecord, transfers: list[_Stored]) -> None:
        kind, day = plan.transfer_kind, plan.transfer_date
        if day is not None:
            match = next((t for t in transfers if (t.values["kind"], t.values["transfer_date"]) == (kind, day)), None)
            if match is None:  # the transfer on record not yet done is corrected, not doubled
                match = next((t for t in reversed(transfers) if t.values["done_on"] is None), None)
        else:
            match = transfers[-1] if transfers else None
        self._set(PhaseTransfer, cid, match, {"kind": kind, "transfer_date": day, "done_on": plan.transfer_done},
                  transfers)

    def _set(self, model: Any, cid: int, match: _Stored | None, given: dict[str, Any],
             stored: list[_Stored]) -> dict[str, Any]:
        """Lay the filled values over ``match`` (or a new row); return the row's values after."""
        filled = {k: v for k, v in given.items() if v is not None}
        entity = _table(model).name
        if match is None:
            self._inserts[model].append({"case_id": cid, **given})
            stored.append(_Stored(0, cid, dict(given)))  # a later row of the same case sees it (not expected)
            self._log(cid, entity, None, None, filled)
            return dict(given)
        before = {k: match.values.get(k) for k in filled if match.values.get(k) != filled[k]}
        if before:
            after = {k: filled[k] for k in before}
            match.values.update(after)
            if match.id:
                self._updates[model].append((match.id, dict(match.values)))
            self._log(cid, entity, match.id or None, before, after)
        return match.values

    def _log(self, cid: int, entity: str, entity_id: int | None, before: dict[str, Any] | None,
             after: dict[str, Any]) -> None:
        self.changed.add(cid)
        if cid in self.new_cases:
            return  # the case's import.create row holds its plan columns
        self._audit.append({"actor_id": self.actor_id, "action": "import.update", "entity": entity,
                            "entity_id": entity_id, "case_id": cid, "before": before, "after": after})

    # ------------------------------------------------------------ writing

    def _flush(self, cases: set[int]) -> None:
        for model, rows in self._inserts.items():
            self.s.execute(bulk_insert(model), [{**row, "version": 1} for row in rows])
        for model, updates in self._updates.items():
            table = _table(model)
            columns = [c for c in updates[0][1]]
            stmt = update(table).where(table.c.id == bindparam("b_id")).values(
                {c: bindparam(f"b_{c}") for c in columns} | {"version": table.c.version + 1})
            self.s.execute(stmt, [{"b_id": i, **{f"b_{c}": v for c, v in values.items()}} for i, values in updates])
        stored = sorted((self.changed & cases) - self.new_cases)
        t = _table(Case)
        for part in chunks(stored):
            self.s.execute(update(t).where(t.c.id.in_(list(part))).values(version=t.c.version + 1))
        audit_many(self.s, self._audit)
        if self._updates or stored:
            self.s.expire_all()  # the ORM's copies of what was just updated underneath it
