"""Correcting a step's recorded date, or undoing a step recorded in error: what each step holds, what
undoing it means, and why a correction or an undo cannot stand.

Pure (RequestFacts in, Problems out), so the service refuses with the same words the form shows as
the caseworker types. A step is named by a key: ``received``, ``decision_to_assess``,
``decision_to_issue``, ``draft_sent``, ``final_plan`` and ``withdraw`` on the case itself;
``advice_request:ID``, ``advice_received:ID`` and ``advice_excuse:ID`` on one advice request;
``exception:ID`` for one exception. What "undo" means for each is in ``UNDO`` (docs/corrections.md).

A correction or undo is checked with the rules every step is checked with (``check_request``), and an
undo also with the order of the process (``step_blocked``): a later step that could not have been
recorded without it is named, to be undone first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from caseworker.errors import Problem
from caseworker.statutory.engine import AdviceFacts, DeadlineEngine, RequestFacts
from caseworker.statutory.preconditions import step_blocked
from caseworker.statutory.validation import ADVICE_FIELD, check_child, check_request
from caseworker.vocabulary import short_date

ADVICE_WORDS = {"ep": "EP", "health": "health", "social_care": "social care", "education": "education",
                "other": "other"}
# The steps of a request that follow one another: each can only be recorded once the one before is.
CHAIN = ("decision_to_assess", "decision_to_issue", "draft_sent", "final_plan")
# What undoing each step does, in words (docs/corrections.md says the same).
UNDO = {
    "received": None,  # a request cannot be taken off the record; correct its date instead
    "decision_to_assess": "The decision and its date are cleared: the request is waiting for the decision again.",
    "decision_to_issue": "The decision and its date are cleared: the assessment is waiting for the decision again.",
    "draft_sent": "The draft's sent and served dates are cleared: the draft is shown as not yet sent.",
    "final_plan": "The final plan's issue date is cleared: the plan is shown as not yet issued.",
    "withdraw": "The withdrawal and its reason are cleared: the request is open again.",
    "advice_request": "The advice request is taken off the case, as if it had never been asked for.",
    "advice_received": "The date the advice was received is cleared: it is shown as still awaited.",
    "advice_excuse": "The reg 8(2) excuse is cleared: the adviser's 6 weeks count again, and a late request is "
                     "chased.",
    "exception": "The exception is taken off the case: the deadlines it excused count again.",
}
# The field names check_request gives its problems, and the step each belongs to.
FIELD_STEP = {"request_received": "received", "decision_to_assess": "decision_to_assess",
              "decision_to_assess_date": "decision_to_assess", "decision_to_issue": "decision_to_issue",
              "decision_to_issue_date": "decision_to_issue", "draft_plan_sent": "draft_sent",
              "draft_plan_served": "draft_sent", "final_plan_issued": "final_plan", "withdrawn": "withdraw",
              "exception_recorded": "exception", "exception_from": "exception", "exception_to": "exception",
              "exception_ground": "exception"}


# How each date a step holds is named beside its value ("sent on 3 Apr 2025").
DATE_LABELS = {"received_on": "received on", "decision_to_assess_on": "notified on",
               "decision_to_issue_on": "notified on", "draft_sent_on": "sent on", "draft_served_on": "served on",
               "final_issued_on": "issued on", "withdrawn_on": "withdrawn on", "requested_on": "requested on",
               "began_on": "began on", "ended_on": "ended on", "recorded_on": "recorded on",
               "excused_from": "excused from", "excused_to": "excused to"}


@dataclass(frozen=True, slots=True)
class StepDate:
    """One date a step holds, which a correction may change."""

    column: str  # the column it is stored in: decision_to_assess_on, requested_on, began_on, ...
    value: date | None
    optional: bool = False  # may be cleared (a draft's served date, an exception's end)

    @property
    def label(self) -> str:
        return DATE_LABELS.get(self.column, self.column.replace("_", " "))


@dataclass(frozen=True, slots=True)
class RecordedStep:
    key: str
    kind: str  # the key without its row id
    name: str  # how a sentence names it, with its date: "the draft plan sent on 3 Apr 2025"
    what: str  # how a sentence names it without a date: "the draft plan"
    dates: tuple[StepDate, ...]
    undo: str | None  # what undoing it does; None: it cannot be undone
    row_id: int | None = None

    def date(self, column: str) -> StepDate | None:
        return next((d for d in self.dates if d.column == column), None)


def day(d: date | None) -> str:
    return short_date(d) if d is not None else "no date"


def _step(kind: str, name: str, what: str, *dates: StepDate) -> RecordedStep:
    return RecordedStep(kind, kind, name, what, dates, UNDO[kind])


def _case_steps(f: RequestFacts) -> list[RecordedStep]:
    out = [_step("received", f"the request received on {day(f.received)}", "the request",
                 StepDate("received_on", f.received))]
    if f.decision_to_assess is not None:
        what = "the decision to assess" if f.decision_to_assess else "the decision not to assess"
        out.append(_step("decision_to_assess", f"{what} notified on {day(f.decision_to_assess_on)}", what,
                         StepDate("decision_to_assess_on", f.decision_to_assess_on)))
    if f.decision_to_issue is not None:
        what = "the decision to issue a plan" if f.decision_to_issue else "the decision not to issue a plan"
        out.append(_step("decision_to_issue", f"{what} notified on {day(f.decision_to_issue_on)}", what,
                         StepDate("decision_to_issue_on", f.decision_to_issue_on)))
    if f.draft_sent is not None:
        out.append(_step("draft_sent", f"the draft plan sent on {day(f.draft_sent)}", "the draft plan",
                         StepDate("draft_sent_on", f.draft_sent),
                         StepDate("draft_served_on", f.draft_served, True)))
    if f.final_issued is not None:
        out.append(_step("final_plan", f"the final plan issued on {day(f.final_issued)}", "the final plan",
                         StepDate("final_issued_on", f.final_issued)))
    if f.withdrawn is not None:
        out.append(_step("withdraw", f"the withdrawal on {day(f.withdrawn)}", "the withdrawal",
                         StepDate("withdrawn_on", f.withdrawn)))
    return out


def _advice_steps(a: AdviceFacts) -> list[RecordedStep]:
    words = f"{ADVICE_WORDS.get(a.kind, a.kind)} advice"
    rid = a.id or 0
    out = [RecordedStep(f"advice_request:{rid}", "advice_request", f"the {words} requested on {day(a.requested)}",
                        f"the {words} request", (StepDate("requested_on", a.requested),),
                        UNDO["advice_request"], rid)]
    if a.received is not None:
        out.append(RecordedStep(f"advice_received:{rid}", "advice_received",
                                f"the {words} received on {day(a.received)}", f"the {words} received",
                                (StepDate("received_on", a.received),), UNDO["advice_received"], rid))
    if a.excused_ground is not None:
        out.append(RecordedStep(f"advice_excuse:{rid}", "advice_excuse", f"the reg 8(2) excuse of the {words}",
                                f"the reg 8(2) excuse of the {words}", (), UNDO["advice_excuse"], rid))
    return out


def recorded_steps(facts: RequestFacts, exception_ids: Sequence[int]) -> list[RecordedStep]:
    """Every step recorded on the request, in the order of the process; ``exception_ids`` are the ids of
    ``facts.exceptions`` in the same order."""
    out = _case_steps(facts)
    for a in facts.advice:
        out += _advice_steps(a)
    for eid, e in zip(exception_ids, facts.exceptions, strict=True):
        out.append(RecordedStep(f"exception:{eid}", "exception", f"the exception ({e.ground}) recorded on "
                                f"{day(e.recorded)}", f"the exception ({e.ground})",
                                (StepDate("began_on", e.start),
                                 StepDate("ended_on", e.ended, True),
                                 StepDate("recorded_on", e.recorded)), UNDO["exception"], eid))
    return out


def find_step(facts: RequestFacts, exception_ids: Sequence[int], key: str) -> RecordedStep | None:
    return next((s for s in recorded_steps(facts, exception_ids) if s.key == key), None)


def _advice_index(facts: RequestFacts, row_id: int | None) -> int:
    return next(i for i, a in enumerate(facts.advice) if a.id == row_id)


def corrected(facts: RequestFacts, exception_ids: Sequence[int], step: RecordedStep, column: str,
              new: date | None) -> RequestFacts:
    """A copy of ``facts`` with one of ``step``'s dates changed."""
    if step.kind == "exception":
        i = list(exception_ids).index(step.row_id or 0)
        e = facts.exceptions[i]
        changed = replace(e, began=new if column == "began_on" else e.began,
                          ended=new if column == "ended_on" else e.ended,
                          recorded=new if column == "recorded_on" and new is not None else e.recorded)
        return replace(facts, exceptions=[*facts.exceptions[:i], changed, *facts.exceptions[i + 1:]])
    if step.kind in ("advice_request", "advice_received"):
        i = _advice_index(facts, step.row_id)
        a = facts.advice[i]
        if column == "requested_on":
            assert new is not None  # a request's date is never optional
            advice = replace(a, requested=new)
        else:
            advice = replace(a, received=new)
        return replace(facts, advice=[*facts.advice[:i], advice, *facts.advice[i + 1:]])
    if column == "received_on":
        assert new is not None  # the request's date is never optional
        return replace(facts, received=new)
    attribute = {"draft_sent_on": "draft_sent", "draft_served_on": "draft_served", "final_issued_on": "final_issued",
                 "withdrawn_on": "withdrawn"}.get(column, column)
    copy = replace(facts)
    setattr(copy, attribute, new)
    return copy


def undone(facts: RequestFacts, exception_ids: Sequence[int], step: RecordedStep) -> RequestFacts:
    """A copy of ``facts`` without ``step``."""
    if step.kind in CASE_CLEARS:
        changed = replace(facts)
        for attribute in CASE_CLEARS[step.kind]:
            setattr(changed, attribute, None)
        return changed
    if step.kind == "exception":
        i = list(exception_ids).index(step.row_id or 0)
        return replace(facts, exceptions=[*facts.exceptions[:i], *facts.exceptions[i + 1:]])
    i = _advice_index(facts, step.row_id)
    a = facts.advice[i]
    left = {"advice_request": [], "advice_received": [replace(a, received=None)],
            "advice_excuse": [replace(a, excused_ground=None)]}[step.kind]
    return replace(facts, advice=[*facts.advice[:i], *left, *facts.advice[i + 1:]])


# What undoing each of the case's own steps clears (RequestFacts attributes).
CASE_CLEARS = {"decision_to_assess": ("decision_to_assess", "decision_to_assess_on"),
               "decision_to_issue": ("decision_to_issue", "decision_to_issue_on"),
               "draft_sent": ("draft_sent", "draft_served"), "final_plan": ("final_issued",),
               "withdraw": ("withdrawn",)}


def _without_chain_from(facts: RequestFacts, kind: str) -> RequestFacts:
    """``facts`` as they stood before step ``kind``: it, every later step of the chain and any withdrawal cleared."""
    f = replace(facts, withdrawn=None)
    for later in CHAIN[CHAIN.index(kind):]:
        f = undone(f, (), RecordedStep(later, later, later, later, (), UNDO[later]))
    return f


def _resting_on(before: RequestFacts, after: RequestFacts, exception_ids: Sequence[int],
                step: RecordedStep) -> list[RecordedStep]:
    """The steps still recorded in ``after`` that could not have been recorded without ``step``, latest first."""
    recorded = {s.key: s for s in recorded_steps(before, exception_ids)}
    out = []
    for kind in CHAIN:
        if kind == step.kind or kind not in recorded:
            continue
        if step_blocked(_without_chain_from(after, kind), kind) is not None:
            out.append(recorded[kind])
            after = undone(after, exception_ids, recorded[kind])  # so what rests on it is found too
    if step.kind == "advice_request":  # its receipt and excuse belong to it
        out += [recorded[k] for k in (f"advice_received:{step.row_id}", f"advice_excuse:{step.row_id}")
                if k in recorded]
    return out[::-1]


def undo_first(steps: Sequence[RecordedStep]) -> str:
    """"undo the final plan issued on 3 Jun 2025 first, then the draft plan sent on 3 Apr 2025"."""
    first, *then = steps
    return f"undo {first.name} first" + (f", then {', then '.join(s.name for s in then)}" if then else "")


def _owner(field: str, facts: RequestFacts, steps: dict[str, RecordedStep]) -> RecordedStep | None:
    """The recorded step a check_request problem is about."""
    kind = FIELD_STEP.get(field)
    if kind is not None and kind != "exception":
        return steps.get(kind)
    for a in facts.advice:
        base = ADVICE_FIELD.get(a.kind, f"{a.kind}_advice")
        if field == f"{base}_requested":
            return steps.get(f"advice_request:{a.id}")
        if field == f"{base}_received":
            return steps.get(f"advice_received:{a.id}")
    exceptions = [s for s in steps.values() if s.kind == "exception"]
    return exceptions[0] if kind == "exception" and len(exceptions) == 1 else None


def _new_problems(before: RequestFacts, after: RequestFacts, exception_ids: Sequence[int], step: RecordedStep,
                  today: date, engine: DeadlineEngine, verb: str) -> list[Problem]:
    """What ``after`` breaks that ``before`` did not, each next to the date and naming the step to change."""
    known = {(p.field, p.reason) for p in check_request(before, today, engine)}
    steps = {s.key: s for s in recorded_steps(before, exception_ids)}
    out = []
    for p in check_request(after, today, engine):
        if (p.field, p.reason) in known:
            continue  # already so before this correction: not this correction's doing
        owner = _owner(p.field, before, steps)
        if owner is None or owner.key == step.key or (owner.kind == step.kind == "exception"):
            out.append(Problem("new_date", p.reason))
        else:
            out.append(Problem("new_date", f"{p.reason}: {verb} {owner.name} first"))
    return out


def correction_problems(facts: RequestFacts, exception_ids: Sequence[int], key: str, column: str,
                        new: date | None, reason: str, today: date, engine: DeadlineEngine,
                        date_of_birth: date | None = None) -> list[Problem]:
    """Why changing ``column`` of step ``key`` to ``new`` cannot stand; empty when it can."""
    p = _reason_problems(reason)
    step = find_step(facts, exception_ids, key)
    if step is None:
        return [*p, Problem("step", "that step is not recorded on this case (reload it: someone may have undone it)")]
    held = step.date(column)
    if held is None:
        return [*p, Problem("new_date", f"{step.what} has no date {column.replace('_', ' ')} to correct")]
    if new is None and not held.optional:
        return [*p, Problem("new_date", "give the corrected date (to take the step off the record, undo it instead)")]
    if new == held.value:
        return [*p, Problem("new_date", f"{day(new)} is the date already recorded")]
    after = corrected(facts, exception_ids, step, column, new)
    p += _new_problems(facts, after, exception_ids, step, today, engine, "correct or undo")
    if key == "received" and date_of_birth is not None and new is not None:
        born: list[Problem] = []
        check_child(born, date_of_birth, today, received=new)
        p += [Problem("new_date", b.reason) for b in born]
    return p


def undo_problems(facts: RequestFacts, exception_ids: Sequence[int], key: str, reason: str, today: date,
                  engine: DeadlineEngine) -> list[Problem]:
    """Why step ``key`` cannot be undone; empty when it can."""
    p = _reason_problems(reason)
    step = find_step(facts, exception_ids, key)
    if step is None:
        return [*p, Problem("step", "that step is not recorded on this case (reload it: someone may have undone it)")]
    if step.undo is None:
        return [*p, Problem("step", f"{step.what} cannot be undone; correct its date instead")]
    after = undone(facts, exception_ids, step)
    resting = _resting_on(facts, after, exception_ids, step)
    if resting:
        return [*p, Problem("step", f"{resting[-1].name} rests on {step.name}: {undo_first(resting)}")]
    return p + [Problem("step", q.reason) for q in _new_problems(facts, after, exception_ids, step, today, engine,
                                                                  "undo")]


def _reason_problems(reason: str) -> list[Problem]:
    return [] if reason.strip() else [Problem("reason", "say why: the reason is kept in the case's history")]
