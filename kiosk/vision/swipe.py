"""Swipe left / right: a quick horizontal sweep of a hand.

For every tracked hand (its palm: the widest part of its skin patch, which stays on the hand
even when the arm crosses in front of the body): within swipe_max_s it moved at least
swipe_min_dx of the picture's width, mostly sideways, fast at its peak, in one direction over
several frames (no single jump: that is the tracker hopping to another skin patch), while the
head stayed put (someone walking across moves their head with their hands). Only hands up where
gestures are made count: a hand swinging at the side while walking is not a swipe. Direction is
where the hand went in the processed picture (mirrored by default: the child's own left/right),
as a finger swipe on the touch screen.
"""

from __future__ import annotations

from collections import deque
from typing import Callable

from .events import VisionEvent
from .hand_tracking import HandTrack
from .settings import VisionSettings


class SwipeRecogniser:
    def __init__(self, settings: VisionSettings, min_peak_speed: float = 1.0):
        self.s = settings
        self.min_peak_speed = min_peak_speed   # ROI widths per second, between two sightings
        self._heads: deque[tuple[float, float]] = deque()
        self._quiet_until = -1.0

    def update(self, t: float, tracks: list[HandTrack], head_x: float | None, engaged: bool,
               steady: bool, up: Callable[[HandTrack], bool] = lambda tr: True) -> list[VisionEvent]:
        """up: whether a hand is where swipes are made (above the belly)."""
        s = self.s
        if head_x is not None:
            self._heads.append((t, head_x))
        while self._heads and t - self._heads[0][0] > s.swipe_max_s + 0.2:
            self._heads.popleft()
        if not engaged or not steady or t < self._quiet_until:
            return []
        for tr in tracks:
            if tr.last_seen != t or len(tr.path) < 3 or not up(tr):
                continue
            direction = self._check(t, tr)
            if direction is not None:
                self._quiet_until = t + s.swipe_refractory_s
                tr.path.clear()
                return [VisionEvent(t, "swipe", direction=direction)]
        return []

    def _check(self, t: float, tr: HandTrack) -> str | None:
        s = self.s
        pts = [p for p in tr.path if t - p[0] <= s.swipe_max_s]
        if len(pts) < 3:
            return None
        t1, x1, y1 = pts[-1]
        for i, (t0, x0, y0) in enumerate(pts[:-2]):
            dx = x1 - x0
            if abs(dx) < s.swipe_min_dx or abs(y1 - y0) > 0.6 * abs(dx):
                continue
            seg = pts[i:]
            steps = [abs(b[1] - a[1]) for a, b in zip(seg, seg[1:])]
            if sum(steps) > 1.3 * abs(dx):
                continue   # back and forth (waving, signing), not one sweep
            if max(steps) > 0.6 * abs(dx):
                continue   # one jump, not a sweep
            peak = max(v / max(b[0] - a[0], 1e-3) for v, a, b in zip(steps, seg, seg[1:]))
            if peak < self.min_peak_speed:
                continue
            h0, h1 = self._head_at(t0), self._head_at(t1)
            if h0 is not None and h1 is not None and abs(h1 - h0) > 0.3 * abs(dx):
                continue   # the whole person moved: walking, not swiping
            return "right" if dx > 0 else "left"
        return None

    def _head_at(self, t: float) -> float | None:
        best = min(self._heads, key=lambda h: abs(h[0] - t), default=None)
        return None if best is None or abs(best[0] - t) > 0.3 else best[1]
