"""The tests' one way of waiting (tests/support/wait.py): it returns once the thing is true and
fails naming what it waited for."""
from __future__ import annotations

import threading

import pytest

from .support.wait import wait_for


def test_returns_once_another_thread_makes_it_true() -> None:
    done = threading.Event()
    threading.Timer(0.05, done.set).start()
    wait_for(done.is_set, 5.0, what="the timer")
    assert done.is_set()


def test_fails_naming_what_it_waited_for() -> None:
    with pytest.raises(AssertionError, match=r"waited 0\.05 s for the door to open"):
        wait_for(lambda: False, 0.05, what="the door to open")
