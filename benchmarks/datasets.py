"""The benchmark's data: demo databases per scale and a 5,000-row tracker, cached under benchmarks/out/.

A cached file is named after the scale, the date, the seed and a fingerprint of the code that made
it (the demo package, the writer, the migrations), so changing that code rebuilds it and nothing
stale is ever measured. Databases are built in a child process (its time and peak memory are
recorded beside the file) so the runner's own memory figure is about the measurements alone.

    python -m benchmarks.datasets build --scale large --out benchmarks/out/x.sqlite
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import caseworker

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
TODAY = date(2025, 3, 3)  # a fixed Monday: cached data stays valid whatever day the runner runs
SEED = 2014
LOGIN = "benchlead"
TRACKER_ROWS = 5_000
ADVICE_KINDS = ("ep", "health", "social_care", "education")

TRACKER_COLUMNS = [
    "reference", "forename", "surname", "date_of_birth", "upn", "nhs_number", "uln", "postcode",
    "primary_need", "school_urn", "school_name", "caseworker", "parent_name", "parent_address",
    "parent_postcode", "parent_email", "request_received", "request_source", "decision_to_assess",
    "decision_to_assess_date",
    *[f"{k}_advice_{what}" for k in ADVICE_KINDS for what in ("requested", "received", "service")],
    "decision_to_issue", "decision_to_issue_date", "draft_plan_sent", "final_plan_issued",
    "exception_ground", "exception_recorded",
    # Version 2 of the tracker: how each advice request went, the exception's dates, the named setting.
    *[f"{k}_advice_sent_by" for k in ADVICE_KINDS], "exception_from", "exception_to",
    "named_setting_urn", "named_setting_name", "named_setting_kind",
]


def fingerprint(*, tracker: bool = False) -> str:
    """A short hash of the code a cached file depends on (the tracker also on this module)."""
    pkg = Path(caseworker.__file__).resolve().parent
    files = sorted([*(pkg / "demo").glob("*.py"), pkg / "store" / "writer.py", pkg / "store" / "models.py",
                    *(pkg / "store" / "migrations" / "versions").glob("*.py")])
    if tracker:
        files.append(Path(__file__).resolve())
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


@dataclass
class Dataset:
    scale: str
    path: Path
    build_seconds: float
    build_peak_mb: float
    cached: bool

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def run_child(cmd: list[str]) -> tuple[float, float, int]:
    """Run a command (output discarded); its wall time, its own peak RSS in MB and its exit code.

    Measured by ``benchmarks.spawn`` so the peak is the command's, not inherited from this process.
    """
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        done = subprocess.run([sys.executable, "-m", "benchmarks.spawn", str(result), *cmd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT.parent)
        if done.returncode != 0 or not result.exists():
            sys.stderr.write(done.stderr.decode(errors="replace"))
            return float("nan"), float("nan"), done.returncode or 1
        info = json.loads(result.read_text())
    if info["code"] != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
    return float(info["wall"]), float(info["peak_mb"]), int(info["code"])


def ensure_dataset(scale: str, *, today: date = TODAY, seed: int = SEED) -> Dataset:
    """The cached demo database for ``scale``, built (in a child process) when missing or stale."""
    OUT.mkdir(parents=True, exist_ok=True)
    stem = f"demo-{scale}-{today.isoformat()}-{seed}-{fingerprint()}"
    path = OUT / f"{stem}.sqlite"
    side = _sidecar(path)
    if path.exists() and side.exists():
        info = json.loads(side.read_text())
        return Dataset(scale, path, info["build_seconds"], info["build_peak_mb"], cached=True)
    for old in OUT.glob(f"demo-{scale}-*"):  # older code's caches
        old.unlink()
    partial = OUT / f"{stem}.partial.sqlite"
    cmd = [sys.executable, "-m", "benchmarks.datasets", "build", "--scale", scale, "--out", str(partial),
           "--today", today.isoformat(), "--seed", str(seed)]
    print(f"building the {scale} demo database (cached afterwards) ...", file=sys.stderr, flush=True)
    wall, peak, code = run_child(cmd)
    if code != 0:
        raise RuntimeError(f"building the {scale} demo failed (exit {code})")
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.replace(path)
    side.write_text(json.dumps({"build_seconds": wall, "build_peak_mb": peak}))
    return Dataset(scale, path, wall, peak, cached=False)


def build(scale: str, out: Path, today: date, seed: int) -> None:
    from caseworker.demo import build_demo

    for suffix in ("", "-wal", "-shm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    summary = build_demo(f"sqlite:///{out}", scale=scale, today=today, login=LOGIN, seed=seed)
    print(summary.describe(), file=sys.stderr)


# ---------------------------------------------------------------- the tracker


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day is not None else ""


def _yes_no(answer: bool | None) -> str:
    return "" if answer is None else ("yes" if answer else "no")


def tracker_rows(n: int = TRACKER_ROWS, *, today: date = TODAY, seed: int = SEED) -> list[dict[str, str]]:
    """``n`` tracker rows from demo data: four in five requests of the last year, the rest older plans."""
    from caseworker.demo.details import DemoRecord, Details
    from caseworker.demo.generate import SCALES, generate

    data = generate(SCALES["large"], today=today, login=LOGIN, seed=seed)
    settings = {s.record.urn: (s.name, s.kind) for s in data.schools}
    requests = [r for r in data.requests if r.withdrawn is None]  # the tracker has no withdrawal column
    rng = random.Random(seed)
    picked = rng.sample(requests, min(len(requests), n * 4 // 5))
    plans = next(data.plan_batches(n - len(picked)))
    rows = []
    for r in sorted([*picked, *plans], key=lambda r: r.reference):
        main = next(c for c in r.contacts if c.main_correspondent)
        row = {
            "reference": r.reference, "forename": r.forename or "", "surname": r.surname or "",
            "date_of_birth": _d(r.date_of_birth), "upn": r.upn or "", "nhs_number": r.nhs_number or "",
            "uln": r.uln or "", "postcode": r.postcode or "", "primary_need": r.primary_need or "",
            "school_urn": r.school_urn or "", "school_name": r.school_name or "", "caseworker": r.caseworker or "",
            "parent_name": main.name, "parent_address": main.address or "", "parent_postcode": main.postcode or "",
            "parent_email": main.email or "", "request_received": _d(r.received),
            "request_source": r.request_source or "", "decision_to_assess": _yes_no(r.decision_to_assess),
            "decision_to_assess_date": _d(r.decision_to_assess_on),
            "decision_to_issue": _yes_no(r.decision_to_issue), "decision_to_issue_date": _d(r.decision_to_issue_on),
            "draft_plan_sent": _d(r.draft_sent), "final_plan_issued": _d(r.final_issued),
            "exception_ground": r.exceptions[0].ground if r.exceptions else "",
            "exception_recorded": _d(r.exceptions[0].recorded) if r.exceptions else "",
        }
        details = r.details if isinstance(r, DemoRecord) else Details()
        began, ended = (details.exception_dates.get((r.exceptions[0].ground, r.exceptions[0].recorded), (None, None))
                        if r.exceptions else (None, None))
        row.update(exception_from=_d(began), exception_to=_d(ended))
        # A plan names the child's own school or college (as the demo does), with its kind.
        urn = details.named_setting_urn or (r.school_urn if r.is_plan_in_place else None)
        name, kind = settings[urn] if urn else ("", "")
        row.update(named_setting_urn=urn or "", named_setting_name=name, named_setting_kind=kind)
        for kind in ADVICE_KINDS:
            a = next((a for a in r.advice if a.kind == kind), None)
            row[f"{kind}_advice_requested"] = _d(a.requested) if a else ""
            row[f"{kind}_advice_received"] = _d(a.received) if a else ""
            row[f"{kind}_advice_service"] = (a.service or "") if a else ""
            row[f"{kind}_advice_sent_by"] = details.sent_by.get(kind, "") if a else ""
        rows.append(row)
    return rows


def ensure_tracker(kind: str = "csv", n: int = TRACKER_ROWS) -> Path:
    """The cached tracker file (``csv`` or ``xlsx``) with ``n`` rows."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"tracker-{n}-{TODAY.isoformat()}-{SEED}-{fingerprint(tracker=True)}.{kind}"
    if path.exists():
        return path
    for old in OUT.glob(f"tracker-{n}-*.{kind}"):
        old.unlink()
    rows = tracker_rows(n)
    partial = path.with_name(path.name + ".partial")
    if kind == "csv":
        with partial.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=TRACKER_COLUMNS)
            w.writeheader()
            w.writerows(rows)
    else:
        _write_xlsx(partial, rows)
    partial.replace(path)
    return path


def _write_xlsx(path: Path, rows: list[dict[str, str]]) -> None:
    """The same rows as a first sheet, dates as real Excel date cells (as a tracker in Excel has them)."""
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tracker")
    ws.append(TRACKER_COLUMNS)
    for row in rows:
        cells: list[object] = []
        for col in TRACKER_COLUMNS:
            value = row[col]
            if len(value) == 10 and value[2] == "/" and value[5] == "/":
                cells.append(datetime.strptime(value, "%d/%m/%Y").date())
            else:
                cells.append(value)
        ws.append(cells)
    wb.save(path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.datasets")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build one demo database")
    b.add_argument("--scale", required=True)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--today", type=date.fromisoformat, default=TODAY)
    b.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    build(args.scale, args.out, args.today, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
