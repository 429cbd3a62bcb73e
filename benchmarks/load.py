"""Thirty desktops at once on one team database: each a process doing a caseworker's or a team lead's mix of
work through the services for two minutes, against the large demo in a local PostgreSQL.

Checked at the end: no errors, and no update lost. Every desktop adds notes to cases of its own and counts
them; and every desktop raises shared counters kept in a few contacts' address line, each raise a read
then a write that names the version read, retried when another desktop got there first (a refusal for a
changed version is the expected outcome, counted, not an error). The notes on the database must match the
notes counted, and each counter must equal the raises the desktops made. Run from the runner with
``--load`` (it takes minutes), or alone: ``python -m benchmarks.load [--url URL] [--seconds N]``.
"""

from __future__ import annotations

import multiprocessing
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as dt_time
from typing import Any

from benchmarks.datasets import TODAY
from benchmarks.measures import Row, ms, not_available

DESKTOPS, LEADS, SECONDS, COUNTERS = 30, 3, 120.0, 4
LOAD = f"load: {DESKTOPS} desktops at once, PostgreSQL, large"
MARK = "load test note"


def _counter_edit(contact: Any, value: int) -> Any:
    from caseworker.services.contacts import ContactEdit

    words = contact.name.split()  # the demo's contacts have a whole name only: split it once, the same way
    surname = contact.surname or (words[-1] if words else "Contact")
    forename = contact.forename or " ".join(words[:-1]) or None
    return ContactEdit(contact.role, surname, forename, contact.title or (None if forename else "Mx"),
                       contact.relationship,
                       f"{value} Load Test Road", contact.postcode or None, contact.phone or None,
                       contact.email or None, contact.main_correspondent)


def _raise_counter(ctx: Any, actor: Any, case_id: int, contact_id: int) -> int:
    """Read the counter, write it one higher naming the version read; retry on a refusal. Returns retries."""
    from caseworker.errors import ConflictError
    from caseworker.services.contacts import change_contact
    from caseworker.views.case_detail import load_case_detail

    retries = 0
    while True:
        contact = next(c for c in load_case_detail(ctx, case_id, TODAY, with_history=False).contacts
                       if c.id == contact_id)
        value = int(contact.address.split(" ", 1)[0])
        try:
            change_contact(ctx, actor, case_id, contact_id, _counter_edit(contact, value + 1),
                           expected_version=contact.version)
            return retries
        except ConflictError:
            retries += 1


def desktop(url: str, username: str, lead: bool, own: list[int], counters: list[tuple[int, int]],
            seconds: float, seed: int) -> dict[str, Any]:
    """One desktop's two minutes: its times per action, its notes and counter raises, and any errors."""
    from caseworker.context import AppContext, fixed_clock
    from caseworker.services.actor import resolve_actor
    from caseworker.services.case_notes import NOTE_KIND_TITLES, NoteInput, add_note
    from caseworker.store.database import open_database
    from caseworker.views.case_detail import load_case_detail
    from caseworker.views.case_list import load_case_rows
    from caseworker.views.my_day import load_my_day

    db = open_database(url)
    ctx = AppContext(db=db, clock=fixed_clock(TODAY))
    with db.sessions() as s:
        actor = resolve_actor(s, username)
    pick = random.Random(seed)
    kind = next(iter(NOTE_KIND_TITLES))
    morning = datetime.combine(TODAY, dt_time(9, 0))  # the demo's day (a note cannot be dated after it)
    out: dict[str, Any] = {"times": {}, "notes": 0, "raises": {}, "retries": 0, "errors": []}

    def note() -> None:
        add_note(ctx, actor, pick.choice(own), NoteInput(morning, kind, f"{MARK} by {username}"))
        out["notes"] += 1

    def counter() -> None:
        case_id, contact_id = pick.choice(counters)
        out["retries"] += _raise_counter(ctx, actor, case_id, contact_id)
        out["raises"][contact_id] = out["raises"].get(contact_id, 0) + 1

    mix: list[tuple[str, float, Callable[[], Any]]] = [
        ("open a case", 0.45, lambda: load_case_detail(ctx, pick.choice(own), TODAY)),
        ("My day", 0.10 if lead else 0.15, lambda: load_my_day(ctx, TODAY, None if lead else username)),
        ("add a note", 0.15, note),
        ("raise a shared counter", 0.20, counter),
    ] + ([("Cases list", 0.10, lambda: load_case_rows(ctx, TODAY))] if lead else [])
    weights = [w for _, w, _ in mix]
    ends = time.monotonic() + seconds
    try:
        while time.monotonic() < ends:
            name, _, action = pick.choices(mix, weights)[0]
            started = time.perf_counter()
            try:
                action()
            except Exception as exc:  # every failure is reported, not raised: the run counts them
                out["errors"].append(f"{name}: {type(exc).__name__}: {exc}"[:200])
                continue
            out["times"].setdefault(name, []).append(time.perf_counter() - started)
    finally:
        db.dispose()
    return out


def _plan(url: str) -> tuple[list[tuple[str, bool, list[int]]], list[tuple[int, int]]]:
    """Who each desktop is (its username, lead or not, its cases) and the shared counters, set to 0."""
    from sqlalchemy import func, select

    from caseworker.context import AppContext, fixed_clock
    from caseworker.services.actor import resolve_actor
    from caseworker.services.contacts import change_contact
    from caseworker.store.database import open_database
    from caseworker.store.models import Case, Staff
    from caseworker.views.case_detail import load_case_detail

    db = open_database(url)
    try:
        ctx = AppContext(db=db, clock=fixed_clock(TODAY))
        with db.sessions() as s:
            workers = list(s.execute(select(Staff.username, func.array_agg(Case.id)).join(
                Case, Case.caseworker_id == Staff.id).where(Staff.active.is_(True)).group_by(Staff.username)
                .order_by(func.count().desc()).limit(DESKTOPS)))
            lead = resolve_actor(s, s.scalar(select(Staff.username).where(Staff.role == "team_lead").limit(1)))
        desktops = [(name, i < LEADS, list(ids)[:200]) for i, (name, ids) in enumerate(workers)]
        desktops = [(lead.username if is_lead else name, is_lead, ids) for name, is_lead, ids in desktops]
        counters: list[tuple[int, int]] = []
        for _, _, ids in desktops:
            for case_id in ids:
                found = [c for c in load_case_detail(ctx, case_id, TODAY, with_history=False).contacts
                         if c.current and c.name.strip()]
                if found and len(counters) < COUNTERS:
                    counters.append((case_id, found[0].id))
                    change_contact(ctx, lead, case_id, found[0].id, _counter_edit(found[0], 0))
                    break
        return desktops, counters
    finally:
        db.dispose()


def _final(url: str, counters: list[tuple[int, int]]) -> tuple[dict[int, int], int]:
    """Each counter's value and the load test's notes, as the database holds them at the end."""
    from sqlalchemy import func, select

    from caseworker.store.casefile_models import CaseNote
    from caseworker.store.database import open_database
    from caseworker.store.models import Contact

    db = open_database(url)
    try:
        with db.sessions() as s:
            values = {cid: int((address or "0").split(" ", 1)[0]) for cid, address in s.execute(
                select(Contact.id, Contact.address).where(Contact.id.in_([c for _, c in counters])))}
            notes = s.scalar(select(func.count()).select_from(CaseNote).where(CaseNote.text.like(f"{MARK} by %")))
        return values, int(notes or 0)
    finally:
        db.dispose()


def load_rows(url: str | None = None, seconds: float = SECONDS) -> list[Row]:
    """The load test's table rows (on ``url`` when given, else a throwaway cluster's large demo)."""
    from benchmarks.latency import _given, team_database

    try:
        with team_database() if url is None else _given(url) as team:
            return _run(team, seconds)
    except (RuntimeError, OSError) as exc:
        return [not_available(LOAD, str(exc)[:100], "0 errors, 0 lost updates")]


def _run(url: str, seconds: float) -> list[Row]:
    desktops, counters = _plan(url)
    _, notes_before = _final(url, counters)
    jobs = [(url, name, lead, ids, counters, seconds, n) for n, (name, lead, ids) in enumerate(desktops)]
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.starmap(desktop, jobs)
    values, notes_after = _final(url, counters)
    errors = [e for r in results for e in r["errors"]]
    raised = {cid: sum(r["raises"].get(cid, 0) for r in results) for _, cid in counters}
    lost = sum(raised[cid] - values.get(cid, 0) for cid in raised) + \
        (sum(r["notes"] for r in results) - (notes_after - notes_before))
    retries = sum(r["retries"] for r in results)
    rows = [Row(LOAD, f"{len(errors)} errors ({errors[0][:60]})" if errors else "0 errors", "0 errors",
                not errors),
            Row("  updates lost (notes and shared counters checked)",
                f"{lost} of {sum(raised.values()) + notes_after - notes_before:,} "
                f"({retries:,} version refusals retried)", "0", lost == 0)]
    for name in sorted({n for r in results for n in r["times"]}):
        times = sorted(t for r in results for t in r["times"].get(name, []))
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        rows.append(Row(f"  {name}: p50, p95 of {len(times):,}", f"{ms(statistics.median(times))}, {ms(p95)}",
                        "report only"))
    return rows


def main(argv: list[str] | None = None) -> int:
    import argparse

    from benchmarks.run import table

    p = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a PostgreSQL database already holding the large demo (else one is built)")
    p.add_argument("--seconds", type=float, default=SECONDS)
    args = p.parse_args(argv)
    rows = load_rows(args.url, args.seconds)
    print(table(rows))
    return 1 if any(r.passed is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
