"""A case's chronology: everything in date order, read in a few queries, exported as PDF and CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select

from caseworker.context import AppContext, fixed_clock
from caseworker.reports.chronology_export import (
    ExportExists,
    ExportRefused,
    chronology_csv,
    export_chronology,
    write_export,
)
from caseworker.reports.chronology_pdf import render_chronology_pdf
from caseworker.services import letters as svc
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.corrections import correct_step
from caseworker.store.casefile_models import CaseDocument, CaseNote
from caseworker.store.models import AdviceRequest, Consultation, School
from caseworker.views.chronology import chronology
from tests.db.test_letters_service import kit
from tests.db.test_services import new_request

__all__ = ["kit"]
TODAY = date(2025, 5, 1)


def add_note(ctx: AppContext, cid: int, actor: Actor, at: datetime, text: str, kind: str = "phone") -> None:
    with ctx.db.session() as s:
        s.add(CaseNote(case_id=cid, happened_at=at, kind=kind, text=text, author_id=actor.id, written_at=at))


@pytest.fixture
def case(ctx: AppContext, caseworker: Actor, kit: svc.LetterKit) -> int:
    """A request with a step of every kind, a correction, a letter made, sent and voided, a note and a document."""
    ctx.clock = fixed_clock(TODAY)
    cid = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0300"))  # received 6 Jan 2025
    steps.record_decision_to_assess(ctx, caseworker, cid, True, date(2025, 2, 14))
    ep = steps.request_advice(ctx, caseworker, cid, "ep", date(2025, 2, 17), service="County EP Service")
    steps.record_advice_received(ctx, caseworker, ep, date(2025, 4, 4))
    steps.record_exception(ctx, caseworker, cid, "d", date(2025, 3, 10), "family abroad", began_on=date(2025, 3, 3))
    correct_step(ctx, caseworker, cid, "decision_to_assess", "decision_to_assess_on", date(2025, 2, 12),
                 "the decision letter was sent on the 12th")
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit)
    svc.mark_sent(ctx, caseworker, [made.id])
    svc.mark_void(ctx, caseworker, made.id, "addressed to the old flat")
    add_note(ctx, cid, caseworker, datetime(2025, 2, 20, 9, 15, tzinfo=UTC),
             "=HYPERLINK(\"http://x\") Mum rang: the EP visit is on 3 March. Спасибо")
    with ctx.db.session() as s:
        s.add(CaseDocument(case_id=cid, file_name="EP report.pdf", media_type="application/pdf", size=204800,
                           sha256=hashlib.sha256(b"report").hexdigest(), kind="advice", description="EP advice",
                           dated=date(2025, 4, 2), added_at=datetime(2025, 4, 4, 14, 5, tzinfo=UTC),
                           added_by_id=caseworker.id))
        school = School(name="Wyeside High School", kind="maintained")
        s.add(school)
        s.flush()
        s.add(Consultation(case_id=cid, school_id=school.id, sent_on=date(2025, 4, 10)))
    return cid


def lines(ctx: AppContext, cid: int) -> list[tuple[str, str, str, str]]:
    return [(e.when, e.kind, e.what, e.who) for e in chronology(ctx, cid).events]


def test_everything_that_happened_is_there_in_date_order(ctx: AppContext, case: int) -> None:
    c = chronology(ctx, case)
    assert (c.header.reference, c.header.child, c.header.date_of_birth, c.header.caseworker) == (
        "EHC-2025-0300", "Zoë Wiśniewska", date(2016, 5, 4), "Jsmith")
    # The case's own dates (and what was timed then), and what the test itself did just now (audit times are real).
    then = datetime(2025, 6, 1, tzinfo=UTC)
    assert [(e.when, e.kind, e.what) for e in c.events if e.at is None or e.at < then] == [
        ("6 Jan 2025", "step", "Request for an EHC needs assessment received"),
        ("12 Feb 2025", "step", "Decision to assess notified"),
        ("17 Feb 2025", "advice", "EP advice requested"),
        ("20 Feb 2025 09:15", "note", "Phone call"),
        ("3 Mar 2025", "exception", "Exception (d) began: Absent from the area"),
        ("4 Apr 2025", "advice", "EP advice received"),
        ("4 Apr 2025 15:05", "document", "Document added: EP report.pdf"),  # 14:05 UTC is 15:05 in summer time
        ("10 Apr 2025", "consultation", "Wyeside High School consulted on being named"),
        ("1 May 2025", "allocation", "Allocated to Jsmith"),  # when it was registered, with its caseworker
    ]
    assert [(e.kind, e.what) for e in c.events if e.at is not None and e.at >= then] == [
        ("correction", "Step corrected: the decision to assess"),
        ("letter", "Letter made: Request for an EHC needs assessment: acknowledgement"),
        ("letter", "Letter marked sent: Request for an EHC needs assessment: acknowledgement"),
        ("letter", "Letter voided: Request for an EHC needs assessment: acknowledgement")]
    ons = [(e.on, e.rank, e.at or datetime.min.replace(tzinfo=UTC)) for e in c.events]
    assert ons == sorted(ons)


def test_each_line_says_who_what_and_where(ctx: AppContext, case: int) -> None:
    events = {e.what: e for e in chronology(ctx, case).events}
    decision = events["Decision to assess notified"]
    assert decision.who == "Jsmith" and decision.source == "Case record"
    assert decision.details.startswith("Due by 17 Feb 2025 (") and ": on time; date corrected on " in decision.details
    assert decision.details.endswith("(first recorded as 14 Feb 2025)")
    correction = events["Step corrected: the decision to assess"]
    assert correction.details == ("The decision to assess: notified on 14 Feb 2025 → 12 Feb 2025. Reason: the "
                                  "decision letter was sent on the 12th")
    received = events["EP advice received"]
    assert received.details == "Due 31 Mar 2025, 4 days late" and received.source.startswith("Advice request #")
    void = events["Letter voided: Request for an EHC needs assessment: acknowledgement"]
    assert void.details == "Reason: addressed to the old flat" and void.source.startswith("Letter log #")
    document = events["Document added: EP report.pdf"]
    assert document.details == "Advice, 200 KB; dated 2 Apr 2025; EP advice" and "SHA-256" in document.source
    assert events["Phone call"].details.startswith("=HYPERLINK") and events["Phone call"].who == "Jsmith"


def test_the_chronology_is_read_in_a_few_queries_however_long(ctx: AppContext, caseworker: Actor, case: int) -> None:
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("query")

    engine = ctx.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        chronology(ctx, case)
        few = len(counted)
        for n in range(40):
            add_note(ctx, case, caseworker, datetime(2025, 3, 1, 8, n, tzinfo=UTC), f"note {n}")
        counted.clear()
        assert len(chronology(ctx, case).events) >= 50
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(counted) == few <= 12


def pdf_text(pdf: bytes, mode: str = "-layout") -> str:
    """The PDF's text: laid out as on the page, or (``-raw``) in drawing order, each cell's lines together."""
    return subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True, check=True).stdout \
        .decode("utf-8")


def test_the_pdf_carries_the_case_header_and_page_n_of_m_on_every_page(ctx: AppContext, caseworker: Actor,
                                                                        case: int) -> None:
    for n in range(90):
        add_note(ctx, case, caseworker, datetime(2025, 3, 4, 8, n // 60, n % 60, tzinfo=UTC),
                 f"Called the school, item {n}")
    c = chronology(ctx, case)
    pdf = render_chronology_pdf(c, printed_by="Alex Lead", printed_at=datetime(2025, 5, 1, 16, 30, tzinfo=UTC))
    pages = pdf_text(pdf).split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert "Chronology: Zoë Wiśniewska" in page and f"Page {number} of {len(pages)}" in page
        assert "Date of birth: 4 May 2016" in page and "Reference: EHC-2025-0300" in page
        assert "Caseworker: Jsmith" in page and "Printed on 1 May 2025 at 17:30 by Alex Lead" in page
        assert "No." in page and "Where recorded" in page  # the column headings repeat
    whole = " ".join(pdf_text(pdf, "-raw").split())
    for what in ("Decision to assess notified", "EP advice requested", "Exception (d) began", "Called the school, "
                 "item 89", "Step corrected: the decision to assess", "Спасибо", f"End of chronology: {len(c.events)}"):
        assert what in whole


def test_the_pdf_can_hold_only_the_kinds_asked_for(ctx: AppContext, case: int) -> None:
    c = chronology(ctx, case)
    text = " ".join(pdf_text(render_chronology_pdf(c, printed_by="Jo", printed_at=datetime.now(UTC),
                                                   kinds=["letter"]), "-raw").split())
    assert "3 events (only letters)" in text and "Letter voided" in text and "Phone call" not in text


def test_the_csv_has_a_bom_and_escapes_formulas(ctx: AppContext, case: int) -> None:
    data = chronology_csv(chronology(ctx, case))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Case reference", "No.", "Date", "Time (UK)", "Kind", "What", "By", "Details",
                       "Where recorded"]
    note = next(r for r in rows if r[5] == "Phone call")
    assert note[:5] == ["EHC-2025-0300", note[1], "2025-02-20", "09:15", "Notes"]
    assert note[7].startswith("'=HYPERLINK") and note[7].endswith("Спасибо")
    assert [r[1] for r in rows[1:]] == [str(n) for n in range(1, len(rows))]


def test_export_never_overwrites_without_being_told_the_user_agreed(ctx: AppContext, case: int,
                                                                    tmp_path: Path) -> None:
    target = tmp_path / "chronology.pdf"
    target.write_bytes(b"a letter the user kept")
    with pytest.raises(ExportExists):
        export_chronology(ctx, case, target, printed_by="Jo")
    assert target.read_bytes() == b"a letter the user kept"
    export_chronology(ctx, case, target, printed_by="Jo", replace=True)
    assert target.read_bytes().startswith(b"%PDF")
    written = export_chronology(ctx, case, tmp_path / "chronology.csv", printed_by="Jo", kinds=["step"])
    assert written.read_bytes().decode("utf-8-sig").count("\n") == 3  # the header and the two steps
    with pytest.raises(ExportRefused):
        export_chronology(ctx, case, tmp_path / "chronology.txt", printed_by="Jo")
    assert not list(tmp_path.glob(".*.part"))


def test_an_export_is_never_written_over_a_database(ctx: AppContext, case: int, tmp_path: Path) -> None:
    if not ctx.db.is_sqlite:
        pytest.skip("a PostgreSQL database is not a file here")
    from sqlalchemy.engine import make_url

    database = Path(str(make_url(ctx.db.url).database))
    before = database.read_bytes()[:100]
    with pytest.raises(ExportRefused, match="the database in use"):
        write_export(database, b"chronology", replace=True, database=database)
    disguised = tmp_path / "old-tracker.csv"  # another database, whatever its name says
    disguised.write_bytes(database.read_bytes())
    with pytest.raises(ExportRefused, match="a database file"):
        export_chronology(ctx, case, disguised, printed_by="Jo", replace=True)
    assert database.read_bytes()[:100] == before and disguised.read_bytes()[:16] == b"SQLite format 3\x00"
    with ctx.db.sessions() as s:
        assert s.scalars(select(AdviceRequest)).first() is not None
