"""My day's reads that SQLite can work out on a second core, started first and taken when needed.

On SQLite the database runs inside this process, and Python's sqlite3 lets go of the interpreter lock while
SQLite works: a statement run on another thread uses a second core, but only while SQLite is computing, not
while rows are handed over one at a time (each hand-over waits for the lock). So the services' latest advice
returns (for the typical turnaround) and the plans that may have work are run one after the other on a
connection and thread of their own, each with its rows ordered: SQLite then works out and sorts every row
before it hands over the first, all of it without the lock, and the caller takes the rows, ready, when it
needs them. On the whole team's My day that is most of both statements (about 100 ms of a large council's)
off the time to show the page, run beside the requests' read and their deadlines.

On PostgreSQL each statement runs when its rows are wanted, through the caller's own session (the server does
the work there; a second connection would cost a check of it, a round trip over a council's network).
"""

from __future__ import annotations

import threading
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import literal_column
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from caseworker.statutory.engine import collector_paused
from caseworker.statutory.plan_facts import PlanFacts
from caseworker.statutory.risk import AdviceReturn, typical_turnaround
from caseworker.statutory.rules import Rules
from caseworker.store.plan_reads import plan_facts, read_rows
from caseworker.store.plan_selects import plan_rows
from caseworker.store.plan_work_reads import Among
from caseworker.store.queries import advice_returns, advice_returns_select, returns_of
from caseworker.store.reads import Dialect

RETURNS, PLANS = "returns", "plans"


class MyDayReads:
    """The services' latest advice returns (``queries.advice_returns(session, since, latest)``) and the
    maintained plans of ``plan_reads.plan_facts(session, caseworker=..., among=..., latest_reviews=True)``
    (the reviews the plans' schedule reads), started now: on SQLite on a connection and thread of their own.
    ``returns()`` (or ``turnaround()``) and ``plans()`` give them; ``close()`` lets the connection go, taken
    or not.

    The statements are compiled here, on the caller's thread: the other thread only runs them, inside SQLite,
    without the lock. Python work on it (compiling takes 15 ms) would hold the lock each time the caller's own
    statements let go of it between their rows, and stall the caller for as long."""

    def __init__(self, session: Session, *, since: date, latest: int, caseworker: str | None = None,
                 among: Among | None = None) -> None:
        self._session, self._since, self._latest = session, since, latest
        self._caseworker, self._among = caseworker, among
        self._conn: Any = None  # the pool's DB-API connection
        self._done: dict[str, Any] = {}  # DB-API cursors, each having run its statement
        self._ready = {RETURNS: threading.Event(), PLANS: threading.Event()}
        self._failed: BaseException | None = None
        self._returns: list[AdviceReturn] | None = None
        self._turnaround: dict[str, int] | None = None
        self._thread: threading.Thread | None = None
        engine = session.get_bind().engine
        if _sqlite_file(engine):
            returns = advice_returns_select("sqlite", since, latest).order_by(literal_column("1"))
            plans = plan_rows(by_caseworker=caseworker is not None, among=None if among is None else among[0],
                              whole_first=True, latest_reviews=True)
            jobs = [(RETURNS, *_driver_sql(returns, engine.dialect, {})),
                    (PLANS, *_driver_sql(plans, engine.dialect, _params(caseworker, among)))]
            self._conn = engine.raw_connection()
            self._thread = threading.Thread(target=self._run, args=(jobs, engine.dialect.loaded_dbapi.Error),
                                            name="My day's reads", daemon=True)
            self._thread.start()

    def _run(self, jobs: list[tuple[str, str, tuple[Any, ...]]], dbapi_error: type[Exception]) -> None:
        sql, params = "", ()
        try:
            for name, sql, params in jobs:
                cursor = self._conn.cursor()
                cursor.execute(sql, params)
                self._done[name] = cursor
                self._ready[name].set()
        except dbapi_error as exc:  # as SQLAlchemy would have raised it, for the caller
            self._failed = DBAPIError.instance(sql, params, exc, dbapi_error)
        except BaseException as exc:  # handed to the caller by returns() or plans()
            self._failed = exc
        finally:
            for ready in self._ready.values():
                ready.set()

    def _rows(self, name: str) -> Any:
        self._ready[name].wait()
        if name not in self._done:
            self.close()
            raise self._failed or RuntimeError(f"My day's {name} were not read")
        return self._done[name]

    def returns(self) -> list[AdviceReturn]:
        """The returns (read once: asked again, the same list)."""
        if self._returns is None:
            self._returns = self._read_returns()
        return self._returns

    def _read_returns(self) -> list[AdviceReturn]:
        if self._thread is None:
            return advice_returns(self._session, since=self._since, latest=self._latest)
        day = Dialect("sqlite").day_reader()  # the driver's own rows: ISO text, not dates
        return returns_of((name, day(requested), day(received))
                          for name, requested, received in self._rows(RETURNS).fetchall())

    def turnaround(self, rules: Rules) -> dict[str, int]:
        """Each service's typical days to return advice, from ``returns()`` (worked out once)."""
        if self._turnaround is None:
            self._turnaround = typical_turnaround(self.returns(), rules)
        return self._turnaround

    def plans(self) -> list[PlanFacts]:
        if self._thread is None:
            return plan_facts(self._session, caseworker=self._caseworker, among=self._among, latest_reviews=True)
        try:
            rows = self._rows(PLANS)
            with collector_paused():
                return read_rows(rows, Dialect("sqlite"))
        finally:
            self.close()

    def close(self) -> None:
        """Let the connection go (waiting for the statements first, when they are still running)."""
        if self._thread is not None:
            self._thread.join()
        for cursor in self._done.values():
            cursor.close()
        self._done.clear()
        if self._conn is not None:
            self._conn.close()  # back to the pool
            self._conn = None


@lru_cache(maxsize=16)
def _compiled(stmt: Any, dialect: Any) -> Any:
    return stmt.compile(dialect=dialect)


def _driver_sql(stmt: Any, dialect: Any, params: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The statement's SQL text for the driver, compiled once for each shape, and its values in order (days
    as SQLite keeps them, ISO text, as SQLAlchemy's own binding of a Date does)."""
    state = _compiled(stmt, dialect).construct_expanded_state(params)
    return state.statement, tuple(v.isoformat() if isinstance(v, date) else v for v in state.positional_parameters)


def _sqlite_file(engine: Any) -> bool:
    """A SQLite database in a file, which a second connection opens too (one in memory it would not: each
    connection has its own)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return bool(database) and database != ":memory:" and "mode=memory" not in str(engine.url)


def _params(caseworker: str | None, among: Among | None) -> dict[str, Any]:
    params: dict[str, Any] = {} if among is None else dict(among[1])
    if caseworker is not None:
        params["caseworker"] = caseworker
    return params
