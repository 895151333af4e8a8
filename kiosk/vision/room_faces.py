"""Room faces: the pipeline's whole-picture face search while a live poll counts a room.

A class seen from the front of a room has faces of ~20-60 px at 640 px wide, under the 20 px
window of the cascades at the pipeline's processing width; so during a poll the pipeline's own
periodic whole-picture scan is replaced by this finer one (FaceTracker.update(searched=...)),
never run beside it. One search at 640 px costs ~45-110 ms on one core, so it is cut into ~11
slices (`sweep_jobs`, LEVELS), one per frame at up to SWEEP_HZ (half that once the room is
known). The sweep is permissive (MIN_NEIGHBOURS = 1: faces near a pass's biggest window get few
neighbouring hits); a proposal counts only once a close look confirms it (a window scaled so
the face is ~48 px, another frontal cascade, 3 neighbours) or it lies where a confirmed face
was; a refuted spot (a hoodie's print, a floor's grain) is not looked at again for REFUTED_S.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .faces import FRONTAL, SKIN_HI, SKIN_LO, cascade

DET_WIDTH = 640          # faces are searched at most this wide
MIN_FACE = 20            # px at DET_WIDTH: the frontal cascade's own window
CHECK = "haarcascade_frontalface_alt.xml"   # a second frontal cascade for the close look
MIN_NEIGHBOURS = 1
SWEEP_HZ = 15.0          # sweep slices per second while the room is being learnt (half that after)
KNOWN_S, REFUTED_S = 4.0, 3.0
LOOKS = 6                # close looks per frame at most

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Pass:
    """One detectMultiScale call: rows [y0, y1) of the picture shrunk by `shrink`, faces of
    min_px..max_px in that shrunk picture."""
    shrink: float
    y0: int
    y1: int
    min_px: int
    max_px: int
    step: float = 1.1              # detectMultiScale's scaleFactor


# (shrink, smallest and biggest window in the shrunk picture, bands, scaleFactor). Windows over
# 40 px cost ~4x more per pixel (detectMultiScale steps 1 px beyond twice its window), so every
# pass keeps to windows of at most 40 px and bigger faces are looked for in a shrunk picture;
# measured on faces of 20-71 px this finds as many as one search of the whole picture at ~0.8x
# its cost.
LEVELS = ((1.0, MIN_FACE, 40, 6, 1.1), (1.25, 26, 40, 2, 1.1), (1.6, 26, 40, 1, 1.1),
          (2.5, 26, 40, 1, 1.1), (4.0, 26, 40, 1, 1.1), (6.0, 24, 10_000, 1, 1.1))


def sweep_jobs(w: int, h: int, levels: tuple = LEVELS) -> list[tuple[Pass, ...]]:
    """A whole-picture search of a w x h picture cut into slices of similar cost, one slice (a
    tuple of passes) per frame. Bands of a level overlap by the biggest face they look for plus
    a margin, so every face is wholly inside one band; the two cheapest levels share a slice."""
    jobs: list[tuple[Pass, ...]] = []
    for shrink, lo, hi, n, sf in levels:
        lh, lw = int(h / shrink), int(w / shrink)
        if lh < lo or lw < lo:
            break
        hi = min(hi, lh, lw)
        over = hi + 4
        if n <= 1 or lh <= over:
            jobs.append((Pass(shrink, 0, lh, lo, hi, sf),))
            continue
        step = int(np.ceil((lh - over) / n))
        jobs += [(Pass(shrink, i * step, min(lh, i * step + step + over), lo, hi, sf),) for i in range(n)]
    if len(jobs) >= 2 and all(p.shrink >= 2.5 for p in jobs[-1] + jobs[-2]):
        jobs[-2:] = [jobs[-2] + jobs[-1]]
    return jobs


class RoomSweep:
    def __init__(self) -> None:
        self._restart(None)

    def _restart(self, shape: tuple[int, int] | None) -> None:
        self._shape = shape
        self._jobs = sweep_jobs(shape[1], shape[0]) if shape else []
        self._job, self._sweeps = 0, 0
        self._next_t, self._new_t = -1e9, -1e9
        self._known: list[tuple[Box, float, float]] = []   # confirmed faces (det px), when last and first found
        self._refuted: list[tuple[Box, float]] = []

    def find(self, frame_bgr: np.ndarray, mirror: bool, ycrcb: np.ndarray, t: float) -> list[Box]:
        """This frame's slice of the sweep: confirmed faces in the pixels of `ycrcb` (the
        pipeline's mirrored picture at processing width)."""
        h0, w0 = frame_bgr.shape[:2]
        k = min(1.0, DET_WIDTH / w0)
        gray = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
        if k < 1.0:
            gray = cv2.resize(gray, (DET_WIDTH, max(1, int(round(h0 * k)))), interpolation=cv2.INTER_AREA)
        if mirror:
            gray = cv2.flip(gray, 1)
        if self._shape != gray.shape:
            self._restart(gray.shape)
        m = ycrcb.shape[1] / gray.shape[1]
        settled = self._sweeps >= 2 and t - self._new_t > 2.0
        interval = (2.0 if settled else 1.0) / SWEEP_HZ
        if t + 0.25 * interval < self._next_t:
            return []
        self._next_t = max(self._next_t + interval, t)
        job = self._jobs[self._job]
        self._job = (self._job + 1) % len(self._jobs)
        self._sweeps += self._job == 0
        self._known = [(b, tk, t0) for b, tk, t0 in self._known if t - tk <= KNOWN_S]
        self._refuted = [(b, tk) for b, tk in self._refuted if t - tk <= REFUTED_S]
        out: list[Box] = []
        looks = 0
        for ps in job:
            img = gray if ps.shrink <= 1 else cv2.resize(
                gray, (int(gray.shape[1] / ps.shrink), int(gray.shape[0] / ps.shrink)), interpolation=cv2.INTER_AREA)
            dets = cascade(FRONTAL).detectMultiScale(img[ps.y0:ps.y1], scaleFactor=ps.step, minNeighbors=MIN_NEIGHBOURS,
                                                     minSize=(ps.min_px, ps.min_px), maxSize=(ps.max_px, ps.max_px))
            for bx, by, bw, bh in dets:
                box: Box = tuple(float(v) * ps.shrink for v in (bx, by + ps.y0, bw, bh))  # type: ignore[assignment]
                if not _skin_enough(ycrcb, box, m) or any(near(box, b) for b, _ in self._refuted):
                    continue
                close = [b for b, _, _ in self._known if near(box, b)]
                if close and not any(0.6 < box[2] / b[2] < 1.67 for b in close):
                    continue      # a known face at the wrong scale, or a group of faces as one
                if not close:
                    if looks >= LOOKS:
                        continue
                    looks += 1
                    seen = _look(gray, box)
                    if seen is None:
                        self._refuted.append((box, t))
                        continue
                    box, self._new_t = seen, t
                first = min([t] + [t0 for b, _, t0 in self._known if near(box, b)])
                self._known = [k for k in self._known if not near(box, k[0])] + [(box, t, first)]
                out.append(box)
        # A face confirmed once is looked at again a little later rather than a whole sweep later:
        # callers count a face only once it has been found twice.
        for box, _, t0 in [k for k in self._known if k[1] == k[2] and t - k[1] >= 0.25][:LOOKS - looks]:
            seen = _look(gray, box)
            self._known = [k for k in self._known if k[0] is not box] + ([(seen, t, t0)] if seen else [])
            if seen is not None:
                out.append(seen)
        return [(x * m, y * m, w * m, h * m) for x, y, w, h in out]


def near(a: Box, b: Box) -> bool:
    """The centres are within half the bigger box of each other."""
    return abs(a[0] + a[2] / 2 - b[0] - b[2] / 2) < 0.5 * max(a[2], b[2]) and \
        abs(a[1] + a[3] / 2 - b[1] - b[3] / 2) < 0.5 * max(a[3], b[3])


def _look(gray: np.ndarray, p: Box) -> Box | None:
    """A close look at a proposed face with another frontal cascade, strictly: the face, or None."""
    size, cx, cy = max(p[2], p[3]), p[0] + p[2] / 2, p[1] + p[3] / 2
    h, w = gray.shape
    x0, y0 = int(max(0, cx - 1.3 * size)), int(max(0, cy - 1.3 * size))
    x1, y1 = int(min(w, cx + 1.3 * size)), int(min(h, cy + 1.3 * size))
    if x1 - x0 < 0.8 * size or y1 - y0 < 0.8 * size:
        return None
    k = 48.0 / size
    crop = cv2.resize(gray[y0:y1, x0:x1], (max(1, int((x1 - x0) * k)), max(1, int((y1 - y0) * k))),
                      interpolation=cv2.INTER_LINEAR if k > 1 else cv2.INTER_AREA)
    for bx, by, bw, bh in cascade(CHECK).detectMultiScale(crop, scaleFactor=1.1, minNeighbors=3,
                                                          minSize=(34, 34), maxSize=(72, 72)):
        box = (x0 + bx / k, y0 + by / k, bw / k, bh / k)
        if near(box, p):
            return box
    return None


def _skin_enough(ycrcb: np.ndarray, box: Box, m: float) -> bool:
    """A real face has skin-coloured pixels in its middle; a "face" in a poster or a coat does not."""
    x, y, w, h = (v * m for v in box)
    c = ycrcb[int(y + h / 4):int(y + 3 * h / 4) + 1, int(x + w / 4):int(x + 3 * w / 4) + 1]
    if c.size == 0:
        return False
    mk = cv2.inRange(c, SKIN_LO, SKIN_HI)
    return cv2.countNonZero(mk) >= 0.2 * mk.size
