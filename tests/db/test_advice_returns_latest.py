"""The services' latest returns the typical turnaround is worked out from (queries.advice_returns with
``latest``): on SQLite taken a service at a time through its index, on PostgreSQL ranked in one pass; both
give each service's newest N since the day asked, the later-recorded first among returns of one day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseworker.store.database import Database
from caseworker.store.models import AdviceRequest, AdviceService, Case
from caseworker.store.queries import advice_returns
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases

TODAY = date(2026, 3, 2)
SINCE = TODAY - timedelta(days=365)


def test_each_services_newest_returns_since_the_day(db: Database) -> None:
    with db.session() as s:
        write_cases(s, [CaseRecord(reference="EHC-0001", forename="Amelia", surname="Jones",
                                   date_of_birth=date(2016, 3, 2))], actor_id=None, today=TODAY)
        case_id = s.scalar(select(Case.id))
        services = [AdviceService(name=f"Service {n}", kind="ep", version=1) for n in range(4)]
        s.add_all(services)
        s.flush()
        for k in range(120):  # service 3 has only a few; days repeat, so order within a day counts
            service = services[k % 4] if k < 110 else services[k % 3]
            received = None if k % 11 == 0 else SINCE + timedelta(days=(k * 7) % 60 - 20)  # k, k + 60: one day
            s.add(AdviceRequest(case_id=case_id, kind="ep", service_id=service.id, requested_on=date(2024, 1, 1)
                                + timedelta(days=k), received_on=received))
        s.flush()
        rows = list(s.execute(select(AdviceService.name, AdviceRequest.id, AdviceRequest.requested_on,
                                     AdviceRequest.received_on).join(AdviceService)))
        got = advice_returns(s, since=SINCE, latest=5)
    expected = []
    for name in sorted({r[0] for r in rows}):
        theirs = sorted((r for r in rows if r[0] == name and r[3] is not None and r[3] >= SINCE),
                        key=lambda r: (r[3], r[1]), reverse=True)[:5]
        expected += [(name, r[2], r[3]) for r in theirs]
    assert sorted((r.service, r.requested, r.received) for r in got) == sorted(expected)
    assert len(expected) == 20  # 4 services, each with more than 5 returns in the year
