"""What a step would mean before it is saved: the date problems and the statutory consequence.

The forms call these as the user types, so a date that the service would refuse is refused next to
its field at once, with the same words, and the user sees what the step sets running.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta

from caseworker.errors import Problem
from caseworker.statutory.engine import POST, AdviceFacts, DeadlineEngine, ExceptionFacts, RequestFacts
from caseworker.statutory.validation import check_request
from caseworker.vocabulary import long_date, short_date, step_phrase


def days(gap: timedelta) -> str:
    return "1 day" if gap.days == 1 else f"{gap.days} days"


def fmt(d: date) -> str:
    """A date as a preview says it (Sun 16 March 2025): the vocabulary's long form."""
    return long_date(d)


def _excusable(name: str) -> str:
    """A deadline an exception can excuse, as a sentence names it ("the decision whether to assess")."""
    return f"the {step_phrase(name)}"


@dataclass(frozen=True)
class Preview:
    problems: list[Problem] = field(default_factory=list)
    consequence: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _check(facts: RequestFacts, today: date, engine: DeadlineEngine, consequence: str) -> Preview:
    problems = check_request(facts, today, engine)
    return Preview(problems, "" if problems else consequence)


def listed(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _late_by(done: date, due: date) -> str:
    return f" That is {days(done - due)} after the deadline ({long_date(due)})." if done > due else ""


def _dates(facts: RequestFacts, engine: DeadlineEngine) -> tuple[date, date, date]:
    off = engine.rules.milestone_offsets
    r = facts.received
    return (r + timedelta(off["issue_decision"]), r + timedelta(off["draft_latest_safe"]),
            r + timedelta(off["final_plan"]))


def decision_to_assess(facts: RequestFacts, assess: bool, on: date, today: date,
                       engine: DeadlineEngine) -> Preview:
    f = copy.deepcopy(facts)
    f.decision_to_assess, f.decision_to_assess_on = assess, on
    due = facts.received + timedelta(engine.rules.milestone_offsets["decision_to_assess"])
    _, safe, final = _dates(facts, engine)
    if assess:
        text = (f"Ask each adviser now: they have 6 weeks. The final plan is due {long_date(final)} (week 20); "
                f"the latest safe day to send the draft is {long_date(safe)}.")
    else:
        text = ("The request closes. Tell the family in writing, with their right to appeal and to "
                "mediation.")
    return _check(f, today, engine, text + _late_by(on, due))


def request_advice(facts: RequestFacts, kind: str, on: date, today: date, engine: DeadlineEngine,
                   sent_by: str = "email") -> Preview:
    """The adviser's 6 weeks run from the day they have the request: for post, the second working day."""
    f = copy.deepcopy(facts)
    f.advice.append(AdviceFacts(kind, on, sent_by=sent_by))
    due, got = engine.advice_due(on, sent_by), engine.delivered(on, sent_by)
    _, safe, _ = _dates(facts, engine)
    posted = " (the second working day after posting)" if sent_by == POST else ""
    text = f"The adviser has it on {long_date(got)}{posted}; advice is due back by {long_date(due)} (6 weeks)."
    if due > safe:
        text += f" That is after the latest safe day to send the draft ({long_date(safe)}): week 20 is at risk."
    return _check(f, today, engine, text)


def advice_received(facts: RequestFacts, advice_id: int, on: date, today: date,
                    engine: DeadlineEngine) -> Preview:
    f = copy.deepcopy(facts)
    target = next((a for a in f.advice if a.id == advice_id), None)
    if target is None:
        return Preview([Problem("received", "this advice request is not on the case")])
    target.received = on
    due = engine.advice_due(target.requested, target.sent_by)
    text = (f"On time: it was due by {long_date(due)}." if on <= due
            else f"Received {days(on - due)} late: it was due by {long_date(due)}.")
    return _check(f, today, engine, text)


def decision_to_issue(facts: RequestFacts, issue: bool, on: date, today: date,
                      engine: DeadlineEngine) -> Preview:
    f = copy.deepcopy(facts)
    f.decision_to_issue, f.decision_to_issue_on = issue, on
    issue_due, safe, final = _dates(facts, engine)
    if issue:
        text = f"Send the draft by {long_date(safe)} to keep the week-20 date of {long_date(final)}."
        if on > issue_due:  # week 16 binds only a "no" (docs/law.md#binding)
            text += (f" The decision is {days(on - issue_due)} later than planned (week 16 was "
                     f"{long_date(issue_due)}); "
                     "only a decision not to issue is bound by that date, so this is not a breach.")
        return _check(f, today, engine, text)
    text = ("The request closes. Tell the family in writing, with their right to appeal and to "
            f"mediation; a decision not to issue is due by {long_date(issue_due)}.")
    return _check(f, today, engine, text + _late_by(on, issue_due))


def draft_sent(facts: RequestFacts, sent: date, served: date | None, today: date, engine: DeadlineEngine,
               sent_by: str = "email") -> Preview:
    """``served``: a service day other than the default (the day sent; for post the second working day)."""
    f = copy.deepcopy(facts)
    f.draft_sent, f.draft_served, f.draft_sent_by = sent, served, sent_by
    start = engine.draft_served(f)
    assert start is not None
    ends, earliest = engine.family_comment_ends(start), engine.earliest_final(start)
    assert earliest is not None
    _, _, final = _dates(facts, engine)
    if served is not None:
        text = f"Served on {long_date(start)}. "
    elif sent_by == POST:
        text = f"Posted: served on {long_date(start)}, the second working day after posting. "
    else:
        text = ""
    text += f"The family's 15 days run to {long_date(ends)}; the earliest lawful final date is {long_date(earliest)}."
    if earliest > final:
        text += f" That is after the week-20 date ({long_date(final)}): week 20 cannot be met."
    return _check(f, today, engine, text)


def final_plan(facts: RequestFacts, on: date, today: date, engine: DeadlineEngine) -> Preview:
    f = copy.deepcopy(facts)
    f.final_issued = on
    _, _, final = _dates(facts, engine)
    week = (on - facts.received).days // 7
    text = (f"Issued in week {week}: within 20 weeks (due {long_date(final)})." if on <= final
            else f"Issued in week {week}: {days(on - final)} after the 20-week date ({long_date(final)}).")
    return _check(f, today, engine, text + " Send it with the appeal rights.")


def exception(facts: RequestFacts, ground: str, recorded: date, today: date, engine: DeadlineEngine, *,
              began: date | None = None, ended: date | None = None) -> Preview:
    """What an exception could excuse on this request: only the deadlines its ground covers, due on or
    after the day its circumstances began (docs/law.md#exempt-rule)."""
    f = copy.deepcopy(facts)
    e = ExceptionFacts(ground, recorded, began=began, ended=ended)
    f.exceptions.append(e)
    return _check(f, today, engine, _exception_reach(facts, e, engine) + (
        " A missed deadline it excuses shows as exempt ('as soon as practicable'); the dates do not move, and "
        "the family's 15 days on the draft still apply. Tell the family which exception applies."))


def _exception_reach(facts: RequestFacts, e: ExceptionFacts, engine: DeadlineEngine) -> str:
    names = engine.applies_to(e.ground, facts.received)
    if not names:
        return f"Ground ({e.ground}) excuses none of the council's deadlines."
    offsets = engine.regime_for(facts.received).milestone_offsets
    dues = {n: facts.received + timedelta(offsets[n]) for n in names}
    text = (f"Ground ({e.ground}) can excuse {listed([_excusable(n) for n in names])}, but only a deadline "
            f"due on or after the day the circumstances began ({long_date(e.start)}).")
    if e.ended is not None and e.ended < facts.received:
        return text + (f" They ended before the request was received ({long_date(facts.received)}), so this exception "
                       "excuses nothing on it.")
    reach = [f"{_excusable(n)} (due {long_date(due)})" for n, due in dues.items() if due >= e.start]
    if not reach:
        return text + " Every one of those was due before then, so it excuses nothing on this request."
    return text + f" Here: {listed(reach)}."


def withdraw(facts: RequestFacts, on: date, today: date, engine: DeadlineEngine) -> Preview:
    f = copy.deepcopy(facts)
    f.withdrawn = on
    return _check(f, today, engine, "The request closes; steps not yet due no longer apply.")


def advice_excuse_problems(a: AdviceFacts, began: date, ended: date | None, today: date,
                           engine: DeadlineEngine) -> list[Problem]:
    """Why a reg 8(2) excuse with these dates cannot stand (docs/law.md#advice-excused): the circumstances
    must have arisen by the end of the adviser's 6 weeks and not ended before the adviser had the request."""
    delivered, due = engine.delivered(a.requested, a.sent_by), engine.advice_due(a.requested, a.sent_by)
    p = []
    if a.received is not None:
        p.append(Problem("excused_ground", f"the advice was received on {short_date(a.received)}; "
                                           "there is nothing to excuse"))
    if began > today:
        p.append(Problem("excused_from", "the circumstances cannot begin after today"))
    elif began > due:
        p.append(Problem("excused_from", f"circumstances that began after the advice was due ({short_date(due)}) "
                                         "cannot excuse it"))
    if ended is not None and ended < began:
        p.append(Problem("excused_to", "the circumstances cannot end before they began"))
    elif ended is not None and ended < delivered:
        p.append(Problem("excused_to", f"circumstances that ended before the adviser had the request "
                                       f"({short_date(delivered)}) cannot excuse it"))
    return p


def advice_excuse(a: AdviceFacts, what: str, began: date, ended: date | None, today: date,
                  engine: DeadlineEngine) -> Preview:
    """What excusing an adviser means: the request shows "excused" and is not chased; the council's own
    dates do not move."""
    problems = advice_excuse_problems(a, began, ended, today, engine)
    due = engine.advice_due(a.requested, a.sent_by)
    text = (f"The {what} (due {long_date(due)}) will show as excused and will not be chased. This excuses the adviser "
            "only: the council's own dates do not move, and week 20 still stands unless an exception excuses it.")
    return Preview(problems, "" if problems else text)
