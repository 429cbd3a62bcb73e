"""One case's plan from the rows its record already read (``case_select.case_lists``): no statement of its own.

The same facts the bulk read (``plan_reads``) makes for every plan: reviews and amendments oldest first, the
latest transfer recorded and the latest proposal to cease; a plan ceased is no longer maintained.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from caseworker.statutory.plan_facts import (
    AmendmentFacts,
    CeaseFacts,
    PlanFacts,
    ReviewFacts,
    SettingFacts,
    TransferFacts,
)
from caseworker.store.case_select import CaseLists, dates_of, texts_of
from caseworker.store.models import Case
from caseworker.store.plan_reads import amendment_order, review_order


@dataclass(frozen=True, slots=True)
class TransferSetting:
    """The setting consulted about the next phase and its reply, beside the transfer's clock."""

    school_id: int | None
    school: str
    reply: str


@dataclass(frozen=True, slots=True)
class CasePlan:
    facts: PlanFacts | None  # None: the plan has ceased
    transfer_setting: TransferSetting | None
    ceased: CeaseFacts | None  # the proposal that ceased it, for a ceased plan


def _review(row: tuple[Any, ...]) -> ReviewFacts:
    meeting, invited, report, notified = dates_of(row)[:4]
    return ReviewFacts(meeting, invited, report, texts_of(row)[0], notified, row[0])


def _amendment(row: tuple[Any, ...]) -> AmendmentFacts:
    sent, served, final, not_amended = dates_of(row)[:4]
    return AmendmentFacts(sent, served, final, not_amended, row[0])  # type: ignore[arg-type]


def _cease(row: tuple[Any, ...]) -> CeaseFacts:
    proposed, decided, lodged, concluded, ceased, withdrawn = dates_of(row)
    return CeaseFacts(proposed, decided, lodged, concluded, ceased, row[1], withdrawn, row[0])


def case_plan(case: Case, lists: CaseLists) -> CasePlan | None:
    """The plan of an issued case, or None when its final plan is not issued yet."""
    if case.final_issued_on is None:
        return None
    ceases = lists.ceases.get(case.id, [])
    ceased = [r for r in ceases if dates_of(r)[4] is not None]
    if ceased:
        return CasePlan(None, None, _cease(max(ceased, key=lambda r: r[0])))
    transfers = lists.transfers.get(case.id, [])
    latest = max(transfers, key=lambda r: (dates_of(r)[0], r[0])) if transfers else None
    named = case.named_setting
    child = case.child
    facts = PlanFacts(
        case.reference, case.final_issued_on, child.date_of_birth, f"{child.forename} {child.surname}",
        case.caseworker.username if case.caseworker else None,
        SettingFacts(named.urn, named.name, named.kind or "") if named is not None else None,
        sorted((_review(r) for r in lists.reviews.get(case.id, [])), key=review_order),
        sorted((_amendment(r) for r in lists.amendments.get(case.id, [])), key=amendment_order),
        _transfer(latest) if latest is not None else None,
        _cease(max(ceases, key=lambda r: r[0])) if ceases else None,
        child.year_group_offset or 0, case.id)
    setting = None
    if latest is not None:
        kind_reply_school = texts_of(latest)
        setting = TransferSetting(latest[1], kind_reply_school[2] or "", kind_reply_school[1] or "")
    return CasePlan(facts, setting, None)


def _transfer(row: tuple[Any, ...]) -> TransferFacts:
    moves, consulted, replied, done = dates_of(row)[:4]
    assert moves is not None
    return TransferFacts(texts_of(row)[0] or "", moves, consulted, replied, done, row[0])


def issued(cases: list[Case]) -> list[int]:
    """The cases whose final plan is issued: only they have plan rows to read."""
    return [c.id for c in cases if c.final_issued_on is not None]


__all__ = ["CasePlan", "TransferSetting", "case_plan", "issued"]
