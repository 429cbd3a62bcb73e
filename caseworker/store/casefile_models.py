"""The case file beyond the statutory steps: the caseworker's diary of notes, and documents.

Neither is ever deleted. A note is corrected by an amendment that points at it; a document's bytes
sit in their own table so listing a case's documents never reads them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseworker.store.base import Base, Versioned

NOTE_KINDS = ("phone", "email", "meeting", "visit", "note")
DOCUMENT_KINDS = ("advice", "report", "correspondence", "plan", "other")


class CaseNote(Versioned, Base):
    """One entry in a case's diary: what happened, when, who wrote it, and any follow-up."""

    __tablename__ = "case_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    happened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up_done_on: Mapped[date | None] = mapped_column(Date)
    # An amendment names the note it corrects; the original stays, shown as amended.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("case_note.id"))
    __table_args__ = (
        CheckConstraint(f"kind IN {NOTE_KINDS!r}", name="kind"),
        Index("ix_case_note_case", "case_id"),
        Index("ix_case_note_follow_up", "follow_up_on"),
    )


class CaseDocument(Versioned, Base):
    """A file kept on a case (an EP report, an email, a letter from the family): what it is, not its bytes."""

    __tablename__ = "case_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ehc_case.id", ondelete="CASCADE"), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="other")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    dated: Mapped[date | None] = mapped_column(Date)  # the date the document itself bears
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    __table_args__ = (
        CheckConstraint(f"kind IN {DOCUMENT_KINDS!r}", name="kind"),
        CheckConstraint("size >= 0", name="size"),
        Index("ix_case_document_case", "case_id"),
    )


class DocumentContent(Base):
    """A document's bytes, read only when someone opens or saves it."""

    __tablename__ = "document_content"
    document_id: Mapped[int] = mapped_column(ForeignKey("case_document.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
