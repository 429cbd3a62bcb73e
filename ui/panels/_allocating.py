"""Allocating cases nobody holds from a list (My day, Cases): the team's loads are read on the task
runner, then the same Allocate dialog the case record and the Team tab use opens over the list. The
move itself, its reason, history and audit, is the reallocation service's (``reallocate_cases``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from ui.context import DesktopContext

if TYPE_CHECKING:  # the dialog and the team's caseloads are imported when a lead first allocates, not at start
    from caseworker.context import AppContext
    from caseworker.views.caseload import TeamCaseload
    from ui.dialogs.reallocate import ReallocateDialog

ALLOCATE_TEXT = "&Allocate…"
NONE_WAITING = "Those cases are no longer waiting for a caseworker: the list is being refreshed."


def allocate_cases(desktop: DesktopContext, parent: QWidget, case_ids: Sequence[int],
                   opened: Callable[[ReallocateDialog], None], refused: Callable[[str], None]) -> None:
    """Open the Allocate dialog for those of ``case_ids`` still nobody's (a team lead or admin only).

    ``opened`` gets the dialog once it shows; ``refused`` the words when there is nothing to allocate
    after all (someone allocated them meanwhile) or the team's loads could not be read.
    """
    if not desktop.actor.can_reallocate or not case_ids:
        return
    ctx, today, wanted = desktop.ctx, desktop.today(), set(case_ids)

    def loaded(team: TeamCaseload) -> None:
        waiting = [c.case_id for c in team.unallocated if c.case_id in wanted]
        if not waiting:
            refused(NONE_WAITING)
            desktop.data_changed.emit(0)  # the lists still showing them reload (nothing was written here)
            return
        from ui.dialogs.reallocate import ReallocateDialog  # imported already, by _read_team

        dialog = ReallocateDialog(desktop, team, waiting, parent=parent)
        dialog.open()
        opened(dialog)

    def failed(exc: BaseException) -> None:
        refused(f"Could not load the team's caseloads: {exc}")

    # Owned by the list: closed while the loads were read, it gets neither the dialog nor the words.
    desktop.runner.run(lambda: _read_team(ctx, today), loaded, failed, owner=parent)


def _read_team(ctx: AppContext, today: date) -> TeamCaseload:
    """On the task runner: the team's caseloads, with the dialog's code imported here rather than on the
    UI thread (neither is needed before a lead first allocates)."""
    import ui.dialogs.reallocate  # noqa: F401
    from caseworker.views.caseload import load_team_caseload

    return load_team_caseload(ctx, today)
