"""Letters are written before they are logged; read-only reprints write nothing; absurd dates are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from caseworker.context import AppContext, fixed_clock
from caseworker.letters import LetterError
from caseworker.services import letters as svc
from caseworker.services.actor import Actor
from caseworker.store.models import AuditEvent, LetterRecord
from caseworker.views.letters_queue import letters_to_send
from tests.db.test_letters_service import kit, logged, make_case  # noqa: F401  (kit is a fixture)


class Sink:
    """Records what it is given; fails where told to, as a full disk or a file in the way would."""

    def __init__(self, fail_write: bool = False, fail_finish: bool = False) -> None:
        self.fail_write, self.fail_finish = fail_write, fail_finish
        self.written: list[svc.PendingLetter] = []
        self.finished: list[bytes | None] = []
        self.discarded = 0

    def write(self, letter: svc.PendingLetter) -> None:
        if self.fail_write:
            raise LetterError("cannot write out.pdf: No space left on device")
        self.written.append(letter)

    def finish(self, combined: bytes | None) -> None:
        if self.fail_finish:
            raise OSError(28, "No space left on device")
        self.finished.append(combined)

    def discard(self) -> None:
        self.discarded += 1


def queued(ctx: AppContext) -> list[tuple[int, str]]:
    return [(q.case_id, q.template_id) for q in letters_to_send(ctx, ctx.today())]


def recent_case(ctx: AppContext, actor: Actor, reference: str = "EHC-2025-0001") -> int:
    """A request received a week ago: its acknowledgement is on Letters to send."""
    return make_case(ctx, actor, reference, received=date(2025, 2, 22))


def test_a_letter_the_sink_cannot_write_is_not_logged_and_stays_due(ctx: AppContext, caseworker: Actor,
                                                                      kit: svc.LetterKit) -> None:  # noqa: F811
    cid = recent_case(ctx, caseworker)
    before = queued(ctx)
    assert (cid, "acknowledgement") in before
    with pytest.raises(LetterError, match="No space left"):
        svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit, sink=Sink(fail_write=True))
    assert logged(ctx) == 0 and queued(ctx) == before
    sink = Sink()
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit, sink=sink)
    assert [w.pdf for w in sink.written] == [made.pdf] and sink.written[0].reference == "EHC-2025-0001"
    assert logged(ctx) == 1 and (cid, "acknowledgement") not in queued(ctx)


def test_a_batch_whose_print_file_fails_logs_nothing_and_takes_its_files_back(
        ctx: AppContext, caseworker: Actor, kit: svc.LetterKit) -> None:  # noqa: F811
    cids = [recent_case(ctx, caseworker, f"EHC-2025-000{n}") for n in (1, 2)]
    sink = Sink(fail_finish=True)
    with pytest.raises(OSError):
        svc.make_letters(ctx, caseworker, [(c, svc.LetterRequest("acknowledgement")) for c in cids], kit,
                         combine=True, sink=sink)
    assert len(sink.written) == 2 and sink.discarded == 1 and logged(ctx) == 0
    assert {(c, "acknowledgement") for c in cids} <= set(queued(ctx))


def test_the_sink_gets_the_print_file_before_the_log_commits(ctx: AppContext, caseworker: Actor,
                                                             kit: svc.LetterKit) -> None:  # noqa: F811
    cids = [make_case(ctx, caseworker, f"EHC-2025-000{n}") for n in (1, 2)]
    seen: list[int] = []

    class Watching(Sink):
        def finish(self, combined: bytes | None) -> None:
            seen.append(logged(ctx))  # another session: the batch is not committed yet
            super().finish(combined)

    sink = Watching()
    batch = svc.make_letters(ctx, caseworker, [(c, svc.LetterRequest("acknowledgement")) for c in cids], kit,
                             combine=True, sink=sink)
    assert len(batch.made) == 2 and sink.finished == [batch.combined] and seen == [0] and logged(ctx) == 2


def test_a_read_only_user_s_reprint_writes_no_audit_row(ctx: AppContext, caseworker: Actor, reader: Actor,
                                                        kit: svc.LetterKit) -> None:  # noqa: F811
    cid = make_case(ctx, caseworker)
    made = svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit)
    with ctx.db.sessions() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEvent))
    assert svc.record_reprint(ctx, reader, made.id) == made.pdf
    with ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == audits
        assert s.scalar(select(func.count()).select_from(LetterRecord)) == 1


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_a_letter_dated_outside_a_sane_window_is_refused(ctx: AppContext, caseworker: Actor, day: date,
                                                         kit: svc.LetterKit) -> None:  # noqa: F811
    cid = make_case(ctx, caseworker)
    ctx.clock = fixed_clock(day)
    with pytest.raises(LetterError, match="letters are dated from 2000 to 2100"):
        svc.make_letter(ctx, caseworker, cid, svc.LetterRequest("acknowledgement"), kit)
    with pytest.raises(LetterError, match="letters are dated from 2000 to 2100"):
        svc.preview_letter(ctx, cid, svc.LetterRequest("acknowledgement"), kit)
    assert logged(ctx) == 0
