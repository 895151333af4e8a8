"""Drive an App the way a child would, frame by frame, with no real time passing.

Tests, the simulator and the offscreen demo use this (like Textual's Pilot): tap a target by
id, press keys, wait. Every call renders real frames through App.frame, and tags each frame with
the moment a child saw in it (MOMENTS), so a benchmark can say which changes cost what.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Any

from kiosk.input.intents import Intent, Kind, point, tap

from .app import App

FRAME = 1 / 60
# what happened in a frame, the first that applies: a new screen (a lesson opened, its results, any
# other screen), the next or previous step, an answer judged, a fade still running, nothing new
MOMENTS = ("lesson_start", "results", "screen_change", "step_change", "feedback", "fade", "steady")


class Pilot:
    def __init__(self, app: App):
        self.app = app
        self.frame_ms: deque[float] = deque(maxlen=100_000)  # bounded: a long soak must not grow
        self.moments: deque[str] = deque(maxlen=100_000)     # the moment of each of those frames
        self.frame_at: deque[float] = deque(maxlen=100_000)  # and when each began (perf_counter s)
        self.frame_count = 0
        self.worst_ms = 0.0

    def frames(self, n: int = 1, dt: float = FRAME, intents: list[Intent] | None = None) -> None:
        for i in range(n):
            before = self._state()
            self.frame_at.append(time.perf_counter())
            ms = self.app.frame(dt, intents if i == 0 and intents else ())
            self.moments.append(self._moment(before, self._state()))
            self.app.between_frames(ms)
            self.frame_ms.append(ms)
            self.frame_count += 1
            self.worst_ms = max(self.worst_ms, ms)

    def _state(self) -> tuple[Any, int | None, int]:
        app = self.app
        session = app.sessions.current
        return app.top, getattr(app.top, "index", None), session.answered if session else 0

    def _moment(self, before: tuple[Any, int | None, int], after: tuple[Any, int | None, int]) -> str:
        if after[0] is not before[0]:
            name = after[0].describe().get("screen")
            return "lesson_start" if name == "lesson" else "results" if name == "results" else "screen_change"
        if after[1] != before[1]:
            return "step_change"
        if after[2] > before[2]:
            return "feedback"
        return "fade" if self.app.fading else "steady"

    def p99_ms(self) -> float:
        """p99 frame time over the most recent frames (up to 100,000)."""
        ms = sorted(self.frame_ms)
        return ms[int(len(ms) * 0.99)] if ms else 0.0

    def wait(self, seconds: float, frames: int | None = None, gaps: bool = True) -> None:
        """Let time pass: every frame at 60 Hz, or `frames` frames spread over the time. The frames
        not drawn (an accelerated clock) still get the gap after them (App.between_frames, as
        after a steady frame), where the kiosk works ahead, unless gaps is False (a soak, where
        only the clock matters)."""
        every = max(1, round(seconds / FRAME))
        n = frames or every
        spare = max(0, every - n) if gaps else 0
        for i in range(n):
            self.frames(1, seconds / n)
            undrawn = spare // n + (i < spare % n)
            if undrawn:  # each after what an undrawn steady frame would have cost
                steady = min(self.frame_ms[-k] for k in range(1, min(8, len(self.frame_ms)) + 1))
                for _ in range(undrawn):
                    self.app.between_frames(steady)

    def tap(self, target: str, source: str = "touch", quick: bool = False) -> None:
        """Touch (or click) a target by id: down and up, over two frames (one when quick)."""
        rect = self.app.targets().get(target)
        if rect is None:
            raise LookupError(f"no target '{target}' on {self.app.describe()['screen']}; "
                              f"targets: {sorted(self.app.targets())}")
        x, y = rect[0] + rect[2] // 2, rect[1] + rect[3] // 2
        if not quick:
            self.frames(1, intents=[point(x, y, source)] if source == "mouse" else None)
        self.frames(1, intents=tap(x, y, source))

    def key(self, kind: Kind, value: str | int | None = None) -> None:
        self.frames(1, intents=[Intent(kind, None, value, "key")])

    def send(self, *intents: Intent) -> None:
        self.frames(1, intents=list(intents))

    @property
    def screen(self) -> dict[str, Any]:
        return self.app.describe()

    @property
    def targets(self) -> list[str]:
        return sorted(self.app.targets())
