"""The Linux desktop bundle (installer/build.sh): its size, and its cold start to first paint on the demo.

Measured on the bundle build.sh leaves in build/bundle/caseworker and its .tar.gz in dist/; without them the
rows say "not built" (the runner never builds it: about a minute and a half). The bundle builds the demo
team's database in a new user's home folder, then each start opens the desktop on it with Qt's offscreen
platform and ``CASEWORKER_QUIT_AFTER_PAINT=1`` (ui/smoke.py), which prints the moment the main window first
painted on the system-wide monotonic clock; the time is from just before the process starts to then.

Cold: the bundle's own files are dropped from the page cache before each start (``posix_fadvise(DONTNEED)``;
no root needed), as after a reboot; the best of at least two such starts, the first of which is also the
program's first start in that home folder (shown beside it). Warm: the best of the later starts, files cached.
The disk's speed decides much of the cold figure: on a machine busy with other work it varies by half.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.datasets import ROOT
from benchmarks.measures import Row, ms, not_available

REPO = ROOT.parent
BUNDLE = REPO / "build" / "bundle" / "caseworker"
DIST = REPO / "dist"
SIZE_TARGET_MB, COLD_TARGET = 250.0, 1.5
SIZE, COLD = "desktop bundle, unpacked (installer/build.sh)", "bundle cold start -> first paint, demo"
PAINTED = "caseworker: first paint at monotonic"  # ui/smoke.py's report line
WAIT_SECONDS = 60.0
NO_REPORT = "no first paint reported (does ui/app.py call ui/smoke.py?)"


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def forget_cached_pages(folder: Path) -> None:
    """Drop the folder's files from the page cache, so the next start reads them from disk."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def bundle_env(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **extra}


def seconds_to_first_paint(home: Path) -> float:
    """Start the bundled desktop on the demo; seconds until its main window first painted."""
    env = bundle_env(home, QT_QPA_PLATFORM="offscreen", CASEWORKER_QUIT_AFTER_PAINT="1")
    started = time.monotonic()
    try:
        done = subprocess.run([str(BUNDLE / "caseworker"), "--demo"], env=env, cwd=home, capture_output=True,
                              text=True, timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{NO_REPORT} within {WAIT_SECONDS:.0f} s") from None
    painted = [line for line in done.stdout.splitlines() if line.startswith(PAINTED)]
    if done.returncode != 0 or not painted:
        last = (done.stderr.strip().splitlines() or [NO_REPORT])
        raise RuntimeError(f"exit {done.returncode}: {last[-1][:100]}")
    return float(painted[0].split()[-1]) - started


def cold_start(home: Path) -> float:
    forget_cached_pages(BUNDLE)
    return seconds_to_first_paint(home)


def bundle_rows(repeats: int) -> list[Row]:
    """Unpacked and packed size; cold and warm start to first paint on the demo."""
    if not (BUNDLE / "caseworker").is_file():
        return [not_available(SIZE, "not built: run installer/build.sh", f"<= {SIZE_TARGET_MB:.0f} MB"),
                not_available(COLD, "not built", f"<= {COLD_TARGET} s")]
    size = folder_mb(BUNDLE)
    rows = [Row(SIZE, f"{size:,.0f} MB", f"<= {SIZE_TARGET_MB:.0f} MB", size <= SIZE_TARGET_MB)]
    packed = sorted(DIST.glob("caseworker-*-linux-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if packed:
        rows.append(Row(f"  {packed[-1].name}", f"{packed[-1].stat().st_size / 2**20:,.0f} MB", "report only"))
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        try:
            subprocess.run([str(BUNDLE / "caseworker"), "demo"], env=bundle_env(home), cwd=home, check=True,
                           capture_output=True, timeout=WAIT_SECONDS)
            cold_runs = [cold_start(home) for _ in range(max(2, repeats))]
            warm = min(seconds_to_first_paint(home) for _ in range(repeats + 1))
        except (RuntimeError, subprocess.SubprocessError) as exc:
            return [*rows, not_available(COLD, str(exc), f"<= {COLD_TARGET} s")]
    cold = min(cold_runs)
    rows.append(Row(f"{COLD} (files not in memory)", f"{ms(cold)} (best of {len(cold_runs)}; first start "
                    f"{ms(cold_runs[0])})", f"<= {COLD_TARGET} s", cold <= COLD_TARGET))
    rows.append(Row("  the same, warm (files cached)", f"{ms(warm)} (best of {repeats + 1})", "report only"))
    return rows
