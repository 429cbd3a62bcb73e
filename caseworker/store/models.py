"""The case store: SQLAlchemy 2 typed models.

Alembic owns the schema (migrations/); these classes describe it for the ORM. Every mutable row has a
``version`` counter that SQLAlchemy checks on update, so a stale write fails instead of silently
overwriting a colleague's change. Dates the law counts in days are ``Date``; moments are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseworker.store.base import Base, Versioned
from caseworker.store.codes import CONSULTATION_REPLIES, SENT_BY, SETTING_KINDS

ROLES = ("caseworker", "team_lead", "admin", "read_only")
CONTACT_ROLES = ("parent", "carer", "young_person", "other")
ADVICE_KINDS = ("ep", "health", "social_care", "education", "other")
EXCEPTION_GROUNDS = ("a", "b", "c", "d")
# Reg 8(2): why an adviser need not meet the 6 weeks (docs/law.md#advice).
ADVICE_EXCUSES = ("exceptional", "absent", "missed_appointment")
# Who an adviser answers to: reg 8 binds health bodies, other councils and youth offending teams only.
ADVICE_BODIES = ("council", "health", "other_la", "yot", "school", "other")
REG8_BODIES = frozenset({"health", "other_la", "yot"})


class AppMeta(Versioned, Base):
    """Facts about the database itself (is it a demo; when it was built)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class Staff(Versioned, Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # For letters: the courtesy title (Mr, Ms, Dr) and the job title a letter is signed with.
    title: Mapped[str | None] = mapped_column(String(20))
    job_title: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="caseworker")
    team: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    fte: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    capacity_points: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # When they joined the team: a new starter gets the lower default capacity (caseworker/caseload).
    started_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)


class School(Versioned, Base):
    __tablename__ = "school"
    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[str | None] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))
    __table_args__ = (CheckConstraint(f"kind IN {SETTING_KINDS!r}", name="kind"),)


class AdviceService(Versioned, Base):
    """A service advice is asked of (an EP service, a health trust's designated officer, ...)."""

    __tablename__ = "advice_service"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(200))
    lead_name: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(16), nullable=False, default="council", server_default="council")
    __table_args__ = (CheckConstraint(f"body IN {ADVICE_BODIES!r}", name="body"),)

    @property
    def bound_by_reg8(self) -> bool:
        """Whether the law itself (reg 8) requires this adviser to answer within 6 weeks."""
        return self.body in REG8_BODIES


class Child(Versioned, Base):
    __tablename__ = "child"
    id: Mapped[int] = mapped_column(primary_key=True)
    forename: Mapped[str] = mapped_column(String(100), nullable=False)
    surname: Mapped[str] = mapped_column(String(100), nullable=False)
    date_of_birth: Mapped[date] = mapped_column(Date, nullable=False)
    sex: Mapped[str | None] = mapped_column(String(1))
    upn: Mapped[str | None] = mapped_column(String(13))
    upn_unknown_reason: Mapped[str | None] = mapped_column(String(10))
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    nhs_unknown_reason: Mapped[str | None] = mapped_column(String(200))
    uln: Mapped[str | None] = mapped_column(String(10))
    postcode: Mapped[str | None] = mapped_column(String(10))
    primary_need: Mapped[str | None] = mapped_column(String(5))
    secondary_need: Mapped[str | None] = mapped_column(String(5))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    # From the end of compulsory school age letters go to the young person unless they ask otherwise.
    letters_to_parent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Taught out of their year group: + a year behind, - a year ahead (moves their phase transfer cohort).
    year_group_offset: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    contacts: Mapped[list[Contact]] = relationship(back_populates="child", order_by="Contact.id")

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"


class Contact(Versioned, Base):
    """A person letters about the child may go to: parent, carer or the young person."""

    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    # The whole name as letters print it; kept in step with title, forename and surname when those are
    # recorded (a tracker import may give only the whole name).
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    title: Mapped[str | None] = mapped_column(String(20))
    forename: Mapped[str | None] = mapped_column(String(100))
    surname: Mapped[str | None] = mapped_column(String(100))
    relationship_to_child: Mapped[str | None] = mapped_column(String(60))
    # A contact is ended, never deleted: letters made to them stay explained.
    ended_on: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    main_correspondent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    child: Mapped[Child] = relationship(back_populates="contacts")
    __table_args__ = (
        CheckConstraint(f"role IN {CONTACT_ROLES!r}", name="role"),
        Index("ix_contact_child", "child_id"),
    )


class Case(Versioned, Base):
    """One EHC needs assessment request (or a plan in place with no request on record).

    The step dates live here, one column each, because the engine reads them all for every open
    request and a single-table read is what makes the morning report instant at national scale.
    """

    __tablename__ = "ehc_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), nullable=False)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    received_on: Mapped[date | None] = mapped_column(Date)
    keyed_on: Mapped[date] = mapped_column(Date, nullable=False)
    request_source: Mapped[str | None] = mapped_column(String(16))
    decision_to_assess: Mapped[bool | None] = mapped_column(Boolean)
    decision_to_assess_on: Mapped[date | None] = mapped_column(Date)
    decision_to_issue: Mapped[bool | None] = mapped_column(Boolean)
    decision_to_issue_on: Mapped[date | None] = mapped_column(Date)
    draft_sent_on: Mapped[date | None] = mapped_column(Date)
    draft_served_on: Mapped[date | None] = mapped_column(Date)
    draft_sent_by: Mapped[str] = mapped_column(String(8), nullable=False, default="email", server_default="email")
    named_setting_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    final_issued_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # Why a second open request for the same child was registered (the window asks).
    duplicate_reason: Mapped[str | None] = mapped_column(Text)
    child: Mapped[Child] = relationship()
    caseworker: Mapped[Staff | None] = relationship()
    advice_requests: Mapped[list[AdviceRequest]] = relationship(
        back_populates="case", order_by="AdviceRequest.id")
    exceptions: Mapped[list[StatutoryException]] = relationship(
        back_populates="case", order_by="StatutoryException.id")
    named_setting: Mapped[School | None] = relationship(foreign_keys=[named_setting_id])
    existing_advice: Mapped[list[ExistingAdvice]] = relationship(order_by="ExistingAdvice.id")
    __table_args__ = (
        CheckConstraint(f"draft_sent_by IN {SENT_BY!r}", name="draft_sent_by"),
        Index("ix_ehc_case_caseworker", "caseworker_id"),
        Index("ix_ehc_case_child", "child_id"),
    )


# The import and the new-request form look references up whatever their letter case.
Index("ix_ehc_case_reference_lower", func.lower(Case.reference))


class AdviceRequest(Versioned, Base):
    """Advice asked of one adviser, with its own 6-week clock."""

    __tablename__ = "advice_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("advice_service.id"))
    requested_on: Mapped[date] = mapped_column(Date, nullable=False)
    received_on: Mapped[date | None] = mapped_column(Date)
    sent_by: Mapped[str] = mapped_column(String(8), nullable=False, default="email", server_default="email")
    # The advice covers preparation for adulthood (reg 6(1)(f), asked from year 9).
    covers_pfa: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=sa_false())
    # Reg 8(2): the adviser is excused the 6 weeks (never chased); the ground and when it began and ended.
    excused_ground: Mapped[str | None] = mapped_column(String(24))
    excused_from: Mapped[date | None] = mapped_column(Date)
    excused_to: Mapped[date | None] = mapped_column(Date)
    excused_note: Mapped[str | None] = mapped_column(Text)
    # The document that answered the request (the EP report, the health advice), once attached.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("case_document.id", use_alter=True,
                                                               name="fk_advice_request_document"))
    case: Mapped[Case] = relationship(back_populates="advice_requests")
    service: Mapped[AdviceService | None] = relationship()
    __table_args__ = (
        CheckConstraint(f"kind IN {ADVICE_KINDS!r}", name="kind"),
        CheckConstraint(f"sent_by IN {SENT_BY!r}", name="sent_by"),
        CheckConstraint(f"excused_ground IN {ADVICE_EXCUSES!r}", name="excused_ground"),
        Index("ix_advice_request_case", "case_id"),
        Index("ix_advice_request_service_received", "service_id", "received_on"),
    )


class Consultation(Versioned, Base):
    """A school or college consulted on being named in the plan (CFA s39)."""

    __tablename__ = "consultation"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False)
    sent_on: Mapped[date] = mapped_column(Date, nullable=False)
    replied_on: Mapped[date | None] = mapped_column(Date)
    reply: Mapped[str | None] = mapped_column(String(16))
    school: Mapped[School] = relationship()
    __table_args__ = (
        CheckConstraint(f"reply IN {CONSULTATION_REPLIES!r}", name="reply"),
        Index("ix_consultation_case", "case_id"),
    )


def _recorded_on(context: Any) -> Any:
    """An exception whose start is not known began, as far as the record shows, when it was recorded."""
    return context.get_current_parameters()["recorded_on"]


class StatutoryException(Versioned, Base):
    """An exception (reg 5(4), 10(4), 13(3)) that switches deadlines off without moving them."""

    __tablename__ = "statutory_exception"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    ground: Mapped[str] = mapped_column(String(1), nullable=False)
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    # The circumstances' own dates: an exception excuses only a deadline they made impractical.
    began_on: Mapped[date] = mapped_column(Date, nullable=False, default=_recorded_on)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    case: Mapped[Case] = relationship(back_populates="exceptions")
    __table_args__ = (
        CheckConstraint(f"ground IN {EXCEPTION_GROUNDS!r}", name="ground"),
        CheckConstraint("ended_on IS NULL OR ended_on >= began_on", name="dates"),
        Index("ix_statutory_exception_case", "case_id"),
    )


class ExistingAdvice(Versioned, Base):
    """Advice already available used instead of asking again (reg 6(4)), with the reason recorded."""

    __tablename__ = "existing_advice"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    __table_args__ = (
        CheckConstraint(f"kind IN {(*ADVICE_KINDS, 'pfa')!r}", name="kind"),
        Index("ix_existing_advice_case", "case_id"),
    )


class Allocation(Versioned, Base):
    """Who held a case, from when to when, and why it moved (history is never rewritten)."""

    __tablename__ = "allocation"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    from_on: Mapped[date] = mapped_column(Date, nullable=False)
    to_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The family's change-of-caseworker letter was asked for with the move (it waits in "Letters to send").
    family_letter: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    __table_args__ = (Index("ix_allocation_case", "case_id"),)


class AuditEvent(Base):
    """One change: who, when, what, and the values before and after."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("ehc_case.id", ondelete="SET NULL"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (Index("ix_audit_event_case", "case_id"),)


__all__ = [
    "ADVICE_BODIES",
    "ADVICE_EXCUSES",
    "ADVICE_KINDS",
    "CONSULTATION_REPLIES",
    "CONTACT_ROLES",
    "EXCEPTION_GROUNDS",
    "LETTER_STATUSES",
    "LOGO_TYPES",
    "ORGANISATION_KINDS",
    "REG8_BODIES",
    "ROLES",
    "SENT_BY",
    "SETTING_KINDS",
    "AdviceRequest",
    "AdviceService",
    "Allocation",
    "AppMeta",
    "AuditEvent",
    "Base",
    "Case",
    "CaseOrganisation",
    "CasePin",
    "Child",
    "Consultation",
    "Contact",
    "CouncilSettingsRecord",
    "ExistingAdvice",
    "LetterRecord",
    "Organisation",
    "School",
    "Staff",
    "StaffAbsence",
    "StatutoryException",
]


ORGANISATION_KINDS = ("health_commissioner", "social_care", "other_la")
LETTER_STATUSES = ("made", "sent", "void")


class Organisation(Versioned, Base):
    """A body letters may go to that is neither a school nor an advice service: the health
    commissioner (ICB), children's social care, another local authority."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (CheckConstraint(f"kind IN {ORGANISATION_KINDS!r}", name="kind"),)


class CaseOrganisation(Base):
    """An organisation recorded on a case, so letters may be addressed to it (never a typed address)."""

    __tablename__ = "case_organisation"
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)


class LetterRecord(Versioned, Base):
    """A letter made for a case: what, to whom, by whom, when, and the exact PDF (never deleted)."""

    __tablename__ = "letter"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id"), nullable=False)
    template_id: Mapped[str] = mapped_column(String(64), nullable=False)
    template_version: Mapped[str] = mapped_column(String(32), nullable=False)
    recipient_id: Mapped[str] = mapped_column(String(40), nullable=False)
    recipient_name: Mapped[str] = mapped_column(String(200), nullable=False)
    recipient_address: Mapped[str] = mapped_column(Text, nullable=False)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    letter_date: Mapped[date] = mapped_column(Date, nullable=False)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="made")
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)
    batch: Mapped[str | None] = mapped_column(String(40))
    # What the letter answers, so the queue knows it is done: "advice:12", "exception:3", "allocation:7".
    about: Mapped[str | None] = mapped_column(String(40))
    # The recorded dates the letter states ({"decision_to_assess_on": "2025-02-10"}): when one is later
    # corrected, the log flags the letter.
    rests_on: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (
        CheckConstraint(f"status IN {LETTER_STATUSES!r}", name="status"),
        Index("ix_letter_case", "case_id"),
        Index("ix_letter_case_template", "case_id", "template_id"),
    )


class StaffAbsence(Versioned, Base):
    """Leave, sickness or training, from and to (inclusive): capacity is 0 on those days."""

    __tablename__ = "staff_absence"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), nullable=False)
    from_on: Mapped[date] = mapped_column(Date, nullable=False)
    to_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    __table_args__ = (
        CheckConstraint("to_on >= from_on", name="dates"),
        Index("ix_staff_absence_staff", "staff_id"),
    )


class CasePin(Base):
    """A case the team lead keeps with its caseworker: a balancing proposal never moves it."""

    __tablename__ = "case_pin"
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), primary_key=True)
    pinned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    pinned_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


LOGO_TYPES = ("image/png", "image/jpeg")
LOGO_MAX_BYTES = 1_000_000  # caseworker.letters.logo checks the image; the database holds the line too


class CouncilSettingsRecord(Versioned, Base):
    """The council's letter settings, one row for the whole team, so every desktop prints the same letters.

    ``details`` holds the council and its contacts shaped like the settings file's sections, ``blocks``
    the mandatory paragraphs' text; the logo is the image itself. Each save is audited.
    """

    __tablename__ = "council_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    blocks: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(16))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint(f"logo_type IN {LOGO_TYPES!r}", name="logo_type"),
        CheckConstraint("(logo IS NULL) = (logo_type IS NULL)", name="logo_with_type"),
        CheckConstraint(f"logo IS NULL OR length(logo) <= {LOGO_MAX_BYTES}", name="logo_size"),
    )


# The case file's notes and documents live in their own module; imported here so the metadata is whole.
from caseworker.store.casefile_models import CaseDocument, CaseNote, DocumentContent  # noqa: E402,F401
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview  # noqa: E402,F401
