"""SIGTERM (systemd stopping the unit, `timeout`, the hall's PC shutting down) and SIGINT (Ctrl+C)
stop every command cleanly, in one way: cli.main runs each command inside `handled()`.

By default a signal raises Stopped in the main thread, wherever it is: the command unwinds through
its `finally` blocks (the records writer writes or journals what is queued, threads stop, child
processes are ended) and cli.main exits with 128 + the signal's number, as a shell reports it. A
loop with safe points of its own (between two frames, between two children) runs inside
`polled()`: there signals only set a flag that the loop reads through `requested()`, so neither
a frame nor the shutdown after the loop is cut half-way (a loop that hangs is for SIGKILL, which
systemd and the supervisor send after their stop timeouts).

The handlers are set before the command starts SDL: SDL puts in its own SIGTERM/SIGINT handler
only where none is set, and that handler merely queues a quit event, which a headless simulation
never reads (so it ran on through SIGTERM).
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(BaseException):
    """A stop signal arrived. A BaseException, like KeyboardInterrupt, so that no `except Exception`
    on the way swallows it."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _State:
    signum: int | None = None   # the first stop signal received
    polled = 0                  # depth of polled() blocks now running


def _on_signal(signum: int, _frame: Any) -> None:
    if _State.signum is None:
        _State.signum = signum
    if not _State.polled:
        raise Stopped(signum)


@contextmanager
def handled() -> Iterator[None]:
    """While a command runs: stop signals stop it (see the module's text); the handlers it found
    are put back afterwards (a command run from a test, or from a thread: then nothing changes)."""
    _State.signum, _State.polled = None, 0
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _on_signal) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def polled() -> Iterator[None]:
    """A loop that checks `requested()` at its safe points: signals only set the flag in here."""
    _State.polled += 1
    try:
        yield
    finally:
        _State.polled -= 1


def requested() -> int | None:
    """The stop signal received so far, if any."""
    return _State.signum


def name(signum: int) -> str:
    return signal.Signals(signum).name


def exit_code(signum: int) -> int:
    """What a stopped command exits with: 128 + the signal's number (143 for SIGTERM, 130 for SIGINT)."""
    return 128 + signum
