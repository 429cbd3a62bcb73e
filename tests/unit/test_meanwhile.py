"""``ui.opening.Meanwhile``: the desktop's start-up work on a worker thread, its result or its exception
handed back to the thread that waits for it."""

from __future__ import annotations

import threading

import pytest

from caseworker.errors import UnknownUser
from ui.opening import Meanwhile


def test_the_call_runs_on_another_thread_and_its_result_comes_back() -> None:
    work = Meanwhile(threading.get_ident)
    assert work.result() != threading.get_ident()


def test_a_refusal_on_the_worker_is_raised_where_it_is_waited_for() -> None:
    def refuse() -> None:
        raise UnknownUser("your database login 'sam' is not on this database's staff")

    work = Meanwhile(refuse)
    with pytest.raises(UnknownUser, match="not on this database's staff"):
        work.result()


def test_an_unplanned_fault_is_raised_too_so_the_error_dialog_gets_it() -> None:
    work = Meanwhile(lambda: 1 // 0)
    with pytest.raises(ZeroDivisionError):
        work.result()


def test_not_on_a_thread_it_runs_at_once_on_the_callers_thread() -> None:
    work = Meanwhile(threading.get_ident, on_thread=False)
    assert work.result() == threading.get_ident()
