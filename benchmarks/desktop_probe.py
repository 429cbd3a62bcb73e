"""The desktop, measured from inside its own process (run with QT_QPA_PLATFORM=offscreen).

    python -m benchmarks.desktop_probe launch RESULT.json -- --database URL [probe options]

``launch`` is the small parent: it reads the clock just before it starts the probe, waits for it with
``os.wait4`` (so the peak RSS is the probe's own, as ``benchmarks.spawn`` does for the commands) and
writes the probe's JSON, with the peak and the exit code, to RESULT.json. Only the standard library is
imported at the top of this module, so the launcher stays a few megabytes and starts at once.

``probe`` (started by ``launch``) starts the desktop the way ``ui.app.run`` does, with its own
functions, and prints JSON: seconds from the launcher's clock reading to the main window's first Paint
event, to My day's and the Cases list's data being shown; then (unless ``--startup-only``) the time of
each search keystroke in Cases, of exporting the whole list (.xlsx and .csv) and of each case opened.
``time.monotonic`` is system-wide (Linux CLOCK_MONOTONIC), so the launcher's reading and the probe's
are on one clock.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WAIT_SECONDS = 60.0  # give up on anything the window has not done by then
SETTLE_SECONDS = 1.5  # between the Cases list loading and the first keystroke


def now() -> float:
    return time.monotonic()


# ---------------------------------------------------------------- the launcher


def launch(result: Path, probe_args: list[str]) -> int:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = now()
        proc = subprocess.Popen([sys.executable, "-m", "benchmarks.desktop_probe", "probe",
                                 "--started", repr(started), *probe_args], stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = now() - started
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    try:
        report: dict[str, Any] = json.loads(text.strip().splitlines()[-1]) if text.strip() else {}
    except ValueError:
        report = {}
    report.update(wall=wall, peak_mb=usage.ru_maxrss / 1024, code=code, stderr=errors[-2000:])
    result.write_text(json.dumps(report))
    return 0


# ---------------------------------------------------------------- the probe


@functools.cache
def _loop() -> Any:
    """The one event loop every wait runs (quit by whatever the wait is for: a paint, a load)."""
    from PySide6.QtCore import QEventLoop

    return QEventLoop()


def wait_until(done: Callable[[], bool], what: str) -> None:
    """Run the event loop (as app.exec would) until ``done()``; the thing awaited quits the loop."""
    from PySide6.QtCore import QTimer

    deadline = now() + WAIT_SECONDS
    while not done():
        if now() > deadline:
            raise TimeoutError(f"the window did not {what} within {WAIT_SECONDS:.0f} s")
        QTimer.singleShot(20, _loop().quit)  # look again now and then, whatever happens
        _loop().exec()


def idle(seconds: float) -> None:
    """Let the event loop run on its own for ``seconds`` (timers fire, as they do between a person's actions)."""
    until = now() + seconds
    wait_until(lambda: now() >= until, "idle")


def process_until(done: Callable[[], bool], what: str) -> None:
    """Process what is pending (a repaint is a posted event) until ``done()``; no idle waiting."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = now() + WAIT_SECONDS
    QApplication.processEvents()
    while not done():
        if now() > deadline:
            raise TimeoutError(f"the window did not {what} within {WAIT_SECONDS:.0f} s")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents |
                                   QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)


@functools.cache
def _paint_watch() -> Any:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget

    class PaintWatch(QObject):
        """Notes which watched widgets got a Paint event (an event filter; the event goes on as usual)
        and quits the waiting loop, which then stops once the whole paint pass is done."""

        def __init__(self, *widgets: QWidget) -> None:
            super().__init__()
            self.painted: set[int] = set()
            self.first: float | None = None
            for w in widgets:
                w.installEventFilter(self)

        def saw(self, widget: QWidget) -> bool:
            return id(widget) in self.painted

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                if self.first is None:
                    self.first = now()
                self.painted.add(id(watched))
                _loop().quit()
            return False

    return PaintWatch


def probe(args: argparse.Namespace) -> dict[str, Any]:
    """Start the desktop with ``ui.app``'s own functions, in ``run``'s order; measure; return the figures."""
    import importlib
    from datetime import date

    started: float = args.started
    marks: dict[str, float] = {"imports_start": now() - started}
    # The Qt layer by name, as the command line starts it (caseworker.cli.cmd_desktop).
    app_module = importlib.import_module("ui.app")
    marks["imports_done"] = now() - started
    # As run(): no automatic garbage collection; the database's opening starts (SQLAlchemy loaded for it;
    # on a worker thread, for a team's server) before Qt is loaded, then the application, the calendar and
    # the window's frame meanwhile; the context is run()'s, but on the benchmark's fixed day, so figures do
    # not drift.
    gc.disable()
    opening = app_module.open_early(argparse.Namespace(database=args.database, demo=False, as_user=args.as_user))
    if isinstance(opening, BaseException) or opening is None:
        raise SystemExit(f"the probe's database cannot be opened: {opening}")
    marks["opening_started"] = now() - started
    app = app_module.make_application()
    from caseworker.context import AppContext, fixed_clock
    from caseworker.holiday_cache import cached_calendar
    from caseworker.statutory.engine import DeadlineEngine

    marks["application"] = now() - started
    engine = DeadlineEngine(calendar=cached_calendar())
    marks["calendar"] = now() - started
    app_module.import_the_window()
    marks["ui_imports"] = now() - started
    opened = opening.finish()
    if opened is None:
        raise SystemExit("the probe's database wants a password")
    ctx = AppContext(db=opened.db, engine=engine, clock=fixed_clock(date.fromisoformat(args.today)))
    actor, is_demo = opened.actor, opened.is_demo
    marks["database"] = now() - started
    desktop_context = importlib.import_module("ui.context").DesktopContext
    collector_type = importlib.import_module("ui.gc_guard").UiThreadCollector

    collector = collector_type(app)
    gc.freeze()  # as run()
    collector.start()
    pauses = gc_pauses(started)
    desktop = desktop_context(ctx, actor, is_demo=is_demo)
    if desktop.can_view_team and is_demo:
        desktop.set_viewing(None)  # as run(): a team lead's morning starts on the whole team's work
    window = app_module.main_window(desktop)  # its frame; its pages just after the first paint
    marks["window_built"] = now() - started
    shown_at: dict[str, float] = {}

    def shown(what: str) -> None:
        shown_at.setdefault(what, now())
        _loop().quit()

    def my_day_built() -> None:
        window.my_day.loaded.connect(lambda: shown("my_day"))

    def pages_built() -> None:
        marks["pages_built"] = now() - started
        window.cases.loaded.connect(lambda: shown("cases"))

    # The pages are built just after the first paint, My day's first (at once, if built with the window).
    for built, signal, call in ((window.has_my_day, window.my_day_built, my_day_built),
                                (window.has_pages, window.pages_built, pages_built)):
        if built:
            call()
        else:
            signal.connect(call)
    first_paint = _paint_watch()(window)
    window.show()
    marks["shown"] = now() - started

    wait_until(lambda: first_paint.first is not None, "paint")
    report: dict[str, Any] = {"first_paint": first_paint.first - started, "first_paint_done": now() - started}
    wait_until(lambda: "my_day" in shown_at, "show My day")
    report["my_day_loaded"] = shown_at["my_day"] - started
    report["my_day_items"] = sum(len(s.model.rows()) for s in window.my_day.sections.values())
    wait_until(lambda: "cases" in shown_at, "load the Cases list")
    report["cases_loaded"] = shown_at["cases"] - started
    report["case_rows"] = window.cases.model.total
    report["marks"] = marks
    size, screen = window.size(), window.screen().geometry()
    report["window"] = f"{size.width()}x{size.height()} on a {screen.width()}x{screen.height()} screen"

    if args.case:
        report.update(named_case(window, args.case, args.case_opens))
    elif not args.startup_only:
        report.update(keystrokes(window, args.keystrokes))
        report["keystrokes_done"] = now() - started
        report.update(export_list(window))
        report["export_done"] = now() - started
        report.update(open_cases(window, args.cases, args.seed))

    report["gc_pauses"] = list(pauses)
    gc.collect(1)
    t0 = now()
    gc.collect()  # what the collector does once a minute, with everything loaded
    report["gc_full"] = now() - t0
    window.close()
    desktop.runner.wait(30_000)
    collector.stop()
    ctx.db.dispose()
    report["rss_end_mb"] = _rss_mb("VmRSS")
    report["hwm_mb"] = _rss_mb("VmHWM")
    return report


def gc_pauses(started: float) -> list[tuple[int, float, float]]:
    """Every garbage collection from now on, as (generation, seconds, when it began after ``started``);
    the list fills as they happen."""
    pauses: list[tuple[int, float, float]] = []
    began: list[float] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[:] = [now()]
        elif began:
            pauses.append((info["generation"], now() - began[0], began[0] - started))

    gc.callbacks.append(note)
    return pauses


def _rss_mb(field: str) -> float | None:
    """This process's resident size from /proc (Linux), in MB; None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def search_name(rows: list[Any], length: int) -> tuple[str, str]:
    """A real child's name with accents, and what a caseworker types for it (no accents, small letters),
    about ``length`` characters: the first, in reference order, whose "forename surname" is that long
    (or the longest), so each run types the same words and every keystroke goes through the folding."""
    from caseworker.text_folding import fold_for_search

    names = sorted((str(r.reference), str(r.child)) for r in rows if r.child and not str(r.child).isascii())
    typed = [(name, fold_for_search(name)) for _ref, name in names]
    typed = [(name, plain) for name, plain in typed if plain.isascii() and len(plain) == len(name)]
    for name, plain in typed:
        if len(plain) >= length:
            return name[:length], plain[:length]
    name, plain = max(typed, key=lambda pair: len(pair[1]))
    return name, plain


def keystrokes(window: Any, n: int) -> dict[str, Any]:
    """Type a real name into Cases' search box a key at a time; each key until the list has repainted."""
    from PySide6.QtTest import QTest

    cases = window.cases
    window.tabs.setCurrentWidget(cases)
    viewport = cases.table.viewport()
    watch = _paint_watch()(viewport)
    process_until(lambda: watch.saw(viewport), "paint the Cases list")
    idle(SETTLE_SECONDS)  # a person looks at the list before typing; the app does its after-load chores
    accented, name = search_name(cases.shown_rows(), n)
    cases.search.setFocus()
    times: list[float] = []
    shown: list[int] = []
    for ch in name:
        watch.painted.clear()
        t0 = now()
        QTest.keyClicks(cases.search, ch)  # a real key event: the line edit, textChanged, the filter
        process_until(lambda: watch.saw(viewport), "repaint after a keystroke")
        times.append(now() - t0)
        shown.append(cases.model.rowCount())
    if cases.search.text() != name:
        raise RuntimeError(f"typed {name!r} but the search box holds {cases.search.text()!r}")
    if not any(accented in r.child for r in cases.shown_rows()):
        raise RuntimeError(f"typing {name!r} did not find {accented!r}")
    cases.clear_filters()
    process_until(lambda: True, "settle")
    return {"keystrokes": times, "typed": name, "typed_for": accented, "rows_shown": shown}


def export_list(window: Any) -> dict[str, Any]:
    """Export list… on the whole Cases list, as .xlsx then .csv: seconds from the call to the panel's
    ``exported`` signal (the file written whole and in place), with the rows and the file sizes."""
    cases = window.cases
    cases.clear_filters()
    finished: list[float] = []

    def on_exported() -> None:
        finished.append(now())
        _loop().quit()

    cases.exported.connect(on_exported)
    report: dict[str, Any] = {"export_rows": cases.model.rowCount(), "export_columns": len(cases.model.columns)}
    with tempfile.TemporaryDirectory() as folder:
        for suffix in ("xlsx", "csv"):
            path = Path(folder) / f"cases.{suffix}"
            finished.clear()
            t0 = now()
            cases.export_to(path)
            wait_until(lambda: bool(finished), f"export the list as .{suffix}")
            if not path.exists():
                raise RuntimeError(f"the .{suffix} export failed: {cases.export_note.text()}")
            report[f"export_{suffix}"] = finished[0] - t0
            report[f"export_{suffix}_mb"] = path.stat().st_size / 1e6
    cases.exported.disconnect(on_exported)
    return report


def open_case(window: Any, case_id: int) -> float:
    """Seconds from ``MainWindow.open_case`` to the record's data, its notes and its documents shown and
    painted; closes the tab after."""
    loaded: list[str] = []
    t0 = now()
    window.open_case(case_id)
    panel = window.tabs.currentWidget()
    bar = panel.tabs.tabBar()  # the notes and documents arrive as the counts in their tab titles
    watch = _paint_watch()(panel.header, bar)  # the page is a scroll area: its header paints the data

    def on_loaded(what: str) -> None:
        loaded.append(what)
        watch.painted.clear()  # only a paint with the data in counts
        _loop().quit()

    parts = {"record": panel}
    parts.update({name: getattr(panel, name) for name in ("notes_tab", "documents_tab") if hasattr(panel, name)})
    for what, part in parts.items():
        part.loaded.connect(functools.partial(on_loaded, what))
    wait_until(lambda: set(loaded) >= set(parts), "load a case")
    process_until(lambda: watch.saw(panel.header) or watch.saw(bar), "paint a case")
    seconds = now() - t0
    window.close_tab(window.tabs.indexOf(panel))
    process_until(lambda: True, "settle")
    return seconds


def named_case(window: Any, case_id: int, opens: int) -> dict[str, Any]:
    """Open one case ``opens`` times (a case with many documents), then copy one document's bytes out."""
    from caseworker.services.case_documents import copy_document
    from caseworker.views.case_documents import case_documents

    started_mb = _rss_mb("VmHWM")
    times = [open_case(window, case_id) for _ in range(opens)]
    opened_mb = _rss_mb("VmHWM")
    listed = case_documents(window.desktop.ctx, case_id)
    t0 = now()
    with tempfile.TemporaryFile() as out:  # as Open does: copied out a piece at a time, SHA-256 checked
        if listed:
            copy_document(window.desktop.ctx, listed[0].id, out)
        read = now() - t0
        size = out.tell() / (1024 * 1024)
    return {"named_case": times, "documents_listed": len(listed), "document_read": read, "document_read_mb": size,
            "hwm_started_mb": started_mb, "hwm_opened_mb": opened_mb, "hwm_read_mb": _rss_mb("VmHWM")}


def open_cases(window: Any, n: int, seed: int) -> dict[str, Any]:
    """Open ``n`` + 1 cases, a fixed random sample of the whole list (plans and requests), one by one."""
    import random

    rows = window.cases.shown_rows()
    picked = [int(r.case_id) for r in random.Random(seed).sample(rows, min(len(rows), n + 1))]
    return {"open_case": [open_case(window, case_id) for case_id in picked], "case_ids": picked}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["launch"]:
        rest = argv[2:]
        return launch(Path(argv[1]), rest[1:] if rest[:1] == ["--"] else rest)
    p = argparse.ArgumentParser(prog="python -m benchmarks.desktop_probe probe")
    p.add_argument("command", choices=["probe"])
    p.add_argument("--started", type=float, required=True, help="the launcher's time.monotonic() reading")
    p.add_argument("--database", required=True)
    p.add_argument("--as-user", help="whom to act as on a SQLite file (a team database: its login)")
    p.add_argument("--today", required=True)
    p.add_argument("--startup-only", action="store_true")
    p.add_argument("--keystrokes", type=int, default=20)
    p.add_argument("--cases", type=int, default=20)
    p.add_argument("--seed", type=int, default=2014)
    p.add_argument("--case", type=int, help="open only this case (after start-up), --case-opens times")
    p.add_argument("--case-opens", type=int, default=5)
    args = p.parse_args(argv)
    print(json.dumps(probe(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
