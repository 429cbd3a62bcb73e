"""Letters: a batch of 500 chase letters (made, hashed, logged) and the final plan cover letter's rate.

Each batch runs in its own process (benchmarks.letters_probe, measured by benchmarks.spawn) on a copy of
the large demo, so the figures are the batch's own time and peak memory; 100 and 500 letters are both
run to show whether memory grows with the batch.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.datasets import ROOT, TODAY, Dataset, run_child
from benchmarks.measures import Row, ms

CHASE_TARGET_S = 5.0
FLAT_MB = 20.0  # 400 more letters may not cost more than this much more memory


def _probe(db: Path, what: str, n: int) -> tuple[dict[str, float], float]:
    """The probe's own report (its timing of the batch alone, from stdout)."""
    cmd = [sys.executable, "-m", "benchmarks.letters_probe", str(db), what, str(n), TODAY.isoformat()]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT.parent)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "probe failed")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report, float("nan")


def _fresh_copy(d: Dataset, tmp: Path) -> Path:
    copy = tmp / "letters.sqlite"
    shutil.copyfile(d.path, copy)
    return copy


def letters_rows(d: Dataset, repeats: int) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        best, made, peaks = float("inf"), 0, {}
        for n in (100, 500):
            for _ in range(repeats if n == 500 else 1):
                db = _fresh_copy(d, tmp)  # a fresh log each time: the same 500 letters are due again
                report, _ = _probe(db, "chase", n)
                if n == 500:
                    best, made = min(best, report["seconds"]), int(report["letters"])
            db = _fresh_copy(d, tmp)
            cmd = [sys.executable, "-m", "benchmarks.letters_probe", str(db), "chase", str(n), TODAY.isoformat()]
            _, peaks[n], _ = run_child(cmd)
        rate = made / best if best else 0.0
        rows.append(Row(f"{made} chase letters made, hashed and logged, {d.scale}", f"{ms(best)} ({rate:,.0f}/s)",
                        "<= 5 s", best <= CHASE_TARGET_S and made == 500))
        growth = peaks[500] - peaks[100]
        rows.append(Row("  peak RSS, 100 then 500 letters", f"{peaks[100]:,.0f} MB, {peaks[500]:,.0f} MB "
                        f"(+{growth:,.0f} MB)", f"<= +{FLAT_MB:.0f} MB", growth <= FLAT_MB))
        report, _ = _probe(_fresh_copy(d, tmp), "final", 50)
        per = report["seconds"] / max(report["letters"], 1)
        rows.append(Row(f"final plan cover letter ({report['pages']:.0f} pages), {d.scale}",
                        f"{ms(per)} each ({1 / per:,.0f}/s)", "report only"))
    return rows
