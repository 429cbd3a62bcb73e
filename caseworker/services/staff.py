"""The staff list: who is on the team, their role, team, FTE and start date, and who may change them.

Admins manage everyone. A team lead changes only the FTE of people in their own team (and records their
absences: caseworker/services/caseload.py asks ``require_absence_rights``). Caseworkers and read-only
users change nothing. The last active admin can be neither demoted nor deactivated, so a database always
keeps someone who can manage it. Every change writes an audit row with the values before and after; a
save made from a record someone else has changed since is refused (the record is versioned).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import ConflictError, NotFound, PermissionDenied, Problem, ValidationError
from caseworker.services.actor import Actor
from caseworker.services.casefile import writing
from caseworker.services.staff_fields import FIELDS, LABELS, column, read_fields
from caseworker.store.audit import audit, changes
from caseworker.store.models import Case, Staff
from caseworker.store.team_roles import sync_login

# What a team lead may change, and only for people in their own team.
LEAD_FIELDS = frozenset({"fte"})


@dataclass(frozen=True, slots=True)
class StaffMember:
    """One person as the Staff page and `staff list` show them."""

    id: int
    username: str
    display_name: str
    title: str | None
    job_title: str | None
    email: str | None
    phone: str | None
    role: str
    team: str | None
    fte: float
    start_date: date | None
    active: bool
    version: int
    cases_held: int
    placeholder: bool  # added by a tracker import for a name not on the list, never completed

    @property
    def state(self) -> str:
        if self.active:
            return "active"
        return "inactive placeholder" if self.placeholder else "inactive"

    def value(self, field: str) -> Any:
        return getattr(self, field)


def is_placeholder(staff: Staff) -> bool:
    """A tracker import's stand-in (caseworker/store/writer.py): inactive, named only by its username."""
    return (not staff.active and staff.display_name == staff.username and staff.team is None
            and staff.email is None and staff.started_on is None)


def _record(staff: Staff, cases_held: int) -> StaffMember:
    return StaffMember(staff.id, staff.username, staff.display_name, staff.title, staff.job_title, staff.email,
                       staff.phone, staff.role, staff.team, staff.fte, staff.started_on, staff.active,
                       staff.version, cases_held, is_placeholder(staff))


def _cases_held(s: Session, staff_ids: list[int] | None = None) -> dict[int, int]:
    """Cases allocated to each person, withdrawn requests left out."""
    stmt = (select(Case.caseworker_id, func.count()).where(Case.caseworker_id.is_not(None),
                                                           Case.withdrawn_on.is_(None))
            .group_by(Case.caseworker_id))
    if staff_ids is not None:
        stmt = stmt.where(Case.caseworker_id.in_(staff_ids))
    return {int(i or 0): int(n) for i, n in s.execute(stmt).all()}


def staff_records(ctx: AppContext) -> list[StaffMember]:
    """Everyone on the list, inactive people and import placeholders included, by name."""
    with ctx.db.sessions() as s:
        people = list(s.scalars(select(Staff).order_by(func.lower(Staff.display_name), Staff.username)))
        held = _cases_held(s)
        return [_record(p, held.get(p.id, 0)) for p in people]


def staff_record(ctx: AppContext, username: str) -> StaffMember:
    with ctx.db.sessions() as s:
        staff = _find(s, username)
        return _record(staff, _cases_held(s, [staff.id]).get(staff.id, 0))


def snapshot(staff: Staff) -> dict[str, Any]:
    """The record's fields by their import names, for audit rows."""
    return {f: getattr(staff, column(f)) for f in FIELDS}


def _find(s: Session, username: str) -> Staff:
    staff = s.scalar(select(Staff).where(Staff.username == username.strip()))
    if staff is None:
        raise NotFound(f"{username.strip()!r} is not on the staff list")
    return staff


# --- who may do what --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StaffRights:
    """What the acting user may do on the Staff page (the window enables its buttons by this)."""

    role: str
    team: str | None

    @property
    def manages_everyone(self) -> bool:
        return self.role == "admin"

    def may_change(self, target_team: str | None, field: str) -> bool:
        if self.manages_everyone:
            return True
        return self.role == "team_lead" and field in LEAD_FIELDS and self.leads(target_team)

    def leads(self, target_team: str | None) -> bool:
        """A team lead leads their own team; one with no team recorded leads the whole service (a single
        lead over every locality, as the county demo has it)."""
        return self.role == "team_lead" and (self.team is None or target_team == self.team)

    def fields_for(self, target_team: str | None) -> frozenset[str]:
        return frozenset(f for f in FIELDS if self.may_change(target_team, f))


def rights_in(s: Session, actor: Actor) -> StaffRights:
    # The role as stored now, not as it was when the window opened: a demoted admin loses rights at once.
    me = s.get(Staff, actor.id)
    if me is None or not me.active:
        return StaffRights("read_only", None)
    return StaffRights(me.role, me.team)


def staff_rights(ctx: AppContext, actor: Actor) -> StaffRights:
    with ctx.db.sessions() as s:
        return rights_in(s, actor)


def _refuse(actor: Actor, rights: StaffRights, what: str) -> PermissionDenied:
    if rights.role == "team_lead":
        return PermissionDenied(f"{actor.username} is a team lead, who can change only the FTE of people in "
                                f"their own team ({rights.team}); {what} needs an admin")
    return PermissionDenied(f"{actor.username} has the {rights.role.replace('_', ' ')} role; {what} needs an "
                            "admin")


def require_staff_admin(rights: StaffRights, actor: Actor, what: str) -> None:
    if not rights.manages_everyone:
        raise _refuse(actor, rights, what)


def require_absence_rights(s: Session, actor: Actor, staff: Staff) -> None:
    """Admins record anyone's absences; a team lead only those of their own team (every team when the
    lead has none recorded)."""
    rights = rights_in(s, actor)
    if rights.manages_everyone or rights.leads(staff.team):
        return
    raise _refuse(actor, rights, f"recording {staff.display_name}'s absence")


def _require_may_change(rights: StaffRights, actor: Actor, staff: Staff, fields: set[str]) -> None:
    refused = sorted(f for f in fields if not rights.may_change(staff.team, f))
    if refused:
        words = ", ".join(LABELS[f] for f in refused)
        raise _refuse(actor, rights, f"changing {staff.display_name}'s {words}")


def _keep_an_admin(s: Session, staff: Staff, role: str, active: bool) -> None:
    """Refuse to leave the database with no active admin."""
    if not (staff.active and staff.role == "admin") or (active and role == "admin"):
        return
    # Of two admins demoting each other at once, the second must wait and then read the first's change.
    # PostgreSQL: every active admin's row locked, in id order. SQLite locks nothing for a read, so take
    # its write lock first with a write that changes nothing; the count below then reads the latest.
    if s.get_bind().dialect.name == "sqlite":
        s.execute(update(Staff).where(Staff.id == staff.id).values(version=Staff.version))
    admins = s.scalars(select(Staff.id).where(Staff.role == "admin", Staff.active.is_(True))
                       .order_by(Staff.id).with_for_update()).all()
    if not [i for i in admins if i != staff.id]:
        field = "role" if role != "admin" else "active"
        raise ValidationError(Problem(field, f"{staff.display_name} is the last active admin: make someone "
                                             "else an admin first, or nobody could manage the staff list"))


def _after_staff_change(session: Session, staff: Staff, renamed_from: str | None = None) -> None:
    """The database's own roles follow the staff record, in the same transaction as the change: the
    person's PostgreSQL login joins the group of their role (none when inactive). A renamed person's old
    login leaves every group. Nothing happens on SQLite or where ``db init-team`` never ran."""
    conn = session.connection()
    if renamed_from is not None and renamed_from != staff.username:
        sync_login(conn, renamed_from, staff.role, False)
    sync_login(conn, staff.username, staff.role, staff.active)


def add_in(s: Session, actor: Actor, values: dict[str, Any], action: str = "staff.add") -> Staff:
    """Add a person from read fields (staff_fields.read_fields) in an open session."""
    problems = [Problem(f, f"give the person's {LABELS[f]}") for f in ("username", "display_name")
                if not values.get(f)]
    if problems:
        raise ValidationError(problems)
    if s.scalar(select(Staff.id).where(Staff.username == values["username"])) is not None:
        raise ValidationError(Problem("username", f"{values['username']!r} is already on the staff list; "
                                                  "change their record instead"))
    fields = {"role": "caseworker", "fte": 1.0, "active": True, **values}
    staff = Staff(**{column(f): v for f, v in fields.items()})
    s.add(staff)
    s.flush()
    audit(s, actor_id=actor.id, action=action, entity="staff", entity_id=staff.id, after=snapshot(staff))
    _after_staff_change(s, staff)
    return staff


def change_in(s: Session, actor: Actor, rights: StaffRights, staff: Staff, values: dict[str, Any],
              action: str = "staff.change") -> bool:
    """Apply read fields to a person in an open session; False when nothing differed (nothing written)."""
    before = snapshot(staff)
    differing = {f: v for f, v in values.items() if before[f] != v}
    if not differing:
        return False
    _require_may_change(rights, actor, staff, set(differing))
    if "display_name" in differing and not differing["display_name"]:
        raise ValidationError(Problem("display_name", "give the person's name"))
    if "username" in differing and s.scalar(select(Staff.id).where(Staff.username == differing["username"])):
        raise ValidationError(Problem("username", f"{differing['username']!r} is already someone else's "
                                                  "username"))
    _keep_an_admin(s, staff, differing.get("role", staff.role), differing.get("active", staff.active))
    for f, v in differing.items():
        setattr(staff, column(f), v)
    s.flush()
    old, new = changes(before, snapshot(staff))
    audit(s, actor_id=actor.id, action=action, entity="staff", entity_id=staff.id,
          before={"username": before["username"], **old}, after=new)
    _after_staff_change(s, staff, renamed_from=before["username"])
    return True


def _check_version(staff: Staff, expected_version: int | None) -> None:
    if expected_version is not None and staff.version != expected_version:
        raise ConflictError(f"{staff.display_name}'s record was changed by someone else since you opened it; "
                            "reload it and make your change again")


def add_staff(ctx: AppContext, actor: Actor, given: Mapping[str, Any]) -> StaffMember:
    """Add a person to the staff list (admins only); fields as typed, checked here."""
    values = read_fields(given)
    with writing(ctx, "add staff") as s:
        require_staff_admin(rights_in(s, actor), actor, "adding staff")
        staff = add_in(s, actor, values)
        return _record(staff, 0)


def change_staff(ctx: AppContext, actor: Actor, username: str, given: Mapping[str, Any], *,
                 expected_version: int | None = None, action: str = "staff.change") -> StaffMember:
    """Change any of a person's fields; ``expected_version`` is the version the change was made from."""
    values = read_fields(given)
    with writing(ctx, f"change {username}'s record") as s:
        staff = _find(s, username)
        _check_version(staff, expected_version)
        change_in(s, actor, rights_in(s, actor), staff, values, action)
        return _record(staff, _cases_held(s, [staff.id]).get(staff.id, 0))


def deactivate_staff(ctx: AppContext, actor: Actor, username: str, *,
                     expected_version: int | None = None) -> StaffMember:
    """Take someone off the active list (they keep their history and their cases until moved)."""
    return change_staff(ctx, actor, username, {"active": False}, expected_version=expected_version,
                        action="staff.deactivate")


def reactivate_staff(ctx: AppContext, actor: Actor, username: str, *,
                     expected_version: int | None = None) -> StaffMember:
    """Make someone active again, an import's placeholder included."""
    return change_staff(ctx, actor, username, {"active": True}, expected_version=expected_version,
                        action="staff.reactivate")
