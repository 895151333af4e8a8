"""Hover-and-dwell: holding a pointer on something for the dwell time selects it.

DwellTracker dwells on targets (the engine's camera pointer on a screen's buttons, the vision
replay tool's targets from a JSON file, so both behave the same); PositionDwell dwells on a place
(a picture whose hidden areas are not buttons) with the same timing. Pure geometry and time, so it
sits outside the layered packages, where the engine, vision and the game scenes may all import it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Hashable

Rect = tuple[float, float, float, float]


@dataclass
class DwellState:
    target: Hashable | None = None
    progress: float = 0.0      # 0..1: how full the ring around the target is


class DwellTracker:
    """Feed it pointer positions with times; it says which target is being dwelt on and when it fires."""

    def __init__(self, dwell_s: float = 1.0, grace_s: float = 0.15):
        self.dwell_s = dwell_s
        self.grace_s = grace_s   # a pointer that slips off for a moment (noise) keeps its progress
        self.state = DwellState()
        self._since: float | None = None
        self._last_on: float = 0.0
        self._spent = False  # fired on this target: the pointer must leave before it can fire again

    def reset(self) -> None:
        self.state = DwellState()
        self._since = None
        self._spent = False

    def update(self, pos: tuple[float, float] | None, t: float, targets: dict[str, Rect]) -> str | None:
        """The id of the target selected at time t, or None. Progress is in self.state."""
        hit = None if pos is None else next((tid for tid, r in targets.items() if _inside(pos, r)), None)
        return hit if self.hold(hit, t) else None

    def hold(self, on: Hashable | None, t: float) -> bool:
        """The pointer is on `on` (None: on nothing) at time t; True when that selects it."""
        if on is None:
            if self.state.target is not None and t - self._last_on <= self.grace_s:
                return False  # brief slip: hold progress
            self.reset()
            return False
        self._last_on = t
        if on != self.state.target:
            self.state = DwellState(on, 0.0)
            self._since, self._spent = t, False
            return False
        if self._spent or self._since is None:
            return False  # a child holding still on "Next" must not race through every page
        self.state.progress = min(1.0, (t - self._since) / self.dwell_s)
        if self.state.progress >= 1.0:
            self._spent = True
            self.state.progress = 0.0
            return True
        return False

    def restart(self, t: float) -> None:
        """Count the dwell on the same target again from t: what lay under the pointer has moved."""
        if self.state.target is not None:
            self._since, self.state.progress = t, 0.0


class PositionDwell:
    """Holding a camera pointer still on a picture selects that *place* (the engine's dwell only
    knows buttons and selects their centre): a DwellTracker whose target is where the hand stopped.
    Moving further than `radius` starts again."""

    def __init__(self, dwell_s: float = 1.2, radius: int = 40):
        self.radius = radius
        self.anchor: tuple[int, int] | None = None
        self._tracker = DwellTracker(dwell_s, grace_s=0.0)
        self._clock = 0.0   # the sum of update()'s dt: the tracker counts in times

    def reset(self) -> None:
        self.anchor = None
        self._tracker.reset()

    def move(self, pos: tuple[int, int] | None) -> None:
        if pos is None:
            self.reset()
        elif self.anchor is None or math.dist(pos, self.anchor) > self.radius:
            self.anchor = pos
            self._tracker.hold(pos, self._clock)

    def restart(self) -> None:
        """Hold still again on the same place: the picture moved under the hand."""
        self._tracker.restart(self._clock)

    def update(self, dt: float) -> tuple[int, int] | None:
        """The place selected during this dt, if any."""
        self._clock += dt
        if self.anchor is not None and self._tracker.hold(self.anchor, self._clock):
            return self.anchor
        return None

    @property
    def progress(self) -> float:
        return self._tracker.state.progress


def _inside(pos: tuple[float, float], rect: Rect) -> bool:
    x, y, w, h = rect
    return x <= pos[0] < x + w and y <= pos[1] < y + h
