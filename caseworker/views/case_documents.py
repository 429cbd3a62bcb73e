"""A case's documents as the Documents tab lists them: what each is, never its bytes.

The list reads ``case_document`` alone (and who added each); ``document_content`` is read only when a
document is opened or saved (caseworker.services.case_documents.read_document).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.services.case_documents import DOCUMENT_KIND_TITLES, size_words
from caseworker.services.case_notes import stored_time
from caseworker.store.case_select import reading
from caseworker.store.casefile_models import CaseDocument
from caseworker.store.models import AdviceRequest, Staff
from caseworker.vocabulary import ADVICE_SHORT, short_date


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: int
    version: int
    case_id: int
    file_name: str
    media_type: str
    size: int
    sha256: str
    kind: str
    kind_title: str
    description: str
    dated: date | None
    added_at: datetime  # UTC
    added_by: str
    answers: tuple[str, ...] = ()  # the advice requests it answered ("EP advice asked 6 Jan 2025")

    @property
    def size_text(self) -> str:
        return size_words(self.size)


def case_documents(ctx: AppContext, case_id: int) -> list[DocumentView]:
    """The case's documents, newest added first. Two queries, neither touching the bytes."""
    stmt = (select(CaseDocument.id, CaseDocument.version, CaseDocument.file_name, CaseDocument.media_type,
                   CaseDocument.size, CaseDocument.sha256, CaseDocument.kind, CaseDocument.description,
                   CaseDocument.dated, CaseDocument.added_at, Staff.display_name)
            .outerjoin(Staff, Staff.id == CaseDocument.added_by_id)
            .where(CaseDocument.case_id == case_id)
            .order_by(CaseDocument.added_at.desc(), CaseDocument.id.desc()))
    answered = (select(AdviceRequest.document_id, AdviceRequest.kind, AdviceRequest.requested_on)
                .where(AdviceRequest.case_id == case_id, AdviceRequest.document_id.is_not(None))
                .order_by(AdviceRequest.requested_on))
    with reading(ctx.db) as s:  # no transaction: nothing to begin or roll back over the network
        rows = s.execute(stmt).all()
        links = s.execute(answered).all()
    answers: dict[int, list[str]] = {}
    for doc_id, kind, asked in links:
        assert doc_id is not None  # the query asks only for linked requests
        answers.setdefault(doc_id, []).append(f"{ADVICE_SHORT.get(kind, kind)} advice asked {short_date(asked)}")
    return [DocumentView(i, v, case_id, name, media, size, sha, kind, DOCUMENT_KIND_TITLES.get(kind, kind), desc,
                         dated, stored_time(added), who or "", tuple(answers.get(i, ())))
            for i, v, name, media, size, sha, kind, desc, dated, added, who in rows]
