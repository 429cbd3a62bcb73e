"""A case with 50 documents (1 GiB kept in the database), opened in the desktop: the record with its lists
loaded and painted within 100 ms, and the desktop's peak memory within 300 MB.

The large demo database is copied once (cached under benchmarks/out/, named after the demo it was copied
from) and one open request given 50 PDF-shaped documents of about 21 MB each, written in a child process
so the runner's own memory stays its own. The desktop probe (benchmarks/desktop_probe.py ``--case``)
starts the app as usual, waits for My day and the Cases list, then opens that case a few times (each time
until the record, its Notes and its Documents lists have loaded and the page has painted) and copies one
document's bytes out as Open does, with their SHA-256 checked.

    python -m benchmarks.case_documents build --source LARGE.sqlite --out COPY.sqlite
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from benchmarks.datasets import OUT, Dataset, run_child
from benchmarks.desktop import OPEN_TARGET, RSS_TARGET_MB, desktop_available, run_probe
from benchmarks.measures import Row, ms, not_available

DOCUMENTS = 50
TOTAL_BYTES = 1024 ** 3  # 1 GiB across the case's documents: about 21 MB each, under the 25 MB limit
OPENS = 5
NAME = f"open a case with {DOCUMENTS} documents (1 GiB in the database), large"


def pick_case(conn: sqlite3.Connection) -> int:
    """An open request with a caseworker: the kind of case that gathers reports."""
    row = conn.execute("SELECT id FROM ehc_case WHERE received_on IS NOT NULL AND final_issued_on IS NULL "
                       "AND withdrawn_on IS NULL AND caseworker_id IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError("the demo has no open request with a caseworker")
    return int(row[0])


def add_documents(path: Path) -> int:
    """Give one case 50 documents totalling 1 GiB (each its own transaction, as attaching them would be)."""
    conn = sqlite3.connect(path)
    try:
        case_id = pick_case(conn)
        staff = conn.execute("SELECT caseworker_id FROM ehc_case WHERE id = ?", (case_id,)).fetchone()[0]
        each = TOTAL_BYTES // DOCUMENTS
        for n in range(DOCUMENTS):
            size = each if n < DOCUMENTS - 1 else TOTAL_BYTES - each * (DOCUMENTS - 1)
            header = b"%PDF-1.7\n"
            content = header + os.urandom(size - len(header))  # incompressible, as scans are
            added = f"2025-01-06 09:{n:02d}:00.000000"  # UTC, as the ORM writes it to SQLite
            with conn:
                cur = conn.execute(
                    "INSERT INTO case_document (case_id, file_name, media_type, size, sha256, kind, description, "
                    "dated, added_at, added_by_id, version) "
                    "VALUES (?, ?, 'application/pdf', ?, ?, ?, ?, NULL, ?, ?, 1)",
                    (case_id, f"Report {n + 1:02d}.pdf", size, hashlib.sha256(content).hexdigest(),
                     ("advice", "report", "correspondence", "plan", "other")[n % 5],
                     f"Benchmark document {n + 1}", added, staff))
                conn.execute("INSERT INTO document_content (document_id, content) VALUES (?, ?)",
                             (cur.lastrowid, content))
        return case_id
    finally:
        conn.close()


def build(source: Path, out: Path) -> None:
    partial = out.with_name(out.name + ".partial")
    shutil.copyfile(source, partial)
    case_id = add_documents(partial)
    partial.replace(out)
    out.with_suffix(".json").write_text(json.dumps({"case_id": case_id}))


def ensure_copy(d: Dataset) -> tuple[Path, int]:
    """The cached copy of the large demo with the documents in, built when missing or stale."""
    out = OUT / f"documents-{d.path.stem}.sqlite"
    side = out.with_suffix(".json")
    if not (out.exists() and side.exists()):
        for old in OUT.glob("documents-*"):  # copies of older demos
            old.unlink()
        print("copying the large demo and adding 1 GiB of documents (cached afterwards) ...", file=sys.stderr,
              flush=True)
        _wall, _peak, code = run_child([sys.executable, "-m", "benchmarks.case_documents", "build",
                                        "--source", str(d.path), "--out", str(out)])
        if code != 0:
            raise RuntimeError(f"adding the documents failed (exit {code})")
    return out, int(json.loads(side.read_text())["case_id"])


def case_documents_rows(d: Dataset, repeats: int) -> list[Row]:
    why = desktop_available()
    if why is not None:
        return [not_available(NAME, why, "<= 100 ms")]
    path, case_id = ensure_copy(d)
    copy = Dataset(d.scale, path, 0.0, 0.0, cached=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_probe(copy, Path(tmp), "--case", str(case_id), "--case-opens", str(OPENS))
                for _ in range(repeats)]
        # The same case in the demo it was copied from, without the documents: what they cost, on this machine now.
        plain = [run_probe(d, Path(tmp), "--case", str(case_id), "--case-opens", str(OPENS)) for _ in range(repeats)]
    for report in [*runs, *plain]:
        if report.get("code") != 0 or "named_case" not in report:
            sys.stderr.write(str(report.get("stderr", "")))
            last = (str(report.get("stderr", "")).strip().splitlines() or ["no output"])[-1]
            return [not_available(NAME, f"probe exit {report.get('code')}: {last[:100]}", "<= 100 ms")]
    opens = [min(times) for times in zip(*(r["named_case"] for r in runs), strict=True)]
    first, rest = opens[0], opens[1:]
    peak = max(float(r["peak_mb"]) for r in runs)
    listed = int(runs[0]["documents_listed"])
    read = min(float(r["document_read"]) for r in runs)
    size_mb = float(runs[0]["document_read_mb"])
    without = [min(times) for times in zip(*(r["named_case"] for r in plain), strict=True)]
    return [
        Row(f"{NAME} (loaded and painted)", f"worst {ms(max(rest))} of {len(rest)} (first {ms(first)}); "
            f"{listed} listed", "<= 100 ms", max(opens) <= OPEN_TARGET),
        Row("  the same case without its documents", f"worst {ms(max(without[1:]))} (first {ms(without[0])})",
            "report only"),
        Row(f"  opening one document: its bytes copied out ({size_mb:.1f} MB, SHA-256 checked)", ms(read),
            "report only"),
        Row("peak RSS of the desktop, that case opened", f"{peak:,.0f} MB", "<= 300 MB", peak <= RSS_TARGET_MB),
        Row("  the peak after start-up / the case opened / a document copied out",
            " / ".join(f"{max(float(r[k]) for r in runs):,.0f} MB"
                       for k in ("hwm_started_mb", "hwm_opened_mb", "hwm_read_mb")), "report only"),
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.case_documents")
    p.add_argument("command", choices=["build"])
    p.add_argument("--source", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)
    build(args.source, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
