"""Tests that start Caseworker's logging put the root logger back as they found it afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from caseworker.logs import QUIET_LOGGERS


@pytest.fixture
def logging_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    for name, was in quiet.items():
        logging.getLogger(name).setLevel(was)
