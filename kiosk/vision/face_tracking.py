"""FaceTracker: faces over time at the processing resolution, within the time budget.

A Haar search of the whole picture costs ~3-10 ms at 320 px wide, too much for every frame. So
the whole picture is searched every `face_scan_s`, and in between each known face is looked for
again only in a small window around where it was (well under a millisecond). Tracks remember
when they were last seen: presence uses confirmed near faces, the body model uses them as heads,
the skin model learns this child's skin colour from them, and the corner view's blur gets the
boxes plus a flag saying whether they can be trusted.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .faces import FRONTAL, PROFILE, SKIN_HI, SKIN_LO, cascade
from .settings import VisionSettings


@dataclass
class FaceTrack:
    x: float
    y: float
    w: float
    h: float
    first_seen: float
    last_seen: float
    hits: int = 1
    frontal: bool = True
    vx: float = 0.0      # sideways speed, pixels per second (someone walking past moves fast)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.w, self.h)

    @property
    def confirmed(self) -> bool:
        return self.hits >= 2

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


class FaceTracker:
    def __init__(self, settings: VisionSettings):
        self.settings = settings
        self.tracks: list[FaceTrack] = []
        self._last_scan = -1e9
        self._frame = 0
        self.flicker_until = -1.0     # recently lost or contradicting faces: blur all to be safe

    def update(self, gray: np.ndarray, ycrcb: np.ndarray, t: float,
               searched: list[tuple[float, float, float, float]] | None = None) -> list[FaceTrack]:
        """Track faces in the (mirrored, downscaled) grey picture; boxes in its pixels.

        searched: frontal faces the caller's own finer search of the whole picture found this
        frame (a live poll's room sweep, boxes in these pixels); given, it replaces the periodic
        whole-picture scan, so the picture is never searched twice."""
        self._frame += 1
        s = self.settings
        found: list[tuple[tuple[int, int, int, int], bool]] = []
        searched_local = False
        n_local = 0
        if searched is not None:
            found += [(tuple(int(round(v)) for v in b), True) for b in searched]  # type: ignore[misc]
        if searched is None and t - self._last_scan >= s.face_scan_s:
            self._last_scan = t
            h, w = gray.shape
            min_px = max(20, int(0.045 * w))
            dets = cascade(FRONTAL).detectMultiScale(gray, scaleFactor=1.2, minNeighbors=2,
                                                     minSize=(min_px, min_px), maxSize=(h, h))
            found += [(tuple(map(int, d)), True) for d in dets if _skin_enough(ycrcb, d)]
        elif self.tracks and self._frame % max(1, s.face_track_every) == 0:
            searched_local = True
            for tr in self.tracks:
                hit = self._redetect(gray, tr)
                if hit is not None and _skin_enough(ycrcb, hit[0]):
                    # Found where this track was looked for: it is this face, however far it moved.
                    self._update_track(tr, hit[0], hit[1], t)
                    n_local += 1
        self._associate(found, t)
        before = len(self.tracks)
        self.tracks = [tr for tr in self.tracks if t - tr.last_seen <= s.face_keep_s]
        if len(self.tracks) < before or (searched_local and n_local < len(self.tracks)):
            self.flicker_until = t + 0.5
        return self.tracks

    def _redetect(self, gray: np.ndarray, tr: FaceTrack) -> tuple[tuple[int, int, int, int], bool] | None:
        """Search a window ~3 face sizes across (a child walking off moves most of a face width
        between two looks), scaled so the face is ~36 px (the cascades' sweet spot)."""
        h, w = gray.shape
        cx, cy, size = tr.cx, tr.cy, max(tr.w, tr.h)
        x0, y0 = int(max(0, cx - 1.6 * size)), int(max(0, cy - 1.2 * size))
        x1, y1 = int(min(w, cx + 1.6 * size)), int(min(h, cy + 1.2 * size))
        if x1 - x0 < 12 or y1 - y0 < 12:
            return None
        crop = gray[y0:y1, x0:x1]
        k = 36.0 / size
        if abs(k - 1.0) > 0.1:
            crop = cv2.resize(crop, (max(1, int(crop.shape[1] * k)), max(1, int(crop.shape[0] * k))),
                              interpolation=cv2.INTER_LINEAR if k > 1 else cv2.INTER_AREA)
        else:
            k = 1.0
        kw = dict(scaleFactor=1.1, minNeighbors=2, minSize=(24, 24), maxSize=(60, 60))
        for name, flip in ((FRONTAL, False), (PROFILE, False), (PROFILE, True)):
            img = cv2.flip(crop, 1) if flip else crop
            dets = cascade(name).detectMultiScale(img, **kw)
            if len(dets):
                bx, by, bw, bh = max(dets, key=lambda d: d[2] * d[3])
                if flip:
                    bx = img.shape[1] - bx - bw
                return ((int(x0 + bx / k), int(y0 + by / k), int(bw / k), int(bh / k)), name == FRONTAL)
        return None

    def _associate(self, found: list[tuple[tuple[int, int, int, int], bool]], t: float) -> None:
        for (x, y, w, h), frontal in found:
            cx, cy = x + w / 2, y + h / 2
            best = None
            for tr in self.tracks:
                if abs(tr.cx - cx) < max(tr.w, w) and abs(tr.cy - cy) < max(tr.h, h):
                    best = tr
                    break
            if best is None:
                self.tracks.append(FaceTrack(x, y, w, h, t, t, 1, frontal))
            else:
                self._update_track(best, (x, y, w, h), frontal, t)
        # Two tracks on one face (a fast move between two looks): keep the fresher one.
        keep: list[FaceTrack] = []
        for tr in sorted(self.tracks, key=lambda tr: -tr.last_seen):
            if not any(abs(k.cx - tr.cx) < 0.5 * k.w and abs(k.cy - tr.cy) < 0.5 * k.h for k in keep):
                keep.append(tr)
        self.tracks = keep

    @staticmethod
    def _update_track(tr: FaceTrack, box: tuple[int, int, int, int], frontal: bool, t: float) -> None:
        x, y, w, h = box
        if t > tr.last_seen:
            v = (x + w / 2 - tr.cx) / (t - tr.last_seen)
            tr.vx += min(1.0, (t - tr.last_seen) / 0.2) * (v - tr.vx)
        if abs(x + w / 2 - tr.cx) > 0.5 * tr.w:
            a = 1.0   # it moved: follow at once (the box anchors gestures and the blur)
        else:
            a = 0.6   # mild smoothing of detector jitter
        tr.x += a * (x - tr.x)
        tr.y += a * (y - tr.y)
        tr.w += a * (w - tr.w)
        tr.h += a * (h - tr.h)
        if tr.last_seen < t:
            tr.hits += 1
        tr.last_seen = t
        tr.frontal = frontal


def _skin_enough(ycrcb: np.ndarray, box: tuple[int, int, int, int] | np.ndarray) -> bool:
    """A real face has some skin-coloured pixels in its middle; a face "found" in a car grille does not."""
    x, y, w, h = (int(v) for v in box)
    c = ycrcb[y + h // 4:y + 3 * h // 4, x + w // 4:x + 3 * w // 4]
    if c.size == 0:
        return False
    m = cv2.inRange(c, SKIN_LO, SKIN_HI)
    return cv2.countNonZero(m) >= 0.2 * m.size
