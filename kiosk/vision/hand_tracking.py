"""HandTracker: gives the hands found in each frame identities over time.

The pointer follows one identity; swipe looks at every identity's recent path. A hand briefly
lost (passing in front of the face, whose skin is masked out, or blurred by a fast sweep) keeps
its identity if it reappears where a hand moving that fast could be.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .body import Hand


@dataclass
class HandTrack:
    id: int
    x: float            # palm, ROI fractions
    y: float
    cx: float           # skin patch centre, ROI fractions
    cy: float
    last_seen: float
    hand: Hand
    path: deque = field(default_factory=lambda: deque(maxlen=64))   # (t, x, y) of the palm


class HandTracker:
    def __init__(self, keep_s: float = 0.35, history_s: float = 1.0):
        self.keep_s = keep_s
        self.history_s = history_s
        self.tracks: list[HandTrack] = []
        self._next = 1

    def reset(self) -> None:
        self.tracks = []

    def update(self, t: float, hands: list[Hand], roi_w: int, roi_h: int) -> list[HandTrack]:
        pts = [(h.x / roi_w, h.y / roi_h, h) for h in hands]
        pairs = []
        for ti, tr in enumerate(self.tracks):
            gap = t - tr.last_seen
            gate = 0.06 + 1.8 * gap       # a sweep covers under ~2 picture widths per second
            for pi, (x, y, h) in enumerate(pts):
                if not 0.25 <= h.area / max(tr.hand.area, 1) <= 4.0:
                    continue                  # a different skin patch, not this hand moved
                d = ((x - tr.x) ** 2 + ((y - tr.y) * roi_h / roi_w) ** 2) ** 0.5
                if d <= gate:
                    pairs.append((d, ti, pi))
        used_t, used_p = set(), set()
        for d, ti, pi in sorted(pairs):
            if ti in used_t or pi in used_p:
                continue
            used_t.add(ti)
            used_p.add(pi)
            self._set(self.tracks[ti], t, *pts[pi], roi_w, roi_h)
        for pi, (x, y, h) in enumerate(pts):
            if pi not in used_p:
                tr = HandTrack(self._next, x, y, h.cx / roi_w, h.cy / roi_h, t, h)
                tr.path.append((t, x, y))
                self._next += 1
                self.tracks.append(tr)
        self.tracks = [tr for tr in self.tracks if t - tr.last_seen <= self.keep_s]
        return self.tracks

    def _set(self, tr: HandTrack, t: float, x: float, y: float, h: Hand, roi_w: int, roi_h: int) -> None:
        tr.x, tr.y, tr.cx, tr.cy, tr.hand, tr.last_seen = x, y, h.cx / roi_w, h.cy / roi_h, h, t
        tr.path.append((t, x, y))
        while tr.path and t - tr.path[0][0] > self.history_s:
            tr.path.popleft()
