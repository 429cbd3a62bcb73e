"""Test-wide settings: no display needed, and nothing touches the real user's data folder."""

from __future__ import annotations

import os
import tempfile

# Set before anything imports Qt or resolves the data folder.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CASEWORKER_DATA_DIR"] = tempfile.mkdtemp(prefix="caseworker-test-data-")
os.environ.pop("CASEWORKER_DATABASE_URL", None)
os.environ.pop("CASEWORKER_USER", None)
