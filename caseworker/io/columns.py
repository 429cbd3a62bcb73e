"""The tracker's columns (docs/tracker-import.md) and how each cell is read.

The code lists (primary needs, request sources, exception grounds, advice kinds) come from the
timescales table, so a council's corrected table changes what the import accepts without code changes.
Text limits are the database columns' own (``store.codes``, held to the models by a test), so nothing
valid here can fail on PostgreSQL later; this module reads no ORM model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from caseworker.io import cells
from caseworker.statutory.rules import Rules
from caseworker.store.codes import REVIEW_DECISIONS, SENT_BY, SETTING_KINDS, TEXT_LIMITS, TRANSFER_KINDS

Parser = Callable[[Any], Any]

REQUIRED = ("reference", "forename", "surname", "date_of_birth", "request_received")
# Needed for a new case (a re-imported reference keeps what is stored when the cell is blank).
REQUIRED_FOR_NEW = ("forename", "surname", "date_of_birth")
PARENT_DETAILS = ("parent_address", "parent_postcode", "parent_email")
DECISION_COLUMNS = ("decision_to_assess", "decision_to_assess_date", "decision_to_issue",
                    "decision_to_issue_date")
EXCEPTION_COLUMNS = ("exception_ground", "exception_recorded")
EXCEPTION_DATES = ("exception_from", "exception_to")  # version 2: when the circumstances began and ended
NAMED_SETTING = ("named_setting_urn", "named_setting_name", "named_setting_kind")  # version 2
# What a plan in place has been through since it was issued (the "(plans)" columns): each pair goes together.
REVIEW_DECISION = ("last_review_decision", "last_review_decision_date")
TRANSFER = ("transfer_kind", "transfer_date")
PLAN_COLUMNS = ("last_review_meeting", *REVIEW_DECISION, "amendment_notice_sent", "amended_plan_issued", *TRANSFER,
                "phase_transfer_done")
ADDRESS_LIMIT = 1000


def _limit(column: str) -> int:
    """The longest text ``table.column`` holds."""
    return TEXT_LIMITS[column]


def advice_columns(kind: str) -> tuple[str, str, str]:
    """The requested, received and service columns of one advice kind."""
    return f"{kind}_advice_requested", f"{kind}_advice_received", f"{kind}_advice_service"


def sent_by_column(kind: str) -> str:
    """Version 2: how the request for one kind of advice went (email, portal, hand or post)."""
    return f"{kind}_advice_sent_by"


@dataclass(frozen=True, slots=True)
class TrackerColumns:
    """Every column the tracker knows, with its parser, for one timescales table."""

    parsers: dict[str, Parser]
    advice_kinds: tuple[str, ...]
    # Columns whose values repeat down a tracker (dates, codes, services): parsed once per distinct value.
    repeating: frozenset[str]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.parsers)

    @property
    def step_columns(self) -> tuple[str, ...]:
        """Columns of the assessment's steps: a plan in place has none of them."""
        advice = tuple(c for k in self.advice_kinds for c in (*advice_columns(k), sent_by_column(k)))
        return (*DECISION_COLUMNS, *advice, "draft_plan_sent", *EXCEPTION_COLUMNS, *EXCEPTION_DATES)

    @classmethod
    def from_rules(cls, rules: Rules) -> TrackerColumns:
        text = cells.parse_text
        date = cells.parse_date
        yes_no = cells.parse_yes_no
        needs = cells.code_lookup(tuple(rules.primary_needs))
        sources = cells.code_lookup(rules.request_sources)
        grounds = cells.code_lookup(tuple(rules.exception_grounds))
        service = partial(text, limit=_limit("advice_service.name"))
        sent_by = partial(cells.parse_code, codes=cells.code_lookup(SENT_BY), what="a way of sending")
        parsers: dict[str, Parser] = {
            "reference": partial(text, limit=_limit("case.reference")),
            "forename": partial(text, limit=_limit("child.forename")),
            "surname": partial(text, limit=_limit("child.surname")),
            "date_of_birth": date,
            "upn": cells.parse_upn,
            "nhs_number": cells.parse_nhs_number,
            "uln": cells.parse_uln,
            "postcode": cells.parse_postcode,
            "primary_need": partial(cells.parse_code, codes=needs, what="an SEN2 primary need code"),
            "school_urn": partial(cells.parse_urn, limit=_limit("school.urn")),
            "school_name": partial(text, limit=_limit("school.name")),
            "caseworker": partial(text, limit=_limit("staff.username")),
            "parent_name": partial(text, limit=_limit("contact.name")),
            "parent_address": partial(text, limit=ADDRESS_LIMIT),
            "parent_postcode": cells.parse_postcode,
            "parent_email": partial(cells.parse_email, limit=_limit("contact.email")),
            "request_received": date,
            "request_source": partial(cells.parse_code, codes=sources, what="a request source"),
            "decision_to_assess": yes_no,
            "decision_to_assess_date": date,
        }
        kinds = tuple(rules.advice_kinds)
        for kind in kinds:
            requested, received, service_column = advice_columns(kind)
            parsers[requested] = date
            parsers[received] = date
            parsers[service_column] = service
            parsers[sent_by_column(kind)] = sent_by
        parsers.update({
            "decision_to_issue": yes_no,
            "decision_to_issue_date": date,
            "draft_plan_sent": date,
            "final_plan_issued": date,
            "exception_ground": partial(cells.parse_code, codes=grounds, what="an exception ground"),
            "exception_recorded": date,
            "exception_from": date,
            "exception_to": date,
            "named_setting_urn": partial(cells.parse_urn, limit=_limit("school.urn")),
            "named_setting_name": partial(text, limit=_limit("school.name")),
            "named_setting_kind": partial(cells.parse_code, codes=cells.code_lookup(SETTING_KINDS),
                                          what="a kind of setting"),
            "last_review_meeting": date,
            "last_review_decision": partial(cells.parse_code, codes=cells.code_lookup(REVIEW_DECISIONS),
                                            what="a review decision"),
            "last_review_decision_date": date,
            "amendment_notice_sent": date,
            "amended_plan_issued": date,
            "transfer_kind": partial(cells.parse_code, codes=cells.code_lookup(TRANSFER_KINDS),
                                     what="a kind of phase transfer"),
            "transfer_date": date,
            "phase_transfer_done": date,
        })
        unique = {"reference", "forename", "surname", "upn", "nhs_number", "uln", "parent_name",
                  "parent_address", "parent_email"}
        return cls(parsers, kinds, frozenset(parsers) - unique)
