"""Raise hand (left / right / both, as seen in the processed picture: with the default mirror
that is the child's own left / right).

A hand counts as raised when it is at head height or above (fingertips near or above the bottom
of the face, palm above the neck), beside the head and within reach, whether held still or waved;
its side is the side of the head its skin patch (hand and forearm) is on. It must stay up
raise_hold_s before the event fires, and that side must come down for raise_rearm_s before it
can fire again. When one side completes while the other is on its way up, we wait a
moment so that two hands give one "both" instead of "left" then "right".
"""
from __future__ import annotations

from .body import Body, Hand
from .events import VisionEvent
from .settings import VisionSettings

SIDES = ("left", "right")
ABOVE = 0.25    # head sizes above the top of the face: a palm this high is above the head
BESIDE = 0.75   # head sizes from the head's middle to a palm beside the head, not on the face
NECK = 0.9      # head sizes below the face box: a palm held beside the head is above this line
CHIN = 0.3      # ... and its fingertips above this one (a fist at chin height beside the head counts)
NEAR = 1.6      # ... and within this many head sizes of it unless the palm is above the head
SMALL = 0.25    # ... and at least this many head areas of skin (head sizes squared)
UPRIGHT = 0.5   # ... and its skin patch reaches this many head sizes from its top to its middle
UP_GAP_S = 0.2  # seconds a side found up stays up through frames where it is not found


class RaiseHandRecogniser:
    def __init__(self, settings: VisionSettings, both_wait_s: float = 0.35):
        self.s = settings
        self.both_wait_s = both_wait_s
        self.progress = {"left": 0.0, "right": 0.0}
        self._armed = {"left": True, "right": True}
        self._down_since = {"left": 0.0, "right": 0.0}
        self._pending_since: float | None = None
        self._seen_t = {"left": -1e9, "right": -1e9}

    def raised_sides(self, body: Body, hands: list[Hand]) -> set[str]:
        """Sides with a hand up: at head height or above, beside the head.

        What children do when told to raise or wave a hand is an open palm or a fist held beside
        the head, often no higher than the chin: so the fingertips need only reach CHIN below the
        face box and the palm NECK below it, which keeps hands signing or pointing at chest
        height out. "Beside" (the palm at least BESIDE head sizes out from the head's middle)
        keeps a hand at the mouth, chin or cheek out. At head height the hand must also be near
        the head (NEAR: not pointing at a high target at arm's length), a child's hand in size
        (SMALL: not the face of someone further behind) and upright (UPRIGHT). A palm above the
        head counts within ~2.3 head sizes sideways (a target in the top corner of the screen is
        further out), however near the head's middle (a straight arm up) unless the whole patch
        is there (hair).
        """
        up: set[str] = set()
        hs = body.size
        top, bottom = body.head[1], body.head[1] + body.head[3]
        for h in hands:
            off = h.x - body.head_cx
            if h.top >= bottom + CHIN * hs or h.y >= bottom + NECK * hs or abs(off) > 2.3 * hs:
                continue
            if h.y >= top - ABOVE * hs and (abs(off) > NEAR * hs or h.area < SMALL * hs * hs
                                          or h.cy - h.top < UPRIGHT * hs):
                continue   # at head height but: out at arm's length (pointing at a high target),
                           # too small for this child's hand (the face of someone further behind),
                           # or not upright (a raised hand's fingers point up, its forearm hangs)
            if abs(off) < BESIDE * hs and not (h.y < top - ABOVE * hs and abs(h.cx - body.head_cx) >= 0.3 * hs):
                continue   # on the face, or straight up from the middle of the head (hair, not an arm)
            up.add("right" if h.cx - body.head_cx > 0 else "left")
        return up

    def update(self, t: float, dt: float, body: Body | None, hands: list[Hand], present: bool) -> list[VisionEvent]:
        s = self.s
        seen = self.raised_sides(body, hands) if (present and body is not None) else set()
        for side in seen:
            self._seen_t[side] = t
        # A waving hand is found up in most frames, not all (motion blur, the arm crossing the
        # face): a side seen up within UP_GAP_S is still up, and holds its progress.
        up = {sd for sd in SIDES if present and t - self._seen_t[sd] <= UP_GAP_S}
        for side in SIDES:
            if side in seen:
                self.progress[side] = min(1.0, self.progress[side] + dt / s.raise_hold_s)
            elif side not in up:
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
