"""Hover-and-dwell: holding a pointer on a target for the dwell time selects it.

Used by the engine for the camera pointer (targets are the screen's buttons) and by the vision
replay tool (targets from a JSON file), so both behave the same. Pure geometry and time, so it
lives in vision, the lowest layer both of them may import.
"""
from __future__ import annotations

from dataclasses import dataclass

Rect = tuple[float, float, float, float]

@dataclass
class DwellState:
    target: str | None = None
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
        if hit is None:
            if self.state.target is not None and t - self._last_on <= self.grace_s:
                return None  # brief slip: hold progress
            self.reset()
            return None
        self._last_on = t
        if hit != self.state.target:
            self.state = DwellState(hit, 0.0)
            self._since, self._spent = t, False
            return None
        if self._spent or self._since is None:
            return None  # a child holding still on "Next" must not race through every page
        self.state.progress = min(1.0, (t - self._since) / self.dwell_s)
        if self.state.progress >= 1.0:
            self._spent = True
            self.state.progress = 0.0
            return hit
        return None


def _inside(pos: tuple[float, float], rect: Rect) -> bool:
    x, y, w, h = rect
    return x <= pos[0] < x + w and y <= pos[1] < y + h
