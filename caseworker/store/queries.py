"""Reads for lists and reports: no per-row lazy loads.

``load_request_facts`` is what the deadlines report and the dashboards stand on: two statements (the
requests, then their advice and exceptions together) however many requests there are; the selects are in
request_selects.py, run as kept SQL text by reads.py (docs/read-path.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from caseworker.statutory.engine import RequestFacts
from caseworker.statutory.risk import AdviceReturn
from caseworker.store import reads
from caseworker.store.models import AdviceRequest, AdviceService, Staff


def load_request_facts(session: Session, *, open_only: bool = True, caseworker: str | None = None,
                       references: Sequence[str] | None = None) -> list[RequestFacts]:
    """Every request (open ones by default) as engine input, sorted by reference."""
    conn = session.connection().connection.driver_connection
    return reads.load_request_facts(conn, reads.Dialect(session.get_bind().dialect.name), open_only=open_only,
                                    caseworker=caseworker, references=references)


def advice_returns(session: Session, since: date | None = None, latest: int | None = None) -> list[AdviceReturn]:
    """Advice that came back, per service, for the typical-turnaround figures; ``latest``: only each
    service's latest N returns (the figure uses no more), so a large council's thousands of returns are
    not read and made into objects on every load of My day."""
    return returns_of(session.execute(advice_returns_select(session.get_bind().dialect.name, since, latest)))


def returns_of(rows: Iterable[Any]) -> list[AdviceReturn]:
    """The returns from the rows of ``advice_returns_select`` (service, requested, received)."""
    return [AdviceReturn(name, req, rec) for name, req, rec in rows if rec is not None]


def advice_returns_select(dialect: str, since: date | None = None,
                          latest: int | None = None) -> Select[str, date | None, date | None]:
    """The statement ``advice_returns`` runs on this database (``dialect``: its name)."""
    received = (AdviceRequest.received_on.is_not(None),
                *(() if since is None else (AdviceRequest.received_on >= since,)))
    if latest is None:
        return (select(AdviceService.name, AdviceRequest.requested_on, AdviceRequest.received_on)
                .join(AdviceService, AdviceService.id == AdviceRequest.service_id).where(*received))
    if dialect == "sqlite":
        return _latest_by_service(since, latest)
    # PostgreSQL ranks every return in one pass (a correlated LIMIT would run for each row)
    newest = func.row_number().over(partition_by=AdviceService.name,
                                    order_by=(AdviceRequest.received_on.desc(), AdviceRequest.id.desc()))
    ranked = (select(AdviceService.name, AdviceRequest.requested_on, AdviceRequest.received_on,
                     newest.label("newest"))
              .join(AdviceService, AdviceService.id == AdviceRequest.service_id).where(*received).subquery())
    return select(ranked.c.name, ranked.c.requested_on, ranked.c.received_on).where(ranked.c.newest <= latest)


def _latest_by_service(since: date | None, latest: int) -> Select[str, date, date | None]:
    """Each service's latest returns, taken through the index on (service, day received) a service at a
    time: SQLite ranking every return of the year in a window sorts them all, four times the time."""
    newest = aliased(AdviceRequest, name="newest")
    kept = (select(newest.id).where(newest.service_id == AdviceService.id, newest.received_on.is_not(None),
                                    *(() if since is None else (newest.received_on >= since,)))
            .order_by(newest.received_on.desc(), newest.id.desc()).limit(latest))
    return (select(AdviceService.name, AdviceRequest.requested_on, AdviceRequest.received_on)
            .select_from(AdviceService).join(AdviceRequest, AdviceRequest.id.in_(kept)))


def staff_usernames(session: Session) -> set[str]:
    return set(session.scalars(select(Staff.username)))
