"""GUI test fixtures: a desktop context on a fresh SQLite file with a fixed today, offscreen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from caseworker.context import AppContext, fixed_clock
from caseworker.services.actor import Actor
from caseworker.store.database import open_database
from caseworker.store.models import Staff
from ui.context import DesktopContext

GUI_TODAY = date(2025, 3, 3)


def add_staff(ctx: AppContext, username: str, name: str, role: str) -> Actor:
    with ctx.db.session() as s:
        staff = Staff(username=username, display_name=name, role=role, fte=1.0, active=True, team="North")
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.username, staff.display_name, staff.role)


@pytest.fixture
def app_ctx(tmp_path: Path, sqlite_template: Path) -> Iterator[AppContext]:
    path = tmp_path / "gui.sqlite"
    shutil.copyfile(sqlite_template, path)  # already at the current schema: cheaper than migrating
    ctx = AppContext(db=open_database(f"sqlite:///{path}"), clock=fixed_clock(GUI_TODAY))
    yield ctx
    ctx.db.dispose()


@pytest.fixture
def desktop(qtbot: object, app_ctx: AppContext) -> Iterator[DesktopContext]:
    """An empty team of one caseworker (jsmith) and one team lead (alead); acting as jsmith."""
    jo = add_staff(app_ctx, "jsmith", "Jo Smith", "caseworker")
    add_staff(app_ctx, "alead", "Alex Lead", "team_lead")
    dc = DesktopContext(app_ctx, jo)
    yield dc
    dc.runner.wait()
