"""Garbage collection between frames, never inside one.

Python's automatic collector runs whenever enough objects have been allocated, which is in the
middle of whatever frame allocates them: a step change that lays out text and rasterises
pictures allocates the most, so it also collected the most (a gen-2 pass over every lesson,
font and module object took 10-40 ms). Here the objects that live as long as the process (the
modules, the lessons, the fonts) are frozen out of collection once start-up is done, the
automatic collector is off, and the loop calls `between_frames` after each frame: young
generations are collected when the frame left time to spare, a full collection waits for the
end of a session (the attract screen is on; nobody is answering), and the free memory it leaves
goes back to the system then too (kiosk/allocator.py).
"""
from __future__ import annotations

import gc

from kiosk.allocator import give_back_free_memory

SPARE_MS = 6.0        # a young collection takes well under a millisecond; only after a frame this quick
BACKSTOP = 20         # ... or after this many allocation thresholds with no quick frame, all the same


class IdleCollector:
    def __init__(self) -> None:
        self.active = False
        self._full_due = False
        self._was_enabled = True

    def start(self) -> None:
        """After start-up: what exists now is kept for the process's life, so it is never scanned again."""
        if self.active:
            return
        self._was_enabled = gc.isenabled()
        gc.collect()
        gc.freeze()
        gc.disable()
        self.active = True

    def stop(self) -> None:
        """Automatic collection again (the app shuts down, or a test is over)."""
        if not self.active:
            return
        self.active = False
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()

    def full_later(self) -> None:
        """A session ended: the next gap between frames gets a full collection."""
        self._full_due = True

    def between_frames(self, frame_ms: float) -> int | None:
        """Collect what is due, given how long the frame that just ended took; the generation collected."""
        if not self.active:
            return None
        if self._full_due:
            self._full_due = False
            gc.collect()
            give_back_free_memory()
            return 2
        young, middle, old = gc.get_count()
        threshold0, threshold1, threshold2 = gc.get_threshold()
        if young < threshold0 or (frame_ms > SPARE_MS and young < threshold0 * BACKSTOP):
            return None
        # the oldest generation also in a gap when no session ends for long (host mode presents all day)
        generation = 2 if old + 1 >= threshold2 * BACKSTOP else 1 if middle + 1 >= threshold1 else 0
        gc.collect(generation)
        return generation
