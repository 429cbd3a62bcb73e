"""A case's record in three statements: its rows, its history, and every list hung off it.

On a team database each statement is a round trip (20 ms over a council's network), so the record does
not read table by table: the case with its child, contacts, caseworker, advice, exceptions and named
setting come in one joined select; the audit trail in a second; and the shorter lists (consultations,
allocation spells, staff names for the history's words, and a plan's reviews, amendments, transfers and
proposals to cease) in a third, one UNION ALL whose rows say which list they belong to.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, Select, String, cast, literal_column, null, select, union_all
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from caseworker.store.database import Database
from caseworker.store.models import (
    AdviceRequest,
    Allocation,
    Case,
    Child,
    Consultation,
    CouncilSettingsRecord,
    School,
    Staff,
)
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview

# Which list a row of the union belongs to.
CONSULTATION, ALLOCATION, STAFF, REVIEW, AMENDMENT, TRANSFER, CEASE, COUNCIL = range(1, 9)
COUNCIL_ROW = 1  # the council's settings are one row (services.council_settings.ROW_ID)

DATES = 6  # d1..d6
TEXTS = 3  # t1..t3


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    """A session for reads alone: no transaction to open or roll back, so no round trip spent on either.

    Each statement still sees committed data only (PostgreSQL's default, read committed, gives no more
    inside a transaction), and the record's three statements are each whole."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn, \
            Session(bind=conn, expire_on_commit=False) as s:
        yield s


def cases_with_rows(s: Session, case_ids: Sequence[int]) -> list[tuple[Case, str]]:
    """The cases with everything the record shows of them, and the child's school's name, in one select."""
    found = s.execute(
        select(Case, School.name).join(Case.child).outerjoin(School, School.id == Child.school_id)
        .where(Case.id.in_(list(case_ids))).options(
            contains_eager(Case.child).joinedload(Child.contacts),
            joinedload(Case.advice_requests).joinedload(AdviceRequest.service), joinedload(Case.exceptions),
            joinedload(Case.caseworker), joinedload(Case.named_setting), joinedload(Case.existing_advice)))
    return [(case, school or "") for case, school in found.unique()]


def _row(tag: int, case_id: Any, row_id: Any, number: Any = None, *, dates: Sequence[Any] = (),
         texts: Sequence[Any] = ()) -> list[Any]:
    """One part of the union, padded to its common shape with typed NULLs (PostgreSQL needs the types)."""
    ds = [*dates, *[cast(null(), Date)] * (DATES - len(dates))]
    ts = [*texts, *[cast(null(), String)] * (TEXTS - len(texts))]
    n = cast(null(), Integer) if number is None else number
    return [literal_column(str(tag)).label("tag"), case_id, row_id, n, *ds, *ts]


def _labelled(columns: list[Any]) -> list[Any]:
    names = ["tag", "case_id", "row_id", "n", *(f"d{i}" for i in range(1, DATES + 1)),
             *(f"t{i}" for i in range(1, TEXTS + 1))]
    return [c.label(name) for c, name in zip(columns, names, strict=True)]


def _consultations(ids: list[int]) -> Select[Any]:
    c = Consultation
    return select(*_labelled(_row(CONSULTATION, c.case_id, c.id, c.school_id, dates=(c.sent_on, c.replied_on),
                                  texts=(School.name, c.reply)))) \
        .join(School, School.id == c.school_id).where(c.case_id.in_(ids))


def _allocations(ids: list[int]) -> Select[Any]:
    holder, mover = aliased(Staff), aliased(Staff)
    a = Allocation
    return select(*_labelled(_row(ALLOCATION, a.case_id, a.id, dates=(a.from_on, a.to_on),
                                  texts=(holder.display_name, mover.display_name, a.reason)))) \
        .outerjoin(holder, holder.id == a.staff_id).outerjoin(mover, mover.id == a.by_id).where(a.case_id.in_(ids))


def _staff() -> Select[Any]:
    return select(*_labelled(_row(STAFF, cast(null(), Integer), Staff.id, texts=(Staff.display_name,))))


def _plan_parts(ids: list[int]) -> list[Select[Any]]:
    r, a, t, c = PlanReview, PlanAmendment, PhaseTransfer, PlanCease
    return [
        select(*_labelled(_row(REVIEW, r.case_id, r.id, dates=(r.meeting_on, r.invitations_sent_on,
                                                               r.report_sent_on, r.notified_on),
                               texts=(r.decision,)))).where(r.case_id.in_(ids)),
        select(*_labelled(_row(AMENDMENT, a.case_id, a.id, dates=(a.notice_sent_on, a.notice_served_on,
                                                                  a.final_issued_on, a.not_amended_on))))
        .where(a.case_id.in_(ids)),
        select(*_labelled(_row(TRANSFER, t.case_id, t.id, t.consulted_school_id,
                               dates=(t.transfer_date, t.consultation_sent_on, t.setting_replied_on, t.done_on),
                               texts=(t.kind, t.reply, School.name))))
        .outerjoin(School, School.id == t.consulted_school_id).where(t.case_id.in_(ids)),
        select(*_labelled(_row(CEASE, c.case_id, c.id, c.reason,
                               dates=(c.proposed_on, c.decided_on, c.appeal_lodged_on, c.appeal_concluded_on,
                                      c.ceased_on, c.withdrawn_on)))).where(c.case_id.in_(ids)),
    ]


def _under_fives_setting() -> Select[Any]:
    """The council's under-5s review interval, as the settings row keeps it (text: the JSON value as written)."""
    months = CouncilSettingsRecord.details["plans"]["under_fives_review_months"].as_string()
    return select(*_labelled(_row(COUNCIL, cast(null(), Integer), CouncilSettingsRecord.id, texts=(months,)))) \
        .where(CouncilSettingsRecord.id == COUNCIL_ROW)


def _months(value: Any) -> int | None:
    """A whole number of months from the settings row's JSON value; anything else is no interval set."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


@dataclass(slots=True)
class CaseLists:
    """The union's rows sorted into their lists, each in the order the record shows it."""

    consultations: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    allocations: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    staff_names: dict[int, str] = field(default_factory=dict)
    reviews: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    amendments: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    transfers: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    ceases: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    council_read: bool = False  # the settings row was asked for and found
    under_fives_months: int | None = None  # its under-5s review interval (None: the timescales table's)


def case_lists(s: Session, case_ids: Sequence[int], *, allocations: bool, staff: bool,
               plans: Sequence[int] = (), council: bool = False) -> CaseLists:
    """Every short list of the cases in one statement: consultations always; allocation spells and the
    staff's names when asked; the plan rows of ``plans`` (issued cases among them); with ``council`` the
    council's under-5s review interval (a young child's plan needs it: one statement, not two)."""
    ids = list(case_ids)
    parts = [_consultations(ids)]
    if allocations:
        parts.append(_allocations(ids))
    if staff:
        parts.append(_staff())
    if plans:
        parts += _plan_parts(list(plans))
    if council:
        parts.append(_under_fives_setting())
    out = CaseLists()
    if not ids:
        return out
    lists = {CONSULTATION: out.consultations, ALLOCATION: out.allocations, REVIEW: out.reviews,
             AMENDMENT: out.amendments, TRANSFER: out.transfers, CEASE: out.ceases}
    query = union_all(*parts) if len(parts) > 1 else parts[0]
    for row in s.execute(query):
        tag, case_id, row_id = row[0], row[1], row[2]
        if tag == STAFF:
            out.staff_names[row_id] = row[4 + DATES]
        elif tag == COUNCIL:
            out.council_read, out.under_fives_months = True, _months(row[4 + DATES])
        else:
            lists[tag].setdefault(case_id, []).append(tuple(row[2:]))
    for spells in out.allocations.values():
        spells.sort(key=lambda r: -r[0])  # newest first
    for kind in (out.consultations, out.reviews, out.amendments, out.transfers, out.ceases):
        for rows in kind.values():
            rows.sort(key=lambda r: r[0])  # as recorded
    return out


def dates_of(row: tuple[Any, ...]) -> tuple[date | None, ...]:
    """A union row's dates (d1..d6), after its row id and number."""
    return tuple(row[2:2 + DATES])


def texts_of(row: tuple[Any, ...]) -> tuple[str | None, ...]:
    """A union row's texts (t1..t3)."""
    return tuple(row[2 + DATES:])
