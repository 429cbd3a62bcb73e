"""A maintained plan's life after it is issued: annual reviews, amendments, phase transfers and ceasing.

One row per review, per amendment notice, per phase transfer and per proposal to cease, each on its
case; nothing is derived here (the engine works the clocks out: ``caseworker.statutory.plans``). Rows
are never deleted: a proposal to cease that is dropped keeps its dates and the day it was withdrawn.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from caseworker.store.base import Base, Versioned
from caseworker.store.codes import CEASE_REASON_CODES, CONSULTATION_REPLIES, REVIEW_DECISIONS, TRANSFER_KINDS


class PlanReview(Versioned, Base):
    """One annual review (CFA s44; regs 18-21): the meeting, the report after it and the decision."""

    __tablename__ = "plan_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    meeting_on: Mapped[date | None] = mapped_column(Date)
    invitations_sent_on: Mapped[date | None] = mapped_column(Date)  # to the reg 20(2) list, with the advice
    report_sent_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(8))
    notified_on: Mapped[date | None] = mapped_column(Date)  # starts the next 12 months
    __table_args__ = (
        CheckConstraint(f"decision IN {REVIEW_DECISIONS!r}", name="decision"),
        # A decision is recorded with the day it was notified (the import's columns go together too).
        CheckConstraint("(decision IS NULL) = (notified_on IS NULL)", name="decision_notified"),
        Index("ix_plan_review_case", "case_id"),
    )


class PlanAmendment(Versioned, Base):
    """Proposed amendments (reg 22): the notice, and the final amended plan or a decision not to amend.

    A tracker may give the date of an earlier amended plan beside a newer notice, so a final issued
    before its notice is kept as given; the engine counts only one issued on or after the notice.
    """

    __tablename__ = "plan_amendment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    notice_sent_on: Mapped[date] = mapped_column(Date, nullable=False)
    notice_served_on: Mapped[date | None] = mapped_column(Date)  # only when service differs from sending
    final_issued_on: Mapped[date | None] = mapped_column(Date)
    not_amended_on: Mapped[date | None] = mapped_column(Date)  # the decision not to amend, notified
    __table_args__ = (
        CheckConstraint("final_issued_on IS NULL OR not_amended_on IS NULL", name="one_outcome"),
        CheckConstraint("notice_served_on IS NULL OR notice_served_on >= notice_sent_on", name="served"),
        Index("ix_plan_amendment_case", "case_id"),
    )


class PhaseTransfer(Versioned, Base):
    """A move between phases (reg 18): the next setting consulted, its reply, and the plan amended to name
    it (``done_on``)."""

    __tablename__ = "phase_transfer"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    transfer_date: Mapped[date] = mapped_column(Date, nullable=False)
    consultation_sent_on: Mapped[date | None] = mapped_column(Date)
    consulted_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    setting_replied_on: Mapped[date | None] = mapped_column(Date)
    reply: Mapped[str | None] = mapped_column(String(16))
    done_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint(f"kind IN {TRANSFER_KINDS!r}", name="kind"),
        CheckConstraint(f"reply IN {CONSULTATION_REPLIES!r}", name="reply"),
        Index("ix_phase_transfer_case", "case_id"),
    )


class PlanCease(Versioned, Base):
    """A proposal to cease the plan (CFA s45; regs 29-31), the decision, any appeal, and the cease itself
    with its SEN2 reason; or the day the proposal was dropped."""

    __tablename__ = "plan_cease"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    proposed_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    appeal_lodged_on: Mapped[date | None] = mapped_column(Date)
    appeal_concluded_on: Mapped[date | None] = mapped_column(Date)
    ceased_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[int | None] = mapped_column(Integer)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint(f"reason IN {CEASE_REASON_CODES!r}", name="reason"),
        CheckConstraint("ceased_on IS NULL OR reason IS NOT NULL", name="ceased_with_reason"),
        CheckConstraint("ceased_on IS NULL OR withdrawn_on IS NULL", name="ceased_or_withdrawn"),
        Index("ix_plan_cease_case", "case_id"),
    )


__all__ = ["PhaseTransfer", "PlanAmendment", "PlanCease", "PlanReview"]
