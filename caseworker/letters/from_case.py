"""Facts for a letter from a case as the record screen holds it (a CaseDetail): dates from the deadline
engine, recipients only from the case. No database here either: the caller loads the CaseDetail.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from caseworker.letters.errors import LetterError
from caseworker.letters.facts import (
    FAMILY_KINDS,
    REG8_KINDS,
    AdviceLetterFacts,
    CaseFacts,
    ChildFacts,
    ExceptionLetterFacts,
    LetterFacts,
    MeetingFacts,
    PlanLetterFacts,
    Recipient,
    SettingFacts,
    clean_reasons,
)
from caseworker.letters.settings import CouncilSettings
from caseworker.letters.words import long_date
from caseworker.statutory.clocks import run_clock
from caseworker.statutory.engine import NOT_APPLICABLE
from caseworker.statutory.plan_facts import AMEND, CEASE, ReviewFacts
from caseworker.statutory.plans import (
    CEASE_APPEAL_PENDING,
    clocks_for,
    last_decision,
    review_events,
    review_under_way,
)

if TYPE_CHECKING:  # types only: the letters never touch the database or the views' queries
    from caseworker.statutory.engine import DeadlineEngine, RequestDeadlines
    from caseworker.statutory.plan_facts import PlanFacts
    from caseworker.views.case_detail import AdviceView, CaseDetail, ContactView, ExceptionView

CONTACT_KINDS = {"parent": "parent", "carer": "carer", "young_person": "young_person"}
# The time limits an exception can excuse, as a family reads them: what, and how long it normally takes.
MILESTONE_WORDS = {
    "decision_to_assess": ("telling you whether we will carry out an EHC needs assessment", "6 weeks"),
    "issue_decision": ("telling you if we decide not to issue an EHC plan", "16 weeks"),
    "final_plan": ("issuing the final EHC plan", "20 weeks"),
}


def split_address(address: str) -> tuple[str, ...]:
    """A stored address (lines, or one line with commas) as envelope lines."""
    parts = address.splitlines() if "\n" in address else address.split(",")
    return tuple(p.strip() for p in parts if p.strip())


def addressed_as(contact: ContactView) -> tuple[str, str]:
    """The name on the envelope and the greeting: "Ms Nicola Price" and "Dear Ms Price" when the title and
    surname are recorded; otherwise the greeting is the whole name without the title ("Dear Nicola Price")."""
    title, surname = contact.title.strip(), contact.surname.strip()
    envelope = f"{title} {contact.name}" if title else contact.name
    return envelope, f"Dear {title} {surname}" if title and surname else f"Dear {contact.name}"


def contact_recipient(contact: ContactView, main: bool | None = None) -> Recipient | None:
    """The recipient a case contact is, or None when they cannot be written to (ended, no address, or role
    'other' without being the main correspondent). ``main`` overrides the recorded main-correspondent mark."""
    is_main = contact.main_correspondent if main is None else main
    kind = CONTACT_KINDS.get(contact.role)
    if kind is None and is_main:
        kind = "main_correspondent"
    lines = split_address(contact.address)
    if kind is None or not lines or not contact.current:
        return None
    envelope, greeting = addressed_as(contact)
    return Recipient(id=f"contact:{contact.id}", kind=kind, name=envelope, address_lines=lines,
                     postcode=contact.postcode.strip(), main_correspondent=is_main, salutation=greeting)


def _is_main(detail: CaseDetail, contact: ContactView) -> bool:
    if detail.main_correspondent_id is None:
        return contact.main_correspondent
    return contact.id == detail.main_correspondent_id


def contact_recipients(detail: CaseDetail) -> tuple[Recipient, ...]:
    """The case's own contacts who can be sent a letter, main correspondent first."""
    found = [r for c in detail.contacts if (r := contact_recipient(c, _is_main(detail, c))) is not None]
    return tuple(sorted(found, key=lambda r: not r.main_correspondent))


def _check_contact(detail: CaseDetail, recipient: Recipient) -> None:
    where = f"case {detail.reference}"
    cid = int(recipient.id.partition(":")[2])
    contact = next((c for c in detail.contacts if c.id == cid), None)
    if contact is None:
        raise LetterError(f"{where}: {recipient.id} is not a contact of this case")
    if contact.ended_on is not None:
        raise LetterError(f"{where}: {contact.name} stopped being a contact on {long_date(contact.ended_on)}; "
                          "letters no longer go to them")
    expected = contact_recipient(contact, _is_main(detail, contact))
    if expected is None:
        raise LetterError(f"{where}: {recipient.id} has no postal address on record or cannot receive letters")
    if (recipient.kind, recipient.name, recipient.address_lines, recipient.postcode, recipient.addressee) != (
            expected.kind, expected.name, expected.address_lines, expected.postcode, expected.addressee):
        raise LetterError(f"{where}: the name or address given for {recipient.id} is not the one on record")


def _check_setting(detail: CaseDetail, recipient: Recipient) -> None:
    setting = detail.named_setting
    if setting is None:
        raise LetterError(f"case {detail.reference}: no setting named in section I of the plan is recorded; "
                          "record the named setting on the case first")
    if recipient.id != f"setting:{setting.id}" or recipient.name != setting.name:
        raise LetterError(f"case {detail.reference}: {recipient.name} is not the setting named in the plan "
                          f"({setting.name})")


def check_linked(detail: CaseDetail, recipient: Recipient, advice: AdviceView | None) -> None:
    """Refuse a recipient who is not linked to this case, or whose address is not the one on record.

    A contact must be one of the case's contacts, with exactly the recorded name and address; the
    school must be the case's school; the named setting the one recorded in section I; an advice
    service must be the one the advice was asked of.
    """
    where = f"case {detail.reference}"
    if recipient.id.startswith("contact:"):
        _check_contact(detail, recipient)
        return
    if recipient.kind in FAMILY_KINDS:
        raise LetterError(f"{where}: a family member must be one of the case's contacts, not {recipient.id}")
    if recipient.id.startswith("setting:") or recipient.kind == "named_setting":
        _check_setting(detail, recipient)
    if recipient.kind == "school" and recipient.name != detail.school:
        raise LetterError(f"{where}: {recipient.name} is not the school recorded for the child")
    if recipient.kind == "advice_service" and advice is not None and recipient.name != advice.service:
        raise LetterError(f"{where}: the advice was asked of {advice.service or 'no recorded service'}, "
                          f"not {recipient.name}")


def _excuses(e: ExceptionView, name: str, due: date, received: date) -> bool:
    """docs/law.md#exempt-rule: the ground applies to the milestone, the circumstances began on or
    before its due date and had not ended before the request was received."""
    began = e.began or e.recorded
    return name in e.applies_to and began <= due and (e.ended is None or e.ended >= received)


def excusing(detail: CaseDetail, name: str) -> ExceptionView | None:
    """The latest exception on record that excuses milestone ``name`` should it be (or have been) late."""
    d = detail.deadlines
    if d is None:
        return None
    due = d.milestone(name).due
    return next((e for e in reversed(detail.exceptions) if _excuses(e, name, due, d.facts.received)), None)


def _case_facts(detail: CaseDetail, engine: DeadlineEngine, phone: str | None, email: str | None) -> CaseFacts:
    case = CaseFacts(reference=detail.reference, stage=detail.stage, received=detail.received,
                     caseworker_name=detail.caseworker_name or None,
                     caseworker_phone=phone or detail.caseworker_phone or None,
                     caseworker_email=email or detail.caseworker_email or None,
                     caseworker_job_title=detail.caseworker_job_title or None,
                     school=detail.school or None, final_issued=detail.final_issued)
    d = detail.deadlines
    if d is None:
        return case
    f, served = d.facts, d.served
    excuses = {name: excusing(detail, name) for name in MILESTONE_WORDS}
    return replace(
        case,
        decision_due=d.milestone("decision_to_assess").due, decision_to_assess_on=f.decision_to_assess_on,
        issue_decision_due=d.milestone("issue_decision").due, decision_to_issue_on=f.decision_to_issue_on,
        draft_latest_safe=d.milestone("draft_latest_safe").due, draft_sent=f.draft_sent, draft_served=served,
        family_comment_end=engine.family_comment_ends(served) if served else None,
        earliest_final=d.earliest_final, final_due=d.milestone("final_plan").due,
        final_cannot_be_met=d.final_cannot_be_met,
        decision_exception=_title(excuses["decision_to_assess"]), issue_exception=_title(excuses["issue_decision"]),
        final_exception=_title(excuses["final_plan"]))


def _title(e: ExceptionView | None) -> str | None:
    return e.title if e is not None else None


def _still_late(advice: AdviceView) -> int | None:
    """Days late while the advice is still awaited; None once it has arrived (so it cannot be chased)."""
    return advice.days_late if advice.received is None and advice.days_late > 0 else None


def _advice_facts(view: AdviceView, recipient: Recipient, engine: DeadlineEngine) -> AdviceLetterFacts:
    rules = engine.rules
    excuse = rules.advice_excuses.get(view.excused_ground or "", {}) if view.excused_ground else {}
    return AdviceLetterFacts(
        kind=view.kind, kind_title=rules.advice_kinds.get(view.kind, view.kind), service=view.service,
        requested=view.requested, due=view.due, days_late=_still_late(view), received=view.received,
        sent_by=view.sent_by, delivered=view.delivered or engine.delivered(view.requested, view.sent_by),
        bound_by_reg8=view.bound_by_reg8 or recipient.kind in REG8_KINDS,
        excused=(excuse.get("title") or view.excused_ground) if view.excused_ground else None)


def exception_excuses_words(e: ExceptionView, d: RequestDeadlines | None, today: date) -> tuple[str, ...]:
    """The time limits still to come (or passed and not yet met) that this exception can excuse, in words."""
    if d is None:
        return ()
    out = []
    for name, (what, weeks) in MILESTONE_WORDS.items():
        m = d.milestone(name)
        if m.done is not None or m.status == NOT_APPLICABLE or not _excuses(e, name, m.due, d.facts.received):
            continue
        if m.due < today:
            out.append(f"{what}: the usual limit of {weeks} from the request ended on {long_date(m.due)}")
        else:
            out.append(f"{what}: normally within {weeks} of the request, by {long_date(m.due)}")
    return tuple(out)


def _exception_facts(detail: CaseDetail, index: int, engine: DeadlineEngine, today: date) -> ExceptionLetterFacts:
    if not 0 <= index < len(detail.exceptions):
        raise LetterError(f"case {detail.reference}: there is no exception number {index}")
    e = detail.exceptions[index]
    ground = engine.rules.exception_grounds.get(e.ground, {})
    return ExceptionLetterFacts(ground=e.ground, title=ground.get("title", e.title), text=ground.get("text", e.title),
                                recorded=e.recorded, began=e.began or e.recorded, ended=e.ended,
                                excuses=exception_excuses_words(e, detail.deadlines, today))


def _setting_facts(detail: CaseDetail) -> SettingFacts | None:
    s = detail.named_setting
    if s is None:
        return None
    return SettingFacts(name=s.name, kind=s.kind, kind_title=s.kind_title, admission_duty=s.admission_duty)


def plan_letter_facts(plan: PlanFacts, today: date, engine: DeadlineEngine,
                      transfer_school: str | None = None) -> PlanLetterFacts:
    """A plan in place as its letters speak of it: its recorded dates and the plan clocks' dates on
    ``today`` (``transfer_school``: the name of the setting consulted about the next move)."""
    schedule = clocks_for(engine.rules, engine.calendar).schedule(plan, today)
    review = schedule.review
    steps = {s.name: s.due for s in review.steps}
    under_way = review_under_way(plan.reviews)
    last = last_decision(plan.reviews)
    facts = PlanLetterFacts(
        issued=plan.plan_issued, next_review_due=review.due, review_meeting=review.meeting,
        invitations_sent=under_way.invitations_sent if under_way else None,
        advice_by=steps.get("review_invitations"), review_report_due=steps.get("review_report"),
        review_decision_due=steps.get("review_decision"),
        last_review_meeting=last.meeting if last else None, review_decision=last.decision if last else None,
        review_decision_notified=last.notified if last else None,
        last_review_decision_due=_decision_due(last, engine))
    if (a := schedule.amendment) is not None:
        facts = replace(facts, amendment_notice_sent=a.notice_sent, amendment_served=a.served,
                        amendment_comments_until=a.comments_until, amended_plan_due=a.final_due,
                        amended_plan_issued=a.final_issued,
                        amendment_follows_review=_follows(last, AMEND, a.notice_sent, plan))
    if (t := schedule.transfer) is not None:
        facts = replace(facts, transfer_kind=t.kind, transfer_date=t.transfer_date, transfer_due=t.due,
                        transfer_consulted=t.consultation_sent,
                        transfer_school=transfer_school if t.consultation_sent else None)
    if (c := schedule.cease) is not None and plan.cease is not None:
        pending = c.state == CEASE_APPEAL_PENDING
        facts = replace(facts, cease_proposed=c.proposed, cease_decided=c.decided, appeal_until=c.appeal_until,
                        cease_appeal_lodged=plan.cease.appeal_lodged if pending else None,
                        cease_follows_review=c.decided is not None and _follows(last, CEASE, c.decided, plan))
    return facts


def _decision_due(review: ReviewFacts | None, engine: DeadlineEngine) -> date | None:
    """The last day to notify a review's decision: 4 weeks after its meeting (the table's row)."""
    if review is None or review.meeting is None or "review_decision" not in engine.rules.table:
        return None
    clock = run_clock(engine.rules.row("review_decision"), review_events(review), engine.rules)
    return clock.due if clock is not None else None


def _follows(last: ReviewFacts | None, decision: str, on: date, plan: PlanFacts) -> bool:
    """Whether what was done ``on`` carries the last review's decision (and its meeting is on record): a
    decision to cease notified that day; amendments proposed on or after the decision to amend, with no
    other notice between."""
    if last is None or last.decision != decision or last.notified is None or last.notified > on \
            or last.meeting is None:  # a review imported without its meeting: the letter cannot name it
        return False
    if decision == CEASE:
        return last.notified == on
    return not any(last.notified <= a.notice_sent < on for a in plan.amendments)


def facts_from_detail(detail: CaseDetail, recipient: Recipient, council: CouncilSettings, today: date,
                      engine: DeadlineEngine, advice_id: int | None = None, exception_index: int | None = None,
                      *, our_reference: str | None = None, caseworker_phone: str | None = None,
                      caseworker_email: str | None = None, reasons: tuple[str, ...] = (),
                      letter_date: date | None = None, plan: PlanFacts | None = None,
                      transfer_school: str | None = None, meeting: MeetingFacts | None = None) -> LetterFacts:
    """The facts for one letter about ``detail`` to ``recipient``, made on ``today``.

    ``advice_id`` picks the advice request a request or chase letter is about; ``exception_index`` the
    exception an exception notice is about (its position in ``detail.exceptions``). ``letter_date`` is
    the date printed when it is not ``today`` (a decision letter carries the notification date). ``plan``
    is the case's plan in place, if it has one; ``meeting`` what was typed for a review invitation.
    """
    advice_view = None
    if advice_id is not None:
        advice_view = next((a for a in detail.advice if a.id == advice_id), None)
        if advice_view is None:
            raise LetterError(f"case {detail.reference}: there is no advice request {advice_id}")
    check_linked(detail, recipient, advice_view)
    return LetterFacts(
        council=council, recipient=recipient,
        child=ChildFacts(name=detail.child, date_of_birth=detail.date_of_birth,
                         first_name=detail.child_forename or None),
        case=_case_facts(detail, engine, caseworker_phone, caseworker_email), today=today,
        our_reference=our_reference or detail.reference,
        advice=_advice_facts(advice_view, recipient, engine) if advice_view is not None else None,
        exception=_exception_facts(detail, exception_index, engine, today) if exception_index is not None else None,
        reasons=clean_reasons(reasons), setting=_setting_facts(detail), letter_date=letter_date,
        plan=plan_letter_facts(plan, today, engine, transfer_school) if plan is not None else None, meeting=meeting)
