"""The setting named in section I of the plan, and the consultations with settings before it is named
(CFA s39: 15 days to reply). The kind of setting decides what its letters may say (docs/law.md#drafts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.context import AppContext
from caseworker.errors import NotFound, Problem, ValidationError
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import check_version, load_case, writing
from caseworker.store.audit import audit
from caseworker.store.models import CONSULTATION_REPLIES, SETTING_KINDS, Case, Consultation, School
from caseworker.vocabulary import short_date

# s43: a setting of these kinds must admit a child whose plan names it.
ADMISSION_DUTY_KINDS = frozenset({"maintained", "academy", "fe_college", "nmss", "s41_independent"})
SETTING_KIND_TITLES = {
    "maintained": "Maintained school", "academy": "Academy or free school", "fe_college": "Further education college",
    "nmss": "Non-maintained special school", "s41_independent": "Independent school approved under section 41",
    "independent": "Other independent school", "early_years": "Early years setting", "other": "Other setting",
}


def check_setting_kind(kind: str | None, field: str = "named_setting_kind") -> None:
    if kind is not None and kind not in SETTING_KINDS:
        raise ValidationError(Problem(field, f"{kind!r} is not a kind of setting (use {', '.join(SETTING_KINDS)})"))


def name_setting(ctx: AppContext, actor: Actor, case_id: int, school_id: int | None, *, kind: str | None = None,
                 expected_version: int | None = None) -> int:
    """Record the setting named in section I (``None`` when the plan names none); ``kind`` sets the
    setting's kind when given. Returns the case's new version."""
    require_writer(actor)
    check_setting_kind(kind)
    with writing(ctx, "name the setting") as s:
        case = load_case(s, case_id)
        check_version(case, expected_version)
        before = case.named_setting_id
        school = set_named_setting(s, case, school_id, kind)
        flag_modified(case, "reference")
        s.flush()
        audit(s, actor_id=actor.id, action="name_setting", entity="case", entity_id=case.id, case_id=case.id,
              before={"named_setting_id": before},
              after={"named_setting_id": school_id, "named_setting": school.name if school else None,
                     "kind": school.kind if school else None})
        return case.version


def set_named_setting(s: Session, case: Case, school_id: int | None, kind: str | None) -> School | None:
    """Name ``school_id`` in section I of ``case``'s plan (the caller audits): the setting must be on the
    council's list and its kind known (``kind`` sets it). Returns the setting named."""
    check_setting_kind(kind)
    school = None
    if school_id is not None:
        school = s.get(School, school_id)
        if school is None:
            raise NotFound(f"there is no school or setting {school_id}")
        if kind is not None:
            school.kind = kind
        if school.kind is None:
            raise ValidationError(Problem("named_setting_kind", f"say what kind of setting {school.name} is"))
    case.named_setting_id = school_id
    return school


def record_consultation_reply(ctx: AppContext, actor: Actor, consultation_id: int, replied_on: date,
                              reply: str) -> None:
    """A consulted setting's answer: it agrees to be named, declines, or says something else."""
    require_writer(actor)
    if reply not in CONSULTATION_REPLIES:
        raise ValidationError(Problem("reply", f"use one of {', '.join(CONSULTATION_REPLIES)}"))
    if replied_on > ctx.today():
        raise ValidationError(Problem("replied_on", "a reply cannot be dated after today"))
    with writing(ctx, "record consultation reply") as s:
        row = s.get(Consultation, consultation_id)
        if row is None:
            raise NotFound(f"there is no consultation {consultation_id}")
        if replied_on < row.sent_on:
            raise ValidationError(Problem("replied_on", f"the consultation was sent on {short_date(row.sent_on)}; "
                                                        "the reply cannot come before it"))
        before = {"replied_on": row.replied_on, "reply": row.reply}
        row.replied_on, row.reply = replied_on, reply
        s.flush()
        audit(s, actor_id=actor.id, action="record_consultation_reply", entity="consultation", entity_id=row.id,
              case_id=row.case_id, before=before, after={"replied_on": replied_on, "reply": reply,
                                                          "school": row.school.name})


@dataclass(frozen=True, slots=True)
class SettingChoice:
    """A school or setting on the council's list, as a picker shows it."""

    id: int
    name: str
    postcode: str
    urn: str
    kind: str  # "" when the council's list does not say


def setting_choices(ctx: AppContext) -> list[SettingChoice]:
    """The council's schools and settings, by name."""
    with ctx.db.sessions() as s:
        rows = s.execute(select(School.id, School.name, School.postcode, School.urn, School.kind)
                         .order_by(School.name)).all()
    return [SettingChoice(i, n, p or "", u or "", k or "") for i, n, p, u, k in rows]
