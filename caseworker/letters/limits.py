"""Limits on what a letter template may cost: time, text size, and the size of any value it builds.

Templates are edited by administrators and run in Jinja2's sandbox, which stops them reaching Python's
internals but not from running for ever or filling memory: nested loops, ``"x" * 10**9``, a macro that
doubles a string on each call, ``10 ** 10 ** 9``. Here every operation that can make something large is
checked before it runs, loops and calls check a deadline, and a watchdog interrupts a render that still
runs past its time. Each limit stops the letter with a LetterError naming the template; the figures are
documented in docs/letters.md (Limits).
"""

from __future__ import annotations

import ctypes
import math
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment

MAX_CHARS = 100_000  # the text one template (or block) may print; a long letter is about 8,000
MAX_SECONDS = 2.0  # one template's render; a letter takes a few milliseconds
MAX_ITEMS = 10_000  # the largest range a template may loop over, or list it may build
MAX_NUMBER = 10**15  # the largest number arithmetic may produce
# A letter is dated within these days (as ``--today`` is): a year-1 or year-9999 date is a data error.
EARLIEST_LETTER, LATEST_LETTER = date(2000, 1, 1), date(2100, 12, 31)


def check_letter_day(day: date, what: str) -> None:
    """LetterError "<what> <day>; letters are dated from 2000 to 2100" for a day outside the window."""
    if not EARLIEST_LETTER <= day <= LATEST_LETTER:
        from caseworker.letters.errors import LetterError

        raise LetterError(f"{what} {day.isoformat()}; letters are dated from {EARLIEST_LETTER.year} to "
                          f"{LATEST_LETTER.year} (check the dates on record, or --today)")


class TemplateLimit(Exception):
    """A template went past one of the limits; the message says which (no template text in it)."""


class _Deadline(threading.local):
    """The time the render in this thread must finish by (None: no render running)."""

    at: float | None = None


_deadline = _Deadline()


def check_time() -> None:
    at = _deadline.at
    if at is not None and time.monotonic() > at:
        raise TemplateLimit(f"it ran for more than {MAX_SECONDS:g} seconds")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


def _check_size(value: Any, what: str) -> Any:
    if _size(value) > MAX_CHARS:
        raise TemplateLimit(f"{what} would be longer than {MAX_CHARS:,} characters")
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise TemplateLimit(f"{what} gives a number larger than {MAX_NUMBER:,}")
    return value


class _Range:
    """range() for templates: at most MAX_ITEMS items, and a loop over it checks the deadline."""

    def __init__(self, *args: int) -> None:
        self._span = range(*args)
        if len(self._span) > MAX_ITEMS:
            raise TemplateLimit(f"range() of {len(self._span):,} items is more than {MAX_ITEMS:,}")

    def __len__(self) -> int:
        return len(self._span)

    def __getitem__(self, index: int) -> int:
        return self._span[index]

    def __contains__(self, item: object) -> bool:
        return item in self._span

    def __iter__(self) -> Iterator[int]:
        for n, item in enumerate(self._span):
            if not n % 256:
                check_time()
            yield item


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse, before it runs, an operation whose result would be too large to make."""
    if operator == "**" and _number(left) and _number(right) and abs(left) > 1 and right > 0 and \
            right * math.log10(abs(left)) > math.log10(MAX_NUMBER):
        raise TemplateLimit(f"{left!r} ** {right!r} is too large a number")
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if _size(seq) and _number(times) and _size(seq) * max(int(times), 0) > MAX_CHARS:
                raise TemplateLimit(f"repeating text {int(times):,} times would be longer than {MAX_CHARS:,} "
                                    "characters")
    if operator == "%" and isinstance(left, str):
        digits = "".join(c if c.isdigit() else " " for c in left).split()
        if any(len(d) > 5 for d in digits):
            raise TemplateLimit("a format width is too large")


class LimitedEnvironment(SandboxedEnvironment):
    """The sandbox, with the sizes of values, loops and calls limited and a deadline checked."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only range() and dict() are left: lipsum(), cycler() and joiner() are not letter material, and
        # namespace() would let a loop grow a value across iterations.
        self.globals = {"range": _Range, "dict": dict}
        for name in ("center", "indent", "format", "batch", "slice", "join", "replace", "wordwrap", "truncate"):
            self.filters[name] = _bounded_filter(self.filters[name], name)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_time()
        _check_binop(operator, left, right)
        return _check_size(super().call_binop(context, operator, left, right), f"'{operator}'")

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        check_time()
        for value in (*args, *kwargs.values()):
            _check_size(value, "a value passed to a call")
        return _check_size(super().call(__context, __obj, *args, **kwargs), "a call")

    def getattr(self, obj: Any, attribute: str) -> Any:
        check_time()
        return super().getattr(obj, attribute)


def _bounded_filter(real: Any, name: str) -> Any:
    """A built-in filter whose numeric arguments (widths, counts) and result are kept to the limits."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check_time()
        values = list(args) + list(kwargs.values())
        if any(_number(v) and abs(v) > MAX_ITEMS for v in values):
            raise TemplateLimit(f"the {name} filter was given a number larger than {MAX_ITEMS:,}")
        texts = [v for v in values if isinstance(v, str)]
        if name == "replace" and len(texts) >= 3:
            _check_replace(*texts[:3])
        if name == "format" and texts:
            _check_binop("%", texts[0], None)
        if name == "join" and len(args) >= 2:
            items = list(args[1])
            _check_join(items, args[2] if len(args) > 2 else kwargs.get("d", ""))
            args = (args[0], items, *args[2:])
        return _check_size(real(*args, **kwargs), f"the {name} filter")

    for attr in ("jinja_pass_arg",):
        if hasattr(real, attr):
            setattr(bounded, attr, getattr(real, attr))
    return bounded


def _check_replace(text: str, old: str, new: str) -> None:
    count = len(text) + 1 if not old else text.count(old)
    if len(text) + count * (len(new) - len(old)) > MAX_CHARS:
        raise TemplateLimit(f"the replace filter would make text longer than {MAX_CHARS:,} characters")


def _check_join(items: list[Any], sep: Any) -> None:
    if len(items) > MAX_ITEMS:
        raise TemplateLimit(f"the join filter was given more than {MAX_ITEMS:,} items")
    total = sum(len(str(i)) for i in items) + max(len(items) - 1, 0) * len(str(sep))
    if total > MAX_CHARS:
        raise TemplateLimit(f"the join filter would make text longer than {MAX_CHARS:,} characters")


class _Watchdog:
    """Interrupts a render still running a grace second after its deadline.

    The deadline checks inside loops, calls and operators stop nearly every runaway template; this is
    for a loop that touches none of them (iterating over text). One daemon thread looks every quarter
    second and raises TemplateLimit in an overdue rendering thread at its next Python instruction. A
    render is removed from the watch under the same lock before it returns, and any interruption still
    pending is then cleared, so it can never fire into other code.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, float] = {}
        self._thread: threading.Thread | None = None

    def watch(self, until: float) -> None:
        with self._lock:
            self._watched[threading.get_ident()] = until + 1.0
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="template-watchdog", daemon=True)
                self._thread.start()

    def release(self) -> None:
        ident = threading.get_ident()
        with self._lock:
            self._watched.pop(ident, None)
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)  # clear anything pending

    def _run(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self._lock:
                for ident, until in list(self._watched.items()):
                    if now > until:
                        del self._watched[ident]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident),
                                                                   ctypes.py_object(_Interrupted))


_watchdog = _Watchdog()


class _Interrupted(TemplateLimit):
    def __init__(self) -> None:
        super().__init__(f"it ran for more than {MAX_SECONDS:g} seconds")


def render_limited(template: Template, ctx: dict[str, Any]) -> str:
    """The template's text, or TemplateLimit if it runs too long or prints too much.

    RecursionError (a macro calling itself) and OverflowError (a date or number out of range) come back
    as TemplateLimit too, so the caller can give one clear line.
    """
    outer = _deadline.at
    _deadline.at = time.monotonic() + MAX_SECONDS if outer is None else outer
    try:
        if outer is not None:  # a render inside a render: the outer one's deadline and watch hold
            return _collect(template, ctx)
        try:
            _watchdog.watch(_deadline.at)
            try:
                return _collect(template, ctx)
            finally:
                _watchdog.release()
        except _Interrupted:
            raise TemplateLimit(f"it ran for more than {MAX_SECONDS:g} seconds") from None
    except RecursionError:
        raise TemplateLimit("it calls itself too deeply (a macro that never stops calling itself)") from None
    except OverflowError:
        raise TemplateLimit("a date or number in it is out of range") from None
    except MemoryError:
        raise TemplateLimit("it needs more memory than a letter may use") from None
    finally:
        _deadline.at = outer


def _collect(template: Template, ctx: dict[str, Any]) -> str:
    parts: list[str] = []
    total = 0
    for chunk in template.generate(ctx):
        total += len(chunk)
        if total > MAX_CHARS:
            raise TemplateLimit(f"it prints more than {MAX_CHARS:,} characters")
        parts.append(chunk)
        check_time()
    return "".join(parts)
