"""Letters about a plan in place: the date each decision letter carries, the checks that keep each one to
what is recorded on the plan, and the meeting's time and place typed for a review invitation.

A decision letter is dated with the day its decision is recorded as notified (docs/law.md#letter-dates):
a review decision with the day the review's decision was notified, proposed amendments with the day the
notice was sent, a final amended plan with its issue date, a decision to cease with the day it was
notified. Those dates are recorded on the plan, so a different one is corrected there, never by the letter.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from caseworker.letters import LetterError, LetterTemplate, Recipient
from caseworker.letters.facts import MeetingFacts
from caseworker.letters.scripts import unprintable
from caseworker.letters.templates import about_a_plan
from caseworker.letters.words import short_date
from caseworker.statutory.plan_facts import AMEND, CEASE, MAINTAIN, AmendmentFacts, PlanFacts
from caseworker.statutory.plans import last_decision

if TYPE_CHECKING:
    from caseworker.views.letter_recipients import CaseLetters

# Plan decision letters, and the plan decision whose recorded date each carries.
PLAN_NOTIFIES = {"review_decision": "review_decision", "amendment_notice": "amendment_notice",
                 "amended_plan_cover": "amended_plan", "cease_decision": "cease_decision"}
PLAN_NOTIFIED_WORDS = {"review_decision": "the review decision", "amendment_notice": "the proposed amendments",
                       "amended_plan": "the final amended plan", "cease_decision": "the decision to cease the plan"}
# What a caseworker may type for the meeting, at most (one line each).
MEETING_LIMITS = {"time": 60, "place": 200}


def latest_notice(plan: PlanFacts) -> AmendmentFacts | None:
    return max(plan.amendments, key=lambda a: a.notice_sent) if plan.amendments else None


def plan_notification(plan: PlanFacts | None, template_id: str) -> date | None:
    """The recorded day the plan decision a letter tells of was notified (None: not recorded yet)."""
    if plan is None or template_id not in PLAN_NOTIFIES:
        return None
    notice = latest_notice(plan)
    if template_id == "review_decision":
        last = last_decision(plan.reviews)
        return last.notified if last is not None else None
    if template_id == "amendment_notice":
        return notice.notice_sent if notice is not None else None
    if template_id == "amended_plan_cover":
        issued = notice.final_issued if notice is not None else None
        return issued if notice is not None and issued is not None and issued >= notice.notice_sent else None
    return plan.cease.decided if plan.cease is not None else None


def refuse_plan_date(case: CaseLetters, template_id: str) -> None:
    """A plan decision's date is corrected on the plan, never by giving a letter a new one."""
    if template_id in PLAN_NOTIFIES:
        words = PLAN_NOTIFIED_WORDS[PLAN_NOTIFIES[template_id]]
        raise LetterError(f"case {case.detail.reference}: the date of {words} is recorded on the plan: correct it "
                          "there to change the date this letter carries")


def check_plan_letter(case: CaseLetters, template: LetterTemplate, recipient: Recipient, today: date) -> None:
    """Refuse a plan letter the plan as recorded does not call for, saying what to do instead."""
    if not about_a_plan(template):
        return
    where = f"case {case.detail.reference}"
    plan = case.plan
    if plan is None:
        raise LetterError(f"{where}: there is no plan in place (its plan is not issued yet, or it has ceased), so "
                          "this letter about a plan cannot be made")
    if template.id == "review_decision":
        _check_review_decision(where, plan)
    elif template.id == "annual_review_invitation":
        meeting = next((r.meeting for r in reversed(plan.reviews) if r.notified is None and r.meeting), None)
        if meeting is not None and meeting < today:
            raise LetterError(f"{where}: the review meeting on {short_date(meeting)} has passed, so an invitation to "
                              "it can no longer be sent; record the next meeting first")
    elif template.id == "cease_decision" and plan.cease is not None and plan.cease.withdrawn is not None:
        raise LetterError(f"{where}: the proposal to cease the plan was withdrawn on "
                          f"{short_date(plan.cease.withdrawn)}: the plan goes on, so there is no decision to tell")
    elif template.id == "phase_transfer_consultation":
        _check_next_setting(case, recipient, where, today)


def _check_review_decision(where: str, plan: PlanFacts) -> None:
    last = last_decision(plan.reviews)
    if last is None or last.decision == MAINTAIN:
        return  # none recorded: the letter's needs say so
    if last.decision == AMEND:
        raise LetterError(f"{where}: the review decided to amend the plan; that decision goes to the family with "
                          "the proposed amendments (the amendment_notice letter), once the notice is recorded")
    if last.decision == CEASE:
        raise LetterError(f"{where}: the review decided to cease the plan; that decision goes to the family in "
                          "the decision to cease letter (cease_decision)")


def _check_next_setting(case: CaseLetters, recipient: Recipient, where: str, today: date) -> None:
    """The consultation about a phase transfer goes to the setting consulted (or its maintaining council),
    before the move."""
    moving = case.plan.transfer if case.plan is not None else None
    if moving is not None and moving.transfer_date < today:
        raise LetterError(f"{where}: the move on {short_date(moving.transfer_date)} has passed, so there is no "
                          "phase transfer left to consult on; record the next one first")
    if recipient.kind == "other_la":
        return
    if case.transfer_school is None:
        raise LetterError(f"{where}: no setting is recorded as consulted about the phase transfer; record the "
                          "consultation on the plan first")
    school_id, name = case.transfer_school
    if recipient.id != f"school:{school_id}":
        raise LetterError(f"{where}: the consultation about the phase transfer goes to {name} (recipient "
                          f"school:{school_id}), the setting consulted, not to {recipient.name}")


def meeting_facts(time: str, place: str, where: str) -> MeetingFacts | None:
    """The meeting's time and place as typed (None when neither is); too long or unprintable is refused."""
    typed = {"time": " ".join(time.split()), "place": " ".join(place.split())}
    for field, text in typed.items():
        if len(text) > MEETING_LIMITS[field]:
            raise LetterError(f"{where}: the meeting's {field} is {len(text)} characters long; keep it to "
                              f"{MEETING_LIMITS[field]}")
        problem = unprintable(text) if text else None
        if problem:
            raise LetterError(f"{where}: the meeting's {field} cannot be printed: {problem}")
    if not any(typed.values()):
        return None
    return MeetingFacts(time=typed["time"] or None, place=typed["place"] or None)
