"""Documents kept on a case: attach a file, read its bytes back (checked against its SHA-256), save a copy,
and link an advice request to the document that answered it.

The bytes live in the database (one team on one server shares them) in their own table, read only when
someone opens or saves the document. A file is taken only when both its name and its content say it is
one of the kinds a case file holds; a renamed file (a program called report.pdf) is refused. Documents
are never deleted.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.context import AppContext
from caseworker.errors import CaseworkerError, NotFound, Problem, ValidationError
from caseworker.output_paths import database_clash, sync_folder
from caseworker.services.actor import Actor, require_writer
from caseworker.services.advice import advice_for_change
from caseworker.services.casefile import writing
from caseworker.store.audit import audit, now_utc
from caseworker.store.casefile_models import DOCUMENT_KINDS, CaseDocument, DocumentContent
from caseworker.store.models import Case

MAX_BYTES = 25 * 1024 * 1024
MAX_DESCRIPTION = 2_000
EARLIEST_DATED = date(1990, 1, 1)
DOCUMENT_KIND_TITLES = {"advice": "Advice", "report": "Report", "correspondence": "Correspondence",
                        "plan": "Plan", "other": "Other"}
SNIFF = 64 * 1024  # enough of the start of a file to tell what it is


@dataclass(frozen=True, slots=True)
class FileType:
    title: str  # as a caseworker names it
    media_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
DOCX = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("GIF image", "image/gif", (".gif",))
TIFF = FileType("TIFF image", "image/tiff", (".tif", ".tiff"))
EML = FileType("email", "message/rfc822", (".eml",))
TXT = FileType("text file", "text/plain", (".txt",))
FILE_TYPES = (PDF, DOCX, PNG, JPEG, GIF, TIFF, EML, TXT)
BY_EXTENSION = {ext: t for t in FILE_TYPES for ext in t.extensions}
ALLOWED_WORDS = "PDF, Word (.docx), PNG, JPEG, GIF, TIFF, email (.eml) or text (.txt)"
HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
MAIL_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"received", b"mime-version", b"cc")


class DamagedDocument(CaseworkerError):
    """The stored bytes no longer match the SHA-256 taken when the document was attached."""


def size_words(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, round(n / 1024))} KB" if n else "0 KB"


def _is_docx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _is_email(head: bytes) -> bool:
    """An .eml file starts with mail headers ("From: …", "Subject: …") before its first blank line."""
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    names = set()
    for line in block.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header carries on the one above
        if not HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names and len(names & set(MAIL_HEADERS)) >= 2


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut off at the end of the sample
            try:
                head.decode("cp1252")  # Windows Notepad's older default
            except UnicodeDecodeError:
                return False
    return True


def content_is(kind: FileType, content: bytes) -> bool:
    """Whether the bytes are what the name says: each kind by its own signature, text by its characters."""
    head = content[:SNIFF]
    if kind is PDF:
        return b"%PDF-" in head[:1024]
    if kind is DOCX:
        return _is_docx(content)
    if kind is PNG:
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind is JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if kind is GIF:
        return head[:6] in (b"GIF87a", b"GIF89a")
    if kind is TIFF:
        return head[:4] in (b"II*\x00", b"MM\x00*")
    if kind is EML:
        return _is_email(head)
    return _is_text(head)


def file_type_of(file_name: str) -> FileType | None:
    return BY_EXTENSION.get(Path(file_name).suffix.lower())


def type_problem(file_name: str, size: int) -> Problem | None:
    """What is wrong with a file before its bytes are read: its size or its kind."""
    if file_type_of(file_name) is None:
        return Problem("file", f"the file {Path(file_name).name} cannot be attached: only {ALLOWED_WORDS} "
                               "files can")
    if size > MAX_BYTES:
        return Problem("file", f"the file {Path(file_name).name} is {size_words(size)}; a document can be at most "
                               f"{MAX_BYTES // (1024 * 1024)} MB")
    if size == 0:
        return Problem("file", f"the file {Path(file_name).name} is empty")
    return None


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """What the caseworker says about a file they attach."""

    file_name: str
    kind: str = "other"
    description: str = ""
    dated: date | None = None  # the date the document itself bears


def document_problems(doc: DocumentInput, content: bytes, today: date) -> list[Problem]:
    problems: list[Problem] = []
    name = Path(doc.file_name).name
    if not name.strip() or len(name) > 255:
        problems.append(Problem("file", "the file needs a name of at most 255 characters"))
    wrong = type_problem(name, len(content))
    kind = file_type_of(name)
    if wrong is not None:
        problems.append(wrong)
    elif kind is not None and not content_is(kind, content):
        article = "an" if kind.title[0] in "aeiou" else "a"
        problems.append(Problem("file", f"the file {name} is named as {article} {kind.title} but its content is "
                                        "not one; it was not attached"))
    if doc.kind not in DOCUMENT_KINDS:
        problems.append(Problem("kind", f"{doc.kind!r} is not a kind of document (use {', '.join(DOCUMENT_KINDS)})"))
    if len(doc.description.strip()) > MAX_DESCRIPTION:
        problems.append(Problem("description", f"a description can be at most {MAX_DESCRIPTION:,} characters"))
    if doc.dated is not None and doc.dated > today:
        problems.append(Problem("dated", "the date the document bears cannot be after today"))
    elif doc.dated is not None and doc.dated < EARLIEST_DATED:
        problems.append(Problem("dated", f"the document's date cannot be before {EARLIEST_DATED:%d/%m/%Y}"))
    return problems


def _fields(doc: CaseDocument) -> dict[str, Any]:
    """What an audit row says of a document: what it is and its fingerprint, never its bytes."""
    return {"file_name": doc.file_name, "media_type": doc.media_type, "size": doc.size, "sha256": doc.sha256,
            "kind": doc.kind, "description": doc.description, "dated": doc.dated}


def attach_document(ctx: AppContext, actor: Actor, case_id: int, doc: DocumentInput, content: bytes) -> int:
    """Keep a file on the case; returns the document's id."""
    require_writer(actor)
    problems = document_problems(doc, content, ctx.today())
    if problems:
        raise ValidationError(problems)
    kind = file_type_of(doc.file_name)
    assert kind is not None  # document_problems refused any other
    with writing(ctx, "attach a document") as s:
        if s.get(Case, case_id) is None:
            raise NotFound(f"there is no case with id {case_id}")
        row = CaseDocument(case_id=case_id, file_name=Path(doc.file_name).name, media_type=kind.media_type,
                           size=len(content), sha256=hashlib.sha256(content).hexdigest(), kind=doc.kind,
                           description=doc.description.strip(), dated=doc.dated, added_at=now_utc(),
                           added_by_id=actor.id)
        s.add(row)
        s.flush()
        s.add(DocumentContent(document_id=row.id, content=content))
        audit(s, actor_id=actor.id, action="attach_document", entity="case_document", entity_id=row.id,
              case_id=case_id, before={}, after=_fields(row))
        s.flush()
        return row.id


def attach_file(ctx: AppContext, actor: Actor, case_id: int, path: Path, *, kind: str = "other",
                description: str = "", dated: date | None = None) -> int:
    """Attach a file from disk: its size and kind are checked before any of it is read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise ValidationError(Problem("file", f"the file {path.name} cannot be read: {why}")) from exc
    wrong = type_problem(path.name, size)
    if wrong is not None:
        raise ValidationError(wrong)
    try:
        content = path.read_bytes()
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise ValidationError(Problem("file", f"the file {path.name} cannot be read: {why}")) from exc
    return attach_document(ctx, actor, case_id, DocumentInput(path.name, kind, description, dated), content)


@dataclass(frozen=True, slots=True)
class CopiedDocument:
    """Which document was copied out, and what it is."""

    id: int
    file_name: str
    media_type: str


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A document's bytes with what is needed to show or save them."""

    id: int
    file_name: str
    media_type: str
    content: bytes


def read_document(ctx: AppContext, document_id: int) -> DocumentFile:
    """The document's bytes, checked against the SHA-256 taken when it was attached."""
    with ctx.db.sessions() as s:
        row = s.execute(select(CaseDocument.file_name, CaseDocument.media_type, CaseDocument.sha256,
                               DocumentContent.content)
                        .join(DocumentContent, DocumentContent.document_id == CaseDocument.id)
                        .where(CaseDocument.id == document_id)).one_or_none()
    if row is None:
        raise NotFound(f"there is no document with id {document_id}")
    name, media_type, sha256, content = row
    content = bytes(content)  # PostgreSQL hands back a memoryview
    if hashlib.sha256(content).hexdigest() != sha256:
        raise DamagedDocument(f"the stored copy of {name} does not match the fingerprint taken when it was "
                              "attached; ask your administrator to restore it from a backup")
    return DocumentFile(document_id, name, media_type, content)


CHUNK = 1024 * 1024  # what is held in memory at once while a document is copied out


def _chunks(s: Session, document_id: int) -> Iterator[bytes]:
    """A document's bytes a piece at a time, so a 25 MB scan never sits in memory whole (twice, with the
    database's own copy). SQLite reads the pages straight through its blob handle; a server database
    hands back one slice per query."""
    raw = s.connection().connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        # document_id is the table's rowid (an INTEGER PRIMARY KEY), which is what blobopen addresses.
        with raw.blobopen("document_content", "content", document_id, readonly=True) as blob:
            while piece := blob.read(CHUNK):
                yield piece
        return
    offset = 0
    while True:
        sliced = s.scalar(select(func.substr(DocumentContent.content, offset + 1, CHUNK))
                          .where(DocumentContent.document_id == document_id))
        if not sliced:
            return
        yield bytes(sliced)
        offset += len(sliced)


def copy_document(ctx: AppContext, document_id: int, out: BinaryIO) -> CopiedDocument:
    """Write the document's bytes to ``out`` a piece at a time, checking them against the SHA-256 taken when it
    was attached (DamagedDocument when they differ: the caller throws away what was written)."""
    with ctx.db.sessions() as s:
        row = s.execute(select(CaseDocument.file_name, CaseDocument.media_type, CaseDocument.sha256)
                        .where(CaseDocument.id == document_id)).one_or_none()
        if row is None:
            raise NotFound(f"there is no document with id {document_id}")
        name, media_type, sha256 = row
        digest = hashlib.sha256()
        for piece in _chunks(s, document_id):
            digest.update(piece)
            out.write(piece)
    if digest.hexdigest() != sha256:
        raise DamagedDocument(f"the stored copy of {name} does not match the fingerprint taken when it was "
                              "attached; ask your administrator to restore it from a backup")
    return CopiedDocument(document_id, name, media_type)


def _database_file(ctx: AppContext) -> Path | None:
    """The SQLite file in use (a copy must never be written over it), or None for a server database."""
    name = make_url(ctx.db.url).database if ctx.db.is_sqlite else None
    return Path(name) if name and name != ":memory:" else None


def save_document_copy(ctx: AppContext, document_id: int, target: Path, *, replace: bool = False) -> Path:
    """Write a copy of the document to ``target``: whole or not at all, never over the database, and never
    over an existing file unless ``replace`` (the caller has asked the user)."""
    clash = database_clash(target, _database_file(ctx))
    if clash is not None:
        raise ValidationError(Problem("file", f"the file {target.name} is {clash}: choose another name"))
    if target.exists() and not replace:
        raise ValidationError(Problem("file", f"the file {target} already exists"))
    folder = target.parent
    fd, temporary = tempfile.mkstemp(prefix=".caseworker-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            copy_document(ctx, document_id, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(folder)
    return target


def link_advice_document(ctx: AppContext, actor: Actor, advice_id: int, document_id: int | None, *,
                         expected_version: int | None = None) -> int:
    """Say which document answered an advice request (None unlinks it); only a document of the same case.
    Returns the advice request's new version."""
    require_writer(actor)
    with writing(ctx, "link advice to a document") as s:
        advice = advice_for_change(s, advice_id, expected_version)
        if document_id is not None:
            doc_case = s.scalar(select(CaseDocument.case_id).where(CaseDocument.id == document_id))
            if doc_case is None:
                raise NotFound(f"there is no document with id {document_id}")
            if doc_case != advice.case_id:
                raise ValidationError(Problem("document", "that document is kept on another case; attach the "
                                                          "advice to this case first"))
        before = {"document_id": advice.document_id}
        advice.document_id = document_id
        flag_modified(advice, "document_id")
        s.flush()
        audit(s, actor_id=actor.id, action="link_advice_document", entity="advice_request", entity_id=advice.id,
              case_id=advice.case_id, before=before, after={"document_id": document_id})
        return advice.version
