"""Worker threads do their next piece of work between frames, not during one.

Python runs one thread at a time: a worker that holds the interpreter when a frame starts makes
the render loop wait its turn (up to the 5 ms switch interval, again and again). Measured over
100 simulated children at 1920x1080, frames spent up to 16 ms of their time waiting for the
narration loader and the picture worker. So the loop marks its frames (`drawing`), and each
worker waits for the gap after a frame (`wait_for_gap`) before it takes its next task: a clip
to decode, a picture to rasterise, a batch of events to write, a camera picture to read. A task
it has begun still runs on; a worker never waits longer than MOST_WAIT_S, so one that no frame
lets in still works.
One render loop per process, so one gate.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

MOST_WAIT_S = 0.05   # three frames at 60 Hz

_gap = threading.Event()
_gap.set()           # no loop drawing: the gate is open (commands, tests, a kiosk not started yet)


@contextmanager
def drawing() -> Iterator[None]:
    """The render loop is in a frame: workers hold back their next task."""
    _gap.clear()
    try:
        yield
    finally:
        _gap.set()


def wait_for_gap(most_s: float = MOST_WAIT_S) -> bool:
    """Block until no frame is being drawn, for at most most_s; True when a gap came."""
    deadline = time.monotonic() + most_s
    while not _gap.is_set():   # woken as a frame ended, the next may have begun: look again
        left = deadline - time.monotonic()
        if left <= 0 or not _gap.wait(left):
            return False
    return True
