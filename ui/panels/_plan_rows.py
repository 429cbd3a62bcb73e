"""The words of a plan in place, for the case record's Plan tab: one line per part of the plan (the next
review, amendments, the phase transfer, ceasing) and the rows of the plan's own timeline.

No Qt here: plain functions from ``PlanDetail`` to text and to the status whose icon a row wears
(ui.status), so a table cell, a summary line and a test read the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caseworker.statutory.cohort import CohortTransfer
from caseworker.statutory.engine import DUE_SOON, MET, MET_LATE, OVERDUE, Milestone
from caseworker.statutory.plans import (
    CEASE_APPEAL_PENDING,
    CEASE_CEASED,
    CEASE_DECIDED,
    CEASE_PROPOSED,
    CEASE_WITHDRAWN,
    AmendmentClock,
    AnnualReview,
)
from caseworker.statutory.rules import Rules
from caseworker.views.plan_detail import CeaseView, PlanDetail, ReviewHeld, TransferView
from caseworker.vocabulary import step_label
from ui.status import status_text
from ui.widgets.wording import REPLY_WORDS, long_date, short_date

TRANSFER_WORDS = {"school": "Between school phases", "post16": "From school to post-16",
                  "post16_move": "Between post-16 institutions"}
DECISION_WORDS = {"maintain": "maintain the plan", "amend": "amend the plan", "cease": "cease the plan"}
YEAR_GROUP_WORDS = {-2: "Two years ahead of their year group", -1: "A year ahead of their year group",
                    0: "In their usual year group", 1: "A year behind their year group",
                    2: "Two years behind their year group"}
GUIDANCE = "guidance, not a legal deadline"


def days(n: int) -> str:
    return f"{n:,} day{'s' if n != 1 else ''}"


def due_words(status: str, due: date, today: date) -> str:
    """A clock still running, in words: how far off (or past) its due day is."""
    if status == OVERDUE:
        return f"Overdue by {days((today - due).days)}"
    if status == DUE_SOON:
        left = (due - today).days
        return "Due soon: today is the last day" if left == 0 else f"Due soon: {days(left)} left"
    return f"Pending: {days((due - today).days)} left"


def done_words(status: str, due: date, done: date) -> str:
    """A clock stopped: on time, or how late."""
    if status == MET_LATE or done > due:
        return f"Done late by {days((done - due).days)}"
    return status_text(MET)


# --- one line per part ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartLine:
    """One part of the plan as the Plan tab's summary says it: its status (an icon) and its words."""

    look: str
    words: str


def review_line(plan: PlanDetail) -> PartLine:
    review = plan.review
    if review is None:
        return PartLine("closed", "No more reviews: the plan has ceased.")
    work_by = f", work by {long_date(review.work_by)}" if review.work_by != review.due else ""
    started = ("the last review decision was notified" if review.last_decision is not None
               else "the plan was issued")
    words = (f"{due_words(review.status, review.due, plan.today)}: due by {long_date(review.due)}{work_by} "
             f"(12 months starting with {short_date(review.clock_started)}, when {started}).")
    if review.meeting is not None:
        words += f" {_under_way(review, plan.today)}"
    return PartLine(review.status, words)


def _under_way(review: AnnualReview, today: date) -> str:
    assert review.meeting is not None
    held = "held" if review.meeting <= today else "arranged for"
    decision = next((s for s in review.steps if s.name == "review_decision"), None)
    due = f" (due by {short_date(decision.due)})" if decision is not None else ""
    return f"The review meeting was {held} {short_date(review.meeting)}; its decision is not notified yet{due}."


def amendment_line(plan: PlanDetail) -> PartLine:
    if not plan.amendments:
        return PartLine("not_applicable", "No amendments proposed.")
    a = plan.amendments[-1]
    served = f" (served {short_date(a.served)})" if a.served != a.notice_sent else ""
    head = f"Proposed amendments sent {short_date(a.notice_sent)}{served}"
    if a.not_amended is not None:
        return PartLine(a.status, f"{head}: decided not to amend, notified {short_date(a.not_amended)}.")
    if a.final_issued is not None:
        return PartLine(a.status, f"{head}: final amended plan issued {short_date(a.final_issued)}, "
                                  f"{done_words(a.status, a.final_due, a.final_issued).lower()}.")
    return PartLine(a.status, f"{head}. The family may comment until {short_date(a.comments_until)}; the final "
                              f"amended plan is due by {short_date(a.final_due)} "
                              f"({due_words(a.status, a.final_due, plan.today).lower()}).")


def transfer_line(plan: PlanDetail) -> PartLine:
    t = plan.transfer
    if t is None:
        return PartLine("not_applicable", cohort_words(plan.cohort))
    c = t.clock
    head = f"{TRANSFER_WORDS.get(c.kind, c.kind)}, moving {short_date(c.transfer_date)}"
    if c.done is not None:
        return PartLine(c.status, f"{head}: the plan naming the next setting was issued {short_date(c.done)}, "
                                  f"{done_words(c.status, c.due, c.done).lower()}.")
    return PartLine(c.status, f"{head}: the plan naming the next setting is due by {short_date(c.due)} "
                              f"({due_words(c.status, c.due, plan.today).lower()}). {consulted_words(t)}")


def consulted_words(t: TransferView) -> str:
    c = t.clock
    if c.consultation_sent is None:
        return "No setting consulted yet."
    who = t.consulted or "The next setting"
    if c.setting_replied is None:
        return f"{who} consulted {short_date(c.consultation_sent)}; no reply yet."
    reply = REPLY_WORDS.get(t.reply, "Replied").lower()
    return f"{who} consulted {short_date(c.consultation_sent)}; {reply} ({short_date(c.setting_replied)})."


def cohort_words(cohort: CohortTransfer | None) -> str:
    if cohort is None:
        return "No phase transfer recorded, and none ahead from the child's date of birth."
    return (f"No phase transfer recorded. From the date of birth: {cohort.year_group} in September "
            f"{cohort.transfer_date.year}, the plan naming the next setting due by {short_date(cohort.due)}.")


CEASE_LOOK = {CEASE_PROPOSED: "pending", CEASE_DECIDED: "pending", CEASE_APPEAL_PENDING: "at_risk",
              CEASE_CEASED: "closed", CEASE_WITHDRAWN: "not_applicable"}


def cease_line(plan: PlanDetail) -> PartLine:
    c = plan.cease
    if c is None:
        return PartLine("not_applicable", "Not proposed.")
    return PartLine(CEASE_LOOK.get(c.state.state, "pending"), cease_words(c, plan.today))


def cease_words(c: CeaseView, today: date) -> str:
    s = c.state
    proposed = f"Proposed {short_date(s.proposed)}" if s.proposed else "Ceasing"
    if s.state == CEASE_CEASED:
        return f"Ceased {short_date(s.ceased)}. SEN2 reason {c.reason_words}."
    if s.state == CEASE_WITHDRAWN:
        return f"{proposed}; the proposal was dropped {short_date(c.withdrawn)}: the plan goes on."
    if s.state == CEASE_PROPOSED:
        return f"{proposed}: the family and the setting are being consulted; no decision yet."
    decided = f"{proposed}; decision to cease notified {short_date(s.decided)}"
    if s.state == CEASE_APPEAL_PENDING:
        return f"{decided}. The family appealed {short_date(c.appeal_lodged)}: the plan is kept until the " \
               "Tribunal decides."
    assert s.appeal_until is not None
    if c.appeal_concluded is not None:
        return f"{decided}. The Tribunal decided the appeal {short_date(c.appeal_concluded)}."
    if today <= s.appeal_until:
        return (f"{decided}. The family may appeal until {short_date(s.appeal_until)}: the plan is kept until "
                "then.")
    return f"{decided}. The time to appeal ended {short_date(s.appeal_until)}: the plan can cease."


def under_fives_line(m: Milestone, today: date) -> PartLine:
    look = {OVERDUE: "at_risk", DUE_SOON: "due_soon"}.get(m.status, "pending")
    when = "was suggested by" if m.status == OVERDUE else "is suggested by"
    return PartLine(look, f"A child under 5: a review {when} {short_date(m.due)} (Code of Practice 9.178; "
                          f"{GUIDANCE}).")


def plan_words(plan: PlanDetail) -> str:
    """The plan's own facts on one line: issued, named setting, year group."""
    named = plan.named_setting or "no setting named yet"
    return (f"Plan issued {long_date(plan.issued)}. Named in section I: {named}. "
            f"{YEAR_GROUP_WORDS.get(plan.year_group_offset, 'Out of their year group')}.")


def overdue_count(plan: PlanDetail) -> int:
    """How many of the plan's legal deadlines have passed with nothing done (the tab's title counts them)."""
    late = [plan.review.status if plan.review else "", plan.transfer.clock.status if plan.transfer else ""]
    late += [a.status for a in plan.amendments[-1:]]
    return sum(1 for status in late if status == OVERDUE)


# --- the timeline's rows ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One line of the plan's timeline: a step, its due day, when it was done, and how that stands."""

    step: str
    due: date | None
    work_by: date | None
    done: date | None
    look: str  # the status whose icon and colour it wears
    status: str  # the status in words
    details: str
    law: str = ""
    on: date | None = None  # where it sits on the timeline, when not its done or due day

    @property
    def when(self) -> date:
        return self.on or self.done or self.due or date.min


def timeline_rows(plan: PlanDetail, rules: Rules) -> list[PlanRow]:
    """Everything on the plan's timeline, in date order (a step done by the day done, else its due day)."""
    def law(name: str) -> str:
        try:
            return rules.row(name).law
        except KeyError:
            return ""

    rows = [PlanRow("Plan issued", None, None, plan.issued, "issued", "Issued",
                    f"Named setting: {plan.named_setting}" if plan.named_setting else "No setting named yet")]
    rows += [_held_row(h, law("annual_review")) for h in plan.reviews_held]
    review = plan.review
    if review is not None:
        rows += [_step_row(m, plan.today, law(m.name)) for m in review.steps]
        rows.append(_next_review_row(review, plan.today, law("annual_review")))
    rows += [_amendment_row(a, plan.today, law("amendment_final")) for a in plan.amendments]
    if plan.transfer is not None:
        rows.append(_transfer_row(plan.transfer, plan.today, law(f"phase_transfer_{plan.transfer.clock.kind}")))
    if plan.cease is not None:
        rows.append(_cease_row(plan.cease, plan.today, law("tribunal_appeal")))
    if plan.under_fives is not None:
        line = under_fives_line(plan.under_fives, plan.today)
        rows.append(PlanRow(step_label("under_fives_review"), plan.under_fives.due, plan.under_fives.work_by, None,
                            line.look, f"Suggested ({GUIDANCE})", line.words, law("under_fives_review")))
    return sorted(rows, key=lambda r: r.when)


def _held_row(h: ReviewHeld, law: str) -> PlanRow:
    r, m = h.review, h.judged
    assert r.notified is not None
    meeting = f"Meeting {short_date(r.meeting)}; " if r.meeting else ""
    decision = DECISION_WORDS.get(r.decision or "", r.decision or "a decision")
    details = f"{meeting}decided to {decision}, notified {short_date(r.notified)}"
    if h.earlier_not_on_record:
        # Not judged: the reviews before it are most likely held elsewhere (an imported tracker).
        return PlanRow("Annual review", None, None, r.notified, "closed", "First review on record",
                       f"{details}. Earlier reviews are not on record, so its timeliness is not judged", law)
    return PlanRow("Annual review", m.due, m.work_by, r.notified, m.status, done_words(m.status, m.due, r.notified),
                   details, law)


def _step_row(m: Milestone, today: date, law: str) -> PlanRow:
    words = done_words(m.status, m.due, m.done) if m.done is not None else due_words(m.status, m.due, today)
    return PlanRow(step_label(m.name), m.due, m.work_by, m.done, m.status, words, "The review under way", law)


def _next_review_row(review: AnnualReview, today: date, law: str) -> PlanRow:
    details = (f"12 months starting with {short_date(review.clock_started)}"
               + (f"; meeting {short_date(review.meeting)}" if review.meeting else ""))
    return PlanRow("Next annual review", review.due, review.work_by, None, review.status,
                   due_words(review.status, review.due, today), details, law)


def _amendment_row(a: AmendmentClock, today: date, law: str) -> PlanRow:
    served = f", served {short_date(a.served)}" if a.served != a.notice_sent else ""
    details = f"Notice sent {short_date(a.notice_sent)}{served}; comments until {short_date(a.comments_until)}"
    if a.not_amended is not None:
        details += f"; decided not to amend {short_date(a.not_amended)}"
    status = done_words(a.status, a.final_due, a.done) if a.done is not None else due_words(a.status, a.final_due,
                                                                                             today)
    return PlanRow(step_label("amendment_final"), a.final_due, a.work_by, a.done, a.status, status, details, law)


def _transfer_row(t: TransferView, today: date, law: str) -> PlanRow:
    c = t.clock
    status = done_words(c.status, c.due, c.done) if c.done is not None else due_words(c.status, c.due, today)
    details = f"{TRANSFER_WORDS.get(c.kind, c.kind)}, moving {short_date(c.transfer_date)}. {consulted_words(t)}"
    return PlanRow(step_label(f"phase_transfer_{c.kind}"), c.due, c.work_by, c.done, c.status, status, details, law)


CEASE_STATUS = {CEASE_PROPOSED: "Proposed", CEASE_DECIDED: "Decided: appeal window", CEASE_APPEAL_PENDING:
                "Appeal waiting", CEASE_CEASED: "Ceased", CEASE_WITHDRAWN: "Proposal dropped"}


def _cease_row(c: CeaseView, today: date, law: str) -> PlanRow:
    s = c.state
    done = s.ceased or c.withdrawn
    status = CEASE_STATUS.get(s.state, s.state)
    if s.state == CEASE_DECIDED and s.appeal_until is not None and today > s.appeal_until:
        status = "Decided: can cease now"
    return PlanRow("Ceasing the plan", None, None, done, CEASE_LOOK.get(s.state, "pending"), status,
                   cease_words(c, today), law if s.appeal_until else "", on=done or s.decided or s.proposed)


__all__ = ["PartLine", "PlanRow", "amendment_line", "cease_line", "overdue_count", "plan_words", "review_line",
           "timeline_rows", "transfer_line", "under_fives_line"]
