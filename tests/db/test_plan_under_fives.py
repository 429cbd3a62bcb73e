"""The council's under-5s review interval (CoP 9.178: consider a review every 3 to 6 months; guidance, not a
breach): kept with the council settings (an optional [plans] section, no new column), checked by name,
exported and imported byte for byte, and followed by a young child's plan schedule, never as overdue."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from caseworker.context import AppContext, fixed_clock
from caseworker.errors import ValidationError
from caseworker.letters.settings import load_council_settings, read_settings_file
from caseworker.letters.settings_file import settings_document, settings_toml
from caseworker.services import council_settings as cs
from caseworker.services.actor import Actor
from caseworker.store.models import Case
from caseworker.store.records import CaseRecord
from caseworker.store.writer import write_cases
from caseworker.views.case_detail import load_case_detail
from caseworker.views.plan_detail import load_plan_detail
from tests.db.test_council_settings import admin, no_settings_file  # noqa: F401  (fixtures)
from ui.panels._plan_rows import overdue_count, under_fives_line

SAMPLE = load_council_settings()
TODAY = date(2025, 6, 2)


def save_months(ctx: AppContext, admin: Actor, months: Any) -> int:  # noqa: F811
    document = settings_document(SAMPLE) | {"plans": {"under_fives_review_months": months}}
    return cs.save_council(ctx, admin, document, dict(SAMPLE.blocks), SAMPLE.logo,
                           expected_version=cs.stored_version(ctx))


def young_plan(ctx: AppContext) -> Any:
    """A plan issued on 3 March 2025 for a child born 1 June 2022 (not yet 3), read as the Plan tab reads it."""
    with ctx.db.session() as s:
        write_cases(s, [CaseRecord(reference="EHC-Y", forename="Ava", surname="Lewis", date_of_birth=date(2022, 6, 1),
                                   final_issued=date(2025, 3, 3))], actor_id=None, today=TODAY)
    with ctx.db.sessions() as s:
        case = s.scalars(select(Case).where(Case.reference == "EHC-Y")).one()
        detail = load_plan_detail(s, AppContext(db=ctx.db, clock=fixed_clock(TODAY)), case, TODAY)
    assert detail is not None and detail.under_fives is not None
    return detail


@pytest.mark.parametrize("given", [0, 13, "six", True, 4.5])
def test_an_interval_that_will_not_do_is_refused_by_name(ctx: AppContext, admin: Actor, given: Any) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        save_months(ctx, admin, given)
    [reason] = caught.value.for_field("plans.under_fives_review_months")
    assert "whole number of months from 1 to 12" in reason
    assert cs.stored_version(ctx) == 0  # nothing saved


def test_the_interval_is_stored_with_the_settings_and_moves_a_young_child_s_review(ctx: AppContext,
                                                                                  admin: Actor) -> None:  # noqa: F811
    assert young_plan(ctx).under_fives.due == date(2025, 9, 3)  # within the table's 6 months
    save_months(ctx, admin, "3")  # as typed in the dialog
    assert cs.under_fives_months(ctx) == 3 and cs.load_council(ctx).settings.under_fives_review_months == 3
    detail = young_plan(ctx)
    suggested = detail.under_fives
    assert suggested.due == date(2025, 6, 3) and not suggested.binding
    assert overdue_count(detail) == 0  # guidance: never counted as a missed deadline
    later = load_plan_detail_at(ctx, date(2025, 7, 1))
    assert later.under_fives.status == "overdue" and overdue_count(later) == 0
    line = under_fives_line(later.under_fives, date(2025, 7, 1))
    assert line.look == "at_risk" and "was suggested by 3 Jun 2025" in line.words and "guidance" in line.words
    save_months(ctx, admin, "")  # emptied: back to the table's interval
    assert cs.under_fives_months(ctx) is None


def load_plan_detail_at(ctx: AppContext, today: date) -> Any:
    with ctx.db.sessions() as s:
        case = s.scalars(select(Case).where(Case.reference == "EHC-Y")).one()
        detail = load_plan_detail(s, AppContext(db=ctx.db, clock=fixed_clock(today)), case, today)
    assert detail is not None
    return detail


def test_the_file_keeps_the_interval_and_reads_back_to_the_same_bytes(tmp_path: Path) -> None:
    settings = read_settings_file(write(tmp_path / "a.toml", settings_toml(SAMPLE).replace(
        "[blocks.", "[plans]\nunder_fives_review_months = 4\n\n[blocks.", 1)))
    assert settings.under_fives_review_months == 4
    text = settings_toml(settings)
    assert "[plans]\nunder_fives_review_months = 4\n" in text
    assert settings_toml(read_settings_file(write(tmp_path / "b.toml", text))) == text
    assert "[plans]" not in settings_toml(SAMPLE)  # not set: the file has no such section


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_an_export_imports_back_byte_for_byte(ctx: AppContext, admin: Actor, tmp_path: Path) -> None:  # noqa: F811
    """The services `caseworker settings export|import` run (the command itself: tests/e2e/test_cli_settings.py)."""
    save_months(ctx, admin, 5)
    first, second = tmp_path / "first" / "council.toml", tmp_path / "second" / "council.toml"
    first.parent.mkdir()
    second.parent.mkdir()
    cs.export_council(ctx, admin, first)
    assert "under_fives_review_months = 5\n" in first.read_text("utf-8")
    save_months(ctx, admin, 6)
    cs.import_council(ctx, admin, first)
    assert cs.under_fives_months(ctx) == 5
    cs.export_council(ctx, admin, second)
    assert second.read_bytes() == first.read_bytes()


def test_the_record_reads_a_young_childs_interval_in_its_own_three_statements(ctx: AppContext,
                                                                               admin: Actor) -> None:  # noqa: F811
    """Opening the record of a child under 5 takes the council's interval from the record's own union of short
    lists, not a fourth statement (a round trip over a council's network)."""
    young_plan(ctx)
    save_months(ctx, admin, 4)
    with ctx.db.sessions() as s:
        case_id = s.scalars(select(Case.id).where(Case.reference == "EHC-Y")).one()
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements.append(sql)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        detail = load_case_detail(AppContext(db=ctx.db, clock=fixed_clock(TODAY)), case_id, TODAY)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)
    assert detail.plan is not None and detail.plan.under_fives is not None
    assert detail.plan.under_fives.due == date(2025, 7, 3)  # issued 3 March + 4 months
    assert len(statements) == 3, statements
