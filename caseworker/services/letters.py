"""Making letters from a case and keeping them: the letter log.

A letter is asked for by template and recipient *id*; the addressee is always looked up among the
people and organisations linked to that case (caseworker.views.letter_recipients), so a letter
cannot carry another family's name or address. Every letter made is stored whole (the PDF and its
SHA-256), with its template version, recipient, who and when; it can be marked sent or void, and
reprinting returns the stored bytes. Nothing here deletes a letter.

A decision letter (to assess or not, not to issue, the final plan) is dated with the day the decision
was notified as recorded on the case, and the appeal window counts from it (docs/law.md#letter-dates).
Made on a later day, it keeps that date and says so in a warning; ``notified_on`` records a new
notification date (audited) and dates the letter with it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import NotFound, Problem, ValidationError
from caseworker.letters import (
    CouncilSettings,
    Letter,
    LetterError,
    Recipient,
    TemplateSet,
    facts_from_detail,
    load_templates,
)
from caseworker.letters.errors import SettingsError
from caseworker.letters.limits import check_letter_day
from caseworker.letters.output import LetterSink, PendingLetter
from caseworker.letters.request import LetterRequest as LetterRequest  # where callers have long found it
from caseworker.letters.rests_on import recorded_dates
from caseworker.letters.words import short_date
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import writing
from caseworker.services.letter_dates import (
    NOTIFIES,
    LateNotification,
    late_notification,
    recorded_notification,
)
from caseworker.services.notification import record_notification_date
from caseworker.services.plan_letters import check_plan_letter, meeting_facts, refuse_plan_date
from caseworker.store.audit import audit, audit_many, now_utc
from caseworker.store.location import data_dir
from caseworker.store.models import LetterRecord
from caseworker.views.letter_recipients import CaseLetters, load_case_letters, load_many_case_letters

COUNCIL_ENV = "CASEWORKER_COUNCIL_SETTINGS"
SERVICE_KINDS = frozenset({"advice_service"})


# The PDF renderer loads with the first letter made: reportlab's page layout is a fifth of the
# desktop's start-up imports, and a morning's first paint prints nothing.
def render_pdf(letter: Letter, *, preview: bool = False) -> bytes:
    from caseworker.letters import pdf

    return pdf.render_pdf(letter, preview=preview)


def render_many(letters: Sequence[Letter]) -> bytes:
    from caseworker.letters import pdf

    return pdf.render_many(letters)


@dataclass(frozen=True, slots=True)
class LetterKit:
    """What every letter needs besides the case: the templates and the council's settings."""

    templates: TemplateSet
    council: CouncilSettings


def council_settings_path(*, demo: bool) -> Path | None:
    """The council's settings file, for a database that stores none (caseworker.services.council_settings):
    $CASEWORKER_COUNCIL_SETTINGS, else council.toml in the user data folder.

    Only a demo database may fall back to the shipped sample council (None); a real team's letters
    must never go out on a fictional council's letterhead.
    """
    configured = os.environ.get(COUNCIL_ENV, "").strip()
    if configured:
        return Path(configured)
    own = data_dir() / "council.toml"
    if own.exists():
        return own
    if demo:
        return None
    raise SettingsError("letters need your council's settings: an admin enters them in File > Council settings, "
                        "or imports a copy of resources/letters/council.sample.toml filled in with your council's "
                        f"details ('caseworker settings import FILE'); a file at {own} (or {COUNCIL_ENV}) is "
                        "read while the database stores none")


def load_letter_kit(ctx: AppContext) -> LetterKit:
    """The templates, and the council's settings: the database's, else the settings file (a demo: the sample)."""
    from caseworker.services.council_settings import council_settings

    return LetterKit(templates=load_templates(rules=ctx.engine.rules), council=council_settings(ctx))


@dataclass(frozen=True, slots=True)
class MadeLetter:
    id: int
    case_id: int
    reference: str
    template_id: str
    recipient_id: str
    recipient_name: str
    sha256: str
    pdf: bytes
    about: str | None = None  # "advice:12": what the letter answers
    warning: str = ""  # e.g. a decision letter made after the day its decision was notified
    letter_date: date | None = None  # the date printed on it


# A decision letter must say what was decided: it can only be made once that decision is recorded.
DECISION_LETTERS = {"decision_to_assess": ("decision_to_assess", True, "a decision to assess"),
                    "decision_not_to_assess": ("decision_to_assess", False, "a decision not to assess"),
                    "decision_not_to_issue": ("decision_to_issue", False, "a decision not to issue a plan")}


def check_decision(case: CaseLetters, template_id: str) -> None:
    """Refuse a decision letter that does not match the decision recorded on the case."""
    if template_id not in DECISION_LETTERS:
        return
    field, wanted, words = DECISION_LETTERS[template_id]
    d = case.detail.deadlines
    recorded = getattr(d.facts, field) if d is not None else None
    if recorded is not wanted:
        raise LetterError(f"case {case.detail.reference}: {words} is not recorded, so this letter would tell the "
                          "family something that has not been decided; record the decision first")


def notification_check(ctx: AppContext, case_id: int, request: LetterRequest) -> LateNotification | None:
    """What the window asks before making a decision letter: None, or the choice of dates to offer."""
    today = ctx.today()
    check_letter_day(today, "a letter cannot be made on")
    return late_notification(load_case_letters(ctx, case_id, today), request, today)


def _letter_date(case: CaseLetters, request: LetterRequest, today: date) -> date:
    if request.notified_on is not None:
        refuse_plan_date(case, request.template_id)
        if request.template_id not in NOTIFIES:
            raise LetterError(f"case {case.detail.reference}: only a decision letter carries a notification date "
                              f"({', '.join(sorted(NOTIFIES))})")
        return request.notified_on
    return recorded_notification(case, request.template_id) or today


def _check_advice_letter(case: CaseLetters, request: LetterRequest) -> None:
    """An excused advice request (reg 8(2)) is never chased."""
    if request.template_id != "advice_chase" or request.advice_id is None:
        return
    advice = next((a for a in case.detail.advice if a.id == request.advice_id), None)
    if advice is not None and advice.excused_ground:
        raise LetterError(f"case {case.detail.reference}: the {advice.kind} advice request is excused under "
                          "regulation 8(2), so it is not chased")


def _check_setting_letter(case: CaseLetters, recipient: Recipient, allowed: tuple[str, ...]) -> None:
    """A letter for the setting named in section I never goes to whichever school is on record."""
    if "named_setting" not in allowed or recipient.kind not in ("school", "school_consulted") \
            or recipient.kind in allowed:
        return
    named = case.detail.named_setting
    if named is None:
        raise LetterError(f"case {case.detail.reference}: this letter goes to the setting named in section I of "
                          "the plan, and none is recorded: record the named setting on the case first")
    raise LetterError(f"case {case.detail.reference}: this letter goes to the setting named in section I of the "
                      f"plan, {named.name} (recipient setting:{named.id}), not to {recipient.name}")


def compose(case: CaseLetters, request: LetterRequest, kit: LetterKit, ctx: AppContext, today: date) -> Letter:
    """The letter for ``request`` about ``case``, or a LetterError saying exactly why it cannot be made."""
    template = kit.templates.get(request.template_id)
    check_decision(case, template.id)
    _check_advice_letter(case, request)
    recipient = _recipient(case, request, set(template.recipients))
    _check_setting_letter(case, recipient, template.recipients)
    check_plan_letter(case, template, recipient, today)
    exception_index = None
    if request.exception_id is not None:
        exception_index = next((i for i, e in enumerate(case.detail.exceptions) if e.id == request.exception_id),
                               None)
        if exception_index is None:
            raise LetterError(f"case {case.detail.reference}: there is no exception {request.exception_id}")
    elif "exception.title" in template.needs and case.detail.exceptions:
        exception_index = len(case.detail.exceptions) - 1  # the latest exception, when none is named
    facts = facts_from_detail(case.detail, recipient, kit.council, today, ctx.engine, request.advice_id,
                              exception_index, reasons=request.reasons,
                              letter_date=_letter_date(case, request, today), plan=case.plan,
                              transfer_school=case.transfer_school[1] if case.transfer_school else None,
                              meeting=meeting_facts(request.meeting_time, request.meeting_place,
                                                    f"template {template.id}"))
    return kit.templates.render(template.id, facts)


def _recipient(case: CaseLetters, request: LetterRequest, allowed: set[str]) -> Recipient:
    if request.recipient_id is not None:
        return case.recipient(request.recipient_id)
    if allowed & SERVICE_KINDS and request.advice_id is not None:
        return case.service_for_advice(request.advice_id)
    main = case.main_correspondent
    if "main_correspondent" in allowed:
        if main is None:
            raise LetterError(f"case {case.detail.reference}: no contact with a postal address is recorded, so "
                              "there is no main correspondent to write to")
        return main
    raise LetterError(f"case {case.detail.reference}: say who the {request.template_id} letter goes to "
                      f"(one of: {', '.join(r.id for r in case.recipients)})")


def preview_letter(ctx: AppContext, case_id: int, request: LetterRequest, kit: LetterKit) -> bytes:
    """The letter as it would be made today, stamped PREVIEW on every page and not logged."""
    today = ctx.today()
    check_letter_day(today, "a letter cannot be made on")
    return render_pdf(compose(load_case_letters(ctx, case_id, today), request, kit, ctx, today), preview=True)


def make_letter(ctx: AppContext, actor: Actor, case_id: int, request: LetterRequest, kit: LetterKit, *,
                sink: LetterSink | None = None) -> MadeLetter:
    """Make one letter, store it in the log and audit it; LetterError (nothing stored) if it cannot be made.

    With ``request.notified_on`` the letter is first checked, then that day is recorded (audited) as the
    day its decision is notified, then the letter is made dated with it. ``sink`` writes it out before
    the log commits (see make_letters).
    """
    if request.notified_on is not None:
        _record_notification(ctx, actor, case_id, request, kit)
    batch = make_letters(ctx, actor, [(case_id, request)], kit, sink=sink)
    if batch.problems:
        raise LetterError(batch.problems[0].reason)
    return batch.made[0]


def _record_notification(ctx: AppContext, actor: Actor, case_id: int, request: LetterRequest, kit: LetterKit) -> None:
    require_writer(actor)
    today = ctx.today()
    on = request.notified_on
    assert on is not None
    check_letter_day(today, "a letter cannot be made on")
    check_letter_day(on, "a decision cannot be notified on")
    case = load_case_letters(ctx, case_id, today)
    if on > today:
        raise ValidationError(Problem("notified_on", f"{short_date(on)} is after today: a family cannot have been "
                                                     "told on a day still to come"))
    compose(case, request, kit, ctx, today)  # a letter that cannot be made records nothing
    if recorded_notification(case, request.template_id) != on:
        record_notification_date(ctx, actor, case_id, NOTIFIES[request.template_id], on)


@dataclass(frozen=True, slots=True)
class LetterProblem:
    case_id: int
    reference: str
    template_id: str
    reason: str
    about: str | None = None


@dataclass(frozen=True, slots=True)
class LetterBatch:
    made: list[MadeLetter]
    problems: list[LetterProblem]
    combined: bytes | None = None  # every letter made, in order, each starting on a new page (for printing)
    cancelled: bool = False


BATCH_CHUNK = 50  # letters rendered and written per step: memory stays flat however long the batch


class _Cancelled(Exception):
    pass


def make_letters(ctx: AppContext, actor: Actor, items: Sequence[tuple[int, LetterRequest]], kit: LetterKit, *,
                 batch: str | None = None, progress: Callable[[int, int], bool] | None = None,
                 combine: bool = False, keep_pdfs: bool = True, sink: LetterSink | None = None) -> LetterBatch:
    """Make many letters in order; those that cannot be made are reported, not half-made.

    ``progress(done, total)`` is called after each letter; returning False cancels the batch, and then
    nothing at all is logged (the batch is one transaction, written a chunk at a time). ``combine``
    also returns one PDF of them all in order, each letter whole and numbered on its own, for a print
    run. ``keep_pdfs=False`` leaves each MadeLetter's ``pdf`` empty (read them back with
    ``stored_pdfs``), so a batch of thousands does not hold them all in memory. ``sink`` writes each
    letter out (and the combined PDF) before the log commits, so a logged letter always has its file;
    a letter it cannot write is reported and stays on Letters to send.
    """
    require_writer(actor)
    today = ctx.today()
    check_letter_day(today, "a letter cannot be made on")
    cases = load_many_case_letters(ctx, list(dict.fromkeys(cid for cid, _ in items)), today)
    made: list[MadeLetter] = []
    problems: list[LetterProblem] = []
    to_print: list[Letter] = []
    pending: list[_Rendered] = []
    at = now_utc()
    combined: bytes | None = None
    try:
        with writing(ctx, "make letters") as s:
            for n, (case_id, request) in enumerate(items, 1):
                case = cases.get(case_id)
                try:
                    if case is None:
                        raise LetterError(f"there is no case with id {case_id}")
                    rendered = _make_one(case_id, case, request, kit, ctx, today)
                    if sink is not None:
                        sink.write(rendered.pending(case.detail.reference))
                    pending.append(rendered)
                    if combine:
                        to_print.append(rendered.letter)
                except LetterError as exc:
                    problems.append(LetterProblem(case_id, case.detail.reference if case else str(case_id),
                                                  request.template_id, str(exc), request.about))
                if len(pending) >= BATCH_CHUNK:
                    made += _store(s, actor, pending, at, batch, keep_pdfs)
                    pending = []
                if progress is not None and not progress(n, len(items)):
                    raise _Cancelled
            made += _store(s, actor, pending, at, batch, keep_pdfs)
            if sink is not None:
                combined = render_many(to_print) if to_print else None
                sink.finish(combined)
    except _Cancelled:
        if sink is not None:
            sink.discard()
        return LetterBatch([], [], cancelled=True)
    except BaseException:
        if sink is not None:
            sink.discard()
        raise
    if combined is None and to_print:
        combined = render_many(to_print)
    return LetterBatch(made, problems, combined)


def _make_one(case_id: int, case: CaseLetters, request: LetterRequest, kit: LetterKit, ctx: AppContext,
              today: date) -> _Rendered:
    letter = compose(case, request, kit, ctx, today)
    late = late_notification(case, request, today)
    # The dates it states, kept with it: the log flags it if one of them is corrected later.
    dates = recorded_dates(case.detail, kit.templates.get(request.template_id).rests_on,
                           advice_id=request.advice_id, exception_id=request.exception_id, plan=case.plan,
                           consulted=case.transfer_school[1] if case.transfer_school else None)
    return _Rendered(case_id, request, letter, render_pdf(letter), late.message if late is not None else "",
                     dates or None)


@dataclass(frozen=True, slots=True)
class _Rendered:
    case_id: int
    request: LetterRequest
    letter: Letter
    pdf: bytes
    warning: str
    rests_on: dict[str, str | None] | None = None

    def pending(self, reference: str) -> PendingLetter:
        return PendingLetter(self.case_id, reference, self.letter.template_id, self.letter.recipient.id,
                             self.request.about, self.pdf)


def _store(s: Session, actor: Actor, rendered: list[_Rendered], at: datetime, batch: str | None,
           keep_pdfs: bool) -> list[MadeLetter]:
    if not rendered:
        return []
    rows = [_log_row(r.case_id, r.request, r.letter, r.pdf, actor, at, batch) | {"rests_on": r.rests_on}
            for r in rendered]
    ids = list(s.scalars(insert(LetterRecord).returning(LetterRecord.id, sort_by_parameter_order=True), rows))
    audit_many(s, ({"actor_id": actor.id, "action": "letter.make", "entity": "letter", "entity_id": lid,
                    "case_id": row["case_id"], "before": None,
                    "after": {"template": row["template_id"], "to": row["recipient_name"],
                              "recipient_id": row["recipient_id"], "sha256": row["sha256"]}}
                   for lid, row in zip(ids, rows, strict=True)))
    return [MadeLetter(lid, r.case_id, r.letter.case_reference, r.letter.template_id, r.letter.recipient.id,
                       r.letter.recipient.name, row["sha256"], r.pdf if keep_pdfs else b"", r.request.about,
                       r.warning, r.letter.date)
            for lid, row, r in zip(ids, rows, rendered, strict=True)]


def _log_row(case_id: int, request: LetterRequest, letter: Letter, pdf: bytes, actor: Actor, at: datetime,
             batch: str | None) -> dict[str, Any]:
    r = letter.recipient
    return {"case_id": case_id, "template_id": letter.template_id, "template_version": str(letter.template_version),
            "recipient_id": r.id, "recipient_name": r.name,
            "recipient_address": "\n".join([*r.address_lines, r.postcode]).strip(), "made_by_id": actor.id,
            "made_at": at, "letter_date": letter.date, "pdf": pdf, "sha256": hashlib.sha256(pdf).hexdigest(),
            "status": "made", "batch": batch, "about": request.about, "version": 1}


def stored_pdfs(ctx: AppContext, letter_ids: Sequence[int], chunk: int = BATCH_CHUNK) -> Iterator[tuple[int, bytes]]:
    """(id, PDF) of each letter, in the order given, read a chunk at a time."""
    for start in range(0, len(letter_ids), chunk):
        part = list(letter_ids[start:start + chunk])
        with ctx.db.sessions() as s:
            found = dict(s.execute(select(LetterRecord.id, LetterRecord.pdf).where(LetterRecord.id.in_(part))).all())
        for lid in part:
            if lid not in found:
                raise NotFound(f"there is no letter {lid}")
            yield lid, found[lid]


def stored_pdf(ctx: AppContext, letter_id: int) -> bytes:
    """The letter exactly as it was made (a reprint is byte-for-byte the logged document)."""
    with ctx.db.sessions() as s:
        pdf = s.scalar(select(LetterRecord.pdf).where(LetterRecord.id == letter_id))
    if pdf is None:
        raise NotFound(f"there is no letter {letter_id}")
    return pdf


def record_reprint(ctx: AppContext, actor: Actor, letter_id: int) -> bytes:
    """The stored letter, with the reprint noted in the case history.

    A read-only user may print a stored letter too, but writes nothing, not even a history line.
    """
    if not actor.can_write:
        return stored_pdf(ctx, letter_id)
    with ctx.db.session() as s:
        row = s.get(LetterRecord, letter_id)
        if row is None:
            raise NotFound(f"there is no letter {letter_id}")
        audit(s, actor_id=actor.id, action="letter.reprint", entity="letter", entity_id=row.id, case_id=row.case_id,
              after={"template": row.template_id, "to": row.recipient_name})
        return row.pdf


from caseworker.services.letter_status import NEXT_STATUS, mark_sent, mark_void  # noqa: E402  (the log's statuses)

__all__ = ["NEXT_STATUS", "LateNotification", "LetterSink", "PendingLetter", "mark_sent", "mark_void"]
