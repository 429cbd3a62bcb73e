"""The chronology's lines from the audit trail: who recorded each step, corrections and undos, letters
marked sent, void or reprinted, and every other change to the case that no table of its own shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from caseworker.views.chronology_events import LONDON, ChronologyEvent, day, timed
from caseworker.views.correction_words import correction_summary


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: datetime  # UTC
    who: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]


class StepWho:
    """Who recorded each step, by the step's key ("decision_to_assess", "advice_received:12"); "" if unknown."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def get(self, key: str) -> str:
        return self.names.get(key, "")


class DateFixes:
    """The corrections made to each recorded date (keyed as the audit row keys it), to note beside the step."""

    def __init__(self, audit: Sequence[AuditRow]) -> None:
        self.fixes: dict[str, list[tuple[datetime, Any]]] = {}
        for row in audit:
            if row.action in ("correct_step", "correct_plan_date"):
                for key, old in row.before.items():
                    self.fixes.setdefault(key, []).append((row.at, old))

    def note(self, key: str) -> str:
        """"; date corrected on 5 Mar 2025 (first recorded as 10 Feb 2025)", or "" if it never was."""
        fixes = self.fixes.get(key)
        if not fixes:
            return ""
        first_value, last_at = fixes[0][1], fixes[-1][0]
        when = day(last_at.astimezone(LONDON).date())
        times = f" {len(fixes)} times, last" if len(fixes) > 1 else ""
        return f"; date corrected{times} on {when} (first recorded as {_shown(first_value)})"


# Audit actions that record a step of the case, and the step's key.
STEP_ACTIONS = {"register_request": "received", "record_decision_to_assess": "decision_to_assess",
                "record_decision_to_issue": "decision_to_issue", "record_draft_sent": "draft_sent",
                "record_final_plan": "final_plan", "withdraw": "withdraw"}
ROW_ACTIONS = {"record_advice_received": "advice_received", "excuse_advice": "advice_excuse"}
# Shown from their own tables (or as the step itself), so not repeated from the trail.
COVERED = frozenset({*STEP_ACTIONS, *ROW_ACTIONS, "request_advice", "reallocate", "letter.make", "add_case_note",
                     "amend_case_note", "attach_document", "record_consultation", "record_consultation_reply"})
LETTER_ACTIONS = {"letter.sent": "Letter marked sent", "letter.void": "Letter voided",
                  "letter.reprint": "Letter reprinted"}
CHANGE_WORDS = {"edit_child": "Child's details changed", "add_contact": "Contact added",
                "change_contact": "Contact changed", "end_contact": "Contact ended",
                "name_setting": "Setting named in the plan", "pin_case": "Case pinned to its caseworker",
                "unpin_case": "Case unpinned", "link_organisation": "Organisation added to the case",
                "unlink_organisation": "Organisation taken off the case",
                "import.update": "Changed by a tracker import", "import.create": "Added by a tracker import",
                "link_advice_document": "Advice linked to its document",
                "case_note_follow_up_done": "Note's follow-up done"}


def step_recorders(audit: Sequence[AuditRow]) -> StepWho:
    """Who recorded each step (the latest recording wins: a step undone and recorded again is theirs)."""
    names: dict[str, str] = {}
    for row in audit:
        if row.action in STEP_ACTIONS:
            names[STEP_ACTIONS[row.action]] = row.who
        elif row.action in ROW_ACTIONS and row.entity == "advice_request":
            names[f"{ROW_ACTIONS[row.action]}:{row.entity_id}"] = row.who
        elif row.action == "record_advice_received":  # older rows (and the demo's) name the kind, not the row
            names[f"advice_received:{row.after.get('kind')}:{row.after.get('received_on')}"] = row.who
        elif row.action == "request_advice":
            asked = row.after.get("advice", row.after)
            names[f"advice:{asked.get('kind')}:{asked.get('requested_on')}"] = row.who
        elif row.action.endswith(".create") and row.entity == "case":
            names.setdefault("received", row.who)
        elif row.action.endswith(".create") and row.entity in ("advice_request", "statutory_exception"):
            names[f"{'advice' if row.entity == 'advice_request' else 'exception'}:{row.entity_id}"] = row.who
    return StepWho(names)


def audit_events(audit: Sequence[AuditRow], titles: dict[str, str]) -> list[ChronologyEvent]:
    out = []
    for row in audit:
        source = "Audit trail"
        if row.action in ("correct_step", "undo_step", "correct_plan_date"):
            what = str(row.after.get("what") or "a step")
            verb = {"correct_step": "Step corrected", "undo_step": "Step undone",
                    "correct_plan_date": "Plan date corrected"}[row.action]
            out.append(timed(row.at, "correction", f"{verb}: {what}", row.who,
                             correction_summary(row.action, row.before, row.after), source))
        elif row.action in LETTER_ACTIONS:
            template = str(row.after.get("template") or "")
            template = titles.get(template, template.replace("_", " "))
            reason = f"Reason: {row.after['reason']}" if row.after.get("reason") else ""
            out.append(timed(row.at, "letter", f"{LETTER_ACTIONS[row.action]}: {template}".rstrip(": "), row.who,
                             reason, f"Letter log #{row.entity_id}"))
        elif row.action not in COVERED and not row.action.startswith(("demo", "record_exception_")):
            kind = "note" if row.entity == "case_note" else "advice" if row.entity == "advice_request" else "change"
            what = CHANGE_WORDS.get(row.action) or row.action.replace(".", " ").replace("_", " ").capitalize()
            out.append(timed(row.at, kind, what, row.who, changes_in_words(row.before, row.after), source))
    return out


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_shown(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def changes_in_words(before: dict[str, Any], after: dict[str, Any]) -> str:
    """"surname: Smith → Smyth; postcode: not recorded → HR1 2HQ"."""
    parts = []
    for key in dict.fromkeys([*after, *before]):
        label = key.replace("_", " ")
        if key in before and key in after:
            parts.append(f"{label}: {_shown(before[key])} → {_shown(after[key])}")
        elif key in after:
            parts.append(f"{label}: {_shown(after[key])}")
        else:
            parts.append(f"{label}: was {_shown(before[key])}")
    return "; ".join(parts)
