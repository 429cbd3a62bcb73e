"""The template language: sandboxed Jinja2 where an unknown or missing field is an error naming it.

Facts reach a template as read-only namespaces (``case``, ``child``, ``advice`` ...). A field that is
None ("not recorded") is simply absent, so using it fails with "'case.final_issued' is missing"
instead of printing a blank; a misspelt field fails with "'case.final_isued' is not a field".
Dates print in words ("Monday 26 May 2025") without a filter; ``| short`` gives "26 May 2025".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import (
    FunctionLoader,
    StrictUndefined,
    Template,
    TemplateRuntimeError,
    TemplateSyntaxError,
    Undefined,
    meta,
)
from jinja2.utils import missing

from caseworker.letters.errors import TemplateFormatError
from caseworker.letters.facts import TOP_LEVEL
from caseworker.letters.limits import LimitedEnvironment
from caseworker.letters.words import long_date, plural_days, short_date

__all__ = ["ENV", "FactsNode", "compile_cached", "compile_text", "long_date", "node", "plural_days", "short_date"]


def contact_line(contact: Any) -> str:
    """A contact point in one line: 'Name: phone 01632 960123, email a@b.example, website www.example'."""
    if not isinstance(contact, FactsNode):
        raise TypeError("the contact filter is for the council's contacts, e.g. council.sendiass | contact")
    values = contact._values
    ways = [f"{label} {values[key]}" for key, label in (("phone", "phone"), ("email", "email"),
                                                       ("website", "website"), ("address", "address"))
            if key in values]
    name = str(values.get("name", ""))
    return f"{name}: {', '.join(ways)}" if ways else name


class FactsNode:
    """A read-only namespace of facts; absent names (None or unknown) become errors naming the path."""

    __slots__ = ("_known", "_path", "_values")

    def __init__(self, path: str, values: Mapping[str, Any], known: frozenset[str]) -> None:
        self._path = path
        self._values = dict(values)
        self._known = known

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"<{self._path}>"


def node(path: str, obj: object, known: Iterable[str], extra: Mapping[str, Any] | None = None) -> FactsNode:
    """A namespace of a dataclass's fields that are recorded (not None), plus ``extra``."""
    known = frozenset(known)
    values: dict[str, Any] = {}
    if is_dataclass(obj):
        values.update((f.name, getattr(obj, f.name)) for f in fields(obj))
    values.update(extra or {})
    return FactsNode(path, {k: v for k, v in values.items() if k in known and _recorded(v)}, known)


def _recorded(value: Any) -> bool:
    """None, blank text and empty lists are "not recorded": a letter must not print them as blanks."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, tuple | list):
        return bool(value)
    return True


class FieldUndefined(StrictUndefined):
    """StrictUndefined whose message says which field, and whether it is missing or unknown."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if isinstance(obj, FactsNode):
            path, known = f"{obj._path}.{name}", name in obj._known
        elif obj is missing:
            path, known = str(name), name in TOP_LEVEL
        else:
            path, known = f"{type(obj).__name__}.{name}", False
        if known:
            return f"'{path}' is missing (not recorded for this case)"
        return f"'{path}' is not a field a letter can use"


def _finalize(value: Any) -> Any:
    """How a value prints: dates in words; text on one line so it cannot add headings or bullets."""
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value or "\r" in value else value
    if isinstance(value, int | float | Undefined) and not isinstance(value, bool):
        return value  # an undefined field fails when printed, with its own message
    what = "a list" if isinstance(value, tuple | list) else f"a {type(value).__name__}"
    raise TemplateRuntimeError(f"{what} cannot be printed as it is: print one of its fields, "
                               "or a list with a for loop or | join(', ')")


def make_environment() -> LimitedEnvironment:
    """The sandbox with limits on time, size and numbers (caseworker.letters.limits)."""
    env = LimitedEnvironment(undefined=FieldUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=False, finalize=_finalize,
                               loader=FunctionLoader(lambda name: None))  # nothing to include or import
    env.filters["long"] = long_date
    env.filters["short"] = short_date
    env.filters["days"] = plural_days
    env.filters["contact"] = contact_line
    return env


ENV = make_environment()


def compile_text(source: str, where: str) -> Template:
    """Compile a template or block; a syntax error names the file and line."""
    try:
        tree = ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateFormatError(f"{where}, line {exc.lineno}: {exc.message}") from exc
    if any(True for _ in meta.find_referenced_templates(tree)):
        raise TemplateFormatError(f"{where}: a letter template cannot include, import or extend another file")
    return ENV.from_string(tree)


@lru_cache(maxsize=64)
def compile_cached(source: str, where: str) -> Template:
    """The council's blocks are compiled once, not per letter."""
    return compile_text(source, where)
