"""A desktop on a council's network: the large demo in a local PostgreSQL, reached through a relay that adds
20 ms to every round trip (``benchmarks.delay_proxy``), as an office link or VPN to the team's server would.

Measured through the services the desktop calls, in this process: opening a case (the record's own load,
what the window waits for before it shows the case), My day's data for the whole team, and the Cases list's
data; and, in a child process, the desktop's first paint (``benchmarks.desktop_probe``, as for SQLite).
The cluster is a throwaway one (``initdb`` + ``pg_ctl``); with no PostgreSQL server binaries installed the
figures are "not available".
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from benchmarks.datasets import LOGIN, SEED, TODAY, Dataset
from benchmarks.delay_proxy import DelayProxy
from benchmarks.measures import Row, ms, not_available

ROUND_TRIP_MS = 20.0
OPEN_TARGET, PAINT_TARGET, MY_DAY_TARGET = 0.100, 1.0, 1.5
CASES_OPENED = 20
OPEN = f"open a case over {ROUND_TRIP_MS:.0f} ms round trips, PostgreSQL, large"


@contextmanager
def team_database() -> Iterator[str]:
    """A throwaway cluster holding the large demo; yields its server address as host:port/database."""
    from caseworker.demo import build_demo
    from tests.pg import throwaway_cluster

    with throwaway_cluster() as server:
        import psycopg

        plain = server.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE large")
        url = f"{server}/large"
        print("building the large demo in PostgreSQL ...", file=sys.stderr, flush=True)
        build_demo(url, scale="large", today=TODAY, login=LOGIN, seed=SEED)
        yield staff_login(url, LOGIN)


def staff_login(url: str, login: str) -> str:
    """As a team's DBA sets one up: a server login named as the demo's team lead, the team's groups and
    rights (``caseworker db init-team``), the login put in the group of its staff role
    (``caseworker db sync-logins``); returns the URL signing in as that login. On a team database the
    desktop acts as whoever signed in, so this is who the benchmark's desktop is."""
    import contextlib
    import io

    import psycopg
    from sqlalchemy.engine import make_url

    from caseworker.cli import main as caseworker

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{login}" LOGIN')
    with contextlib.redirect_stdout(io.StringIO()):
        for step in (["db", "init-team"], ["db", "sync-logins"]):
            if caseworker(["--database", url, *step]) != 0:
                raise RuntimeError(f"caseworker {' '.join(step)} failed on the benchmark's database")
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def _host_port(url: str) -> tuple[str, int]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.host or "127.0.0.1", parsed.port or 5432


def _trips(proxy: DelayProxy, fn: Callable[[], Any]) -> int:
    """How many times one call sent to the database (each a round trip, whatever the machine's load)."""
    before = proxy.sent
    fn()
    return proxy.sent - before


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _service_rows(url: str, repeats: int, proxy: DelayProxy) -> list[Row]:
    from sqlalchemy import select

    from caseworker.context import AppContext, fixed_clock
    from caseworker.store.database import open_database
    from caseworker.store.models import Case
    from caseworker.views.case_detail import load_case_detail
    from caseworker.views.case_list import load_case_rows
    from caseworker.views.my_day import load_my_day

    db = open_database(url)
    try:
        ctx = AppContext(db=db, clock=fixed_clock(TODAY))
        with db.sessions() as s:  # every tenth case: requests and plans in place, as the demo mixes them
            ids = list(s.scalars(select(Case.id).where(Case.id % 10 == 0).order_by(Case.id).limit(CASES_OPENED)))
        load_case_detail(ctx, ids[0], TODAY)  # the pool's first connection, as a desktop has by then
        def opening(case_id: int) -> Callable[[], Any]:
            return lambda: load_case_detail(ctx, case_id, TODAY)

        opens = [min(_timed(opening(c)) for _ in range(repeats)) for c in ids]
        my_day = min(_timed(lambda: load_my_day(ctx, TODAY)) for _ in range(repeats))
        cases = min(_timed(lambda: load_case_rows(ctx, TODAY)) for _ in range(repeats))
        trips = (max(_trips(proxy, opening(c)) for c in ids), _trips(proxy, lambda: load_my_day(ctx, TODAY)),
                 _trips(proxy, lambda: load_case_rows(ctx, TODAY)))
    finally:
        db.dispose()
    median = statistics.median(opens)
    return [
        Row(OPEN, f"median {ms(median)}, worst {ms(max(opens))} of {len(opens)} cases; {trips[0]} round trips",
            f"<= {ms(OPEN_TARGET)}", median <= OPEN_TARGET),
        Row("  My day's data, whole team", f"{ms(my_day)}; {trips[1]} round trips", f"<= {MY_DAY_TARGET} s",
            my_day <= MY_DAY_TARGET),
        Row("  Cases list's data", f"{ms(cases)}; {trips[2]} round trips", "report only"),
    ]


def _paint_row(url: str) -> Row:
    from benchmarks.desktop import desktop_available, run_probe

    name = "  desktop start -> first paint"
    why = desktop_available()
    if why is not None:
        return not_available(name, why, "<= 1 s")
    remote = cast(Dataset, type("Remote", (), {"url": url})())  # the probe reads only the URL
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_probe(remote, Path(tmp), "--startup-only", as_user=None) for _ in range(2)]
    paints = [float(r["first_paint"]) for r in runs if r.get("code") == 0 and "first_paint" in r]
    if not paints:
        last = (str(runs[-1].get("stderr", "")).strip().splitlines() or ["no output"])[-1]
        return not_available(name, f"probe failed: {last[:80]}", "<= 1 s")
    return Row(name, f"{ms(min(paints))} (best of {len(paints)})", "<= 1 s", min(paints) <= PAINT_TARGET)


def latency_rows(repeats: int, url: str | None = None) -> list[Row]:
    """The figures over a 20 ms round trip (on ``url``'s demo when given, else a throwaway cluster's),
    or one "not available" row saying why not."""
    try:
        with team_database() if url is None else _given(url) as team:
            host, port = _host_port(team)
            with DelayProxy(host, port, round_trip_ms=ROUND_TRIP_MS) as proxy:
                remote = team.replace(f"{host}:{port}", f"127.0.0.1:{proxy.port}")
                return [*_service_rows(remote, repeats, proxy), _paint_row(remote)]
    except (RuntimeError, OSError) as exc:
        return [not_available(OPEN, str(exc)[:100], f"<= {ms(OPEN_TARGET)}")]


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


def main(argv: list[str] | None = None) -> int:
    import argparse

    from benchmarks.run import table

    p = argparse.ArgumentParser(prog="python -m benchmarks.latency", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a PostgreSQL database already holding the large demo (else one is built)")
    args = p.parse_args(argv)
    print(table(latency_rows(3, args.url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
