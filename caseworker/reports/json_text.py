"""JSON written as text by the reports (deadlines and plans), value by value, without building dictionaries
for ``json.dumps`` first. Strings go through the json module's own escaping (a C function), so the text is
what the encoder would write."""

from __future__ import annotations

from datetime import date
from json.encoder import encode_basestring  # the escaping json.dumps uses with ensure_ascii=False


class Quoted(dict[object, str]):
    """Values as JSON text, each worked out once and then looked up (in C): days, and the short words and
    names a report repeats thousands of times (stages, statuses, caseworkers). None is ``null``."""

    def __init__(self) -> None:
        super().__init__()
        self[None] = "null"

    def __missing__(self, value: object) -> str:
        quoted = encode_basestring(value.isoformat() if isinstance(value, date) else str(value))
        self[value] = quoted
        return quoted


def text_json(value: str | None) -> str:
    """Free text (a child's name, a note): escaped afresh each time, as little of it repeats."""
    return "null" if value is None else encode_basestring(value)
