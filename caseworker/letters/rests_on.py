"""The recorded dates a letter states, kept with the letter so the log can flag it when one is corrected.

A template names the dates it rests on in its settings (``rests_on = ["decision_to_assess_on",
"received_on"]``): a decision letter states the decision's date (it is dated with it, and the appeal
window runs from it) and the deadlines counted from the request; a chase states the day advice was
asked for. When a letter is made, the values of those dates on the case are stored beside it
(``LetterRecord.rests_on``): ``{"decision_to_assess_on": "2025-02-10"}``, and for the advice request or
exception the letter is about, ``{"advice:12.requested_on": "2025-02-11"}``. No database here: the
caller hands in the case as its record shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from caseworker.statutory.plan_facts import PlanFacts
from caseworker.statutory.plans import last_decision

if TYPE_CHECKING:
    from caseworker.views.case_detail import CaseDetail

# A recorded date on the case itself, and how a flag on a letter names it.
CASE_DATES: dict[str, str] = {
    "received_on": "date the request was received",
    "decision_to_assess_on": "decision date",
    "decision_to_issue_on": "decision date",
    "draft_sent_on": "date the draft plan was sent",
    "draft_served_on": "date the draft plan was served",
    "final_issued_on": "date the final plan was issued",
    "withdrawn_on": "date the request was withdrawn",
}
# A recorded date on the advice request or exception the letter is about.
ROW_DATES: dict[str, str] = {
    "advice.requested_on": "date the advice was requested",
    "advice.received_on": "date the advice was received",
    "exception.began_on": "date the circumstances began",
    "exception.ended_on": "date the circumstances ended",
    "exception.recorded_on": "date the exception was recorded",
}
# What a plan letter states of the plan: the setting named in it, and facts of the review, the amendment,
# the phase transfer or the proposal to cease it tells of (settings by name, decisions as recorded).
PLAN_FACTS: dict[str, str] = {
    "named_setting": "setting named in the plan",
    "review.meeting_on": "date of the review meeting",
    "review.decision": "review decision",
    "review.notified_on": "date the review decision was notified",
    "amendment.notice_sent_on": "date the proposed amendments were sent",
    "amendment.final_issued_on": "date the final amended plan was issued",
    "transfer.transfer_date": "date of the phase transfer",
    "transfer.consulted": "setting consulted about the phase transfer",
    "cease.decided_on": "date of the decision to cease the plan",
    "cease.reason": "reason for ceasing the plan",
}
RESTS_ON_FIELDS = frozenset(CASE_DATES) | frozenset(ROW_DATES) | frozenset(PLAN_FACTS)


def row_key(kind: str, row_id: int, column: str) -> str:
    """The stored key of a row's date: ``advice:12.requested_on``."""
    return f"{kind}:{row_id}.{column}"


def field_of(key: str) -> str:
    """The template field a stored key came from: ``advice:12.requested_on`` -> ``advice.requested_on``."""
    if ":" not in key:
        return key
    kind, _, rest = key.partition(":")
    return f"{kind}.{rest.partition('.')[2]}"


def words_for(key: str) -> str:
    field = field_of(key)
    return CASE_DATES.get(field) or ROW_DATES.get(field) or PLAN_FACTS.get(field) or field.replace("_", " ")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _case_value(detail: CaseDetail, field: str) -> date | None:
    if field == "received_on":
        return detail.received
    if field == "final_issued_on":
        return detail.final_issued
    if detail.deadlines is None:
        return None
    f = detail.deadlines.facts
    return {"decision_to_assess_on": f.decision_to_assess_on, "decision_to_issue_on": f.decision_to_issue_on,
            "draft_sent_on": f.draft_sent, "draft_served_on": f.draft_served, "withdrawn_on": f.withdrawn}[field]


def letter_exception_id(detail: CaseDetail, exception_id: int | None, fields: Sequence[str]) -> int | None:
    """The exception a letter states: the one named, else (as the letter itself does) the latest."""
    if exception_id is not None:
        return exception_id
    if any(f.startswith("exception.") for f in fields) and detail.exceptions:
        return detail.exceptions[-1].id
    return None


def recorded_dates(detail: CaseDetail, fields: Sequence[str], *, advice_id: int | None = None,
                   exception_id: int | None = None, plan: PlanFacts | None = None,
                   consulted: str | None = None) -> dict[str, str | None]:
    """The values on ``detail`` (and its ``plan``, with the setting ``consulted`` about its transfer) of the
    dates and facts ``fields`` name, keyed as they are stored with the letter.

    A date not recorded is kept as None: recording it later changes what the letter would say too.
    """
    out: dict[str, str | None] = plan_facts_stated(plan, [f for f in fields if f in PLAN_FACTS], consulted)
    advice = next((a for a in detail.advice if a.id == advice_id), None) if advice_id is not None else None
    which = letter_exception_id(detail, exception_id, fields)
    exception = next((e for e in detail.exceptions if e.id == which), None) if which is not None else None
    for field in fields:
        if field in CASE_DATES:
            out[field] = _iso(_case_value(detail, field))
        elif field.startswith("advice.") and advice is not None:
            column = field.partition(".")[2]
            value = advice.requested if column == "requested_on" else advice.received
            out[row_key("advice", advice.id, column)] = _iso(value)
        elif field.startswith("exception.") and exception is not None:
            column = field.partition(".")[2]
            value = {"began_on": exception.began or exception.recorded, "ended_on": exception.ended,
                     "recorded_on": exception.recorded}[column]
            out[row_key("exception", exception.id, column)] = _iso(value)
    return out


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def plan_facts_stated(plan: PlanFacts | None, fields: Sequence[str], consulted: str | None) -> dict[str, str | None]:
    """The plan's facts ``fields`` name, keyed as stored (``review:7.meeting_on``): a review decision states
    the review last decided, an invitation the review under way; the latest notice; the transfer and the
    proposal to cease on record."""
    out: dict[str, str | None] = {}
    if plan is None or not fields:
        return out
    decided = any(f in ("review.decision", "review.notified_on") for f in fields)
    review = last_decision(plan.reviews) if decided else (plan.reviews[-1] if plan.reviews else None)
    notice = max(plan.amendments, key=lambda a: a.notice_sent) if plan.amendments else None
    rows = {"review": (review, {"meeting_on": "meeting", "decision": "decision", "notified_on": "notified"}),
            "amendment": (notice, {"notice_sent_on": "notice_sent", "final_issued_on": "final_issued"}),
            "transfer": (plan.transfer, {"transfer_date": "transfer_date"}),
            "cease": (plan.cease, {"decided_on": "decided", "reason": "reason"})}
    for field in fields:
        if field == "named_setting":
            out[field] = plan.named_setting.name if plan.named_setting is not None else None
            continue
        kind, _, column = field.partition(".")
        row, attributes = rows[kind]
        if row is None or row.id is None:
            continue
        value = consulted if field == "transfer.consulted" else getattr(row, attributes[column])
        out[row_key(kind, row.id, column)] = _text(value)
    return out
