"""`caseworker db init-team`: what each login may do, proved with plain SQL as that login on a real server,
and the application still working as each role through its services."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from caseworker.cli import main
from caseworker.context import AppContext, fixed_clock
from caseworker.errors import PermissionDenied
from caseworker.services import steps
from caseworker.services.actor import Actor, resolve_actor
from caseworker.store import team_roles
from caseworker.store.database import Database, DatabaseError, open_database
from caseworker.store.models import AdviceRequest, Case, Staff
from tests.db.conftest import TODAY, _fresh_pg_database

pytestmark = pytest.mark.postgres
_teams = itertools.count()
ROLE_OF = {"rita": "read_only", "cath": "caseworker", "bea": "caseworker", "leo": "team_lead", "ada": "admin"}
TEAM_OF = {"cath": "North", "leo": "North", "bea": "South", "ada": None, "rita": None}


@dataclass
class Team:
    server: str
    database: str
    suffix: str
    case_id: int

    def login(self, person: str) -> str:
        return f"{person}_{self.suffix}"

    def url(self, person: str) -> str:
        login = person if person in ("postgres", self.dba) else self.login(person)
        return make_url(self.server).set(username=login, database=self.database).render_as_string(False)

    @property
    def dba(self) -> str:
        return f"dba_{self.suffix}"

    @property
    def prefix(self) -> str:
        return team_roles.prefix_for(self.database)


def superuser_run(server: str, *statements: str) -> None:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for sql in statements:
            conn.execute(text(sql))
    engine.dispose()


def actor_as(db: Database, login: str) -> Actor:
    with db.session() as s:
        return resolve_actor(s, login)


def context_as(team: Team, person: str) -> AppContext:
    return AppContext(db=open_database(team.url(person)), clock=fixed_clock(TODAY))


@pytest.fixture
def team(pg_server: str) -> Iterator[Team]:
    suffix = f"{os.getpid()}_{next(_teams)}"
    database = f"cw_Team_{suffix}"  # a capital letter: the prefix is folded to lower case
    people = [f"{p}_{suffix}" for p in ROLE_OF]
    superuser_run(pg_server, f"CREATE ROLE dba_{suffix} LOGIN CREATEROLE",
                  f'CREATE DATABASE "{database}" OWNER dba_{suffix}',
                  *(f"CREATE ROLE {p} LOGIN" for p in people))
    made = Team(pg_server, database, suffix, 0)
    try:
        assert main(["--database", made.url(made.dba), "db", "upgrade"]) == 0
        assert main(["--database", made.url(made.dba), "db", "init-team", "--first-admin", made.login("ada")]) == 0
        ada = context_as(made, "ada")
        first = actor_as(ada.db, made.login("ada"))  # the first login of an empty staff list: its admin
        with ada.db.session() as s:
            for person, role in ROLE_OF.items():
                if person != "ada":
                    s.add(Staff(username=made.login(person), display_name=person.title(), role=role, fte=1.0,
                                active=True, team=TEAM_OF[person]))
        assert first.role == "admin"
        assert main(["--database", made.url("ada"), "db", "sync-logins"]) == 0  # an admin may run it
        cath = context_as(made, "cath")
        made.case_id = steps.register_request(cath, actor_as(cath.db, made.login("cath")), steps.NewRequest(
            forename="Amal", surname="Okafor", date_of_birth=date(2016, 5, 4), received=date(2025, 1, 6),
            caseworker=made.login("cath"), contact_name="Ngozi Okafor", contact_address="3 Mill Lane\nLeominster",
            contact_postcode="HR6 8AA"))
        for ctx in (ada, cath):
            ctx.db.dispose()
        yield made
    finally:
        superuser_run(pg_server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                      *(f"DROP ROLE IF EXISTS {r}" for r in [*people, f"dba_{suffix}", *(
                          f"{made.prefix}_{g}" for g in ("admin", "team_lead", "caseworker", "read_only", "owner"))]))


def refused(url: str, sql: str) -> str:
    """Run one statement as a login; the server's refusal (SQLSTATE 42501) as text, or fail."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    except DBAPIError as exc:
        assert getattr(exc.orig, "sqlstate", None) == "42501", exc
        return str(exc.orig)
    finally:
        engine.dispose()
    pytest.fail(f"the server allowed: {sql}")


def rows_changed(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return conn.execute(text(sql)).rowcount
    finally:
        engine.dispose()


def test_a_read_only_login_cannot_write_anything_with_plain_sql(team: Team) -> None:
    url = team.url("rita")
    assert rows_changed(url, "SELECT 1 FROM ehc_case") == 1  # reading is what the role is for
    refused(url, "INSERT INTO school (name, version) VALUES ('Sneaky School', 1)")
    refused(url, f"UPDATE ehc_case SET withdrawn_reason = 'x' WHERE id = {team.case_id}")
    refused(url, f"DELETE FROM contact WHERE child_id IN (SELECT child_id FROM ehc_case WHERE id = {team.case_id})")
    refused(url, "INSERT INTO audit_event (at, action, entity) VALUES (now(), 'forged', 'case')")
    refused(url, "UPDATE staff SET role = 'admin'")


def test_a_caseworker_cannot_reallocate_or_edit_staff_but_does_casework(team: Team) -> None:
    url = team.url("cath")
    bea = f"(SELECT id FROM staff WHERE username = '{team.login('bea')}')"
    refused(url, f"UPDATE ehc_case SET caseworker_id = {bea} WHERE id = {team.case_id}")
    refused(url, f"UPDATE allocation SET to_on = current_date WHERE case_id = {team.case_id}")
    refused(url, "INSERT INTO staff (username, display_name, role, fte, active, version) "
                 "VALUES ('mallory', 'Mallory', 'admin', 1, true, 1)")
    refused(url, f"UPDATE staff SET role = 'admin' WHERE username = '{team.login('cath')}'")
    refused(url, "UPDATE council_settings SET changed_at = now()")
    # The same login records a casework step through the services.
    ctx = context_as(team, "cath")
    advice_id = steps.request_advice(ctx, actor_as(ctx.db, team.login("cath")), team.case_id, "ep", date(2025, 1, 20))
    with ctx.db.session() as s:
        assert s.get(AdviceRequest, advice_id) is not None
    ctx.db.dispose()


def test_a_team_lead_reallocates_and_sets_only_their_own_teams_fte(team: Team) -> None:
    ctx = context_as(team, "leo")
    steps.reallocate(ctx, actor_as(ctx.db, team.login("leo")), team.case_id, team.login("bea"), "covering leave")
    with ctx.db.session() as s:
        holder = s.scalar(select(Staff.username).join(Case, Case.caseworker_id == Staff.id)
                          .where(Case.id == team.case_id))
    ctx.db.dispose()
    assert holder == team.login("bea")
    url = team.url("leo")
    assert rows_changed(url, f"UPDATE staff SET fte = 0.6 WHERE username = '{team.login('cath')}'") == 1
    # Another team's people are not the lead's to change: the row is not theirs to update.
    assert rows_changed(url, f"UPDATE staff SET fte = 0.6 WHERE username = '{team.login('bea')}'") == 0
    refused(url, f"UPDATE staff SET role = 'admin' WHERE username = '{team.login('leo')}'")
    refused(url, "INSERT INTO staff (username, display_name, role, fte, active, version) "
                 "VALUES ('mallory', 'Mallory', 'admin', 1, true, 1)")


def test_an_admin_manages_staff_but_cannot_change_or_delete_audit_rows(team: Team) -> None:
    url = team.url("ada")
    assert rows_changed(url, "INSERT INTO staff (username, display_name, role, fte, active, version) "
                             "VALUES ('newstarter', 'New Starter', 'caseworker', 1, true, 1)") == 1
    assert rows_changed(url, "UPDATE council_settings SET changed_at = now()") >= 0
    refused(url, "UPDATE audit_event SET action = 'nothing happened'")
    refused(url, "DELETE FROM audit_event")
    refused(url, "TRUNCATE audit_event")


@pytest.mark.parametrize("who", ["dba", "postgres"])
def test_nobody_changes_an_audit_row_not_even_the_owner_or_a_superuser(team: Team, who: str) -> None:
    url = team.url(team.dba if who == "dba" else "postgres")
    assert "never changed or deleted" in refused(url, "UPDATE audit_event SET action = 'rewritten'")
    assert "never changed or deleted" in refused(url, "DELETE FROM audit_event")


def test_running_init_team_again_grants_tables_it_did_not_know(team: Team,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    # A migration run by the DBA adds a table, which the DBA owns until init-team runs again.
    dba = create_engine(team.url(team.dba))
    with dba.begin() as conn:
        conn.execute(text("CREATE TABLE case_flag (id serial PRIMARY KEY, note text)"))
    dba.dispose()
    assert main(["--database", team.url(team.dba), "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--database", team.url(team.dba), "db", "init-team"]) == 0
    said = capsys.readouterr().out
    assert f"role {team.prefix}_admin: already there" in said
    assert "handed to" in said and "(case_flag)" in said and "written by" in said
    assert rows_changed(team.url("ada"), "INSERT INTO case_flag (note) VALUES ('admins only')") == 1
    assert rows_changed(team.url("rita"), "SELECT * FROM case_flag") == 1
    refused(team.url("cath"), "INSERT INTO case_flag (note) VALUES ('not mine')")
    assert main(["--database", team.url(team.dba), "db", "init-team"]) == 0
    assert "tables: 0 handed" in capsys.readouterr().out


def member_of(team: Team, person: str) -> set[str]:
    engine = create_engine(team.url("postgres"))
    with engine.connect() as conn:
        groups = set(conn.scalars(text(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "JOIN pg_roles l ON l.oid = m.member WHERE l.rolname = :login"), {"login": team.login(person)}))
    engine.dispose()
    return groups


def test_a_role_change_moves_the_login_and_deactivation_takes_it_out(team: Team) -> None:
    assert member_of(team, "cath") == {f"{team.prefix}_caseworker"}
    engine = create_engine(team.url("ada"))  # an admin changing a staff member, as the staff screens will
    with engine.begin() as conn:
        assert team_roles.sync_login(conn, team.login("cath"), "team_lead", True) == \
            f"revoked {team.prefix}_caseworker granted {team.prefix}_team_lead"
        assert team_roles.sync_login(conn, "nobody_has_this_login", "admin", True) == "no such login"
    assert member_of(team, "cath") == {f"{team.prefix}_team_lead"}
    with engine.begin() as conn:
        team_roles.sync_login(conn, team.login("cath"), "team_lead", False)
    engine.dispose()
    assert member_of(team, "cath") == set()
    with pytest.raises(DBAPIError, match="permission denied"):
        create_engine(team.url("cath")).connect()


def test_only_an_admin_changes_a_logins_group(team: Team) -> None:
    refused(team.url("cath"), f"SELECT caseworker_sync_login('{team.login('cath')}', 'admin', true)")
    refused(team.url("leo"), f"SELECT caseworker_sync_login('{team.login('bea')}', 'caseworker', false)")
    # A save that changes no group (a lead setting a colleague's FTE) may call it without harm.
    engine = create_engine(team.url("leo"))
    with engine.begin() as conn:
        assert team_roles.sync_login(conn, team.login("cath"), "caseworker", True) == "unchanged"
    engine.dispose()
    assert member_of(team, "bea") == {f"{team.prefix}_caseworker"}


def test_a_staff_record_naming_a_superuser_is_refused_and_the_others_still_sync(team: Team) -> None:
    """A demo built by a superuser makes that login a team lead; sync-logins reports it and carries on."""
    ada = create_engine(team.url("ada"))
    with ada.begin() as conn:
        conn.execute(text("INSERT INTO staff (username, display_name, role, fte, active, team, version) VALUES "
                          "('postgres', 'The DBA', 'team_lead', 1.0, true, 'North', 1)"))
        conn.execute(text("UPDATE staff SET role = 'team_lead' WHERE username = :cath"), {"cath": team.login("cath")})
    said: list[str] = []
    with ada.begin() as conn:
        assert team_roles.sync_all_logins(conn, say=said.append) == 1  # Cath moved; the DBA refused
    ada.dispose()
    assert "postgres (team_lead): refused: Caseworker gives team groups to staff logins only, not to postgres" in said
    assert member_of(team, "cath") == {f"{team.prefix}_team_lead"}


def test_sync_login_does_nothing_where_init_team_never_ran(db: Database) -> None:
    with db.engine.begin() as conn:
        assert team_roles.sync_login(conn, "anyone", "admin", True) == "no team roles on this database"


def test_the_dba_upgrades_a_team_database_and_init_team_grants_the_new_tables(pg_server: str) -> None:
    from caseworker.store.migrate import upgrade

    suffix = f"{os.getpid()}_{next(_teams)}"
    database, dba, cath = f"cw_older_{suffix}", f"dba_{suffix}", f"cath_{suffix}"
    prefix = team_roles.prefix_for(database)
    superuser_run(pg_server, f"CREATE ROLE {dba} LOGIN CREATEROLE", f"CREATE DATABASE {database} OWNER {dba}",
                  f"CREATE ROLE {cath} LOGIN")
    as_dba = make_url(pg_server).set(username=dba, database=database).render_as_string(False)
    try:
        engine = create_engine(as_dba)
        upgrade(engine, "0008_case_file")  # the team's database before the plans release
        engine.dispose()
        assert main(["--database", as_dba, "db", "init-team"]) == 0
        assert main(["--database", as_dba, "db", "upgrade"]) == 0  # by the DBA, on tables the owner role owns
        assert main(["--database", as_dba, "db", "init-team"]) == 0
        engine = create_engine(as_dba)
        with engine.begin() as conn:
            owner = conn.scalar(text("SELECT tableowner FROM pg_tables WHERE tablename = 'plan_review'"))
            conn.execute(text("INSERT INTO staff (username, display_name, role, fte, active, version) "
                              f"VALUES ('{cath}', 'Cath', 'caseworker', 1, true, 1)"))
            assert team_roles.sync_all_logins(conn, say=lambda _: None) == 1
        engine.dispose()
        assert owner == f"{prefix}_owner"
        as_cath = make_url(pg_server).set(username=cath, database=database).render_as_string(False)
        assert rows_changed(as_cath, "SELECT * FROM plan_review") == 0  # readable, and empty
        refused(as_cath, "UPDATE audit_event SET action = 'x'")
    finally:
        superuser_run(pg_server, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
                      *(f"DROP ROLE IF EXISTS {r}" for r in [cath, dba, *(
                          f"{prefix}_{g}" for g in ("admin", "team_lead", "caseworker", "read_only", "owner"))]))


def test_a_team_database_backup_restores_elsewhere_without_its_roles(team: Team, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "team.backup"
    assert main(["--database", team.url(team.dba), "db", "backup", str(file)]) == 0
    elsewhere = _fresh_pg_database(team.server)  # another server would not have this council's roles
    capsys.readouterr()
    assert main(["--database", elsewhere, "db", "restore", str(file)]) == 0
    assert "run 'caseworker db init-team' again" in capsys.readouterr().out
    engine = create_engine(elsewhere)
    with engine.connect() as conn:
        cases = conn.scalar(text("SELECT count(*) FROM ehc_case"))
        policies = conn.scalar(text("SELECT count(*) FROM pg_policies"))
    engine.dispose()
    assert (cases, policies) == (1, 0)
    superuser_run(team.server, f"DROP DATABASE {make_url(elsewhere).database} WITH (FORCE)")


def test_a_lead_records_absences_for_their_own_team_only(team: Team) -> None:
    from caseworker.services.caseload import record_absence

    ctx = context_as(team, "leo")
    leo = actor_as(ctx.db, team.login("leo"))
    try:
        assert record_absence(ctx, leo, team.login("cath"), date(2025, 3, 3), date(2025, 3, 7), "leave") > 0
        # The application says it plainly first; the server refuses the same row by itself (below).
        with pytest.raises(PermissionDenied, match="own team"):
            record_absence(ctx, leo, team.login("bea"), date(2025, 3, 3), date(2025, 3, 7), "leave")
    finally:
        ctx.db.dispose()
    with pytest.raises(DBAPIError, match="row-level security"):
        rows_changed(team.url("leo"), "INSERT INTO staff_absence (staff_id, from_on, to_on, reason, version) SELECT "
                     f"id, '2025-03-03', '2025-03-04', 'x', 1 FROM staff WHERE username = '{team.login('bea')}'")
    refused(team.url("cath"), f"INSERT INTO staff_absence (staff_id, from_on, to_on, reason, version) SELECT id, "
                              f"'2025-03-03', '2025-03-04', 'x', 1 FROM staff WHERE username = '{team.login('cath')}'")


def test_a_read_only_login_reads_the_caseload_through_the_application(team: Team) -> None:
    from caseworker.store.queries import load_request_facts

    reader = open_database(team.url("rita"))
    try:
        with reader.session() as s:
            assert len(load_request_facts(s)) == 1
            assert actor_as(reader, team.login("rita")).role == "read_only"
    finally:
        reader.dispose()


def test_a_missing_pg_dump_is_named(team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    # A desktop with no PostgreSQL client tools: none on the PATH, none in the usual folders.
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("glob.glob", lambda pattern: [])
    assert main(["--database", team.url(team.dba), "db", "backup", str(tmp_path / "team.backup")]) == 1
    assert "pg_dump is not installed here" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_staff_screens_move_a_logins_group_with_the_record(team: Team) -> None:
    from caseworker.services import staff

    ada = context_as(team, "ada")
    admin = actor_as(ada.db, team.login("ada"))
    try:
        staff.change_staff(ada, admin, team.login("bea"), {"role": "team_lead"})
        assert member_of(team, "bea") == {f"{team.prefix}_team_lead"}
        staff.deactivate_staff(ada, admin, team.login("bea"))
        assert member_of(team, "bea") == set()
    finally:
        ada.db.dispose()


def test_a_login_outside_the_team_is_told_in_plain_words(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    """init-team lets only the team's roles connect: a login nobody put on the staff list hears why, not
    the server's "permission denied for database"."""
    stranger = f"stranger_{team.suffix}"
    superuser_run(team.server, f"CREATE ROLE {stranger} LOGIN")
    try:
        url = make_url(team.server).set(username=stranger, database=team.database).render_as_string(False)
        with pytest.raises(DatabaseError, match=f"The login '{stranger}' may not use the team database") as refused_:
            open_database(url)
        assert "staff list" in str(refused_.value) and "permission denied" not in str(refused_.value)
        assert main(["--database", url, "deadlines", "--json"]) != 0
        assert "Ask the team's admin to add you" in capsys.readouterr().err
    finally:
        superuser_run(team.server, f"DROP ROLE IF EXISTS {stranger}")
