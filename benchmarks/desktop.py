"""The desktop's promises, measured in child processes on Qt's offscreen platform, at the large scale.

Each run starts ``benchmarks.desktop_probe`` through its own small launcher (the launcher reads the
clock just before it starts the probe, so start-up includes the interpreter's own start, and takes the
probe's own peak RSS from ``os.wait4``). Every run gets a fresh settings folder (no remembered window
layout: the window opens at its default 1400x850) and one data folder shared across the runs: the
first run finds no bank-holiday cache (a first start after installing), the others find it warm, as
every later start of the app does.

Runs: one first start (cold cache, start-up only), then ``repeats`` + 1 full runs, each of which starts
the app, waits for My day and the Cases list, types a real child's name without its accents into the
Cases search box a key at a time, exports the whole list (.xlsx, then .csv) and opens 21 cases. As
elsewhere in the runner, a figure is the best of the runs: start-up and export the best run's, and each
keystroke's and each case's time the best of its times across the runs
(the same name and cases in every run); median and worst are then over the 20 keystrokes and cases.
Peak memory is the highest of the runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.datasets import LOGIN, ROOT, SEED, TODAY, Dataset
from benchmarks.measures import LIBREOFFICE_SECONDS, Row, ms, not_available

KEYSTROKES = 20
CASES_OPENED = 20
START_TARGET, KEY_TARGET, OPEN_TARGET, RSS_TARGET_MB = 1.0, 0.050, 0.100, 300.0
EXPORT_TARGET = 3.0
MY_DAY_SHOWN = 1.2  # seconds from start, issue 13
START = "desktop start -> first paint, large"


def desktop_available() -> str | None:
    """None when the desktop can be started here, else why not."""
    import importlib.util

    for module in ("PySide6.QtWidgets", "ui.main_window"):
        try:
            if importlib.util.find_spec(module) is None:
                return f"no {module}"
        except ImportError as exc:
            return f"no {module}: {exc}"
    return None


def run_probe(d: Dataset, folder: Path, *extra: str, as_user: str | None = LOGIN) -> dict[str, Any]:
    """One probe run (via its launcher); its JSON report with ``wall``, ``peak_mb`` and ``code`` added.
    ``as_user``: whom the desktop acts as on a SQLite file; None on a team database, where the desktop
    acts as the login in the URL."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CASEWORKER_DATA_DIR=str(folder / "data"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app has its .pyc files: let the first run write them
    with tempfile.TemporaryDirectory() as config:  # QSettings: no remembered geometry or tab
        env["XDG_CONFIG_HOME"] = config
        # A 1920x1080 screen, where the window opens at its own 1400x850 (the offscreen platform's own
        # 800 px screen would open it maximised, smaller, and the figures would not compare).
        screen = Path(config) / "screen.json"
        screen.write_text(json.dumps({"screens": [{"name": "benchmark", "x": 0, "y": 0, "width": 1920, "height": 1080,
                                                   "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
        result = Path(config) / "result.json"
        cmd = [sys.executable, "-m", "benchmarks.desktop_probe", "launch", str(result), "--",
               "--database", d.url, *(["--as-user", as_user] if as_user else []),
               "--today", TODAY.isoformat(), "--seed", str(SEED), *extra]
        done = subprocess.run(cmd, env=env, cwd=ROOT.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0 or not result.exists():
            return {"code": done.returncode or 1, "stderr": done.stderr.decode(errors="replace")}
        report: dict[str, Any] = json.loads(result.read_text())
    return report


def _failed(report: dict[str, Any]) -> str | None:
    if report.get("code") == 0 and "first_paint" in report:
        return None
    last = (str(report.get("stderr", "")).strip().splitlines() or ["no output"])[-1]
    return f"probe exit {report.get('code')}: {last[:100]}"


def _spread(times: list[float]) -> str:
    return f"median {ms(statistics.median(times))}, worst {ms(max(times))} of {len(times)}"


def best_each(runs: list[dict[str, Any]], key: str) -> list[float]:
    """The best of the runs for each keystroke (or case): the same keys and cases in every run."""
    return [min(times) for times in zip(*(map(float, r[key]) for r in runs), strict=True)]


def desktop_rows(d: Dataset, repeats: int) -> list[Row]:
    """Start-up (first paint, My day, Cases), search keystrokes, opening cases and peak memory."""
    why = desktop_available()
    if why is None and d.scale != "large":
        why = f"measured at the large scale, not {d.scale}"
    if why is not None:
        return [not_available(START, why, "<= 1 s")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cold = run_probe(d, folder, "--startup-only")
        runs = [run_probe(d, folder, "--keystrokes", str(KEYSTROKES), "--cases", str(CASES_OPENED))
                for _ in range(repeats + 1)]
    for report in (cold, *runs):
        why = _failed(report)
        if why is not None:
            sys.stderr.write(str(report.get("stderr", "")))
            return [not_available(START, why, "<= 1 s")]

    # Every run starts with the cache warm, as the app starts every day after its first.
    best = min(runs, key=lambda r: float(r["first_paint"]))
    paint = float(best["first_paint"])
    slowest = max(float(r["first_paint"]) for r in runs)
    my_day = min(float(r["my_day_loaded"]) for r in runs)
    cases = min(float(r["cases_loaded"]) for r in runs)
    application = float(best["marks"]["application"])  # SQLAlchemy loaded, the opening started (done, on SQLite)
    rows = [
        Row(f"{START} (holiday cache warm)",
            f"{ms(paint)} (best of {len(runs)}; slowest {ms(slowest)}; application at {ms(application)})",
            "<= 1 s", paint <= START_TARGET),
        Row(f"  vs LibreOffice opening the tracker ({LIBREOFFICE_SECONDS} s)", f"{LIBREOFFICE_SECONDS / paint:.1f}x",
            "report only"),
        Row("  the same, first start (holiday cache cold)", ms(float(cold["first_paint"])), "report only"),
        # Issue 13's promise: a lead's whole team's My day, plans in place included, within 1.2 s of start.
        Row(f"  start -> My day's data shown ({int(best['my_day_items']):,} items, whole team)", ms(my_day),
            f"<= {ms(MY_DAY_SHOWN)}", my_day <= MY_DAY_SHOWN),
        Row(f"  start -> Cases list loaded ({int(best['case_rows']):,} rows)", ms(cases), "report only"),
    ]

    keys = best_each(runs, "keystrokes")
    worst = keys.index(max(keys))
    typed, shown = str(best["typed"]), int(best["rows_shown"][worst])
    rows.append(Row(f"Cases search keystroke, large (typing {typed!r} for {best['typed_for']!r}: accents folded)",
                    _spread(keys), "<= 50 ms", max(keys) <= KEY_TARGET))
    rows.append(Row(f"  the slowest: {typed[:worst + 1]!r}, {shown:,} of {int(best['case_rows']):,} rows shown",
                    f"{ms(keys[worst])} (slowest single run: {ms(max(max(r['keystrokes']) for r in runs))})",
                    "report only"))
    pauses = [(int(g), float(t), float(at), r) for r in runs for g, t, at in r["gc_pauses"]]
    if pauses:
        generation, longest, at, run = max(pauses, key=lambda p: p[1])
        when = ("while the lists load" if at < float(run["cases_loaded"]) else
                "typing" if at < float(run["keystrokes_done"]) else
                "exporting" if at < float(run["export_done"]) else "opening cases")
        rows.append(Row(f"  longest UI-thread GC pause ({len(pauses)} in {len(runs)} runs)",
                        f"{ms(longest)} (generation {generation}, {ms(at)} after start, {when})", "report only"))
    full_gc = min(float(r["gc_full"]) for r in runs)
    rows.append(Row("  full GC pass (the collector's, once a minute)", ms(full_gc), "report only"))

    xlsx = min(float(r["export_xlsx"]) for r in runs)
    size = f"{int(best['export_rows']):,} rows x {int(best['export_columns'])} columns"
    rows.append(Row(f"export the whole Cases list to .xlsx, large ({size})",
                    f"{ms(xlsx)} ({float(best['export_xlsx_mb']):.1f} MB)", "<= 3 s", xlsx <= EXPORT_TARGET))
    csv = min(float(r["export_csv"]) for r in runs)
    rows.append(Row("  the same to .csv", f"{ms(csv)} ({float(best['export_csv_mb']):.1f} MB)", "report only"))

    opened = best_each(runs, "open_case")
    first, rest = opened[0], opened[1:]
    rows.append(Row("open a case, large (loaded and painted)", _spread(rest), "<= 100 ms",
                    max(rest) <= OPEN_TARGET))
    rows.append(Row("  the first case opened", ms(first), "<= 100 ms", first <= OPEN_TARGET))

    peak = max(float(r["peak_mb"]) for r in runs)
    rows.append(Row("peak RSS of the desktop, large (after all the above)", f"{peak:,.0f} MB",
                    "<= 300 MB", peak <= RSS_TARGET_MB))
    return rows
