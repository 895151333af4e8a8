"""Hand pointer: one hand's palm, in 0..1 over the region of interest, smoothed by a One Euro
filter so it can rest on a target a tenth of the screen tall.

Which hand: the one already followed while it stays engaged (above the child's belly: a hand
hanging at the side is not pointing) and no other hand is clearly higher, else the highest
engaged hand.
"""
from __future__ import annotations

from .body import Body
from .hand_tracking import HandTrack
from .one_euro import OneEuro
from .settings import VisionSettings


def engaged(body: Body, tr: HandTrack, roi_h: int) -> bool:
    face_bottom = body.head[1] + body.head[3]
    return tr.y * roi_h < face_bottom + 2.2 * body.size


class PointerRecogniser:
    def __init__(self, settings: VisionSettings):
        self.s = settings
        self._fx = OneEuro(settings.pointer_min_cutoff, settings.pointer_beta)
        self._fy = OneEuro(settings.pointer_min_cutoff, settings.pointer_beta)
        self.pointer: tuple[float, float] | None = None
        self.track_id: int | None = None
        self._last_seen = -1e9

    def update(self, t: float, body: Body | None, tracks: list[HandTrack], roi_h: int,
               present: bool) -> tuple[float, float] | None:
        tr = self._choose(t, body, tracks, roi_h) if (present and body is not None) else None
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

    def _choose(self, t: float, body: Body, tracks: list[HandTrack], roi_h: int) -> HandTrack | None:
        live = [tr for tr in tracks if engaged(body, tr, roi_h)]
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
