"""A correction or an undo as the case's history reads it: what was corrected, from what to what, and why.

The audit row (caseworker/services/corrections.py) keys dates as letters do (``draft_sent_on``,
``advice:12.requested_on``); here they become "sent on 3 Apr 2025 → 4 Apr 2025".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caseworker.letters.rests_on import field_of
from caseworker.statutory.corrections import DATE_LABELS, day

ACTION_WORDS = {"correct_step": "corrected a step", "undo_step": "undid a step",
                "correct_plan_date": "corrected a plan date"}
CORRECTING = ("correct_step", "correct_plan_date")
# A plan's notified dates (caseworker/services/plan_corrections.py), as the history names them.
PLAN_DATE_LABELS = {"meeting_on": "held on", "notified_on": "notified on", "notice_sent_on": "sent on",
                    "decided_on": "notified on", "done_on": "issued on"}
LABELS = DATE_LABELS | PLAN_DATE_LABELS


def _label(key: str) -> str:
    column = field_of(key).rpartition(".")[2]
    return LABELS.get(column, column.replace("_", " "))


def _day(value: Any) -> str:
    if isinstance(value, str):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return "not recorded" if value is None else str(value)


def _dates(values: dict[str, Any]) -> list[str]:
    """The keys that hold dates (not the step, the reason, or a removed row's other details)."""
    return [k for k in values if k.rpartition(".")[2] in LABELS]


def correction_summary(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """"The draft plan: sent on 3 Apr 2025 → 4 Apr 2025. Reason: posted a day later"."""
    before, after = before or {}, after or {}
    what = str(after.get("what") or "a step")
    reason = str(after.get("reason") or "")
    if action in CORRECTING:
        changes = [f"{_label(k)} {_day(before.get(k))} → {_day(after.get(k))}" for k in _dates(after)]
        text = f"{what[:1].upper()}{what[1:]}: {'; '.join(changes)}"
    else:
        held = [f"{_label(k)} {_day(v)}" for k, v in before.items() if k in _dates(before) and v is not None]
        text = f"Undid {what}" + (f" ({', '.join(held)})" if held else "") + ", recorded in error"
    return f"{text}. Reason: {reason}" if reason else f"{text}."
