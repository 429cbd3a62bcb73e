"""The headless plans report runs SQL text kept in store/plan_sql.py so it need not import SQLAlchemy; that
text must be what the Core selects in store/plan_selects.py compile to today."""

from __future__ import annotations

import pytest

from caseworker.store import kept_sql, plan_selects
from caseworker.store.plan_sql import STATEMENTS


@pytest.mark.parametrize("name", ["sqlite", "postgresql"])
@pytest.mark.parametrize("by_caseworker", plan_selects.KEYS)
def test_the_kept_text_is_what_the_selects_compile_to(name: str, by_caseworker: bool) -> None:
    assert STATEMENTS[(name, by_caseworker)] == plan_selects.compiled(by_caseworker, kept_sql.dialects()[name]), (
        "store/plan_sql.py is out of date: run `python -m caseworker.store.plan_selects`")


def test_the_kept_module_is_exactly_what_the_generator_writes() -> None:
    assert plan_selects.GENERATED.read_text(encoding="utf-8") == plan_selects.module_text(), (
        "store/plan_sql.py is out of date: run `python -m caseworker.store.plan_selects`")


@pytest.mark.parametrize("name", ["sqlite", "postgresql"])
def test_one_caseworkers_plans_are_one_statement_with_one_parameter(name: str) -> None:
    text = STATEMENTS[(name, True)]
    assert text.count(":caseworker" if name == "sqlite" else "%(caseworker)s") == 1
    assert ";" not in text  # one statement: one round trip to a team's server
