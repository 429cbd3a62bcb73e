"""The case diary through its service and views, on SQLite and PostgreSQL: notes checked field by field,
amendments that keep the original, follow-ups on My day for the right people, search and the audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from caseworker.context import AppContext
from caseworker.errors import ConflictError, PermissionDenied, ValidationError
from caseworker.reports.my_day import FOLLOW_UPS
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.case_notes import MAX_TEXT, NoteInput, add_note, amend_note, follow_up_done
from caseworker.store.audit import now_utc
from caseworker.store.casefile_models import CaseNote
from caseworker.store.database import Database
from caseworker.store.models import AuditEvent
from caseworker.views.case_notes import case_notes, fold, search_notes
from caseworker.views.my_day import load_my_day
from tests.db.conftest import TODAY, add_staff
from tests.db.test_services import new_request

LONDON = ZoneInfo("Europe/London")
MORNING = datetime(2025, 2, 27, 10, 30, tzinfo=LONDON)


def note(text: str = "Rang Mrs Wiśniewska: EP visit booked for 12 March", *, at: datetime = MORNING,
         kind: str = "phone", follow_up_on: date | None = None) -> NoteInput:
    return NoteInput(at, kind, text, follow_up_on)


@pytest.fixture
def case_id(ctx: AppContext, caseworker: Actor) -> int:
    return steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0001"))


def audit_rows(db: Database, entity: str = "case_note") -> list[AuditEvent]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)))


def test_a_note_is_kept_as_written_and_audited(ctx: AppContext, caseworker: Actor, case_id: int) -> None:
    nid = add_note(ctx, caseworker, case_id, note(follow_up_on=date(2025, 3, 3)))
    [shown] = case_notes(ctx, case_id)
    assert (shown.id, shown.kind_title, shown.author) == (nid, "Phone call", "Jsmith")
    assert shown.happened_at == MORNING.astimezone(UTC)
    assert shown.follow_up_on == date(2025, 3, 3) and shown.follow_up_open
    [row] = audit_rows(ctx.db)
    assert (row.action, row.entity_id, row.case_id, row.actor_id) == ("add_case_note", nid, case_id, caseworker.id)
    assert row.before == {}
    assert row.after is not None and row.after["text"] == note().text and row.after["follow_up_on"] == "2025-03-03"


@pytest.mark.parametrize(("given", "field", "words"), [
    (note(""), "text", "write what happened"),
    (note("   \n "), "text", "write what happened"),
    (note("x" * (MAX_TEXT + 1)), "text", f"at most {MAX_TEXT:,} characters"),
    (note(kind="fax"), "kind", "not a kind of note"),
    (note(at=datetime(2025, 3, 2, 9, 0, tzinfo=LONDON)), "happened_at", "cannot be in the future"),
    (note(follow_up_on=date(2025, 2, 26)), "follow_up_on", "cannot be before the day it happened"),
    (note(follow_up_on=date(2026, 6, 1)), "follow_up_on", "at most a year ahead"),
])
def test_a_note_is_refused_beside_the_field_at_fault(ctx: AppContext, caseworker: Actor, case_id: int,
                                                     given: NoteInput, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        add_note(ctx, caseworker, case_id, given)
    assert any(words in reason for reason in refused.value.for_field(field)), refused.value.problems
    with ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CaseNote)) == 0
    assert audit_rows(ctx.db) == []


def test_a_follow_up_on_the_day_it_happened_is_allowed(ctx: AppContext, caseworker: Actor, case_id: int) -> None:
    add_note(ctx, caseworker, case_id, note(follow_up_on=MORNING.date()))
    assert case_notes(ctx, case_id)[0].follow_up_on == MORNING.date()


def test_a_time_later_today_than_now_is_the_future(db: Database, caseworker: Actor, case_id: int) -> None:
    real = AppContext(db=db)  # today's real date, so the clock's time counts
    soon = datetime.now(LONDON) + timedelta(hours=1)
    if soon.date() != real.today():
        pytest.skip("an hour from now is tomorrow")
    with pytest.raises(ValidationError, match="cannot be in the future"):
        add_note(real, caseworker, case_id, note(at=soon))


def test_read_only_users_write_no_note(ctx: AppContext, caseworker: Actor, reader: Actor, case_id: int) -> None:
    nid = add_note(ctx, caseworker, case_id, note(follow_up_on=TODAY))
    with pytest.raises(PermissionDenied):
        add_note(ctx, reader, case_id, note())
    with pytest.raises(PermissionDenied):
        amend_note(ctx, reader, nid, note("changed"))
    with pytest.raises(PermissionDenied):
        follow_up_done(ctx, reader, nid)
    assert [n.text for n in case_notes(ctx, case_id)] == [note().text]
    assert len(audit_rows(ctx.db)) == 1


def test_an_amendment_keeps_the_original_and_says_who_changed_it(ctx: AppContext, caseworker: Actor,
                                                                   lead: Actor, case_id: int) -> None:
    first = add_note(ctx, caseworker, case_id, note("EP visit booked for 12 March"))
    fix = amend_note(ctx, caseworker, first, note("EP visit booked for 13 March", follow_up_on=TODAY))
    again = amend_note(ctx, lead, fix, note("EP visit booked for 13 March at 10:00", follow_up_on=TODAY))
    shown = case_notes(ctx, case_id)
    assert [n.id for n in shown] == [again, fix, first]  # the current wording first, then what it replaced
    assert [n.is_current for n in shown] == [True, False, False]
    assert (shown[1].amended_by, shown[2].amended_by) == ("Alead", "Jsmith")
    assert shown[2].text == "EP visit booked for 12 March" and shown[2].amended_at is not None
    assert [r.action for r in audit_rows(ctx.db)] == ["add_case_note", "amend_case_note", "amend_case_note"]
    last = audit_rows(ctx.db)[-1]
    assert last.before is not None and last.before["text"] == "EP visit booked for 13 March"
    assert last.after is not None and last.after["amends_id"] == fix


def test_only_the_author_or_a_team_lead_amends(ctx: AppContext, db: Database, caseworker: Actor,
                                               case_id: int) -> None:
    other = add_staff(db, "pjones", "caseworker")
    nid = add_note(ctx, caseworker, case_id, note())
    with pytest.raises(PermissionDenied, match="only its author, a team lead or an admin"):
        amend_note(ctx, other, nid, note("not mine to change"))
    assert len(case_notes(ctx, case_id)) == 1


def test_an_amended_note_cannot_be_amended_again(ctx: AppContext, caseworker: Actor, case_id: int) -> None:
    nid = add_note(ctx, caseworker, case_id, note())
    amend_note(ctx, caseworker, nid, note("first correction"))
    with pytest.raises(ConflictError, match="amend the newest version"):
        amend_note(ctx, caseworker, nid, note("a second correction of the same wording"))
    with pytest.raises(ConflictError):
        amend_note(ctx, caseworker, nid + 1, note("stale"), expected_version=99)


def test_a_follow_up_is_on_my_day_for_the_author_and_the_caseworker_until_done(
        ctx: AppContext, db: Database, caseworker: Actor, lead: Actor, case_id: int) -> None:
    other = add_staff(db, "pjones", "caseworker")
    nid = add_note(ctx, lead, case_id, note("Ask the school for the annual review\nand the IEP",
                                            follow_up_on=date(2025, 2, 28)))
    add_note(ctx, lead, case_id, note("Not yet due", follow_up_on=date(2025, 3, 5)))
    add_note(ctx, lead, case_id, note("No follow-up"))

    def listed(who: str | None) -> list[tuple[str, str, str]]:
        return [(i.reference, i.child, i.what) for i in load_my_day(ctx, TODAY, who).sections[FOLLOW_UPS]]

    expected = [("EHC-2025-0001", "Zoë Wiśniewska", "Ask the school for the annual review")]
    assert listed("alead") == expected  # the note's author
    assert listed("jsmith") == expected  # the case's caseworker
    assert listed(None) == expected  # the whole team
    assert listed(other.username) == []
    [item] = load_my_day(ctx, TODAY, "jsmith").sections[FOLLOW_UPS]
    assert item.note_id == nid and item.days_late == 1 and item.due == date(2025, 2, 28)

    follow_up_done(ctx, caseworker, nid, expected_version=item.note_version)
    assert listed("alead") == [] and listed("jsmith") == []
    assert case_notes(ctx, case_id)[-1].follow_up_done_on == TODAY
    done = audit_rows(ctx.db)[-1]
    assert done.action == "case_note_follow_up_done" and done.after == {"follow_up_done_on": "2025-03-01",
                                                                        "follow_up_on": "2025-02-28"}
    with pytest.raises(ValidationError, match="already done"):
        follow_up_done(ctx, caseworker, nid)


def test_an_amendment_carries_the_follow_up_and_the_original_leaves_my_day(
        ctx: AppContext, caseworker: Actor, case_id: int) -> None:
    nid = add_note(ctx, caseworker, case_id, note("Call back", follow_up_on=date(2025, 2, 27)))
    fix = amend_note(ctx, caseworker, nid, note("Call back Mr Wiśniewski", follow_up_on=date(2025, 2, 28)))
    [item] = load_my_day(ctx, TODAY, "jsmith").sections[FOLLOW_UPS]
    assert (item.note_id, item.what) == (fix, "Call back Mr Wiśniewski")
    with pytest.raises(ConflictError):
        follow_up_done(ctx, caseworker, nid)  # the superseded wording is not the one to act on


def test_my_day_reads_follow_ups_in_one_query_whatever_the_number_of_cases(
        ctx: AppContext, db: Database, caseworker: Actor) -> None:
    for n in range(4):
        cid = steps.register_request(ctx, caseworker, new_request(reference=f"EHC-2025-010{n}", forename=f"C{n}"))
        add_note(ctx, caseworker, cid, note(f"Follow up {n}", follow_up_on=date(2025, 2, 28)))
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        day = load_my_day(ctx, TODAY, "jsmith")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(day.sections[FOLLOW_UPS]) == 4
    assert sum("case_note" in s for s in statements) == 1


def test_search_ignores_accents_and_case_and_keeps_a_correction_with_its_original(
        ctx: AppContext, caseworker: Actor, case_id: int) -> None:
    nid = add_note(ctx, caseworker, case_id, note("Spoke to Zoë's mother, Mrs Ţurcanu"))
    fix = amend_note(ctx, caseworker, nid, note("Spoke to Zoë's grandmother"))
    add_note(ctx, caseworker, case_id, note("EP report chased", kind="email"))
    assert [n.id for n in case_notes(ctx, case_id, "TURCANU")] == [fix, nid]
    assert [n.id for n in case_notes(ctx, case_id, "zoe grandmother")] == [fix, nid]
    assert [n.text for n in case_notes(ctx, case_id, "ep chased")] == ["EP report chased"]
    assert case_notes(ctx, case_id, "nobody said this") == []
    other = steps.register_request(ctx, caseworker, new_request(reference="EHC-2025-0002", forename="Ana"))
    add_note(ctx, caseworker, other, note("Message left for Ms Łukasik"))
    [hit] = search_notes(ctx, "lukasik")
    assert (hit.reference, hit.child, hit.note.case_id) == ("EHC-2025-0002", "Ana Wiśniewska", other)
    assert fold("Zoë ŢURCANU Łódź straße") == "zoe turcanu lodz strasse"


def test_a_note_is_stored_in_utc_whatever_zone_it_was_typed_in(ctx: AppContext, caseworker: Actor,
                                                                case_id: int) -> None:
    summer = datetime(2024, 7, 1, 9, 0)  # no zone: English local time, an hour ahead of UTC in summer
    add_note(ctx, caseworker, case_id, note(at=summer))
    assert case_notes(ctx, case_id)[0].happened_at == datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    assert case_notes(ctx, case_id)[0].written_at <= now_utc()
