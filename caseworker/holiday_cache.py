"""A cached copy of the bank holiday table, so quick commands need not load the holidays library.

The cache file is named after the library's version: upgrading the library (new bank holidays are
announced from time to time) makes a new table on the next start.
"""

from __future__ import annotations

import json
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from caseworker.statutory.calendar import KNOWN_YEARS, WorkingCalendar, bank_holidays_for
from caseworker.store.location import cache_dir


def _cache_file() -> Path:
    v = _holidays_version()
    return cache_dir() / f"bank-holidays-eng-{v}-{KNOWN_YEARS.start}-{KNOWN_YEARS.stop}.json"


def _holidays_version() -> str:
    """The installed holidays library's version, from the name of its .dist-info folder beside it: one
    directory listing, where loading importlib.metadata and searching every path took a fifth of a nightly
    report's budget. importlib.metadata still answers when the folder is not there or not alone."""
    spec = find_spec("holidays")
    if spec is not None and spec.origin:
        found = list(Path(spec.origin).parent.parent.glob("holidays-*.dist-info"))
        if len(found) == 1:
            return found[0].name.removeprefix("holidays-").removesuffix(".dist-info")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        return "unknown"


def cached_calendar() -> WorkingCalendar:
    """The working calendar from the cached table, building the cache on first use."""
    path = _cache_file()
    try:
        raw = json.loads(path.read_text("utf-8"))
        known = {date.fromisoformat(k): v for k, v in raw.items()}
    except (OSError, ValueError):
        known = bank_holidays_for(KNOWN_YEARS)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({d.isoformat(): n for d, n in known.items()}), "utf-8")
            tmp.replace(path)
        except OSError:
            pass  # a read-only home still gets a correct calendar, just a slower start
    return WorkingCalendar(known)
