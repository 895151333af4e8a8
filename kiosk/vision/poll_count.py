"""Poll count: how many people in the room hold their left / right hand up (live room polls).

A judge asks a question and the room answers by raising a hand on the left or the right (issue
9). Not a second pipeline: while a poll runs, `Pipeline` takes its whole-picture face search
from `PollCounter.look` (room_faces.py) and feeds `PollCounter.update` what it computed for the
frame (faces tracked, foreground and skin masks, the player's raised sides), all in its ROI
pixels of the mirrored picture: sides are the child's own, as for RaiseHandRecogniser. Added:
- Voters: faces the room sweep confirmed and found again 0.25 s or more later, kept KEEP_S
  after they were last found (KEEP_UP_S with a hand up: the arm often hides part of the face).
- Raised hands for everyone, not only the player: each side of each voter has a zone above the
  top of the head (0.05-2.3 head sizes up, 0.25-2.0 head widths out). Neighbours' zones
  overlap, so each candidate pixel (skin AND foreground, not a face, hair or neck) goes to the
  zone whose usual raised-hand spot (a head width out, a head size up) is nearest in that
  person's head sizes, preferring the person whose shoulder the pixel's foreground shape
  reaches. A patch of touching pixels goes whole to the zone owning its top (the palm) unless
  its outline has two tops; a thin flat patch is a forearm across a chest. A side is up with a
  twelfth of a head's area of skin in its zone. A player alone in front of the camera also has
  the sides the pipeline's own raise rule sees (hands at head height, waves): with neighbours
  that rule, which knows one person only, would take their hands beside the player's head.
- A settle window: each side is an exponential average (TAU_S) with hysteresis; the published
  counts are the median over MEDIAN_S; `stable` once unchanged for STABLE_S.
Nothing is written or logged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

from .frame_data import FrameData, components
from .patch_shape import lying, tops
from .room_faces import RoomSweep, near

SIDES = ("left", "right")
HEAD_TOP = 0.2        # the top of the hair is this many face-box heights above the box
KEEP_S, KEEP_UP_S = 4.0, 8.0
TRACKED_PX = 20       # the face tracker's smallest face (its cascades' window) in pipeline pixels
TAU_S, MEDIAN_S, STABLE_S = 0.2, 0.6, 1.0

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class HandCount:
    t: float
    left: int          # people with their left hand up (their own left)
    right: int         # people with their right hand up
    people: int        # faces found facing the camera (the people who can vote)
    stable: bool       # (left, right) unchanged for STABLE_S


@dataclass(eq=False)
class Voter:
    box: Box
    first: float
    seen: float
    hits: int = 1                  # frames it was found in (the better known of two twins stays)
    level: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    up: dict = field(default_factory=lambda: {"left": False, "right": False})


class PollCounter:
    """Fed by Pipeline.process once per frame while a poll runs (see the module's doc)."""

    def __init__(self) -> None:
        self.sweep = RoomSweep()
        self.voters: list[Voter] = []
        self._found: list[Box] = []
        self._history: list[tuple[float, int, int, int]] = []
        self._shown: tuple[int, int] | None = None
        self._changed_t = 0.0

    def look(self, frame_bgr: np.ndarray, fd: FrameData) -> list[Box]:
        """This frame's slice of the room's face search (fd.small pixels): the faces the tracker
        can re-find between sweeps (the counter remembers smaller ones itself)."""
        found = self.sweep.find(frame_bgr, fd.mirrored, fd.ycrcb_full, fd.t)
        self._found = [(x - fd.roi[0], y - fd.roi[1], w, h) for x, y, w, h in found]
        return [b for b in found if b[2] >= TRACKED_PX]

    def update(self, fd: FrameData, faces: Sequence, player_head: Box | None, player_up: set[str]) -> HandCount:
        """faces: the pipeline's face tracks (ROI px); player_head and player_up: the player's head
        box and raised sides as the pipeline's raise rule sees them."""
        t = fd.t
        self._seat(self._found, t, *fd.roi_size)
        voters = [v for v in self.voters if v.seen - v.first >= 0.25]
        if not fd.unstable:     # lights just switched, camera bumped: hold what we had
            up = _raised(fd, voters, faces)
            if len(voters) == 1 and player_head is not None and near(voters[0].box, player_head):
                up |= {(voters[0], side) for side in player_up}
            a = min(1.0, fd.dt / TAU_S)
            for v in voters:
                for side in SIDES:
                    v.level[side] += a * (float((v, side) in up) - v.level[side])
                    v.up[side] = v.level[side] >= 0.6 or (v.up[side] and v.level[side] > 0.3)
        raw = (sum(v.up["left"] for v in voters), sum(v.up["right"] for v in voters), len(voters))
        self._history = [h for h in self._history if t - h[0] <= MEDIAN_S] + [(t, *raw)]
        left, right, people = (sorted(h[j] for h in self._history)[(len(self._history) - 1) // 2] for j in (1, 2, 3))
        if self._shown != (left, right):
            self._shown, self._changed_t = (left, right), t
        return HandCount(t, left, right, people, t - self._changed_t >= STABLE_S)

    def _seat(self, boxes: list[Box], t: float, rw: int, rh: int) -> None:
        """Match this frame's faces in the ROI to the voters we know; forget voters unseen for long."""
        for box in boxes:
            if not (0 <= box[0] + box[2] / 2 <= rw and 0 <= box[1] + box[3] / 2 <= rh):
                continue
            v = next((v for v in self.voters if near(v.box, box)), None)
            if v is None:
                self.voters.append(Voter(box, t, t))
                continue
            # detectors' boxes jitter by a fifth of a face, which moves the hand zones: smooth
            v.box, v.seen = tuple(a + 0.5 * (b - a) for a, b in zip(v.box, box)), t  # type: ignore[assignment]
            v.hits += 1
        alive = [v for v in self.voters if t - v.seen <= (KEEP_UP_S if any(v.up.values()) else KEEP_S)]
        # Not faces: one with smaller faces inside it (a group seen from afar), and a much smaller
        # one below a face within its shoulders (it would be hidden behind that person: a print
        # on a shirt, a lanyard). Of two on one face the better known stays.
        alive = [v for v in alive if not any(k.box[2] < 0.5 * v.box[2] and _inside(k.box, v.box) for k in alive)
                 and not any(_on_body(v.box, k.box) for k in alive)]
        self.voters = []
        for v in sorted(alive, key=lambda v: -v.hits):
            if not any(_inside(v.box, (k.box[0] + k.box[2] / 4, k.box[1] + k.box[3] / 4, k.box[2] / 2, k.box[3] / 2))
                       for k in self.voters):
                self.voters.append(v)


def _on_body(a: Box, b: Box) -> bool:
    return b[2] >= 1.6 * a[2] and abs(a[0] + a[2] / 2 - b[0] - b[2] / 2) < 1.2 * b[2] \
        and b[1] + b[3] < a[1] + a[3] / 2 < b[1] + 4.5 * b[3]


def _inside(a: Box, b: Box) -> bool:     # a's centre lies in b
    return b[0] < a[0] + a[2] / 2 < b[0] + b[2] and b[1] < a[1] + a[3] / 2 < b[1] + b[3]


def _raised(fd: FrameData, voters: list[Voter], faces: Sequence) -> set:
    """(voter, side) pairs with a raised hand in this frame (the zones of the module's doc)."""
    if not voters:
        return set()
    cand = cv2.bitwise_and(fd.skin, fd.fg)
    mh, mw = cand.shape
    beside = np.zeros_like(cand)
    for x, y, w, h in [f.box for f in faces] + [v.box for v in voters]:
        cx = x + w / 2
        # faces, hair and necks are not hands; skin beside a face at its height is that
        # person's hand at their face (an ear, a cheek), not a nearer child's raised hand
        y1 = int(y + h) + 1
        cand[max(0, int(y - HEAD_TOP * h)):max(0, y1), max(0, int(x - 0.1 * w)):max(0, int(x + 1.1 * w) + 1)] = 0
        cand[max(0, y1 - 1):max(0, int(y + 1.35 * h) + 1), max(0, int(cx - 0.3 * w)):max(0, int(cx + 0.3 * w) + 1)] = 0
        beside[max(0, int(y + 0.1 * h)):max(0, int(y + h) + 1), max(0, int(x - 0.8 * w)):max(0, int(x + 1.8 * w) + 1)] = 1
    best = np.full((mh, mw), np.inf, np.float32)
    owner = np.full((mh, mw), -1, np.int32)
    nf, fglab = cv2.connectedComponents(fd.fg, connectivity=8)
    zones: list[tuple[Voter, str, float]] = []
    for v in voters:
        x, y, size, h = v.box
        cx, top = x + size / 2, y - HEAD_TOP * h
        y0, y1 = int(max(0, top - 2.3 * size)), int(min(mh, top - 0.05 * size))
        for side, sgn in (("left", -1.0), ("right", 1.0)):
            a, b = cx + sgn * 0.25 * size, cx + sgn * 2.0 * size
            x0, x1 = int(max(0, min(a, b))), min(mw, int(max(a, b)) + 1)
            if y1 - y0 < 1 or x1 - x0 < 1 or not cand[y0:y1, x0:x1].any():
                continue
            ex, ey = cx + sgn * size, top - size
            d = (((np.arange(x0, x1, dtype=np.float32) - ex) / size) ** 2)[None, :] + \
                (((np.arange(y0, y1, dtype=np.float32) - ey) / size) ** 2)[:, None]
            # a raised arm is one moving shape from the hand down to its own shoulder
            a, b = cx + sgn * 0.5 * size, cx + sgn * 1.2 * size
            sx0, sx1 = int(max(0, min(a, b))), min(mw, int(max(a, b)) + 1)
            lut = np.ones(nf, np.float32)
            lut[fglab[int(max(0, y + 1.1 * h)):int(min(mh, y + 1.9 * h)), sx0:sx1].ravel()] = 0.0
            lut[0] = 1.0
            d += lut[fglab[y0:y1, x0:x1]]
            bz, oz = best[y0:y1, x0:x1], owner[y0:y1, x0:x1]
            win = (cand[y0:y1, x0:x1] > 0) & (d < bz)
            bz[win], oz[win] = d[win], len(zones)
            zones.append((v, side, size))
    counts = np.zeros(len(zones), np.int64)
    n, lab, stats, _ = components((owner >= 0).astype(np.uint8))
    for c in range(1, n):
        x, y, w, h, _ = (int(k) for k in stats[c])
        mine = lab[y:y + h, x:x + w] == c
        real = mine & (beside[y:y + h, x:x + w] == 0)
        area, band = int(real.sum()), max(3, h // 4)
        if area == 0 or real[:band].sum() < 0.5 * mine[:band].sum():
            continue      # no evidence, or its top is beside a face: a hand at the face
        own = owner[y:y + h, x:x + w]
        palm = int(np.bincount(own[:band][real[:band]], minlength=len(zones)).argmax())
        if h < 0.4 * zones[palm][2] and lying(real):
            continue
        per = np.bincount(own[real], minlength=len(zones))
        if per[palm] == area or tops(mine, 0.15 * zones[palm][2]) < 2:
            counts[palm] += area
        else:
            counts += per
    return {(v, side) for (v, side, size), n_px in zip(zones, counts) if n_px >= max(3.0, 0.08 * size * size)}
