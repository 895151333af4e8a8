"""Worker threads do their next piece of work between frames, not during one.

Python runs one thread at a time: a worker that holds the interpreter when a frame starts makes
the render loop wait its turn (up to the 5 ms switch interval, again and again). Measured over
100 simulated children at 1920x1080, frames spent up to 16 ms of their time waiting for the
narration loader and the picture worker. So the loop marks its frames (`drawing`), and each
worker waits for the gap after a frame (`wait_for_gap`) before it takes its next task: a clip
to decode, a picture to rasterise, a batch of events to write, a camera picture to read. A task
it has begun still runs on; a worker never waits longer than MOST_WAIT_S, so one that no frame
lets in still works.
A task that runs on into a frame still takes a CPU: with the loader, the picture worker and
speech synthesis busy at once, a 2-CPU machine has more running threads than CPUs, and frames of
7 ms of work took 18-26 ms (300 simulated children, 1920x1080). So each worker starts with
`lower_this_thread`: it runs niced, and the render loop gets a CPU first.
One render loop per process, so one gate.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

MOST_WAIT_S = 0.05   # three frames at 60 Hz
WORKER_NICE = 10     # a CPU the render thread and a worker both want goes ~90% to the render thread

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


def lower_this_thread() -> None:
    """A worker thread's first call: it yields a contended CPU to the render loop and still uses
    every CPU the loop leaves free. Linux only (per-thread niceness); elsewhere nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICE))
    except OSError:
        pass  # a sandbox that forbids it: the worker keeps the loop's priority
