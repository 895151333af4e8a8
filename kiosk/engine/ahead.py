"""Work ahead of the child, in the time a frame leaves spare.

The slowest frames of play were the first showing of something: a step's text laid out and
rendered, a feedback card fitted, a lesson's results. Here what the next moments will show (the
next step, this step's feedback, the results, the menu: the hall says what, kiosk/rehearsal.py) is
drawn off screen with Fonts.deferring, which makes the drawing itself cheap: each text it finds not
yet laid out or rendered is listed, and made one at a time after later frames, only while the
frame just shown left time to spare (its work and this together within BUDGET_MS). A drawing is
drawn again until it finds nothing missing, because a text laid out late can move what comes
after it. Between two frames this never does more than one text or one drawing past the budget.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterator

from kiosk.ui.fonts import Misses
from kiosk.ui.toolkit import UI

log = logging.getLogger(__name__)

BUDGET_MS = 12.0     # a frame's work and the work ahead after it: well inside 60 Hz's 16.7 ms
LEAST_MS = 1.5       # no text is started with less time than this left
FIRST_PASS_MS = 4.0  # what a drawing is guessed to cost before one has been timed
PASSES = 6           # a drawing still finding texts missing after this many is left as it is


@dataclass(frozen=True)
class Prepare:
    """One thing a child may see next, as a drawing onto a scratch surface. lines=False prepares
    its layouts and pictures but renders no line: the rehearsal of every lesson at start-up, whose
    lines would be pushed out of the bounded line cache long before a child reached them."""

    draw: Callable[[], None]
    lines: bool = True


class WorkAhead:
    def __init__(self, ui: UI):
        self.ui = ui  # its fonts, not a copy: large text swaps them
        self._plan: Iterator[Prepare] | None = None
        self._current: Prepare | None = None
        self._passes = 0
        self._work: deque[Callable[[], object]] = deque()
        self._pass_ms = FIRST_PASS_MS
        self.made = 0        # texts laid out or rendered ahead (the benchmark and tests read it)

    def plan(self, drawings: Iterator[Prepare] | None) -> None:
        """What to prepare from now on, replacing the plan before (the screen changed)."""
        self._plan, self._current, self._passes = drawings, None, 0
        self._work.clear()

    @property
    def done(self) -> bool:
        return self._plan is None and self._current is None and not self._work

    def between_frames(self, frame_ms: float, budget_ms: float = BUDGET_MS) -> None:
        """Prepare for as long as the frame that just ended leaves of budget_ms."""
        deadline = time.perf_counter() + (budget_ms - frame_ms) / 1000
        while (left := (deadline - time.perf_counter()) * 1000) > LEAST_MS:
            if self._work:
                self._work.popleft()()
                self.made += 1
            elif self._current is not None or self._next():
                if left < self._pass_ms:
                    self._pass_ms *= 0.9  # the last drawing may have been a slow one: try again soon
                    return
                self._draw()
            else:
                return

    def _next(self) -> bool:
        self._current = next(self._plan, None) if self._plan is not None else None
        self._passes = 0
        if self._current is None:
            self._plan = None
        return self._current is not None

    def _draw(self) -> None:
        current = self._current
        assert current is not None
        began = time.perf_counter()
        try:
            with self.ui.fonts.deferring() as misses:
                current.draw()
        except Exception:  # noqa: BLE001 - a step that fails to draw is taken out of play when a child opens it
            log.debug("drawing ahead failed", exc_info=True)
            self._current = None
            return
        self._pass_ms = (time.perf_counter() - began) * 1000
        self._passes += 1
        work = self._missing(misses, current.lines)
        if not work or self._passes >= PASSES:
            self._current = None
        self._work.extend(work)

    @staticmethod
    def _missing(misses: Misses, lines: bool) -> list[Callable[[], object]]:
        # lines drawn after a layout still missing may not be the lines finally shown: layouts first
        if misses.layouts:
            return list(misses.layouts.values())
        return list(misses.lines.values()) if lines else []
