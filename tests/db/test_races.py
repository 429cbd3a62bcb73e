"""Two people doing the same thing at the same moment: it is done once, audited once, and neither sees
a raw database error."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select

from caseworker.context import AppContext
from caseworker.services import steps
from caseworker.services.actor import Actor
from caseworker.services.caseload import pin_case, unpin_case
from caseworker.store.models import AuditEvent, Case, CasePin

PEOPLE = 6


def all_at_once(action: Callable[[], object]) -> list[BaseException]:
    """Run ``action`` in several threads released together; the errors they raised."""
    start = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def one() -> None:
        start.wait()
        try:
            action()
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(PEOPLE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def audited(ctx: AppContext, action: str) -> int:
    with ctx.db.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


def new_case(ctx: AppContext, actor: Actor) -> int:
    return steps.register_request(ctx, actor, steps.NewRequest(
        forename="Amelia", surname="Jones", date_of_birth=date(2016, 3, 14), received=date(2025, 1, 6)))


def test_pinning_at_once_pins_once(ctx: AppContext, lead: Actor) -> None:
    cid = new_case(ctx, lead)
    assert all_at_once(lambda: pin_case(ctx, lead, cid, "siblings")) == []
    with ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CasePin)) == 1
    assert audited(ctx, "pin_case") == 1


def test_unpinning_at_once_writes_one_audit_row(ctx: AppContext, lead: Actor) -> None:
    cid = new_case(ctx, lead)
    pin_case(ctx, lead, cid)
    assert all_at_once(lambda: unpin_case(ctx, lead, cid)) == []
    assert audited(ctx, "unpin_case") == 1


def test_registering_at_once_without_references_gives_each_its_own(ctx: AppContext, lead: Actor) -> None:
    twins = iter(range(PEOPLE))  # different children (the same child twice would need a reason)

    def register_one() -> int:
        return steps.register_request(ctx, lead, steps.NewRequest(
            forename="Amelia", surname="Jones", date_of_birth=date(2016, 3, 14) + timedelta(days=next(twins)),
            received=date(2025, 1, 6)))

    assert all_at_once(register_one) == []
    with ctx.db.sessions() as s:
        refs = s.scalars(select(Case.reference)).all()
    assert len(refs) == PEOPLE and len(set(refs)) == PEOPLE


def test_recording_an_organisation_at_once_records_it_once(ctx: AppContext, lead: Actor) -> None:
    from caseworker.errors import ValidationError
    from caseworker.services.case_links import link_organisation
    from caseworker.store.models import CaseOrganisation, Organisation

    cid = new_case(ctx, lead)
    with ctx.db.session() as s:
        icb = Organisation(kind="health_commissioner", name="Marches ICB")
        s.add(icb)
        s.flush()
        org_id = icb.id
    errors = all_at_once(lambda: link_organisation(ctx, lead, cid, org_id))
    assert all(isinstance(e, ValidationError) and "already recorded" in str(e) for e in errors)
    with ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CaseOrganisation)) == 1
    assert audited(ctx, "link_organisation") == 1
