"""Plans in place at a large council's scale: ``caseworker plans --json`` over the large demo's 20,000 plans,
and importing a 20,000-row tracker of plans in place with their plan columns.

The tracker is made from the large demo itself (each plan's child, contact, named setting, last review,
latest amendment and phase transfer), cached under benchmarks/out/ beside the demo it came from, and
imported into a fresh database holding only the team's staff, as a council's first import would be.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.datasets import LOGIN, OUT, SEED, TODAY, Dataset, run_child
from benchmarks.measures import CLI, Row, best_of, cli_available, ms, not_available

PLANS_WALL, PLANS_MB, IMPORT_SECONDS = 0.7, 150, 8.0
PLAN_COLUMNS = [
    "reference", "forename", "surname", "date_of_birth", "upn", "postcode", "primary_need", "school_urn",
    "school_name", "caseworker", "parent_name", "parent_address", "parent_postcode", "parent_email",
    "request_received", "final_plan_issued", "named_setting_urn", "named_setting_name", "named_setting_kind",
    "last_review_meeting", "last_review_decision", "last_review_decision_date", "amendment_notice_sent",
    "amended_plan_issued", "transfer_kind", "transfer_date", "phase_transfer_done",
]


def plans_rows(d: Dataset, repeats: int) -> list[Row]:
    """``caseworker plans --json`` on the large demo: wall time and peak memory, its output checked once."""
    name = f"caseworker plans --json, {d.scale} (wall)"
    why = cli_available()
    if why is not None:
        return [not_available(name, why, f"<= {ms(PLANS_WALL)}")]
    cmd = [str(CLI), "--database", d.url, "plans", "--json", "--today", TODAY.isoformat()]
    expected = _maintained(d.path)
    with tempfile.TemporaryDirectory() as tmp:  # a fast wrong answer is no answer
        out = Path(tmp) / "plans.json"
        with out.open("wb") as f:
            done = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE)
        if done.returncode != 0:
            return [not_available(name, f"exit {done.returncode}: {done.stderr.decode()[-80:]}")]
        listed = len(json.loads(out.read_text("utf-8"))["plans"])
    run_child(cmd)  # warm the page cache and the holiday cache
    best, peak = float("inf"), 0.0
    for _ in range(repeats):
        wall, rss, code = run_child(cmd)
        if code != 0:
            return [not_available(name, f"exit {code}")]
        best, peak = min(best, wall), max(peak, rss)
    checked = " (matches)" if listed == expected else f" (expected {expected:,})"
    return [Row(name, f"{ms(best)}; {listed:,} plans{checked}", f"<= {ms(PLANS_WALL)}",
                best <= PLANS_WALL and listed == expected),
            Row("  peak RSS of the command", f"{peak:,.0f} MB", f"<= {PLANS_MB} MB", peak <= PLANS_MB)]


def _maintained(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM ehc_case c WHERE c.final_issued_on IS NOT NULL AND c.id NOT IN "
                                "(SELECT case_id FROM plan_cease WHERE ceased_on IS NOT NULL)").fetchone()[0])
    finally:
        conn.close()


# ---------------------------------------------------------------- the plans tracker


def _uk(day: Any) -> str:
    """A stored ISO date as a tracker shows it (day first), blank for none."""
    return "" if day is None else f"{day[8:10]}/{day[5:7]}/{day[0:4]}"


def plans_tracker(d: Dataset) -> Path:
    """The cached tracker of every plan of the demo ``d`` (20,000 rows at the large scale)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"plans-tracker-{d.path.stem}.csv"
    if path.exists():
        return path
    for old in OUT.glob("plans-tracker-*.csv"):
        old.unlink()
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=PLAN_COLUMNS)
        w.writeheader()
        w.writerows(_tracker_rows(d.path))
    partial.replace(path)
    return path


def _tracker_rows(db: Path) -> list[dict[str, str]]:
    conn = sqlite3.connect(db)
    try:
        last_review = {cid: row for cid, *row in conn.execute(
            "SELECT case_id, meeting_on, decision, notified_on FROM plan_review WHERE notified_on IS NOT NULL "
            "ORDER BY notified_on")}  # the latest decided review wins
        notice = {cid: row for cid, *row in conn.execute(
            "SELECT case_id, notice_sent_on, final_issued_on FROM plan_amendment ORDER BY notice_sent_on")}
        moves = {cid: row for cid, *row in conn.execute(
            "SELECT case_id, kind, transfer_date, done_on FROM phase_transfer ORDER BY transfer_date")}
        rows = []
        for (cid, ref, forename, surname, born, upn, postcode, need, school_urn, school_name, username, parent,
             address, parent_postcode, email, issued, urn, name, kind) in conn.execute(
                "SELECT c.id, c.reference, ch.forename, ch.surname, ch.date_of_birth, ch.upn, ch.postcode, "
                "ch.primary_need, s.urn, s.name, st.username, p.name, p.address, p.postcode, p.email, "
                "c.final_issued_on, n.urn, n.name, n.kind FROM ehc_case c JOIN child ch ON ch.id = c.child_id "
                "LEFT JOIN school s ON s.id = ch.school_id LEFT JOIN staff st ON st.id = c.caseworker_id "
                "LEFT JOIN contact p ON p.child_id = ch.id AND p.main_correspondent "
                "LEFT JOIN school n ON n.id = c.named_setting_id WHERE c.final_issued_on IS NOT NULL ORDER BY c.id"):
            meeting, decision, notified = last_review.get(cid, (None, None, None))
            sent, amended = notice.get(cid, (None, None))
            kind_of_move, moving, moved = moves.get(cid, (None, None, None))
            rows.append({
                "reference": ref, "forename": forename, "surname": surname, "date_of_birth": _uk(born),
                "upn": upn or "", "postcode": postcode or "", "primary_need": need or "",
                "school_urn": school_urn or "", "school_name": school_name or "", "caseworker": username or "",
                "parent_name": parent or "", "parent_address": address or "", "parent_postcode": parent_postcode or "",
                "parent_email": email or "", "request_received": "", "final_plan_issued": _uk(issued),
                "named_setting_urn": urn or "", "named_setting_name": name or "", "named_setting_kind": kind or "",
                "last_review_meeting": _uk(meeting), "last_review_decision": decision or "",
                "last_review_decision_date": _uk(notified), "amendment_notice_sent": _uk(sent),
                "amended_plan_issued": _uk(amended), "transfer_kind": kind_of_move or "",
                "transfer_date": _uk(moving), "phase_transfer_done": _uk(moved)})
        return rows
    finally:
        conn.close()


def plans_import_rows(d: Dataset, repeats: int) -> list[Row]:
    """Importing the plans tracker into a database holding the team's staff: best of ``repeats``."""
    from caseworker.context import AppContext, fixed_clock
    from caseworker.demo.generate import SCALES, generate
    from caseworker.services.actor import resolve_actor
    from caseworker.services.importing import import_tracker
    from caseworker.store.database import open_database
    from caseworker.store.writer import add_staff

    tracker = plans_tracker(d)
    rows = sum(1 for _ in tracker.open(encoding="utf-8")) - 1
    name = f"import {rows:,}-row tracker of plans in place (.csv)"
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        template, work = tmp / "template.sqlite", tmp / "work.sqlite"
        db = open_database(f"sqlite:///{template}")
        with db.session() as s:
            add_staff(s, generate(SCALES["large"], today=TODAY, login=LOGIN, seed=SEED).staff)
        db.dispose()
        state: dict[str, Any] = {}

        def fresh() -> None:
            if "db" in state:
                state["db"].dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(template, work)
            state["db"] = open_database(f"sqlite:///{work}")
            state["ctx"] = AppContext(db=state["db"], clock=fixed_clock(TODAY))
            with state["db"].session() as s:
                state["actor"] = resolve_actor(s, LOGIN)

        try:
            seconds, report = best_of(repeats, lambda: import_tracker(state["ctx"], state["actor"], tracker),
                                      setup=fresh)
        except Exception as exc:  # an importer refusing the file is a finding, not a crash
            return [not_available(name, f"{type(exc).__name__}: {str(exc)[:80]}", f"<= {IMPORT_SECONDS:.0f} s")]
        finally:
            if "db" in state:
                state["db"].dispose()
    return [Row(name, f"{ms(seconds)} ({report.added:,} added)", f"<= {IMPORT_SECONDS:.0f} s",
                seconds <= IMPORT_SECONDS)]
