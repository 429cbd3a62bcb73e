"""``caseworker letters ...`` as a script runs it: a separate process, files, stdout, stderr, exit codes."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from caseworker.demo import build_demo
from caseworker.store.database import open_database
from caseworker.store.models import AdviceRequest, AuditEvent, Case, LetterRecord
from tests.e2e.in_process import run_cli

TODAY = "2025-06-02"


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"CASEWORKER_DATA_DIR": str(tmp), "CASEWORKER_COUNCIL_SETTINGS": None})


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-letters') / 'demo.sqlite'}"
    build_demo(url, scale="tiny", today=date.fromisoformat(TODAY), login="lead")
    return url


def test_templates_lists_one_id_and_title_per_line(tmp_path: Path) -> None:
    out = run(tmp_path, "letters", "templates")
    assert out.returncode == 0
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    assert len(rows) == 17 and all(len(r) == 2 and r[1] for r in rows)
    assert ["advice_chase", "Advice overdue: reminder"] in rows
    assert ["annual_review_invitation", "Annual review: invitation to the review meeting"] in rows


def test_a_review_invitation_takes_the_meeting_s_time_and_place(tmp_path: Path, demo_url: str) -> None:
    from caseworker.context import AppContext, fixed_clock
    from caseworker.services import plans
    from caseworker.services.actor import resolve_actor
    from caseworker.store.plan_reads import plan_facts

    url = _own_copy(demo_url, tmp_path)
    db = open_database(url)
    ctx = AppContext(db=db, clock=fixed_clock(date.fromisoformat(TODAY)))
    with db.sessions() as s:
        plan = next(p for p in plan_facts(s) if p.cease is None)
        lead = resolve_actor(s, "lead")
    assert plan.case_id is not None
    plans.record_review_meeting(ctx, lead, plan.case_id, date(2025, 6, 26))
    db.dispose()
    out = tmp_path / "invite.pdf"
    args = ["--database", url, "--as", "lead", "letters", "make", "--case", plan.reference, "--template",
            "annual_review_invitation", "--out", str(out), "--today", TODAY]
    untyped = run(tmp_path, *args)
    assert untyped.returncode == 1 and "meeting.time, meeting.place" in untyped.stderr and not out.exists()
    made = run(tmp_path, *args, "--meeting-time", "2pm to 3:30pm", "--meeting-place", "Room 4, County Hall")
    assert made.returncode == 0, made.stderr
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Date: Thursday 26 June 2025" in text and "Time: 2pm to 3:30pm" in text
    assert "Place: Room 4, County Hall" in text and "by Thursday 12 June 2025" in text


def test_contacts_then_make_to_a_named_recipient(tmp_path: Path, demo_url: str) -> None:
    db = open_database(demo_url)
    with db.sessions() as s:
        ref = s.scalar(select(Case.reference).where(Case.received_on.is_not(None)).order_by(Case.id))
    db.dispose()
    assert ref is not None
    listed = run(tmp_path, "--database", demo_url, "letters", "contacts", "--case", ref, "--today", TODAY)
    assert listed.returncode == 0 and "main correspondent" in listed.stdout
    school = next(line.split("\t")[0] for line in listed.stdout.splitlines() if line.startswith("school:"))
    out = tmp_path / "ack.pdf"
    made = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "make", "--case", ref, "--template",
               "acknowledgement", "--to", school, "--out", str(out), "--today", TODAY)
    assert made.returncode == 0, made.stderr
    assert out.read_bytes().startswith(b"%PDF") and "sha256" in made.stdout
    typed = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "make", "--case", ref, "--template",
                "acknowledgement", "--to", "contact:999999", "--out", str(tmp_path / "no.pdf"), "--today", TODAY)
    assert typed.returncode == 1 and "not linked to this case" in typed.stderr and not (tmp_path / "no.pdf").exists()


def test_chase_writes_one_pdf_per_late_advice_and_a_combined_file_all_logged(tmp_path: Path, demo_url: str) -> None:
    out_dir = tmp_path / "chase"
    done = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "chase", "--today", TODAY,
               "--out", str(out_dir))
    assert done.returncode in (0, 1), done.stderr
    singles = sorted(p for p in out_dir.glob("*-chase.pdf"))
    combined = out_dir / f"chase-letters-{TODAY}.pdf"
    assert singles and combined.exists()
    db = open_database(demo_url)
    with db.sessions() as s:
        logged = s.execute(select(LetterRecord.about, LetterRecord.pdf).where(
            LetterRecord.template_id == "advice_chase")).all()
        late = s.scalars(select(AdviceRequest.id).where(AdviceRequest.received_on.is_(None))).all()
        audits = s.scalars(select(AuditEvent.id).where(AuditEvent.action == "letter.make")).all()
    db.dispose()
    assert len(logged) == len(singles) <= len(late) and len(audits) >= len(singles)
    by_about = {about: pdf for about, pdf in logged}
    for p in singles:  # each file is exactly the logged letter
        advice = p.name.rsplit("-advice-", 1)[1].removesuffix("-chase.pdf")
        assert by_about[f"advice:{advice}"] == p.read_bytes()
    info = subprocess.run(["pdfinfo", str(combined)], capture_output=True, text=True).stdout
    pages = next(int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:"))
    assert pages == len(singles)  # one-page letters, all in one print file
    again = run(tmp_path, "--database", demo_url, "--as", "lead", "letters", "chase", "--today", TODAY,
                "--out", str(tmp_path / "again"))
    assert "no late advice to chase" in again.stdout  # chased today: not again for 14 days


def _own_copy(demo_url: str, tmp: Path) -> str:
    """A copy of the demo database, for a test that changes it."""
    import shutil

    path = tmp / "copy.sqlite"
    shutil.copy(demo_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def _printed_date(pdf: Path) -> str:
    import re

    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"\bDate\s+(\d{1,2} [A-Z][a-z]+ \d{4})", out)
    assert found is not None
    return found.group(1)


def test_a_decision_letter_keeps_the_recorded_date_with_a_warning_or_records_notified_on(
        tmp_path: Path, demo_url: str) -> None:
    url = _own_copy(demo_url, tmp_path)
    db = open_database(url)
    with db.sessions() as s:  # a case being assessed, told of the decision before today
        ref, decided = s.execute(select(Case.reference, Case.decision_to_assess_on).where(
            Case.decision_to_assess.is_(True), Case.decision_to_assess_on < date.fromisoformat(TODAY),
            Case.decision_to_issue.is_(None), Case.draft_sent_on.is_(None)).order_by(Case.id)).first()  # type: ignore[misc]
    db.dispose()
    kept = tmp_path / "kept.pdf"
    made = run(tmp_path, "--database", url, "--as", "lead", "letters", "make", "--case", ref, "--template",
               "decision_to_assess", "--out", str(kept), "--today", TODAY)
    assert made.returncode == 0, made.stderr
    assert "warning" in made.stderr and "--notified-on" in made.stderr and "sha256" in made.stdout
    assert _printed_date(kept) == f"{decided.day} {decided:%B %Y}"
    told = tmp_path / "told.pdf"
    made = run(tmp_path, "--database", url, "--as", "lead", "letters", "make", "--case", ref, "--template",
               "decision_to_assess", "--notified-on", TODAY, "--out", str(told), "--today", TODAY)
    assert made.returncode == 0 and made.stderr == "", made.stderr
    assert _printed_date(told) == "2 June 2025"
    db = open_database(url)
    with db.sessions() as s:
        assert s.scalar(select(Case.decision_to_assess_on).where(Case.reference == ref)) == date(2025, 6, 2)
        audits = s.scalars(select(AuditEvent.action).where(
            AuditEvent.action == "record_notification_date_decision_to_assess")).all()
    db.dispose()
    assert len(audits) == 1
    ahead = run(tmp_path, "--database", url, "--as", "lead", "letters", "make", "--case", ref, "--template",
                "decision_to_assess", "--notified-on", "2025-06-03", "--out", str(tmp_path / "no.pdf"),
                "--today", TODAY)
    assert ahead.returncode != 0 and "after today" in ahead.stderr and not (tmp_path / "no.pdf").exists()


def test_chase_skips_advice_excused_under_reg_8_2(tmp_path: Path, demo_url: str) -> None:
    from caseworker.context import AppContext, fixed_clock
    from caseworker.services.actor import resolve_actor
    from caseworker.services.advice import excuse_advice
    from caseworker.views.letters_queue import letters_to_send

    url = _own_copy(demo_url, tmp_path)
    later = "2025-06-17"  # past the 14 days after any chase another test made
    ctx = AppContext(db=open_database(url), clock=fixed_clock(date.fromisoformat(later)))

    late = [q.request.advice_id for q in letters_to_send(ctx, ctx.today()) if q.template_id == "advice_chase"]
    assert len(late) >= 2
    with ctx.db.sessions() as s:
        actor = resolve_actor(s, "lead")
        asked = s.scalar(select(AdviceRequest.requested_on).where(AdviceRequest.id == late[0]))
    assert asked is not None
    excuse_advice(ctx, actor, late[0], "absent", asked)  # the family away for 5 weeks from the day it was asked
    ctx.db.dispose()
    out_dir = tmp_path / "chase"
    done = run(tmp_path, "--database", url, "--as", "lead", "letters", "chase", "--today", later, "--out", str(out_dir))
    assert done.returncode in (0, 1), done.stderr
    chased = {p.name.rsplit("-advice-", 1)[1].removesuffix("-chase.pdf") for p in out_dir.glob("*-chase.pdf")}
    assert str(late[0]) not in chased and str(late[1]) in chased


def _letter_count(url: str) -> int:
    from sqlalchemy import func

    db = open_database(url)
    with db.sessions() as s:
        n = s.scalar(select(func.count()).select_from(LetterRecord)) or 0
    db.dispose()
    return n


def _a_case(url: str) -> str:
    db = open_database(url)
    with db.sessions() as s:
        ref = s.scalar(select(Case.reference).where(Case.received_on.is_not(None)).order_by(Case.id))
    db.dispose()
    assert ref is not None
    return ref


def test_make_never_writes_over_the_database_another_database_or_a_file_unless_forced(
        tmp_path: Path, demo_url: str) -> None:
    import shutil

    url = _own_copy(demo_url, tmp_path)
    database = Path(url.removeprefix("sqlite:///"))
    other = tmp_path / "other.sqlite"
    shutil.copy(database, other)
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"someone's own file")
    ref, before = _a_case(url), _letter_count(url)
    other_bytes = other.read_bytes()

    def make(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return run(tmp_path, "--database", url, "--as", "lead", "letters", "make", "--case", ref, "--template",
                   "acknowledgement", "--out", str(out), "--today", TODAY, *extra)

    for out, says in ((database, "is the database in use"), (Path(f"{database}-wal"), "is the database in use"),
                      (other, "is a database file"), (kept, "already exists")):
        done = make(out)
        assert done.returncode == 1 and says in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    for out in (database, other):  # not even when asked
        done = make(out, "--force")
        assert done.returncode == 1 and "database" in done.stderr
    assert other.read_bytes() == other_bytes and kept.read_bytes() == b"someone's own file"
    assert _letter_count(url) == before  # nothing made, nothing logged
    forced = make(kept, "--force")
    assert forced.returncode == 0, forced.stderr
    assert kept.read_bytes().startswith(b"%PDF") and _letter_count(url) == before + 1


def test_a_chase_that_cannot_be_written_is_not_logged_and_stays_on_the_queue(tmp_path: Path, demo_url: str) -> None:
    from caseworker.context import AppContext, fixed_clock
    from caseworker.views.letters_queue import letters_to_send

    url = _own_copy(demo_url, tmp_path)
    later = "2025-06-17"
    ctx = AppContext(db=open_database(url), clock=fixed_clock(date.fromisoformat(later)))
    due = [q for q in letters_to_send(ctx, ctx.today()) if q.template_id == "advice_chase"]
    ctx.db.dispose()
    assert len(due) >= 2
    out_dir = tmp_path / "chase"
    out_dir.mkdir()
    blocked = out_dir / f"{due[0].reference}-advice-{due[0].request.advice_id}-chase.pdf"
    blocked.write_bytes(b"not ours")
    done = run(tmp_path, "--database", url, "--as", "lead", "letters", "chase", "--today", later, "--out", str(out_dir))
    assert done.returncode == 1 and "already exists" in done.stderr and blocked.read_bytes() == b"not ours"
    ctx = AppContext(db=open_database(url), clock=fixed_clock(date.fromisoformat(later)))
    still = [q for q in letters_to_send(ctx, ctx.today()) if q.template_id == "advice_chase"]
    with ctx.db.sessions() as s:
        logged = dict(s.execute(select(LetterRecord.about, LetterRecord.pdf).where(
            LetterRecord.template_id == "advice_chase", LetterRecord.batch == f"chase-{later}")).all())
    ctx.db.dispose()
    assert [q.request.advice_id for q in still] == [due[0].request.advice_id]  # the unwritten one is still due
    assert f"advice:{due[0].request.advice_id}" not in logged and len(logged) == len(due) - 1
    for about, pdf in logged.items():  # every logged chase has its file
        assert (out_dir / f"{next(q.reference for q in due if q.request.about == about)}-advice-"
                          f"{about.partition(':')[2]}-chase.pdf").read_bytes() == pdf
    again = run(tmp_path, "--database", url, "--as", "lead", "letters", "chase", "--today", later, "--out",
                str(out_dir), "--force")
    assert again.returncode == 0, again.stderr
    assert blocked.read_bytes().startswith(b"%PDF") and "1 chase letters logged" in again.stdout
