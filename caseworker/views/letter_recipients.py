"""Everyone a case's letters may go to, read from the case itself (never a typed-in address).

The family are the child's contacts; the organisations are the child's school, the setting named in
section I of the plan (Case.named_setting), schools consulted on being named, the services advice was
asked of, and organisations recorded on the case (health commissioner, social care, another LA). A
recipient id names one of them ("contact:12", "school:3", "setting:3").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.letters.errors import LetterError
from caseworker.letters.facts import Recipient
from caseworker.letters.from_case import contact_recipients, split_address
from caseworker.statutory.plan_facts import PlanFacts
from caseworker.store.models import AdviceService, CaseOrganisation, Consultation, Organisation, School
from caseworker.store.plan_models import PhaseTransfer
from caseworker.store.plan_reads import plan_facts
from caseworker.views.case_detail import CaseDetail, SettingView, load_case_details
from caseworker.vocabulary import short_date

ORGANISATION_PREFIX = {"health_commissioner": "commissioner", "social_care": "social_care", "other_la": "la"}
COLLEAGUE = "Dear colleague"
# Who at a named setting a letter is addressed to, by its kind; anything else goes to "Dear colleague".
SETTING_HEADS = {"fe_college": ("The Principal", "Dear Principal"), "early_years": ("The Manager", "Dear Manager"),
                 "other": ("", COLLEAGUE)}


@dataclass(frozen=True, slots=True)
class CaseLetters:
    """One case as letters see it: its detail and every recipient linked to it."""

    detail: CaseDetail
    recipients: tuple[Recipient, ...]
    no_address: tuple[tuple[str, str], ...] = ()  # (id, name) linked to the case but with no postal address
    plan: PlanFacts | None = None  # the plan in place (None: a request, or a plan that has ceased)
    transfer_school: tuple[int, str] | None = None  # (school id, name) consulted about the next phase transfer

    @property
    def main_correspondent(self) -> Recipient | None:
        return next((r for r in self.recipients if r.main_correspondent), None)

    def recipient(self, recipient_id: str) -> Recipient:
        """The linked recipient with this id; anything else is refused (a letter cannot go astray)."""
        found = next((r for r in self.recipients if r.id == recipient_id), None)
        missing = next((name for rid, name in self.no_address if rid == recipient_id), None)
        if found is None and recipient_id.startswith("setting:") and self.detail.named_setting is None:
            raise LetterError(f"case {self.detail.reference}: no setting named in section I of the plan is recorded; "
                              "record the named setting on the case first")
        ended = next((c for c in self.detail.contacts if f"contact:{c.id}" == recipient_id and not c.current), None)
        if found is None and ended is not None and ended.ended_on is not None:
            raise LetterError(f"case {self.detail.reference}: {ended.name} stopped being a contact on "
                              f"{short_date(ended.ended_on)}; letters no longer go to them")
        if found is None and missing is not None:
            raise LetterError(f"case {self.detail.reference}: {missing} has no postal address on record; add it "
                              "before writing to them")
        if found is None:
            known = ", ".join(r.id for r in self.recipients) or "none"
            raise LetterError(f"case {self.detail.reference}: {recipient_id!r} is not linked to this case "
                              f"(its recipients are: {known})")
        return found

    def service_for_advice(self, advice_id: int) -> Recipient:
        advice = next((a for a in self.detail.advice if a.id == advice_id), None)
        if advice is None:
            raise LetterError(f"case {self.detail.reference}: there is no advice request {advice_id}")
        if advice.service_id is None:
            raise LetterError(f"case {self.detail.reference}: no service is recorded for the "
                              f"{advice.kind} advice request, so there is no one to write to")
        return self.recipient(f"service:{advice.service_id}")


def load_case_letters(ctx: AppContext, case_id: int, today: date) -> CaseLetters:
    found = load_many_case_letters(ctx, [case_id], today)
    if case_id not in found:
        raise LetterError(f"there is no case with id {case_id}")
    return found[case_id]


def load_many_case_letters(ctx: AppContext, case_ids: Sequence[int], today: date) -> dict[int, CaseLetters]:
    """Several cases' letter recipients in a handful of queries (a batch of chase letters)."""
    details = load_case_details(ctx, case_ids, today)
    ids = list(details)
    with ctx.db.sessions() as s:
        school_ids = {d.school_id for d in details.values() if d.school_id}
        consulted = s.execute(select(Consultation.case_id, Consultation.school_id)
                              .where(Consultation.case_id.in_(ids))).all()
        school_ids |= {sid for _, sid in consulted}
        schools = {row.id: row for row in s.scalars(select(School).where(School.id.in_(school_ids)))} \
            if school_ids else {}
        service_ids = {a.service_id for d in details.values() for a in d.advice if a.service_id}
        services = {row.id: row for row in s.scalars(select(AdviceService).where(AdviceService.id.in_(service_ids)))} \
            if service_ids else {}
        linked = s.execute(select(CaseOrganisation.case_id, Organisation)
                           .join(Organisation, Organisation.id == CaseOrganisation.organisation_id)
                           .where(CaseOrganisation.case_id.in_(ids)).order_by(Organisation.kind, Organisation.id)
                           ).all()
        plans = {p.case_id: p for p in plan_facts(s, case_ids=ids)} if ids else {}
        moving = _transfer_schools(s, plans)
        out: dict[int, CaseLetters] = {}
        for cid, detail in details.items():
            found = list(contact_recipients(detail))
            no_address = [(f"contact:{c.id}", c.name) for c in detail.contacts if c.current and not c.address.strip()]
            if detail.school_id and (school := schools.get(detail.school_id)) is not None:
                found += _school(school, "school")
            if detail.named_setting is not None:
                setting = _setting(detail.named_setting)
                found += setting
                if not setting:
                    no_address.append((f"setting:{detail.named_setting.id}", detail.named_setting.name))
            for case_id, sid in consulted:
                if case_id == cid and sid != detail.school_id and (school := schools.get(sid)) is not None:
                    found += _school(school, "school_consulted")
            for sid in dict.fromkeys(a.service_id for a in detail.advice if a.service_id):
                if (service := services.get(sid)) is not None:
                    found += _service(service)
                    if not (service.address or "").strip():
                        no_address.append((f"service:{sid}", service.name))
            for case_id, org in linked:
                if case_id == cid:
                    found += _organisation(org)
            if (next_school := moving.get(cid)) is not None and next_school.id != detail.school_id:
                found += _school(next_school, "school_consulted")  # the next setting, for its consultation
            transfer = (next_school.id, next_school.name) if next_school is not None else None
            out[cid] = CaseLetters(detail, tuple(_unique(found)), tuple(no_address), plans.get(cid), transfer)
        return out


def _transfer_schools(s: Session, plans: dict[int | None, PlanFacts]) -> dict[int, School]:
    """The setting consulted about each plan's phase transfer still under way, by case."""
    ids = [p.transfer.id for p in plans.values() if p.transfer is not None and p.transfer.done is None
           and p.transfer.consultation_sent is not None and p.transfer.id is not None]
    if not ids:
        return {}
    rows = s.execute(select(PhaseTransfer.case_id, School).join(School, School.id == PhaseTransfer.consulted_school_id)
                     .where(PhaseTransfer.id.in_(ids))).all()
    return {case_id: school for case_id, school in rows}


def _unique(found: list[Recipient]) -> list[Recipient]:
    by_id: dict[str, Recipient] = {}
    for r in found:
        by_id.setdefault(r.id, r)  # a school both attended and consulted is written to once, as the school
    return list(by_id.values())


def _school(school: School, kind: str) -> list[Recipient]:
    lines = split_address(school.address or "")
    if not lines:
        return []  # a school with no postal address on record cannot be written to
    return [Recipient(id=f"school:{school.id}", kind=kind, name=school.name, address_lines=lines,
                      postcode=school.postcode or "", addressee="The Headteacher", salutation="Dear Headteacher")]


def _setting(setting: SettingView) -> list[Recipient]:
    """The setting named in section I: a recipient of its own ("setting:3"), even when it is also the
    child's current school ("school:3"), because what its letters may say depends on being named."""
    lines = split_address(setting.address)
    if not lines:
        return []
    addressee, salutation = SETTING_HEADS.get(setting.kind, ("The Headteacher", "Dear Headteacher"))
    return [Recipient(id=f"setting:{setting.id}", kind="named_setting", name=setting.name, address_lines=lines,
                      postcode=setting.postcode, addressee=addressee, salutation=salutation)]


def _service(service: AdviceService) -> list[Recipient]:
    lines = split_address(service.address or "")
    if not lines:
        return []
    lead = f"For the attention of {service.lead_name}" if service.lead_name else ""
    return [Recipient(id=f"service:{service.id}", kind="advice_service", name=service.name, address_lines=lines,
                      postcode=service.postcode or "", addressee=lead, salutation=COLLEAGUE)]


def _organisation(org: Organisation) -> list[Recipient]:
    lines = split_address(org.address or "")
    prefix = ORGANISATION_PREFIX.get(org.kind)
    if not lines or prefix is None:
        return []
    return [Recipient(id=f"{prefix}:{org.id}", kind=org.kind, name=org.name, address_lines=lines,
                      postcode=org.postcode or "", salutation=COLLEAGUE)]
