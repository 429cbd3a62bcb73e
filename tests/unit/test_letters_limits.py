"""A template cannot run for ever, fill memory, or end in a traceback: each limit is one clear LetterError."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from caseworker.letters import LetterError, load_council_settings
from caseworker.letters.limits import MAX_CHARS, MAX_SECONDS
from caseworker.letters.samples import sample_facts
from caseworker.letters.templates import TemplateSet, parse_template

COUNCIL = load_council_settings()
HEAD = """+++
id = "custom"
title = "A test letter"
version = 1
appealable = false
recipients = ["parent"]
needs = []
subject = "About {{ child.name }}"
+++
"""


def render(tmp_path: Path, body: str) -> str:
    path = tmp_path / "custom.txt"
    path.write_text(HEAD + body + "\n", "utf-8")
    letter = TemplateSet({"custom": parse_template(path.read_text("utf-8"), path)}).render(
        "custom", sample_facts(COUNCIL))
    return letter.text()


def refused(tmp_path: Path, body: str, match: str) -> float:
    started = time.perf_counter()
    with pytest.raises(LetterError, match=match) as caught:
        render(tmp_path, body)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("template custom")
    return time.perf_counter() - started


BOMBS = [
    ("repeat", "{{ 'x' * 1000000000 }}", "repeating text"),
    ("power", "{{ 10 ** 10 ** 9 }}", "too large a number"),
    ("float power", "{{ 10.0 ** 1000 }}", "too large a number"),
    ("center", "{{ 'x' | center(1000000000) }}", "center filter"),
    ("format width", "{{ '%1000000000d' % 1 }}", "format width"),
    ("replace", "{{ ('x' * 90000) | replace('x', 'x' * 90000) }}", "replace filter"),
    ("join", "{{ range(10000) | join('x' * 90000) }}", "join filter"),
    ("doubling macro", "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s }}{% endif %}"
     "{% endmacro %}{{ d('x', 40) }}", "longer than"),
    ("big range", "{% for i in range(10 ** 8) %}{% endfor %}", "range"),
    ("printing", "{% for i in range(10000) %}{{ 'x' * 20 }}{% endfor %}", f"more than {MAX_CHARS:,} characters"),
    ("recursion", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself too deeply"),
    ("overflow", "{{ child.date_of_birth.replace(year=99999) }}", "cannot be worked out"),
    ("division", "{{ 1 / 0 }}", "cannot be worked out"),
    ("namespace", "{% set ns = namespace(s='x') %}{{ ns.s }}", "not a field"),
]


@pytest.mark.parametrize(("case", "body", "match"), BOMBS, ids=[b[0] for b in BOMBS])
def test_a_template_bomb_is_stopped_at_once_with_one_line(tmp_path: Path, case: str, body: str, match: str) -> None:
    assert refused(tmp_path, body, match) < 1.0


def test_a_template_that_loops_for_ever_is_stopped_by_its_deadline(tmp_path: Path) -> None:
    took = refused(tmp_path, "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
                   f"ran for more than {MAX_SECONDS:g} seconds")
    assert MAX_SECONDS <= took < MAX_SECONDS + 1


def test_a_loop_that_calls_nothing_is_interrupted_by_the_watchdog(tmp_path: Path) -> None:
    body = "{% set s = 'x' * 90000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    took = refused(tmp_path, body, "ran for more than")
    assert took < MAX_SECONDS + 2
    # and the watchdog never fires into what this thread does next
    time.sleep(1.5)
    assert render(tmp_path, "Hello.").endswith("Hello.")


def test_ordinary_templates_still_loop_join_and_compute(tmp_path: Path) -> None:
    text = render(tmp_path, "{% for i in range(3) %}{{ loop.index }}{% endfor %} {{ range(3) | join(',') }} "
                            "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ '%05d' % 42 }} {{ 'a-b' | replace('-', '+') }} "
                            "{{ range(5) | length }} {% if 3 in range(5) %}yes{% endif %}")
    assert "123 0,1,2 1024 ababab 00042 a+b 5 yes" in " ".join(text.split())
