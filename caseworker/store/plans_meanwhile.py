"""The plans' read started early, to run while the caller reads and works out the rest of a page.

On SQLite the database runs inside this process, and Python's sqlite3 lets go of the interpreter lock while
SQLite works: a statement run on another thread uses a second core, but only while SQLite is computing, not
while rows are handed over one at a time (each hand-over waits for the lock). So the statement is run on its
own connection and thread with its rows ordered: SQLite then works out and sorts every row before it hands
over the first, all of it without the lock, and the caller takes the rows, ready, when it needs them. On the
whole team's My day that is most of the plans' statement (about 80 ms of a large council's) off the time to
show the page, run beside the requests' read and their deadlines.

On PostgreSQL the statement runs when the rows are wanted, through the caller's own session (the server
does the work there; a second connection would cost a check of it, a round trip over a council's network).
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, CursorResult
from sqlalchemy.orm import Session

from caseworker.statutory.engine import collector_paused
from caseworker.statutory.plan_facts import PlanFacts
from caseworker.store.plan_reads import plan_facts, read_rows
from caseworker.store.plan_selects import plan_rows
from caseworker.store.plan_work_reads import Among
from caseworker.store.reads import Dialect


class PlansMeanwhile:
    """The maintained plans of ``plan_reads.plan_facts(session, caseworker=..., among=..., latest_reviews=True)``
    (the reviews the plans' schedule reads), started now (on SQLite, on a connection and thread of their
    own); ``result()`` gives them, ``close()`` gives up."""

    def __init__(self, session: Session, *, caseworker: str | None = None, among: Among | None = None) -> None:
        self._session, self._caseworker, self._among = session, caseworker, among
        self._conn: Connection | None = None
        self._rows: CursorResult[Any] | None = None
        self._failed: BaseException | None = None
        self._thread: threading.Thread | None = None
        bind = session.get_bind()
        if bind.dialect.name == "sqlite":
            self._thread = threading.Thread(target=self._run, args=(bind,), name="plans read", daemon=True)
            self._thread.start()

    def _run(self, bind: Any) -> None:
        try:
            stmt = plan_rows(by_caseworker=self._caseworker is not None, among=None if self._among is None
                             else self._among[0], whole_first=True, latest_reviews=True)
            self._conn = bind.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._rows = self._conn.execute(stmt, _params(self._caseworker, self._among))
        except BaseException as exc:  # handed to the caller by result()
            self._failed = exc

    def result(self) -> list[PlanFacts]:
        if self._thread is None:
            return plan_facts(self._session, caseworker=self._caseworker, among=self._among, latest_reviews=True)
        try:
            self._thread.join()
            if self._failed is not None:
                raise self._failed
            assert self._rows is not None
            with collector_paused():
                return read_rows(self._rows.cursor, Dialect("sqlite"))
        finally:
            self.close()

    def close(self) -> None:
        """Let the connection go (waiting for the statement first, when it is still running)."""
        if self._thread is not None:
            self._thread.join()
        if self._rows is not None:
            self._rows.close()
            self._rows = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _params(caseworker: str | None, among: Among | None) -> dict[str, Any]:
    params: dict[str, Any] = {} if among is None else dict(among[1])
    if caseworker is not None:
        params["caseworker"] = caseworker
    return params
