"""Which combinations of step dates are possible.

Shared by the services (one step at a time) and the tracker import (a whole row at once), so a date
the window refuses is refused by the import too. Field names are the tracker's column names, which
are also the names the forms use, so a message can sit next to the right field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from caseworker.errors import Problem
from caseworker.statutory.engine import DeadlineEngine, ExceptionFacts, RequestFacts
from caseworker.vocabulary import short_date

ADVICE_FIELD = {"ep": "ep_advice", "health": "health_advice", "social_care": "social_care_advice",
                "education": "education_advice", "other": "other_advice"}


# A served date weeks after sending is a typing slip, not a slow post.
MAX_SERVICE_DELAY = timedelta(days=14)
# EHC plans are for children and young people up to 25 (CFA s83(2)); a request for anyone older, or
# before the child was born, is a typing slip (1900-01-01, 0001-01-01). docs/tracker-import.md#values
OLDEST = 25
# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection): no name does.
FORMULA_START = ("=", "+", "-", "@")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _not_after(problems: list[Problem], field: str, value: date | None, limit: date, what: str) -> None:
    if value is not None and value > limit:
        problems.append(Problem(field, f"{short_date(value)} is after {what} ({short_date(limit)})"))


def _not_before(problems: list[Problem], field: str, value: date | None, limit: date | None,
                what: str) -> None:
    if value is not None and limit is not None and value < limit:
        problems.append(Problem(field, f"{short_date(value)} is before {what} ({short_date(limit)})"))


def check_names(p: list[Problem], names: Mapping[str, str | None]) -> None:
    """Names (the child's, a contact's) that a spreadsheet would run as a formula, or that hold control
    characters (a NUL byte no database text can hold), by field."""
    for field, name in names.items():
        text = (name or "").strip()
        if text.startswith(FORMULA_START):
            p.append(Problem(field, f"{text[:40]!r} begins with {text[0]}, as a spreadsheet formula does: a name "
                                    "cannot begin with =, +, - or @"))
        elif (bad := CONTROL.search(text)) is not None:
            p.append(Problem(field, f"the name holds the control character {ord(bad.group()):#04x}, which is not "
                                    "part of any name: retype it"))


def check_child(p: list[Problem], date_of_birth: date, today: date, *, received: date | None = None,
                final_issued: date | None = None) -> None:
    """The child's date of birth against today and the request (or, for a plan already in place, the
    day its final plan was issued): born by then, and at most 25 on that day."""
    if date_of_birth > today:
        p.append(Problem("date_of_birth", "the date of birth is in the future"))
    on, field = (received, "request_received") if received is not None else (final_issued, "final_plan_issued")
    if on is None:
        return
    if on < date_of_birth:
        p.append(Problem(field, "the request is dated before the child was born" if field == "request_received"
                         else f"{short_date(on)} is before the child was born ({short_date(date_of_birth)})"))
    elif (age := _years(date_of_birth, on)) > OLDEST:
        what = "when the request was received" if field == "request_received" else "when the plan was issued"
        p.append(Problem("date_of_birth", f"EHC plans are for children and young people up to {OLDEST}: born "
                                          f"{short_date(date_of_birth)}, they were {age} {what}"))


def _years(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on`` (a birthday on 29 February falls on 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_received(p: list[Problem], received: date, engine: DeadlineEngine) -> None:
    """A request cannot predate the law it is made under (Part 3 of the Children and Families Act 2014)."""
    start = engine.rules.effective_from
    if received < start:
        p.append(Problem("request_received", f"{short_date(received)} is before {short_date(start)}, when EHC needs "
                                             "assessments began (Children and Families Act 2014, Part 3)"))


def check_request(facts: RequestFacts, today: date, engine: DeadlineEngine) -> list[Problem]:
    """Every impossible or contradictory date in ``facts``; empty when the request is consistent."""
    p: list[Problem] = []
    received = facts.received
    check_received(p, received, engine)
    dated = {
        "request_received": received,
        "decision_to_assess_date": facts.decision_to_assess_on,
        "decision_to_issue_date": facts.decision_to_issue_on,
        "draft_plan_sent": facts.draft_sent,
        "draft_plan_served": facts.draft_served,
        "final_plan_issued": facts.final_issued,
        "withdrawn": facts.withdrawn,
    }
    for field, value in dated.items():
        # A recorded service date may lie ahead: it is the deemed delivery of a draft already posted.
        if field != "draft_plan_served":
            _not_after(p, field, value, today, "today")
        if field != "request_received":
            _not_before(p, field, value, received, "the date the request was received")

    _pair(p, "decision_to_assess", facts.decision_to_assess, facts.decision_to_assess_on)
    _pair(p, "decision_to_issue", facts.decision_to_issue, facts.decision_to_issue_on)
    _check_order(p, facts, engine)
    _check_after_no(p, facts)
    _check_advice(p, facts, today)
    for e in facts.exceptions:
        check_exception(p, e, received, today, engine)
    if facts.withdrawn is not None and facts.final_issued is not None:
        p.append(Problem("withdrawn", "the final plan has been issued; a request cannot be withdrawn after that"))
    return p


def check_exception(p: list[Problem], e: ExceptionFacts, received: date, today: date,
                     engine: DeadlineEngine) -> None:
    """An exception's own dates. Circumstances may have begun (or even ended) before the request: the
    engine then decides what, if anything, they excuse (docs/law.md#exceptions)."""
    if e.ground not in engine.rules.exception_grounds:
        p.append(Problem("exception_ground", f"{e.ground!r} is not a ground (use a, b, c or d)"))
    _not_after(p, "exception_recorded", e.recorded, today, "today")
    _not_before(p, "exception_recorded", e.recorded, received, "the date the request was received")
    _not_after(p, "exception_from", e.began, e.recorded, "the day it was recorded")
    if e.ended is not None:
        if e.ended > today:
            p.append(Problem("exception_to", f"{short_date(e.ended)} is after today: leave the end blank while the "
                                             "circumstances go on"))
        _not_before(p, "exception_to", e.ended, e.start, "the day the circumstances began")


def _pair(p: list[Problem], field: str, answer: bool | None, on: date | None) -> None:
    if answer is not None and on is None:
        p.append(Problem(f"{field}_date", "give the date the decision was notified"))
    if answer is None and on is not None:
        p.append(Problem(field, "give the decision (yes or no) for the date recorded"))


def _check_order(p: list[Problem], facts: RequestFacts, engine: DeadlineEngine) -> None:
    _not_before(p, "decision_to_issue_date", facts.decision_to_issue_on, facts.decision_to_assess_on,
                "the decision to assess")
    _not_before(p, "draft_plan_sent", facts.draft_sent, facts.decision_to_issue_on,
                "the decision to issue a plan")
    _not_before(p, "draft_plan_served", facts.draft_served, facts.draft_sent, "the draft was sent")
    if facts.draft_served is not None and facts.draft_sent is None:
        p.append(Problem("draft_plan_served", "a draft cannot be served before it is sent"))
    if (facts.draft_served is not None and facts.draft_sent is not None
            and facts.draft_served > facts.draft_sent + MAX_SERVICE_DELAY):
            p.append(Problem("draft_plan_served", f"{short_date(facts.draft_served)} is more than "
                                                  f"{MAX_SERVICE_DELAY.days} days after the draft was sent "
                                                  f"({short_date(facts.draft_sent)})"))
    served = engine.draft_served(facts)
    earliest = engine.earliest_final(served)
    if facts.final_issued is not None and earliest is not None and facts.final_issued < earliest:
        assert served is not None
        p.append(Problem(
            "final_plan_issued",
            f"{short_date(facts.final_issued)} is inside the family's 15 days on the draft (they run to "
            f"{short_date(engine.family_comment_ends(served))}; the earliest lawful final date is "
            f"{short_date(earliest)})"))


def _check_after_no(p: list[Problem], facts: RequestFacts) -> None:
    if facts.decision_to_assess is False:
        later = {
            "decision_to_issue": facts.decision_to_issue is not None,
            "draft_plan_sent": facts.draft_sent is not None,
            "final_plan_issued": facts.final_issued is not None,
        }
        for field, present in later.items():
            if present:
                p.append(Problem(field, "the decision was not to assess, so there is no later step"))
    if facts.decision_to_issue is False:
        for field, value in (("draft_plan_sent", facts.draft_sent), ("final_plan_issued", facts.final_issued)):
            if value is not None:
                p.append(Problem(field, "the decision was not to issue a plan, so there is no draft or final"))
    if facts.withdrawn is not None:
        for field, value in (("decision_to_assess_date", facts.decision_to_assess_on),
                             ("decision_to_issue_date", facts.decision_to_issue_on),
                             ("draft_plan_sent", facts.draft_sent)):
            if value is not None and value > facts.withdrawn:
                p.append(Problem(field, f"{short_date(value)} is after the request was withdrawn "
                                        f"({short_date(facts.withdrawn)})"))


def _check_advice(p: list[Problem], facts: RequestFacts, today: date) -> None:
    no_on = facts.decision_to_assess_on if facts.decision_to_assess is False else None
    for a in facts.advice:
        base = ADVICE_FIELD.get(a.kind, f"{a.kind}_advice")
        _not_after(p, f"{base}_requested", a.requested, today, "today")
        _not_before(p, f"{base}_requested", a.requested, facts.received, "the date the request was received")
        _not_after(p, f"{base}_requested", a.requested, no_on or date.max, "the decision not to assess")
        _not_after(p, f"{base}_received", a.received, today, "today")
        _not_before(p, f"{base}_received", a.received, a.requested, "the advice was requested")
