"""Raise hand (left / right / both, as seen in the processed picture: with the default mirror
that is the child's own left / right).

A hand counts as raised when its palm is above the top of the face and within reach beside the
head; its side is the side of the head its skin patch (hand and forearm) is on. It must stay up
raise_hold_s before the event fires, and that side must come down for raise_rearm_s before it
can fire again. When one side completes while the other is on its way up, we wait a
moment so that two hands give one "both" instead of "left" then "right".
"""
from __future__ import annotations

from .body import Body, Hand
from .events import VisionEvent
from .settings import VisionSettings

SIDES = ("left", "right")


class RaiseHandRecogniser:
    def __init__(self, settings: VisionSettings, both_wait_s: float = 0.35):
        self.s = settings
        self.both_wait_s = both_wait_s
        self.progress = {"left": 0.0, "right": 0.0}
        self._armed = {"left": True, "right": True}
        self._down_since = {"left": 0.0, "right": 0.0}
        self._pending_since: float | None = None

    def raised_sides(self, body: Body, hands: list[Hand]) -> set[str]:
        """Sides with a hand up: palm above the top of the face, within reach beside the head.

        "Above the face" rather than "above the shoulder" keeps hands signing or pointing at
        chest height out, and "within ~2.3 head sizes sideways" keeps a hand pointing at a
        target in the top corner of the screen from counting as a raised hand.
        """
        up: set[str] = set()
        hs = body.size
        top = body.head[1]
        for h in hands:
            if h.y >= top - 0.1 * hs or abs(h.x - body.head_cx) > 2.3 * hs:
                continue
            off = h.cx - body.head_cx
            if abs(off) < 0.3 * hs and abs(h.x - body.head_cx) < 0.4 * hs:
                continue   # straight up from the middle of the head: hair, not an arm
            up.add("right" if off > 0 else "left")
        return up

    def update(self, t: float, dt: float, body: Body | None, hands: list[Hand], present: bool) -> list[VisionEvent]:
        s = self.s
        up = self.raised_sides(body, hands) if (present and body is not None) else set()
        for side in SIDES:
            if side in up:
                self.progress[side] = min(1.0, self.progress[side] + dt / s.raise_hold_s)
            else:
                # A lost frame should not throw away a held hand: decay, do not reset.
                self.progress[side] = max(0.0, self.progress[side] - 2 * dt / s.raise_hold_s)
                if self._down_since[side] <= 0:
                    self._down_since[side] = t
                if not self._armed[side] and t - self._down_since[side] >= s.raise_rearm_s:
                    self._armed[side] = True
            if side in up:
                self._down_since[side] = 0.0

        ready = [sd for sd in SIDES if self._armed[sd] and self.progress[sd] >= 1.0]
        if not ready:
            self._pending_since = None
            return []
        if len(ready) == 2:
            return self._fire(t, "both", SIDES)
        side = ready[0]
        other = "right" if side == "left" else "left"
        if self._armed[other] and self.progress[other] > 0.2:
            if self._pending_since is None:
                self._pending_since = t
            if t - self._pending_since < self.both_wait_s:
                return []   # the other hand is on its way up
        return self._fire(t, side, (side,))

    def _fire(self, t: float, name: str, sides: tuple[str, ...]) -> list[VisionEvent]:
        for sd in sides:
            self._armed[sd] = False
            self.progress[sd] = 0.0
            self._down_since[sd] = 0.0
        self._pending_since = None
        return [VisionEvent(t, "raise", side=name)]

    def display_progress(self) -> dict[str, float]:
        """For the UI: light the side being raised before it counts (0 once spent until re-armed)."""
        return {sd: (self.progress[sd] if self._armed[sd] else 0.0) for sd in SIDES}
