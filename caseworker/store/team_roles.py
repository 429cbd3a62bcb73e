"""Rights the PostgreSQL server enforces for a team database (``caseworker db init-team``).

The application checks each person's role itself; this module makes the server refuse the same things to
anyone who connects with psql or a spreadsheet instead. For a database called ``send_team`` it creates
(prefix = the database name, lower case, letters, digits and ``_`` only):

- ``send_team_owner``: owns every table; nobody signs in as it. The DBA running init-team becomes a member,
  so ``caseworker db upgrade`` still works when the DBA runs it.
- ``send_team_read_only``, ``send_team_caseworker``, ``send_team_team_lead``, ``send_team_admin``: groups
  (NOLOGIN), each a member of the one before, so a team lead can do everything a caseworker can.

A login is put in the group of its staff role by :func:`sync_login` (the staff screens call it; so does
``caseworker db sync-logins``). Nobody, admin and owner included, can change or delete an audit row: a trigger
refuses it, because table owners are not bound by grants. Running init-team again (after an upgrade) hands new
tables to the owner and grants them; it changes nothing that is already right.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

GROUPS = ("read_only", "caseworker", "team_lead", "admin")  # each a member of the one before
NAMES_LIMIT = 63 - len("_team_lead")  # PostgreSQL role names are at most 63 bytes

# What a caseworker writes doing casework (services/steps, casefile, plans, letters, contacts, notes).
CASEWORK_TABLES = ("child", "contact", "school", "advice_service", "organisation", "case_organisation",
                   "advice_request", "consultation", "statutory_exception", "existing_advice", "case_note",
                   "case_document", "document_content", "plan_review", "plan_amendment", "phase_transfer",
                   "plan_cease")
# Letters are never deleted (the log keeps the exact PDF); a case is never deleted by casework.
NEVER_DELETED_BY_CASEWORK = ("letter",)
# The case row: a caseworker changes everything on it except who holds it (that is a reallocation).
ALLOCATION_COLUMN = "caseworker_id"
# A team lead's own tables: moving cases, pins, and their team's absences and FTE (row security for the team).
LEAD_TABLES = ("allocation", "case_pin", "staff_absence")
LEAD_STAFF_COLUMNS = ("fte", "capacity_points", "version")
# Read by everyone, written only by admins (or the owner's migrations).
ADMIN_TABLES = ("staff", "council_settings", "app_meta")
READ_ONLY_TABLES = ("alembic_version",)
AUDIT_TABLE = "audit_event"
KNOWN_TABLES = frozenset((*CASEWORK_TABLES, *NEVER_DELETED_BY_CASEWORK, "ehc_case", *LEAD_TABLES,
                          *ADMIN_TABLES, *READ_ONLY_TABLES, AUDIT_TABLE))

SYNC_FUNCTION = "caseworker_sync_login"


@dataclass(frozen=True)
class TeamRoles:
    prefix: str

    @property
    def owner(self) -> str:
        return f"{self.prefix}_owner"

    def group(self, role: str) -> str:
        if role not in GROUPS:
            raise ValueError(f"{role!r} is not a staff role")
        return f"{self.prefix}_{role}"

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.group(r) for r in GROUPS)


def prefix_for(database_name: str) -> str:
    """The role prefix for a database: its name folded to what a role name holds without quoting."""
    folded = re.sub(r"[^a-z0-9_]+", "_", database_name.lower()).strip("_") or "caseworker"
    if folded[0].isdigit():
        folded = f"db_{folded}"
    return folded[:NAMES_LIMIT]


def check_prefix(prefix: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", prefix) or len(prefix) > NAMES_LIMIT:
        raise ValueError(f"the role prefix {prefix!r} must be lower-case letters, digits and _, at most "
                         f"{NAMES_LIMIT} characters, not starting with a digit")
    return prefix


def q(name: str) -> str:
    """A quoted identifier (every name here is checked or read from the catalogue, quoting is belt and braces)."""
    return '"' + name.replace('"', '""') + '"'


def init_team(conn: Connection, prefix: str | None = None, say: Callable[[str], None] = print) -> TeamRoles:
    """Create or bring up to date the team's roles, ownership, grants, row security and audit trigger.

    Runs in the caller's transaction: on any failure nothing is changed."""
    if conn.dialect.name != "postgresql":
        raise ValueError("init-team is for a PostgreSQL team database; a SQLite file has no logins to limit")
    database = str(conn.scalar(text("SELECT current_database()")))
    roles = TeamRoles(check_prefix(prefix or prefix_for(database)))
    tables = public_tables(conn)
    if "ehc_case" not in tables or "alembic_version" not in tables:
        raise ValueError(f"{database} has no Caseworker schema yet: run 'caseworker db upgrade' on it first")
    create_roles(conn, roles, say)
    hand_to_owner(conn, roles, tables, say)
    grant_tables(conn, roles, tables, say)
    create_functions(conn, roles, say)
    limit_staff_rows(conn, roles, say)
    keep_audit(conn, roles.owner, say)
    return roles


def public_tables(conn: Connection) -> list[str]:
    return list(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")))


def role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :n"), {"n": name}))


def create_roles(conn: Connection, roles: TeamRoles, say: Callable[[str], None]) -> None:
    for name in (roles.owner, *roles.groups):
        if role_exists(conn, name):
            say(f"role {name}: already there")
        else:
            conn.execute(text(f"CREATE ROLE {q(name)} NOLOGIN"))
            say(f"role {name}: created (no login)")
    for lower, higher in zip(roles.groups, roles.groups[1:], strict=False):
        conn.execute(text(f"GRANT {q(lower)} TO {q(higher)}"))
    # The owner grants and revokes group membership (through caseworker_sync_login), so every such grant
    # has the same grantor and a later revoke finds it.
    for group in roles.groups:
        conn.execute(text(f"GRANT {q(group)} TO {q(roles.owner)} WITH ADMIN OPTION"))
    me = str(conn.scalar(text("SELECT current_user")))
    if not conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        conn.execute(text(f"GRANT {q(roles.owner)} TO {q(me)}"))
        say(f"role {roles.owner}: {me} is a member, so it can run 'caseworker db upgrade' and this again")
    database = str(conn.scalar(text("SELECT current_database()")))
    conn.execute(text(f"REVOKE ALL ON DATABASE {q(database)} FROM PUBLIC"))
    conn.execute(text(f"GRANT CONNECT ON DATABASE {q(database)} TO {q(roles.group('read_only'))}"))
    conn.execute(text(f"GRANT ALL ON DATABASE {q(database)} TO {q(roles.owner)}"))
    say(f"database {database}: only the team's groups (and its owner) may connect")
    limit_schema(conn, roles, say)


def limit_schema(conn: Connection, roles: TeamRoles, say: Callable[[str], None]) -> None:
    # Before PostgreSQL 15 the public schema belongs to the bootstrap superuser, not the database's owner.
    if not conn.scalar(text("SELECT pg_has_role(nspowner, 'USAGE') FROM pg_namespace WHERE nspname = 'public'")):
        say("schema public: not yours to change, so anyone may still create tables in it; ask a superuser to "
            "run REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        return
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {q(roles.group('read_only'))}"))
    conn.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {q(roles.owner)}"))
    say(f"schema public: only {roles.owner} (and so the DBA) may create tables")


def hand_to_owner(conn: Connection, roles: TeamRoles, tables: list[str], say: Callable[[str], None]) -> None:
    found = conn.execute(text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'"))
    owners = {str(table): str(owner) for table, owner in found}
    moved = [t for t in tables if owners[t] != roles.owner]
    for table in moved:  # the table's own sequences and indexes go with it
        conn.execute(text(f"ALTER TABLE {q(table)} OWNER TO {q(roles.owner)}"))
    say(f"tables: {len(moved)} handed to {roles.owner}" + (f" ({', '.join(moved)})" if moved else ""))


def grant_tables(conn: Connection, roles: TeamRoles, tables: list[str], say: Callable[[str], None]) -> None:
    reader, worker = roles.group("read_only"), roles.group("caseworker")
    lead, admin = roles.group("team_lead"), roles.group("admin")
    everyone = ", ".join(q(g) for g in roles.groups)
    for table in tables:
        conn.execute(text(f"REVOKE ALL ON {q(table)} FROM PUBLIC, {everyone}"))
        conn.execute(text(f"GRANT SELECT ON {q(table)} TO {q(reader)}"))
        if table == AUDIT_TABLE:
            conn.execute(text(f"GRANT INSERT ON {q(table)} TO {q(worker)}"))
        elif table in READ_ONLY_TABLES:
            continue
        elif table in CASEWORK_TABLES:
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {q(table)} TO {q(worker)}"))
        elif table in NEVER_DELETED_BY_CASEWORK:
            conn.execute(text(f"GRANT INSERT, UPDATE ON {q(table)} TO {q(worker)}"))
        elif table == "ehc_case":
            grant_case_columns(conn, worker, lead)
        elif table == "allocation":  # registering a request records its first holder
            conn.execute(text(f"GRANT INSERT ON {q(table)} TO {q(worker)}"))
            conn.execute(text(f"GRANT UPDATE ON {q(table)} TO {q(lead)}"))
        elif table in LEAD_TABLES:
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {q(table)} TO {q(lead)}"))
        elif table == "staff":
            columns = ", ".join(q(c) for c in LEAD_STAFF_COLUMNS)
            conn.execute(text(f"GRANT UPDATE ({columns}) ON staff TO {q(lead)}"))
        if table not in (AUDIT_TABLE, *READ_ONLY_TABLES):
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {q(table)} TO {q(admin)}"))
    conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {q(worker)}"))
    unknown = [t for t in tables if t not in KNOWN_TABLES]
    say(f"grants: {len(tables)} tables readable by {reader} and the groups above it; casework writable by "
        f"{worker}; reallocation, pins and absences by {lead}; staff and council settings by {admin}; "
        f"{AUDIT_TABLE} insert-only for everyone")
    if unknown:
        say(f"tables this version does not know, written by {admin} only: {', '.join(unknown)}")


def grant_case_columns(conn: Connection, worker: str, lead: str) -> None:
    columns = list(conn.scalars(text("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                     "'public' AND table_name = 'ehc_case' ORDER BY ordinal_position")))
    casework = ", ".join(q(c) for c in columns if c != ALLOCATION_COLUMN)
    conn.execute(text(f"GRANT INSERT ON ehc_case TO {q(worker)}"))
    conn.execute(text(f"GRANT UPDATE ({casework}) ON ehc_case TO {q(worker)}"))
    conn.execute(text(f"GRANT UPDATE ({q(ALLOCATION_COLUMN)}) ON ehc_case TO {q(lead)}"))


def create_functions(conn: Connection, roles: TeamRoles, say: Callable[[str], None]) -> None:
    groups = ", ".join(f"'{g}'" for g in roles.groups)
    admin = roles.group("admin")
    conn.execute(text(f"""
CREATE OR REPLACE FUNCTION caseworker_my_team() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT team FROM staff WHERE username = session_user AND active
$fn$;
ALTER FUNCTION caseworker_my_team() OWNER TO {q(roles.owner)};
REVOKE ALL ON FUNCTION caseworker_my_team() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION caseworker_my_team() TO {q(roles.group('read_only'))};

CREATE OR REPLACE FUNCTION {SYNC_FUNCTION}(login text, staff_role text, is_active boolean) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  team_groups text[] := ARRAY[{groups}];
  wanted text := NULL;
  who record;
  g text;
  held boolean;
  done text := '';
BEGIN
  SELECT rolcanlogin, rolsuper INTO who FROM pg_roles WHERE rolname = login;
  IF NOT FOUND THEN
    RETURN 'no such login';
  END IF;
  IF login = ANY(team_groups) OR login = '{roles.owner}' OR who.rolsuper OR NOT who.rolcanlogin THEN
    RAISE EXCEPTION USING MESSAGE = 'Caseworker gives team groups to staff logins only, not to ' || login;
  END IF;
  IF is_active THEN
    wanted := '{roles.prefix}_' || staff_role;
    IF NOT wanted = ANY(team_groups) THEN
      RAISE EXCEPTION USING MESSAGE = staff_role || ' is not a staff role';
    END IF;
  END IF;
  FOREACH g IN ARRAY team_groups LOOP
    SELECT count(*) > 0 INTO held FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
      JOIN pg_roles l ON l.oid = m.member WHERE r.rolname = g AND l.rolname = login;
    IF (g IS NOT DISTINCT FROM wanted) <> held AND NOT (pg_has_role(session_user, '{admin}', 'MEMBER')
                                                       OR pg_has_role(session_user, '{roles.owner}', 'MEMBER')) THEN
      RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'only an admin changes which group a login is in (' || login || ')';
    END IF;
    IF g = wanted AND NOT held THEN
      EXECUTE 'GRANT ' || quote_ident(g) || ' TO ' || quote_ident(login);
      done := done || ' granted ' || g;
    ELSIF g IS DISTINCT FROM wanted AND held THEN
      EXECUTE 'REVOKE ' || quote_ident(g) || ' FROM ' || quote_ident(login);
      done := done || ' revoked ' || g;
    END IF;
  END LOOP;
  RETURN coalesce(nullif(trim(done), ''), 'unchanged');
END
$fn$;
ALTER FUNCTION {SYNC_FUNCTION}(text, text, boolean) OWNER TO {q(roles.owner)};
REVOKE ALL ON FUNCTION {SYNC_FUNCTION}(text, text, boolean) FROM PUBLIC;
-- Everyone may call it (a staff screen calls it on every save); it changes a membership for admins only.
GRANT EXECUTE ON FUNCTION {SYNC_FUNCTION}(text, text, boolean) TO {q(roles.group('read_only'))};
"""))
    say(f"functions: caseworker_my_team (a lead's team), {SYNC_FUNCTION} (an admin puts a login in its group)")


def limit_staff_rows(conn: Connection, roles: TeamRoles, say: Callable[[str], None]) -> None:
    """Row security on staff and absences: a team lead changes only their own team's people."""
    reader, lead, admin = roles.group("read_only"), roles.group("team_lead"), roles.group("admin")
    own_team = "staff_id IN (SELECT id FROM staff WHERE team = caseworker_my_team())"
    policies = {
        "staff": [("caseworker_read", f"FOR SELECT TO {q(reader)} USING (true)"),
                  ("caseworker_admin", f"FOR ALL TO {q(admin)} USING (true) WITH CHECK (true)"),
                  ("caseworker_lead_own_team", f"FOR UPDATE TO {q(lead)} USING (team = caseworker_my_team()) "
                                               "WITH CHECK (team = caseworker_my_team())")],
        "staff_absence": [("caseworker_read", f"FOR SELECT TO {q(reader)} USING (true)"),
                          ("caseworker_admin", f"FOR ALL TO {q(admin)} USING (true) WITH CHECK (true)"),
                          ("caseworker_lead_own_team", f"FOR ALL TO {q(lead)} USING ({own_team}) "
                                                       f"WITH CHECK ({own_team})")],
    }
    for table, rules in policies.items():
        conn.execute(text(f"ALTER TABLE {q(table)} ENABLE ROW LEVEL SECURITY"))
        for name, rule in rules:
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {q(table)}"))
            conn.execute(text(f"CREATE POLICY {name} ON {q(table)} {rule}"))
    say("row security: team leads change the FTE and absences of their own team only")


def keep_audit(conn: Connection, owner: str, say: Callable[[str], None]) -> None:
    """Grants do not bind a table's owner, so a trigger refuses every change to an audit row too."""
    conn.execute(text(f"""
CREATE OR REPLACE FUNCTION caseworker_audit_is_kept() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = 'the audit trail is never changed or deleted (' || TG_OP || ' on {AUDIT_TABLE} refused)';
END
$fn$;
ALTER FUNCTION caseworker_audit_is_kept() OWNER TO {q(owner)};
DROP TRIGGER IF EXISTS audit_event_kept ON {AUDIT_TABLE};
CREATE TRIGGER audit_event_kept BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
  FOR EACH ROW EXECUTE FUNCTION caseworker_audit_is_kept();
DROP TRIGGER IF EXISTS audit_event_kept_whole ON {AUDIT_TABLE};
CREATE TRIGGER audit_event_kept_whole BEFORE TRUNCATE ON {AUDIT_TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION caseworker_audit_is_kept();
"""))
    say(f"{AUDIT_TABLE}: no UPDATE, DELETE or TRUNCATE by anyone (grants and a trigger)")


def team_roles_installed(conn: Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    return conn.scalar(text(f"SELECT to_regprocedure('{SYNC_FUNCTION}(text,text,boolean)')")) is not None


def sync_login(conn: Connection, username: str, role: str, active: bool) -> str:
    """Put a staff member's login in the group of their role and out of the others (out of all when
    inactive). Does nothing on SQLite, on a database init-team never ran on, or when no such login exists.

    Runs in the caller's transaction, so a staff change and its login's groups are written together."""
    if not team_roles_installed(conn):
        return "no team roles on this database"
    return str(conn.scalar(text(f"SELECT {SYNC_FUNCTION}(:login, :role, :active)"),
                           {"login": username, "role": role, "active": active}))


def sync_all_logins(conn: Connection, say: Callable[[str], None] = print) -> int:
    """sync_login for every staff member; returns how many logins changed."""
    if not team_roles_installed(conn):
        raise ValueError("this database has no team roles: run 'caseworker db init-team' first")
    changed = 0
    rows = conn.execute(text("SELECT username, role, active FROM staff ORDER BY username")).all()
    for username, role, active in rows:
        try:
            with conn.begin_nested():  # one refused login (a superuser, the owner) must not undo the others
                outcome = sync_login(conn, username, role, bool(active))
        except DBAPIError as refused:
            outcome = "refused: " + str(refused.orig).splitlines()[0]
        else:
            if outcome not in ("unchanged", "no such login"):
                changed += 1
        say(f"{username} ({role}{'' if active else ', inactive'}): {outcome}")
    return changed


def grant_first_admin(conn: Connection, login: str) -> str:
    """The DBA names the login of the team's first admin before any staff exist (init-team --first-admin)."""
    outcome = sync_login(conn, login, "admin", True)
    if outcome == "no such login":
        raise ValueError(f"there is no login called {login!r}: create it first (CREATE ROLE ... LOGIN)")
    return outcome
