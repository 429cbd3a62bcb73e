"""The requests' read runs SQL text kept in store/request_sql.py so the nightly report need not import
SQLAlchemy; that text must be what the Core selects in store/request_selects.py compile to today."""

from __future__ import annotations

import pytest

from caseworker.store import kept_sql, request_selects
from caseworker.store.reads import REFERENCES_MARK, Dialect, _statement
from caseworker.store.request_sql import STATEMENTS


@pytest.mark.parametrize("name", ["sqlite", "postgresql"])
@pytest.mark.parametrize("key", request_selects.KEYS, ids=lambda k: "-".join(map(str, k)))
def test_the_kept_text_is_what_the_selects_compile_to(name: str, key: tuple[str, bool, bool, bool]) -> None:
    dialect = kept_sql.dialects()[name]
    assert STATEMENTS[(name, *key)] == request_selects.compiled(key, dialect), (
        "store/request_sql.py is out of date: run `python -m caseworker.store.request_selects`")


def test_the_kept_module_is_exactly_what_the_generator_writes() -> None:
    assert request_selects.GENERATED.read_text(encoding="utf-8") == request_selects.module_text(), (
        "store/request_sql.py is out of date: run `python -m caseworker.store.request_selects`")


@pytest.mark.parametrize(("name", "placeholders"), [("sqlite", ":references_0, :references_1"),
                                                   ("postgresql", "%(references_0)s, %(references_1)s")])
def test_references_are_bound_one_placeholder_each(name: str, placeholders: str) -> None:
    text, params = _statement(Dialect(name), "cases", False, "jsmith", ["EHC-1", "EHC-2"])
    assert REFERENCES_MARK not in text
    assert f"IN ({placeholders})" in text
    assert params == {"caseworker": "jsmith", "references_0": "EHC-1", "references_1": "EHC-2"}


def test_no_references_match_nothing_rather_than_everything() -> None:
    text, params = _statement(Dialect("sqlite"), "events", True, None, [])
    assert text.count("IN (:references_0)") == 2  # the advice and the exceptions
    assert params == {"references_0": ""}
