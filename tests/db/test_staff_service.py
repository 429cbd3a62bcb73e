"""The staff list's rules (caseworker/services/staff.py): who may change what, the last admin kept, every
change audited with before and after, a stale save refused, bad fields named."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from caseworker.services.actor import Actor
from caseworker.services.caseload import record_absence
from caseworker.services.staff import (
    add_staff,
    change_staff,
    deactivate_staff,
    reactivate_staff,
    staff_record,
    staff_records,
    staff_rights,
)
from caseworker.store.database import Database
from caseworker.store.models import AuditEvent, Staff
from caseworker.store.writer import WriteSummary, ensure_staff
from tests.db.conftest import TODAY
from tests.db.conftest import add_staff as add_person


def _in_team(db: Database, username: str, team: str | None) -> None:
    with db.session() as s:
        s.execute(update(Staff).where(Staff.username == username).values(team=team))


@pytest.fixture
def admin(db: Database) -> Actor:
    return add_person(db, "boss", "admin")


@pytest.fixture
def north_lead(db: Database) -> Actor:
    lead = add_person(db, "nlead", "team_lead")
    _in_team(db, "nlead", "North")
    return lead


@pytest.fixture
def people(ctx: AppContext, admin: Actor) -> None:
    add_staff(ctx, admin, {"username": "jo", "display_name": "Jo North", "team": "North", "fte": "0.8"})
    add_staff(ctx, admin, {"username": "sam", "display_name": "Sam South", "team": "South"})


def _audit(db: Database, action: str) -> list[AuditEvent]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_an_admin_adds_a_person_with_every_field_and_it_is_audited(ctx: AppContext, admin: Actor) -> None:
    added = add_staff(ctx, admin, {
        "username": "p.shah", "display_name": "Priya Shah", "title": "Ms", "job_title": "SEND Caseworker",
        "email": "priya.shah@council.gov.uk", "phone": "01632 960 123", "role": "team lead", "team": "North",
        "fte": "0.6", "start_date": "01/09/2025"})
    assert (added.role, added.fte, added.start_date, added.state) == ("team_lead", 0.6, date(2025, 9, 1), "active")
    assert staff_record(ctx, "p.shah").job_title == "SEND Caseworker"
    [row] = _audit(ctx.db, "staff.add")
    assert row.actor_id == admin.id and row.entity_id == added.id
    assert row.after is not None and row.after["title"] == "Ms" and row.after["start_date"] == "2025-09-01"


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("username", "Jo Smith", "not a database login name"),
    ("username", "JSmith", "capital letters"),
    ("username", "pg_admin", "PostgreSQL keeps for itself"),
    ("username", "x" * 64, "63 characters"),
    ("fte", "0", "outside 0 to 1"),
    ("fte", "1.2", "outside 0 to 1"),
    ("fte", "most days", "not a number"),
    ("role", "manager", "not a role"),
    ("start_date", "30/02/2025", "no 30 February"),
    ("start_date", "1900-01-01", "check the year"),
    ("email", "jo at council", "not an email address"),
    ("active", "perhaps", "say yes or no"),
])
def test_a_bad_field_is_refused_by_name_and_nothing_is_added(ctx: AppContext, admin: Actor, field: str,
                                                           value: str, reason: str) -> None:
    given = {"username": "jnew", "display_name": "J New", field: value}
    with pytest.raises(ValidationError) as refused:
        add_staff(ctx, admin, given)
    assert any(reason in r for r in refused.value.for_field(field)), refused.value
    assert [r.username for r in staff_records(ctx)] == ["boss"]


def test_a_username_already_on_the_list_is_refused(ctx: AppContext, admin: Actor, people: None) -> None:
    with pytest.raises(ValidationError, match="already on the staff list"):
        add_staff(ctx, admin, {"username": "jo", "display_name": "Another Jo"})
    with pytest.raises(ValidationError, match="already someone else's"):
        change_staff(ctx, admin, "sam", {"username": "jo"})


def test_caseworkers_and_readers_change_nothing(ctx: AppContext, people: None, caseworker: Actor,
                                                reader: Actor) -> None:
    for who in (caseworker, reader):
        with pytest.raises(PermissionDenied, match="needs an admin"):
            add_staff(ctx, who, {"username": "x", "display_name": "X"})
        with pytest.raises(PermissionDenied, match="needs an admin"):
            change_staff(ctx, who, "jo", {"fte": "0.5"})
        with pytest.raises(PermissionDenied):
            deactivate_staff(ctx, who, "jo")
    assert staff_record(ctx, "jo").fte == 0.8


def test_a_team_lead_changes_only_their_own_teams_fte(ctx: AppContext, people: None, north_lead: Actor) -> None:
    assert change_staff(ctx, north_lead, "jo", {"fte": "0.5"}).fte == 0.5
    with pytest.raises(PermissionDenied, match="own team"):
        change_staff(ctx, north_lead, "sam", {"fte": "0.5"})
    for other in ({"role": "admin"}, {"team": "South"}, {"display_name": "Jo N"}):
        with pytest.raises(PermissionDenied, match="needs an admin"):
            change_staff(ctx, north_lead, "jo", other)
    with pytest.raises(PermissionDenied):
        deactivate_staff(ctx, north_lead, "jo")
    with pytest.raises(PermissionDenied):
        add_staff(ctx, north_lead, {"username": "x", "display_name": "X"})
    rights = staff_rights(ctx, north_lead)
    assert rights.fields_for("North") == {"fte"} and rights.fields_for("South") == set()


def test_a_team_lead_records_absences_for_their_own_team_only(ctx: AppContext, people: None,
                                                              north_lead: Actor) -> None:
    record_absence(ctx, north_lead, "jo", TODAY, TODAY + timedelta(days=1), "Training")
    with pytest.raises(PermissionDenied, match="own team"):
        record_absence(ctx, north_lead, "sam", TODAY, TODAY + timedelta(days=1), "Training")


def test_a_lead_with_no_team_recorded_leads_every_team(ctx: AppContext, people: None, lead: Actor) -> None:
    assert change_staff(ctx, lead, "sam", {"fte": "0.4"}).fte == 0.4
    record_absence(ctx, lead, "jo", TODAY, TODAY, "Sickness")


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(ctx: AppContext, admin: Actor) -> None:
    with pytest.raises(ValidationError, match="last active admin"):
        change_staff(ctx, admin, "boss", {"role": "team_lead"})
    with pytest.raises(ValidationError, match="last active admin"):
        deactivate_staff(ctx, admin, "boss")
    add_staff(ctx, admin, {"username": "second", "display_name": "Second Admin", "role": "admin"})
    deactivate_staff(ctx, admin, "second")  # an inactive admin is no admin: boss is still the last
    with pytest.raises(ValidationError, match="last active admin"):
        change_staff(ctx, admin, "boss", {"role": "caseworker"})
    reactivate_staff(ctx, admin, "second")
    assert change_staff(ctx, admin, "boss", {"role": "caseworker"}).role == "caseworker"
    # Demoted, boss can no longer manage the list.
    with pytest.raises(PermissionDenied):
        change_staff(ctx, admin, "second", {"role": "caseworker"})


def test_every_change_is_audited_with_before_and_after(ctx: AppContext, admin: Actor, people: None) -> None:
    change_staff(ctx, admin, "jo", {"fte": "0.5", "team": "South", "display_name": "Jo North"})
    deactivate_staff(ctx, admin, "jo")
    reactivate_staff(ctx, admin, "jo")
    [changed] = _audit(ctx.db, "staff.change")
    assert changed.before == {"username": "jo", "fte": 0.8, "team": "North"}
    assert changed.after == {"fte": 0.5, "team": "South"}  # the unchanged name is not in it
    [off] = _audit(ctx.db, "staff.deactivate")
    [on] = _audit(ctx.db, "staff.reactivate")
    assert (off.before, off.after) == ({"username": "jo", "active": True}, {"active": False})
    assert (on.before, on.after) == ({"username": "jo", "active": False}, {"active": True})


def test_a_save_nothing_changed_writes_no_audit(ctx: AppContext, admin: Actor, people: None) -> None:
    version = staff_record(ctx, "jo").version
    assert change_staff(ctx, admin, "jo", {"fte": "0.8"}).version == version
    assert _audit(ctx.db, "staff.change") == []


def test_a_save_from_a_stale_record_is_refused(ctx: AppContext, admin: Actor, people: None) -> None:
    opened = staff_record(ctx, "jo")
    change_staff(ctx, admin, "jo", {"phone": "01632 960 000"}, expected_version=opened.version)
    with pytest.raises(ConflictError, match="changed by someone else"):
        change_staff(ctx, admin, "jo", {"fte": "0.5"}, expected_version=opened.version)
    assert staff_record(ctx, "jo").fte == 0.8


def test_an_import_placeholder_is_listed_and_can_be_activated(ctx: AppContext, admin: Actor) -> None:
    with ctx.db.session() as s:
        ensure_staff(s, {"kwhite"}, WriteSummary())
    listed = {r.username: r for r in staff_records(ctx)}
    assert listed["kwhite"].state == "inactive placeholder" and not listed["kwhite"].active
    change_staff(ctx, admin, "kwhite", {"active": "yes", "display_name": "Kim White"})
    assert staff_record(ctx, "kwhite").state == "active"


def test_an_unknown_person_is_named(ctx: AppContext, admin: Actor) -> None:
    with pytest.raises(NotFound, match="'nobody' is not on the staff list"):
        change_staff(ctx, admin, "nobody", {"fte": "1"})


def test_two_admins_demoting_each_other_at_once_leave_one_admin(ctx: AppContext, admin: Actor) -> None:
    other = add_person(ctx.db, "second", "admin")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def demote(actor: Actor, username: str) -> None:
        start.wait()
        try:
            change_staff(ctx, actor, username, {"role": "caseworker"})
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=demote, args=(admin, "second")),
               threading.Thread(target=demote, args=(other, "boss"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    admins = [r.username for r in staff_records(ctx) if r.role == "admin" and r.active]
    assert len(admins) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError | PermissionDenied | ConflictError), errors
