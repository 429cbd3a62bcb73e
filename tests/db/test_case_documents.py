"""Documents on a case through their service and view, on SQLite and PostgreSQL: what is taken and what is
refused (and why), the SHA-256 kept and checked, bytes never read to list, copies saved whole, and the
advice request linked only to a document of its own case."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update

from caseworker.context import AppContext
from caseworker.errors import PermissionDenied, ValidationError
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.case_documents import (
    CHUNK,
    MAX_BYTES,
    DamagedDocument,
    DocumentInput,
    attach_document,
    attach_file,
    copy_document,
    link_advice_document,
    read_document,
    save_document_copy,
)
from caseworker.store.audit import jsonable
from caseworker.store.casefile_models import CaseDocument, DocumentContent
from caseworker.store.database import Database
from caseworker.store.models import AdviceRequest, AuditEvent
from caseworker.views.case_documents import case_documents
from tests.db.test_services import new_request

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
TIFF = b"II*\x00" + b"\x00" * 64
EML = (b"From: County EP Service <ep@example.org>\r\nTo: sen@example.org\r\nSubject: EP advice for Zoe\r\n"
       b"Date: Mon, 3 Mar 2025 09:00:00 +0000\r\n\r\nPlease find the advice attached.\r\n")
TXT = "Notes from the annual review: Zoë is settled in Year 4.\n".encode()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def case_id(ctx: AppContext, caseworker: Actor) -> int:
    return steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0001"))


def attach(ctx: AppContext, actor: Actor, case_id: int, name: str, content: bytes, **kw: object) -> int:
    return attach_document(ctx, actor, case_id, DocumentInput(name, **kw), content)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "content", "media_type"), [
    ("EP advice.pdf", PDF, "application/pdf"),
    ("Plan.DOCX", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("drawing.png", PNG, "image/png"), ("photo.jpeg", JPEG, "image/jpeg"), ("photo.JPG", JPEG, "image/jpeg"),
    ("old.gif", GIF, "image/gif"), ("scan.tiff", TIFF, "image/tiff"), ("reply.eml", EML, "message/rfc822"),
    ("review.txt", TXT, "text/plain"), ("windows.txt", "Café notes".encode("cp1252"), "text/plain"),
])
def test_each_kind_of_file_is_taken_with_its_fingerprint(ctx: AppContext, caseworker: Actor, case_id: int,
                                                         name: str, content: bytes, media_type: str) -> None:
    doc_id = attach(ctx, caseworker, case_id, name, content, kind="advice", description=" EP report ",
                    dated=date(2025, 2, 20))
    [shown] = case_documents(ctx, case_id)
    assert (shown.id, shown.file_name, shown.media_type, shown.size) == (doc_id, name, media_type, len(content))
    assert (shown.kind_title, shown.description, shown.dated, shown.added_by) == (
        "Advice", "EP report", date(2025, 2, 20), "Jsmith")
    assert shown.sha256 == hashlib.sha256(content).hexdigest()
    assert read_document(ctx, doc_id).content == content


@pytest.mark.parametrize(("name", "content", "words"), [
    ("report.pdf", b"MZ\x90\x00 a Windows program", "named as a PDF but its content is not one"),
    ("report.pdf", PNG, "named as a PDF but its content is not one"),
    ("letter.docx", b"PK\x03\x04 not a zip at all", "named as a Word document but its content is not one"),
    ("spreadsheet.docx", b"PK\x03\x04", "not one"),
    ("photo.png", JPEG, "named as a PNG image"),
    ("mail.eml", TXT, "named as an email"),
    ("notes.txt", b"\x00\x01\x02binary", "named as a text file"),
    ("tool.exe", PDF, "only PDF, Word (.docx), PNG, JPEG, GIF, TIFF, email (.eml) or text (.txt) files"),
    ("no extension", TXT, "only PDF"),
    ("budget.xlsx", docx(), "only PDF"),
    ("empty.pdf", b"", "is empty"),
])
def test_a_file_of_another_kind_or_a_lying_name_is_refused(ctx: AppContext, caseworker: Actor, case_id: int,
                                                           name: str, content: bytes, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        attach(ctx, caseworker, case_id, name, content)
    assert any(words in reason for reason in refused.value.for_field("file")), refused.value.problems
    assert case_documents(ctx, case_id) == []


def test_a_file_over_25_mb_is_refused_naming_the_limit(ctx: AppContext, caseworker: Actor, case_id: int,
                                                       tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as f:
        f.write(PDF)
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(ValidationError, match=r"scan.pdf is 25.0 MB; a document can be at most 25 MB"):
        attach_file(ctx, caseworker, case_id, big)
    with pytest.raises(ValidationError, match="at most 25 MB"):
        attach(ctx, caseworker, case_id, "scan.pdf", PDF + b"\x00" * MAX_BYTES)
    exactly = tmp_path / "limit.pdf"
    with exactly.open("wb") as f:
        f.write(PDF)
        f.truncate(MAX_BYTES)
    doc_id = attach_file(ctx, caseworker, case_id, exactly, kind="report")
    assert case_documents(ctx, case_id)[0].size == MAX_BYTES
    assert len(read_document(ctx, doc_id).content) == MAX_BYTES


@pytest.mark.parametrize(("doc", "field", "words"), [
    (DocumentInput("a.pdf", kind="invoice"), "kind", "not a kind of document"),
    (DocumentInput("a.pdf", dated=date(2025, 3, 2)), "dated", "cannot be after today"),
    (DocumentInput("a.pdf", dated=date(1989, 12, 31)), "dated", "cannot be before"),
    (DocumentInput("a.pdf", description="x" * 2001), "description", "at most 2,000 characters"),
])
def test_what_is_said_of_a_document_is_checked_by_field(ctx: AppContext, caseworker: Actor, case_id: int,
                                                        doc: DocumentInput, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        attach_document(ctx, caseworker, case_id, doc, PDF)
    assert any(words in r for r in refused.value.for_field(field)), refused.value.problems


def test_attaching_is_audited_with_name_size_and_fingerprint_never_the_bytes(
        ctx: AppContext, caseworker: Actor, reader: Actor, case_id: int) -> None:
    with pytest.raises(PermissionDenied):
        attach(ctx, reader, case_id, "a.pdf", PDF)
    doc_id = attach(ctx, caseworker, case_id, "EP advice.pdf", PDF, kind="advice")
    with ctx.db.sessions() as s:
        [row] = s.scalars(select(AuditEvent).where(AuditEvent.action == "attach_document")).all()
    assert (row.entity, row.entity_id, row.case_id, row.actor_id) == ("case_document", doc_id, case_id,
                                                                      caseworker.id)
    assert row.after == jsonable({"file_name": "EP advice.pdf", "media_type": "application/pdf", "size": len(PDF),
                                  "sha256": hashlib.sha256(PDF).hexdigest(), "kind": "advice", "description": "",
                                  "dated": None})
    assert "%PDF" not in str(row.after)


def test_listing_never_reads_the_bytes(ctx: AppContext, db: Database, caseworker: Actor, case_id: int) -> None:
    for n in range(3):
        attach(ctx, caseworker, case_id, f"report {n}.pdf", PDF + bytes(n))
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        listed = case_documents(ctx, case_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert [d.file_name for d in listed] == ["report 2.pdf", "report 1.pdf", "report 0.pdf"]
    assert len(statements) == 2 and not any("document_content" in s for s in statements)
    statements.clear()
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        read_document(ctx, listed[0].id)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert any("document_content" in s for s in statements)


def test_damaged_bytes_are_found_when_read(ctx: AppContext, caseworker: Actor, case_id: int,
                                          tmp_path: Path) -> None:
    doc_id = attach(ctx, caseworker, case_id, "EP advice.pdf", PDF)
    with ctx.db.session() as s:
        s.execute(update(DocumentContent).where(DocumentContent.document_id == doc_id).values(content=PDF + b"x"))
    with pytest.raises(DamagedDocument, match="does not match the fingerprint"):
        read_document(ctx, doc_id)
    target = tmp_path / "copy.pdf"
    with pytest.raises(DamagedDocument):
        save_document_copy(ctx, doc_id, target)  # copied out a piece at a time, checked to the last byte
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_a_large_document_is_copied_out_in_pieces_whole(ctx: AppContext, caseworker: Actor, case_id: int,
                                                        tmp_path: Path) -> None:
    content = PDF + bytes(range(256)) * (CHUNK // 256 * 2 + 7)  # two pieces and a part of a third
    doc_id = attach(ctx, caseworker, case_id, "scan.pdf", content)
    buffer = io.BytesIO()
    copied = copy_document(ctx, doc_id, buffer)
    assert buffer.getvalue() == content and (copied.file_name, copied.media_type) == ("scan.pdf", "application/pdf")


def test_a_copy_is_saved_whole_and_never_over_a_file_unasked(ctx: AppContext, caseworker: Actor, case_id: int,
                                                             tmp_path: Path) -> None:
    doc_id = attach(ctx, caseworker, case_id, "EP advice.pdf", PDF)
    folder = tmp_path / "copies"
    folder.mkdir()
    target = folder / "copy.pdf"
    assert save_document_copy(ctx, doc_id, target) == target
    assert target.read_bytes() == PDF
    target.write_bytes(b"the user's own file")
    with pytest.raises(ValidationError, match="already exists"):
        save_document_copy(ctx, doc_id, target)
    assert target.read_bytes() == b"the user's own file"
    save_document_copy(ctx, doc_id, target, replace=True)
    assert target.read_bytes() == PDF
    assert [p.name for p in folder.iterdir()] == ["copy.pdf"]  # no temporary file left behind
    if ctx.db.is_sqlite:
        database = Path(str(ctx.db.engine.url.database))
        with pytest.raises(ValidationError, match="the database in use"):
            save_document_copy(ctx, doc_id, database, replace=True)


def test_an_advice_request_links_only_to_a_document_of_its_own_case(
        ctx: AppContext, caseworker: Actor, reader: Actor, case_id: int) -> None:
    steps.record_decision_to_assess(ctx, caseworker, case_id, True, date(2025, 1, 20))
    ep = steps.request_advice(ctx, caseworker, case_id, "ep", date(2025, 1, 21), service="County EP Service")
    mine = attach(ctx, caseworker, case_id, "EP advice.pdf", PDF, kind="advice")
    other_case = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0002", forename="Ana"))
    theirs = attach(ctx, caseworker, other_case, "Their advice.pdf", PDF, kind="advice")
    with pytest.raises(ValidationError, match="kept on another case"):
        link_advice_document(ctx, caseworker, ep, theirs)
    with pytest.raises(PermissionDenied):
        link_advice_document(ctx, reader, ep, mine)
    link_advice_document(ctx, caseworker, ep, mine)
    with ctx.db.sessions() as s:
        assert s.scalar(select(AdviceRequest.document_id).where(AdviceRequest.id == ep)) == mine
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "link_advice_document")).one()
    assert (row.before, row.after) == ({"document_id": None}, {"document_id": mine})
    assert case_documents(ctx, case_id)[0].answers == ("EP advice asked 21 Jan 2025",)
    with ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CaseDocument)) == 2
