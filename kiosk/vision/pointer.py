"""Hand pointer: one hand's palm, in 0..1 over the region of interest, smoothed by a One Euro
filter so it can rest on a target a tenth of the screen tall.

Which hand: the one already followed while it stays engaged and no other hand is clearly higher,
else the highest engaged hand. A hand is engaged once it has been lifted away from the body: it
rose by LIFT head sizes while being followed, or it was first seen beside the head at the
shoulders or higher, and it stays engaged while it is above the waist line. A hand resting at the
side or in a pocket, or the skin of a neck, has not risen, so it never drives the pointer (and
never fills a dwell ring), even where it lies on a target low on the screen.
"""
from __future__ import annotations

from .body import Body
from .hand_tracking import HandTrack
from .one_euro import OneEuro
from .settings import VisionSettings


LIFT = 0.8       # head sizes a hand must rise before it counts as lifted towards the screen
BESIDE = 0.75    # head sizes out from the head's middle: beside the head, not under it
SHOULDERS = 0.5  # head sizes below the face: a hand first seen above this was lifted out of sight


def engaged(body: Body, tr: HandTrack, roi_h: int) -> bool:
    """Above the waist line (the belly): a hand hanging at the side is not pointing."""
    face_bottom = body.head[1] + body.head[3]
    return tr.y * roi_h < face_bottom + 2.2 * body.size


def lifted(body: Body, tr: HandTrack, roi_w: int, roi_h: int) -> bool:
    """Seen to rise towards the screen, or first seen already high beside the head (it came up out
    of sight). Skin under the face (a neck, an open collar) is found as a "hand" that never rises."""
    face_bottom = body.head[1] + body.head[3]
    lowest = max(y for _, _, y in tr.path) if tr.path else tr.y
    _, fx, fy = tr.path[0] if tr.path else (0.0, tr.x, tr.y)
    beside = abs(fx * roi_w - body.head_cx) >= BESIDE * body.size   # not the neck or chest under the face
    return (lowest - tr.y) * roi_h >= LIFT * body.size or (beside and fy * roi_h < face_bottom + SHOULDERS * body.size)


class PointerRecogniser:
    def __init__(self, settings: VisionSettings):
        self.s = settings
        self._fx = OneEuro(settings.pointer_min_cutoff, settings.pointer_beta)
        self._fy = OneEuro(settings.pointer_min_cutoff, settings.pointer_beta)
        self.pointer: tuple[float, float] | None = None
        self.track_id: int | None = None
        self._last_seen = -1e9
        self._lifted: set[int] = set()   # hand track ids seen lifted and not dropped since

    def update(self, t: float, body: Body | None, tracks: list[HandTrack], roi: tuple[int, int],
               present: bool) -> tuple[float, float] | None:
        tr = self._choose(t, body, tracks, *roi) if (present and body is not None) else None
        if tr is None:
            if self.pointer is not None and t - self._last_seen > self.s.pointer_lost_s:
                self.pointer, self.track_id = None, None
                self._fx.reset()
                self._fy.reset()
            return self.pointer
        if tr.id != self.track_id:
            self.track_id = tr.id
            self._fx.reset()
            self._fy.reset()
        if tr.last_seen == t:
            self._last_seen = t
            self.pointer = (min(1.0, max(0.0, self._fx(tr.x, t))), min(1.0, max(0.0, self._fy(tr.y, t))))
        return self.pointer

    def _choose(self, t: float, body: Body, tracks: list[HandTrack], roi_w: int, roi_h: int) -> HandTrack | None:
        ids = {tr.id for tr in tracks if engaged(body, tr, roi_h)}
        self._lifted = {i for i in self._lifted if i in ids}
        self._lifted |= {tr.id for tr in tracks if tr.id in ids and lifted(body, tr, roi_w, roi_h)}
        live = [tr for tr in tracks if tr.id in self._lifted]
        current = next((tr for tr in live if tr.id == self.track_id), None)
        fresh = [tr for tr in live if tr.last_seen == t]
        top = min(fresh, key=lambda tr: tr.y) if fresh else None
        if current is not None:
            # Stay with the followed hand unless another is clearly higher (a head or more):
            # the child has lifted the other hand to point with it.
            if top is not None and (current.y - top.y) * roi_h > body.size:
                return top
            return current
        return top
