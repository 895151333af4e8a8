"""Head and shoulders without a face: people found from the foreground and recent motion.

A mask, a cap, a turned head or a face low in the picture hide the face from the Haar cascade,
not the person. The person shows in the foreground (someone who walked in) and, for someone
already there when the camera started (part of the background model), in the faint motion of a
body that is never quite still: within MOTION_WINDOW_S the outline of the head, shoulders and
arms moves by a pixel or two. Both together, holes filled, make a person mask whose top is a
head-sized blob on shoulders at least SHOULDERS times as wide; cars seen from above, doors and
monitors are not shaped so.

A head found so is followed (HeadTrack) while the person mask still covers it: a hand raised
beside the head merges with it in the mask and hides the shape for a while, not the person.
Work is done at half the processing resolution: the shape is coarse, and the finder costs a few
tenths of a millisecond.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .frame_data import FrameData, components

MOTION_WINDOW_S = 0.6    # seconds a moved pixel stays part of the person mask
FAINT = 7                # grey levels between two frames that count as faint motion (above the noise)
HEAD_MIN, HEAD_MAX = 0.04, 0.3   # head width in ROI widths: smaller is far away, bigger is not a head
SHOULDERS = 1.7          # shoulders at least this many head widths across, on both sides of the head
FACING_SKIN = 0.12       # skin fraction between the brow and the mouth of a head seen from the front
KEEP_S = 1.0             # a track whose head the person mask has not covered this long is dropped
_CLOSE = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))

Box = tuple[float, float, float, float]


@dataclass
class HeadTrack:
    """One person's head (x, y, w, h in ROI pixels) and their head-and-shoulders blob."""
    head: Box
    box: Box
    last_seen: float     # the shape was last found
    last_cover: float    # the person mask last covered the head
    hits: int = 1
    vx: float = 0.0      # sideways speed of the head, ROI pixels per second

    @property
    def cx(self) -> float:
        return self.head[0] + self.head[2] / 2

    @property
    def confirmed(self) -> bool:
        return self.hits >= 3


class UpperBodyFinder:
    def __init__(self) -> None:
        self._heat: np.ndarray | None = None   # per half-res pixel: recent motion, fading to 0
        self.tracks: list[HeadTrack] = []

    def update(self, fd: FrameData) -> list[HeadTrack]:
        """Follow every head-and-shoulders shape in this frame's person mask (ROI pixels)."""
        person = self._person_mask(fd)
        found = _heads(person)
        t = fd.t
        free = list(range(len(found)))
        for tr in sorted(self.tracks, key=lambda tr: -tr.last_seen):
            near = [i for i in free if abs(found[i][0][0] + found[i][0][2] / 2 - tr.cx) < 0.7 * tr.head[2]
                    and abs(found[i][0][1] - tr.head[1]) < 0.7 * tr.head[3]
                    and 0.7 <= found[i][0][2] / tr.head[2] <= 1.4]
            if near:
                i = min(near, key=lambda i: abs(found[i][0][0] + found[i][0][2] / 2 - tr.cx))
                free.remove(i)
                _follow(tr, *found[i], t)
            elif _covered(person, tr.head):
                tr.last_cover = t
        for i in free:
            self.tracks.append(HeadTrack(found[i][0], found[i][1], t, t))
        seen = [tr for tr in self.tracks if tr.last_seen == t]
        # A head held only by the mask covering it gives way to a head found beside it: one
        # body has one head (someone who moved on leaves their shoulder where their head was).
        self.tracks = [tr for tr in self.tracks if t - tr.last_cover <= KEEP_S and (
            tr.last_seen == t or not any(_beside(o, tr) for o in seen))]
        return self.tracks

    def _person_mask(self, fd: FrameData) -> np.ndarray:
        """Foreground or moved lately, closed and with holes filled, at half resolution."""
        h, w = fd.stir.shape
        half = (max(1, w // 2), max(1, h // 2))
        moved = cv2.resize(fd.stir, half, interpolation=cv2.INTER_AREA)
        if self._heat is None or self._heat.shape != moved.shape:
            self._heat = np.zeros(moved.shape, np.uint8)
        step = int(min(255, max(1, round(255 * fd.dt / MOTION_WINDOW_S))))
        cv2.subtract(self._heat, step, dst=self._heat)
        self._heat[moved > 0] = 255
        person = cv2.bitwise_or(self._heat, cv2.resize(fd.fg_blobs, half, interpolation=cv2.INTER_NEAREST))
        _, person = cv2.threshold(person, 0, 255, cv2.THRESH_BINARY)
        person = cv2.morphologyEx(person, cv2.MORPH_CLOSE, _CLOSE)
        # Fill holes: the still inside of an outline. The picture's bottom counts as closed (a
        # body goes on below the frame), its other borders as open.
        pad = cv2.copyMakeBorder(person, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
        pad[-1, :] = 255
        outside = np.zeros((pad.shape[0] + 2, pad.shape[1] + 2), np.uint8)
        cv2.floodFill(pad, outside, (0, 0), 128)
        person[pad[1:-1, 1:-1] == 0] = 255
        return person


def _heads(person: np.ndarray) -> list[tuple[Box, Box]]:
    """(head, blob box) in ROI pixels for each blob of the half-res mask topped by head and shoulders."""
    hh_, hw_ = person.shape
    n, labels, stats, _ = components(person)
    out = []
    tall = (stats[:, cv2.CC_STAT_HEIGHT] >= 0.2 * hh_) & (stats[:, cv2.CC_STAT_WIDTH] >= HEAD_MIN * SHOULDERS * hw_)
    for i in np.nonzero(tall[1:])[0] + 1:
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        hit = _head_on_shoulders(labels[y:y + bh, x:x + bw] == i, hw_)
        if hit is not None:
            hx, hy, hw, hh = hit
            out.append(((2.0 * (x + hx), 2.0 * (y + hy), 2.0 * hw, 2.0 * hh), (2.0 * x, 2.0 * y, 2.0 * bw, 2.0 * bh)))
    return out


def _head_on_shoulders(blob: np.ndarray, roi_w: int) -> Box | None:
    """The head (x, y, w, h in the blob's pixels) if the blob's top is a head on shoulders.

    Each separate bump of the blob's top is a candidate crown (a hand held up beside the head
    is another bump), highest first; the first that is a head on shoulders wins."""
    ys = np.nonzero(blob.any(axis=1))[0]
    if len(ys) < 6:
        return None
    top = int(ys[0])
    band = blob[top:top + max(3, len(blob) // 10)].astype(np.uint8)
    n, _, stats, centres = cv2.connectedComponentsWithStats(band, connectivity=8)
    for i in sorted(range(1, n), key=lambda i: stats[i, cv2.CC_STAT_TOP]):
        # the bump's middle column, not its highest point (a tuft of hair, the side of a cap)
        c = int(round(float(centres[i][0])))
        col = np.nonzero(band[:, c])[0]
        if len(col) == 0:
            continue
        y0 = top + int(col[0])
        head = _head_below(blob[y0:], c, roi_w)
        if head is not None:
            return (head[0], head[1] + y0, head[2], head[3])
    return None


def _head_below(rows: np.ndarray, c: int, roi_w: int) -> Box | None:
    """The head under a crown at (c, 0): row by row down, the run of the blob through column c
    and its width on the narrower side (a hand held beside the head widens one side only). The
    head ends at the first row (at least a head width down) where the narrower side reaches
    SHOULDERS times the head's width above it, and the rows under it stay that wide."""
    if len(rows) < 6:
        return None
    # run through column c: distance to the first gap on each side (the border counts as a gap)
    lgap = np.where((~rows[:, c::-1]).any(axis=1), (~rows[:, c::-1]).argmax(axis=1), c + 1)
    rgap = np.where((~rows[:, c:]).any(axis=1), (~rows[:, c:]).argmax(axis=1), rows.shape[1] - c)
    lgap[~rows[:, c]] = 0
    rgap[~rows[:, c]] = 0
    narrow = (2 * np.minimum(lgap, rgap) - 1).astype(np.float32)
    # The head's width above each row: the median of the narrow widths over the lower three
    # quarters of the rows above it (the crown's first rows are narrower than the head), for
    # all rows at once (each row's window sorted, the rest padded with inf).
    n = min(len(rows), int(0.7 * len(rows)) + 1)   # shoulders are in the top 70% of a person
    ys = np.arange(3, n)
    if len(ys) == 0:
        return None
    lo = np.maximum(1, ys // 4)
    cols = np.arange(n)
    window = np.where((cols >= lo[:, None]) & (cols < ys[:, None]), narrow[None, :n], np.inf)
    window.sort(axis=1)
    cnt, at = ys - lo, np.arange(len(ys))
    head = (window[at, (cnt - 1) // 2] + window[at, cnt // 2]) / 2
    wide = np.nonzero((head > 0) & (narrow[ys] >= SHOULDERS * head) & (ys >= 1.1 * head))[0]
    ends = np.nonzero(lgap[ys] <= 0)[0]
    if len(wide) == 0 or (len(ends) and ends[0] < wide[0]):
        return None   # no shoulders, or the column through the crown ends first: not one body
    y, head_w = int(ys[wide[0]]), float(head[wide[0]])
    if not (HEAD_MIN * roi_w <= head_w <= HEAD_MAX * roi_w and y <= 2.2 * head_w):
        return None
    if float(np.median(narrow[y:y + max(2, y // 2)])) < SHOULDERS * head_w:
        return None   # a bump, not shoulders
    # The crown is round: at a depth of half its width the head is at full width. Halos of
    # motion around a moving head, a hood or a hand beside it widen the rows lower down only.
    d = np.nonzero(narrow[2:y] <= 2.3 * np.arange(2, y))[0]
    if len(d):
        head_w = min(head_w, max(float(narrow[d[0] + 2]), 0.6 * head_w))
    return (c - head_w / 2, 0.0, head_w, min(float(y), 1.3 * head_w))


def _follow(tr: HeadTrack, head: Box, box: Box, t: float) -> None:
    if t > tr.last_seen:
        v = (head[0] + head[2] / 2 - tr.cx) / (t - tr.last_seen)
        tr.vx += min(1.0, (t - tr.last_seen) / 0.2) * (v - tr.vx)
    a = 0.5   # the shape's edges jitter by a half-res pixel or two
    tr.head = tuple(p + a * (q - p) for p, q in zip(tr.head, head))  # type: ignore[assignment]
    tr.box = box
    if t > tr.last_seen:
        tr.hits += 1
    tr.last_seen = tr.last_cover = t


def _beside(a: HeadTrack, b: HeadTrack) -> bool:
    size = max(a.head[2], b.head[2])
    a_cy, b_cy = a.head[1] + a.head[3] / 2, b.head[1] + b.head[3] / 2
    return abs(a.cx - b.cx) < 1.5 * size and abs(a_cy - b_cy) < 1.5 * size


def _covered(person: np.ndarray, head: Box) -> bool:
    """Is half the head's middle still in the (half-res) person mask?"""
    x, y, w, h = (v / 2.0 for v in head)
    sub = person[int(y + 0.25 * h):int(y + 0.75 * h) + 1, int(x + 0.25 * w):int(x + 0.75 * w) + 1]
    return sub.size > 0 and cv2.countNonZero(sub) >= 0.5 * sub.size


def facing(skin: np.ndarray, head: Box) -> bool:
    """Does this head (no face found in it) face the camera? From the front, the band from the
    brow to the mouth shows skin even above a face mask or under a cap's brim (forehead, eyes,
    cheeks); from behind it is hair. Read on the skin mask in ROI pixels."""
    x, y, w, h = head
    band = skin[max(0, int(y + 0.2 * h)):max(0, int(y + 0.6 * h)), max(0, int(x + 0.2 * w)):max(0, int(x + 0.8 * w))]
    return band.size > 0 and cv2.countNonZero(band) >= FACING_SKIN * band.size
