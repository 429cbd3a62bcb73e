"""The checks on a row's plan columns (docs/tracker-import.md, "Plans in place").

A row's plan columns describe the plan's last review, its latest amendment and its next phase transfer.
They need a plan (``final_plan_issued`` in the row or on record), their pairs go together, and their
dates fit the plan and one another: the same rules the plan's own forms apply
(``caseworker.services.plans``). A re-imported reference is checked with what is on record where the
row's cell is blank. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from caseworker.io.columns import PLAN_COLUMNS, REVIEW_DECISION, TRANSFER
from caseworker.io.rows import ParsedRow

# The family have at least 15 days, beginning with the day the notice is served, to comment (reg 22(2)(c)).
COMMENT_DAYS = 15
# Columns whose date may lie ahead: a move is usually planned before it happens.
FUTURE_ALLOWED = frozenset({"transfer_date"})
DATE_COLUMNS = ("last_review_meeting", "last_review_decision_date", "amendment_notice_sent", "amended_plan_issued",
                "transfer_date", "phase_transfer_done")
PAIRED = {
    "last_review_decision": "give the decision (maintain, amend or cease) notified on last_review_decision_date",
    "last_review_decision_date": "give the date the decision was notified, with last_review_decision",
    "transfer_kind": "give the kind of transfer (school, post16 or post16_move), with transfer_date",
    "transfer_date": "give the day the move happens, with transfer_kind",
}


@dataclass(slots=True)
class PlanOnRecord:
    """What is stored of a plan's reviews, amendments and transfers, as the row checks need it."""

    open_meeting: date | None = None  # the meeting of a review whose decision is still to come
    notified: set[date] = field(default_factory=set)  # the days review decisions were notified
    last_notice: date | None = None  # the latest amendment notice
    has_transfer: bool = False


def fmt(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def check_plan_columns(row: ParsedRow, plan_issued: date | None, on_record: PlanOnRecord | None,
                       today: date) -> None:
    """Add to ``row`` the problems with its plan columns; ``plan_issued`` is the row's final plan or the
    stored one."""
    given = [c for c in PLAN_COLUMNS if row.given(c)]
    if not given:
        return
    for pair in (REVIEW_DECISION, TRANSFER):
        for column, partner in (pair, pair[::-1]):
            if row.given(column) and not row.given(partner):
                row.problem(partner, PAIRED[partner])
    if plan_issued is None:
        for column in given:
            row.problem(column, "a plan's own dates need the plan: give final_plan_issued, the date it was issued")
        return
    on_record = on_record or PlanOnRecord()
    _dates_fit_the_plan(row, plan_issued, today)
    _decision_after_meeting(row, on_record)
    _amended_plan_after_comments(row, on_record)
    if row.given("phase_transfer_done") and not row.given("transfer_date") and not on_record.has_transfer:
        row.problem("phase_transfer_done", "give transfer_kind and transfer_date too: the move this amended plan "
                                           "prepares for")


def _dates_fit_the_plan(row: ParsedRow, plan_issued: date, today: date) -> None:
    v = row.values
    for column in DATE_COLUMNS:
        day = v.get(column)
        if day is None:
            continue
        if day > today and column not in FUTURE_ALLOWED:
            row.problem(column, f"{fmt(day)} is after today ({fmt(today)})")
        elif day < plan_issued:
            row.problem(column, f"{fmt(day)} is before the plan was issued ({fmt(plan_issued)})")


def _decision_after_meeting(row: ParsedRow, on_record: PlanOnRecord) -> None:
    """A review's decision is notified on or after its meeting (the row's, else the one on record waiting
    for its decision)."""
    v = row.values
    notified = v.get("last_review_decision_date")
    if notified is None or notified in on_record.notified:
        return
    meeting = v.get("last_review_meeting") or on_record.open_meeting
    if meeting is not None and notified < meeting:
        row.problem("last_review_decision_date", f"{fmt(notified)} is before the review meeting on {fmt(meeting)}: "
                                                 "a decision is notified after the meeting")


def _amended_plan_after_comments(row: ParsedRow, on_record: PlanOnRecord) -> None:
    """A final amended plan needs a notice, and comes after the family's 15 days to comment on it.

    One issued before the notice is an earlier amendment's plan (a tracker keeps the latest of each):
    it is kept, and the newer notice is still waiting for its own.
    """
    issued = row.values.get("amended_plan_issued")
    if issued is None:
        return
    notice = row.values.get("amendment_notice_sent") or on_record.last_notice
    if notice is None:
        if not row.given("amendment_notice_sent"):
            row.problem("amended_plan_issued", "give amendment_notice_sent too: the date the proposed amendments "
                                               "were sent to the family")
        return
    earliest = notice + timedelta(days=COMMENT_DAYS)
    if notice <= issued < earliest:
        row.problem("amended_plan_issued", f"the family have 15 days from the notice of {fmt(notice)} to comment: "
                                           f"a final amended plan cannot be issued before {fmt(earliest)}")
