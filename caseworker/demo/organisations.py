"""The bodies the demo team's letters are copied to: the health commissioner for every case, and
children's social care for the children it advises on. Invented names and addresses."""

from __future__ import annotations

from sqlalchemy import insert, literal, select, update
from sqlalchemy.orm import Session

from caseworker.store.models import AdviceRequest, Case, CaseOrganisation, Child, Contact, Organisation

COMMISSIONER = dict(kind="health_commissioner", name="NHS Marches Integrated Care Board",
                    address="Designated Clinical Officer for SEND\nKingsway House\nHereford", postcode="HR1 2ER",
                    email="send.dco@marches-icb.example.nhs.uk")
SOCIAL_CARE = dict(kind="social_care", name="Marches Children's Social Care",
                   address="Children's Services Front Door\nPlough Lane\nHereford", postcode="HR4 0LE",
                   email="childrens.socialcare@marches.example.gov.uk")


def write_organisations(session: Session) -> None:
    """Link the ICB to every case and social care to cases with social care advice (set-based, so the
    national-scale demo takes no longer than the county one)."""
    icb = _add(session, COMMISSIONER)
    social = _add(session, SOCIAL_CARE)
    session.execute(insert(CaseOrganisation).from_select(
        ["case_id", "organisation_id"], select(Case.id, literal(icb))))
    session.execute(insert(CaseOrganisation).from_select(
        ["case_id", "organisation_id"],
        select(AdviceRequest.case_id, literal(social)).where(AdviceRequest.kind == "social_care").distinct()))
    # A young person past school age who asked for letters to go to their parent (the demo's contacts
    # record that by not marking the young person as main correspondent).
    asked = select(Contact.child_id).where(Contact.role == "young_person", Contact.main_correspondent.is_(False))
    session.execute(update(Child).where(Child.id.in_(asked)).values(letters_to_parent=True))


def _add(session: Session, values: dict[str, str]) -> int:
    org = Organisation(**values)
    session.add(org)
    session.flush()
    return org.id
