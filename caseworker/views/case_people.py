"""Who a case is about and who else it involves, as the case record's edit forms need them: the child's
whole record (with its version, so a save cannot overwrite a colleague's) and the organisations
recorded on the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.services.case_links import OrganisationView
from caseworker.store.models import CaseOrganisation, Child, Organisation


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """Every field of the child the Edit child form shows ("" where not recorded)."""

    forename: str
    surname: str
    date_of_birth: date
    upn: str
    upn_unknown_reason: str
    nhs_number: str
    uln: str
    postcode: str
    primary_need: str
    secondary_need: str
    school_id: int | None
    version: int


def child_record(child: Child) -> ChildRecord:
    return ChildRecord(child.forename, child.surname, child.date_of_birth, child.upn or "",
                       child.upn_unknown_reason or "", child.nhs_number or "", child.uln or "", child.postcode or "",
                       child.primary_need or "", child.secondary_need or "", child.school_id, child.version)


def organisations_on_case(ctx: AppContext, case_id: int) -> list[OrganisationView]:
    """The organisations recorded on the case (health commissioner, social care, another council)."""
    with ctx.db.sessions() as s:
        rows = s.scalars(select(Organisation)
                         .join(CaseOrganisation, CaseOrganisation.organisation_id == Organisation.id)
                         .where(CaseOrganisation.case_id == case_id).order_by(Organisation.kind, Organisation.name))
        return [OrganisationView(o.id, o.kind, o.name, o.address or "", o.postcode or "") for o in rows]
