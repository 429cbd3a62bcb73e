"""Who else a case involves: schools consulted on being named, and organisations recorded on the case
(health commissioner, children's social care, another local authority).

These are what make a body a lawful recipient of the case's letters, so each is chosen from the
council's own lists (never typed in for one letter), and each change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from caseworker.context import AppContext
from caseworker.errors import NotFound, PermissionDenied, Problem, ValidationError
from caseworker.identifiers import IdentifierError, normalise_postcode
from caseworker.services.actor import Actor, require_writer
from caseworker.services.casefile import load_case, writing
from caseworker.store.audit import audit
from caseworker.store.models import ORGANISATION_KINDS, CaseOrganisation, Consultation, Organisation, School

ORGANISATION_TITLES = {"health_commissioner": "Health commissioner (ICB)", "social_care": "Children's social care",
                       "other_la": "Another local authority"}


@dataclass(frozen=True, slots=True)
class OrganisationView:
    id: int
    kind: str
    name: str
    address: str
    postcode: str


def list_organisations(ctx: AppContext) -> list[OrganisationView]:
    with ctx.db.sessions() as s:
        rows = s.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name)).all()
        return [OrganisationView(o.id, o.kind, o.name, o.address or "", o.postcode or "") for o in rows]


@dataclass(frozen=True, slots=True)
class SchoolView:
    id: int
    name: str
    postcode: str
    has_address: bool


def list_schools(ctx: AppContext) -> list[SchoolView]:
    with ctx.db.sessions() as s:
        rows = s.execute(select(School.id, School.name, School.postcode, School.address).order_by(School.name)).all()
    return [SchoolView(i, n, p or "", bool((a or "").strip())) for i, n, p, a in rows]


def linked_organisation_ids(ctx: AppContext, case_id: int) -> set[int]:
    with ctx.db.sessions() as s:
        return set(s.scalars(select(CaseOrganisation.organisation_id).where(CaseOrganisation.case_id == case_id)))


def add_organisation(ctx: AppContext, actor: Actor, kind: str, name: str, address: str, postcode: str,
                     email: str = "") -> int:
    """Add a body to the council's list (team leads and admins: it becomes a possible letter recipient)."""
    if not actor.can_reallocate:
        raise PermissionDenied(f"{actor.username} has the {actor.role} role; only a team lead or admin can add "
                               "organisations")
    problems = []
    if kind not in ORGANISATION_KINDS:
        problems.append(Problem("kind", f"choose one of: {', '.join(ORGANISATION_KINDS)}"))
    if not name.strip():
        problems.append(Problem("name", "the organisation needs a name"))
    if not address.strip():
        problems.append(Problem("address", "letters need a postal address"))
    try:
        postcode = normalise_postcode(postcode) if postcode.strip() else ""
    except IdentifierError as exc:
        problems.append(Problem("postcode", str(exc)))
    if problems:
        raise ValidationError(problems)
    with writing(ctx, "add organisation") as s:
        org = Organisation(kind=kind, name=name.strip(), address=address.strip(), postcode=postcode,
                           email=email.strip() or None)
        s.add(org)
        s.flush()
        audit(s, actor_id=actor.id, action="add_organisation", entity="organisation", entity_id=org.id,
              after={"kind": kind, "name": org.name})
        return org.id


def link_organisation(ctx: AppContext, actor: Actor, case_id: int, organisation_id: int) -> None:
    """Record an organisation on the case, so the case's letters may be sent or copied to it."""
    require_writer(actor)
    with writing(ctx, "link organisation") as s:
        case = load_case(s, case_id)
        org = s.get(Organisation, organisation_id)
        if org is None:
            raise NotFound(f"there is no organisation {organisation_id}")
        already = ValidationError(Problem("organisation", f"{org.name} is already recorded on this case"))
        if s.get(CaseOrganisation, (case.id, org.id)) is not None:
            raise already
        try:  # a colleague recording it at the same moment: the same answer as if they had been first
            with s.begin_nested():
                s.add(CaseOrganisation(case_id=case.id, organisation_id=org.id))
        except IntegrityError:
            raise already from None
        audit(s, actor_id=actor.id, action="link_organisation", entity="case", entity_id=case.id, case_id=case.id,
              after={"organisation": org.name})


def unlink_organisation(ctx: AppContext, actor: Actor, case_id: int, organisation_id: int) -> None:
    require_writer(actor)
    with writing(ctx, "unlink organisation") as s:
        org = s.get(Organisation, organisation_id)
        gone = s.execute(delete(CaseOrganisation).where(CaseOrganisation.case_id == case_id,
                                                        CaseOrganisation.organisation_id == organisation_id))
        if org is None or not gone.rowcount:  # type: ignore[attr-defined]
            raise NotFound("that organisation is not recorded on this case")
        audit(s, actor_id=actor.id, action="unlink_organisation", entity="case", entity_id=case_id,
              case_id=case_id, before={"organisation": org.name})


def record_consultation(ctx: AppContext, actor: Actor, case_id: int, school_id: int, sent_on: date) -> int:
    """A school or college consulted on being named in the plan (it may then be sent the consultation)."""
    require_writer(actor)
    if sent_on > ctx.today():
        raise ValidationError(Problem("sent_on", "the consultation date cannot be in the future"))
    with writing(ctx, "record consultation") as s:
        case = load_case(s, case_id)
        school = s.get(School, school_id)
        if school is None:
            raise NotFound(f"there is no school {school_id}")
        if case.received_on is not None and sent_on < case.received_on:
            raise ValidationError(Problem("sent_on", "a school cannot be consulted before the request was received"))
        row = Consultation(case_id=case.id, school_id=school.id, sent_on=sent_on)
        s.add(row)
        s.flush()
        audit(s, actor_id=actor.id, action="record_consultation", entity="case", entity_id=case.id,
              case_id=case.id, after={"school": school.name, "sent_on": sent_on})
        return row.id
