"""What every fault-injection test checks after a kill -9."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_integrity(path: Path) -> str:
    """SQLite's own verdict on a file ("ok" when every page and index is whole)."""
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()
