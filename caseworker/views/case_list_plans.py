"""What the case list shows of each plan in place: its next annual review and its next phase transfer.

Worked out once as the list loads, for every plan at once: one bulk read of the maintained plans and
one run of the plan clocks (``schedule_all``). A list of 28,000 rows never asks a plan anything per cell.
The transfer is the one recorded on the plan while it is still to come (or still being worked on);
otherwise the cohort the child belongs to, from their date of birth, England's school year and any
year-group offset (a child taught a year behind moves a year later).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from caseworker.statutory.cohort import SCHOOL_YEAR_STARTS, reception_year
from caseworker.statutory.plan_facts import PlanFacts, TransferFacts
from caseworker.statutory.plans import clocks_for
from caseworker.statutory.rules import Rules, TransferPoint
from caseworker.store.plan_reads import plan_facts
from caseworker.vocabulary import month_year, transfer_destination

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from caseworker.statutory.engine import DeadlineEngine


@dataclass(frozen=True, slots=True)
class PlanListFacts:
    """One plan's review and transfer as the list shows them."""

    next_review: date  # the day the next annual review is due
    review: str  # overdue, due_soon or pending (not due)
    transfer_on: date | None  # 1 September of the move (None: past the last transfer point)
    transfer_to: str  # "to secondary", "to post-16", ...


class NextTransfers:
    """Each child's next transfer point, worked out once for each Reception year (children share them)."""

    def __init__(self, rules: Rules, today: date) -> None:
        self.points = rules.transfer_points
        self.today = today
        self._next: dict[int, tuple[date, TransferPoint] | None] = {}

    def cohort(self, born: date, offset: int) -> tuple[date, TransferPoint] | None:
        """The first transfer point whose move (1 September) is still ahead of today."""
        start = reception_year(born, offset)
        if start in self._next:
            return self._next[start]
        found = None
        for point in self.points:
            moves = date(start + point.years_after_reception, *SCHOOL_YEAR_STARTS)
            if moves > self.today:
                found = (moves, point)
                break
        self._next[start] = found
        return found

    def year_group_in(self, born: date, offset: int, year: int) -> str | None:
        """The year group the child moves into in September ``year``, when that is a transfer point."""
        years_in = year - reception_year(born, offset)
        return next((p.year_group for p in self.points if p.years_after_reception == years_in), None)

    def of(self, plan: PlanFacts) -> tuple[date | None, str]:
        recorded = plan.transfer
        if recorded is not None and still_to_come(recorded, self.today):
            group = (self.year_group_in(plan.date_of_birth, plan.year_group_offset, recorded.transfer_date.year)
                     if recorded.kind == "school" else None)
            return recorded.transfer_date, transfer_destination(group, recorded.kind)
        found = self.cohort(plan.date_of_birth, plan.year_group_offset)
        if found is None:
            return None, ""
        moves, point = found
        return moves, transfer_destination(point.year_group, point.kind)


def transfer_words(on: date | None, to: str) -> str:
    """Sep 2027 to secondary ("" when no transfer is ahead)."""
    return f"{month_year(on)} {to}" if on is not None else ""


def still_to_come(t: TransferFacts, today: date) -> bool:
    """A recorded transfer is the one to show while its plan is not yet amended or the move is ahead."""
    return t.done is None or t.transfer_date > today


def plan_list_facts(session: Session, engine: DeadlineEngine, today: date,
                    case_ids: Sequence[int] | None = None) -> dict[int, PlanListFacts]:
    """Every maintained plan's review and transfer by case id (or only those of ``case_ids``), in one bulk
    read and one run of the clocks."""
    plans = plan_facts(session, case_ids=case_ids)
    schedules = clocks_for(engine.rules, engine.calendar).schedule_all(plans, today)
    transfers = NextTransfers(engine.rules, today)
    shown: dict[int, PlanListFacts] = {}
    for s in schedules:
        plan = s.facts
        if plan.case_id is None:
            continue
        moves, to = transfers.of(plan)
        shown[plan.case_id] = PlanListFacts(s.review.due, s.review.status, moves, to)
    return shown


def review_soon_days(rules: Rules) -> int:
    """How near its due day an annual review counts as due soon (the review row's window, 8 weeks)."""
    row = rules.row("annual_review")
    return rules.due_soon_days if row.due_soon_days is None else row.due_soon_days
