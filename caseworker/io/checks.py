"""The checks that need a whole row, the rest of the file, or what is already stored.

A re-imported reference keeps what is stored wherever its cell is blank, so its dates are checked as
they will be after the import: the stored request with the row laid over it. The date rules
themselves are ``statutory.validation.check_request``, the same rules the case window applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from caseworker.errors import Problem
from caseworker.io.columns import (
    EXCEPTION_DATES,
    PARENT_DETAILS,
    REQUIRED_FOR_NEW,
    TrackerColumns,
    advice_columns,
    sent_by_column,
)
from caseworker.io.plan_checks import PlanOnRecord, check_plan_columns
from caseworker.io.records import TrackerRecord
from caseworker.io.rows import ParsedRow
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts
from caseworker.statutory.required_advice import PFA, REQUIRED_TITLES, missing_advice, school_year
from caseworker.statutory.validation import check_child, check_names, check_request

NAME_COLUMNS = ("forename", "surname", "parent_name")
PLAN_IN_PLACE_STEP = ("a plan in place (no request_received) has no assessment steps: give request_received, "
                      "or leave this cell blank")


@dataclass(slots=True)
class StoredCases:
    """What the database already holds for the references in a file."""

    requests: dict[str, RequestFacts] = field(default_factory=dict)
    plans_in_place: dict[str, date | None] = field(default_factory=dict)  # reference -> final issued
    born: dict[str, date] = field(default_factory=dict)  # reference -> the child's date of birth
    # Reference -> advice on record beyond the requests: kinds already available (reg 6(4)), and "pfa"
    # when a request covers preparing for adulthood. The tracker has no column for either.
    advice_on_record: dict[str, set[str]] = field(default_factory=dict)
    # Reference -> what is stored of the plan's reviews, amendments and transfers (plans with any).
    plans: dict[str, PlanOnRecord] = field(default_factory=dict)

    def __contains__(self, reference: object) -> bool:
        return reference in self.requests or reference in self.plans_in_place


def _fmt(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def _either(new: bool | None, old: bool | None) -> bool | None:
    return new if new is not None else old


def _merged_advice(r: TrackerRecord, stored: RequestFacts) -> list[AdviceFacts]:
    advice = [AdviceFacts(a.kind, a.requested, a.received, a.service, a.id, a.sent_by, a.excused_ground)
              for a in stored.advice]
    for a in r.advice:
        current = next((x for x in advice if x.kind == a.kind), None)
        if current is None:
            if a.requested is not None:
                advice.append(AdviceFacts(a.kind, a.requested, a.received, a.service))
            continue
        current.requested = a.requested or current.requested
        current.received = a.received or current.received
        current.service = a.service or current.service
    for facts in advice:
        facts.sent_by = r.advice_sent_by.get(facts.kind, facts.sent_by)
    return advice


def _merged_exceptions(r: TrackerRecord, stored: RequestFacts) -> list[ExceptionFacts]:
    """The stored exceptions, with the row's own (one, matched by ground and recorded date) laid over."""
    exceptions = [ExceptionFacts(e.ground, e.recorded, e.note, e.began, e.ended) for e in stored.exceptions]
    for e in r.exceptions:
        current = next((x for x in exceptions if (x.ground, x.recorded) == (e.ground, e.recorded)), None)
        if current is None:
            current = ExceptionFacts(e.ground, e.recorded, e.note)
            exceptions.append(current)
        current.began = r.exception_began or current.began
        current.ended = r.exception_ended or current.ended
    return exceptions


def merged_facts(r: TrackerRecord, stored: RequestFacts | None, stored_final: date | None) -> RequestFacts | None:
    """The request as it will be stored after this row: the row's filled cells over the stored values.

    ``None`` when there is no request date either way (a plan in place). A draft the tracker records
    counts as sent by email; one already stored keeps the way it was recorded as sent.
    """
    received = r.received or (stored.received if stored else None)
    if received is None:
        return None
    s = stored or RequestFacts(r.reference, received, final_issued=stored_final)
    advice = _merged_advice(r, s)
    exceptions = _merged_exceptions(r, s)
    return RequestFacts(
        reference=r.reference, received=received, child=s.child, caseworker=r.caseworker or s.caseworker,
        decision_to_assess=_either(r.decision_to_assess, s.decision_to_assess),
        decision_to_assess_on=r.decision_to_assess_on or s.decision_to_assess_on,
        decision_to_issue=_either(r.decision_to_issue, s.decision_to_issue),
        decision_to_issue_on=r.decision_to_issue_on or s.decision_to_issue_on,
        draft_sent=r.draft_sent or s.draft_sent, draft_served=r.draft_served or s.draft_served,
        final_issued=r.final_issued or s.final_issued, withdrawn=r.withdrawn or s.withdrawn,
        advice=advice, exceptions=exceptions, id=s.id, draft_sent_by=s.draft_sent_by,
    )


class FileChecks:
    """The checks across a file's rows, which may arrive in parts: a reference appears once, and a
    setting has one kind."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}  # lower-cased reference -> the row it is on
        self.kinds: dict[str, tuple[str, int]] = {}  # named setting -> the kind a row gave it, and that row

    def check(self, rows: Iterable[ParsedRow], stored: StoredCases, today: date, engine: DeadlineEngine,
              columns: TrackerColumns) -> None:
        """Add to each row the problems (and warnings) that need more than its own cells."""
        seen = self.seen
        for row in rows:
            ref = row.reference
            if ref is not None:
                key = ref.lower()  # a reference is the same whatever its letter case
                if key in seen:
                    row.problem("reference", f"{ref} is also on row {seen[key]}: a reference may appear only "
                                             "once in a file")
                else:
                    seen[key] = row.number
            _check_setting_kind(row, self.kinds)
            check_row(row, stored, today, engine, columns)


def check_rows(rows: Iterable[ParsedRow], stored: StoredCases, today: date, engine: DeadlineEngine,
               columns: TrackerColumns) -> None:
    """``FileChecks`` for a whole file at once."""
    FileChecks().check(rows, stored, today, engine, columns)


def _check_setting_kind(row: ParsedRow, kinds: dict[str, tuple[str, int]]) -> None:
    """A setting has one kind: two rows of a file may not give it different ones."""
    setting = row.record.named_setting if row.record is not None else None
    if setting is None or setting.kind is None:
        return
    earlier = kinds.setdefault(setting.key, (setting.kind, row.number))
    if earlier[0] != setting.kind:
        row.problem("named_setting_kind", f"row {earlier[1]} gives {setting.key} the kind {earlier[0]}; a "
                                          "setting has one kind")


def check_row(row: ParsedRow, stored: StoredCases, today: date, engine: DeadlineEngine,
              columns: TrackerColumns) -> None:
    ref = row.reference
    stored_request = stored.requests.get(ref) if ref is not None else None
    if ref not in stored:
        for column in REQUIRED_FOR_NEW:
            if not row.given(column):
                row.problem(column, "required for a new case")
    _check_person(row, stored, stored_request, today)
    _check_pairs(row, stored_request, columns)
    plan_issued = row.values.get("final_plan_issued") or (
        stored_request.final_issued if stored_request is not None else stored.plans_in_place.get(ref or ""))
    check_plan_columns(row, plan_issued, stored.plans.get(ref or ""), today)

    if row.given("request_received") or stored_request is not None:
        if row.ok and row.record is not None:
            facts = merged_facts(row.record, stored_request, stored.plans_in_place.get(ref or ""))
            assert facts is not None
            for p in check_request(facts, today, engine):
                row.problem(p.field, p.reason)
            if row.ok:
                _warn_missing_advice(row, facts, stored)
        return
    _check_plan_in_place(row, stored.plans_in_place.get(ref or ""), today, columns)


def _check_person(row: ParsedRow, stored: StoredCases, stored_request: RequestFacts | None, today: date) -> None:
    """Names and the date of birth, by the rules the case window applies (statutory.validation)."""
    v = row.values
    problems: list[Problem] = []
    check_names(problems, {c: v[c] for c in NAME_COLUMNS if c in v})
    ref = row.reference or ""
    born = v.get("date_of_birth") or stored.born.get(ref)
    if born is not None:
        received = v.get("request_received") or (stored_request.received if stored_request else None)
        final = None if received is not None else v.get("final_plan_issued") or stored.plans_in_place.get(ref)
        check_child(problems, born, today, received=received, final_issued=final)
    for p in problems:
        row.problem(p.field, p.reason)
    for column in NAME_COLUMNS:
        name = v.get(column)
        if isinstance(name, str) and not name.isascii() and (why := _unprintable(name)) is not None:
            row.warn(column, f"no letter can print this name yet: {why}; the row was imported, so check the name "
                             "now rather than when a letter is due")


def _unprintable(name: str) -> str | None:
    """What of ``name`` no letter font prints (caseworker.letters), looked up only for names beyond ASCII."""
    from caseworker.letters.scripts import unprintable

    return unprintable(name)


def _check_pairs(row: ParsedRow, stored: RequestFacts | None, columns: TrackerColumns) -> None:
    """Cells that only make sense together with another one in the same row (or already stored)."""
    given = row.given
    if given("exception_ground") and not given("exception_recorded"):
        row.problem("exception_recorded", "give the date the exception was recorded, with exception_ground")
    if given("exception_recorded") and not given("exception_ground"):
        row.problem("exception_ground", "give the ground (a, b, c or d) of the exception recorded")
    for column in EXCEPTION_DATES:
        if given(column) and not given("exception_ground") and not given("exception_recorded"):
            row.problem(column, "give exception_ground and exception_recorded too: these dates belong to the "
                                "exception they describe")
    if given("named_setting_kind") and not given("named_setting_urn") and not given("named_setting_name"):
        row.problem("named_setting_kind", "give named_setting_urn or named_setting_name too: the kind belongs "
                                          "to the setting named")
    if not given("parent_name"):
        for column in PARENT_DETAILS:
            if given(column):
                row.problem(column, "give parent_name too: a contact's details need the person's name")
    stored_kinds = {a.kind for a in stored.advice} if stored else set()
    for kind in columns.advice_kinds:
        requested, received, service = advice_columns(kind)
        if given(requested) or kind in stored_kinds:
            continue
        if given(received):
            row.problem(received, f"there is no {requested} date: advice is received only after it is "
                                  "requested")
        if given(service):
            row.problem(service, f"give {requested} too: the date that service was asked for advice")
        if given(sent_by_column(kind)):
            row.problem(sent_by_column(kind), f"give {requested} too: the date the request for advice was sent")


def _warn_missing_advice(row: ParsedRow, facts: RequestFacts, stored: StoredCases) -> None:
    """Reg 6(1): a row recording a decision to issue, or a draft, with required advice not on record is
    imported with a warning for each kind missing (docs/law.md#required-advice)."""
    v = row.values
    if v.get("decision_to_issue") is True:
        step, on = "a decision to issue a plan", facts.decision_to_issue_on
    elif "draft_plan_sent" in v:
        step, on = "a draft plan", facts.draft_sent
    else:
        return
    ref = facts.reference
    born = v.get("date_of_birth") or stored.born.get(ref)
    if on is None or born is None:
        return
    kinds = {a.kind for a in facts.advice} | stored.advice_on_record.get(ref, set())
    missing = missing_advice(kinds, born, on)
    # The tracker cannot show advice on preparing for adulthood: it is noted beside a missing kind only.
    pfa = (f"; in year {school_year(born, on)}, advice on preparing for adulthood is required too"
           if PFA in missing else "")
    for kind in missing:
        if kind != PFA:
            row.warn(advice_columns(kind)[0],
                     f"{step} is recorded with no {REQUIRED_TITLES[kind]} on record (reg 6(1)); the row was "
                     "imported: give the date it was asked for, or record on the case why advice already "
                     f"available was used instead (reg 6(4)){pfa}")


def _check_plan_in_place(row: ParsedRow, stored_final: date | None, today: date,
                         columns: TrackerColumns) -> None:
    """No request date: allowed only for a plan issued before the tracker's history."""
    final = row.values.get("final_plan_issued") or stored_final
    if final is None:
        if not row.given("final_plan_issued"):
            row.problem("request_received", "required: the date the LA received the request (leave it blank "
                                            "only for a plan already in place, with final_plan_issued)")
        return
    for column in columns.step_columns:
        if row.given(column):
            row.problem(column, PLAN_IN_PLACE_STEP)
    if final > today:
        row.problem("final_plan_issued", f"{_fmt(final)} is after today ({_fmt(today)})")
