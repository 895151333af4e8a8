"""The player: the near person's silhouette, their head, and their hands, in ROI pixels.

Every gesture is judged relative to the child's own head (raise = hand above it; which side =
left or right of it; walking = the head moves too), so the head is found first: a tracked face
if there is one; else a head on shoulders (upper_body.py: a mask, a cap, a turned head), refined
by any face found inside it; else estimated from the silhouette (top of the body above the
torso's middle).
Hands are skin-coloured foreground pixels within arm's reach of that head, excluding faces and
neck (a person walking behind is out of reach or too small); each hand is located at its palm.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .face_tracking import FaceTrack
from .frame_data import FrameData, components
from .settings import VisionSettings
from .upper_body import HeadTrack

_OPEN = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))


@dataclass
class Silhouette:
    x: int
    y: int
    w: int
    h: int
    area: int
    label: int
    near: bool          # big, upright and head-and-shoulders shaped: someone at the kiosk
    top_fill: float = 1.0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass
class Body:
    head: tuple[float, float, float, float]   # x, y, w, h (a face box, or estimated)
    box: tuple[float, float, float, float]    # the whole person
    from_face: bool
    from_shape: bool = False                  # the head of a head-and-shoulders shape, no face
    measured: bool = True                     # the head was seen this frame (not held from before)

    @property
    def head_cx(self) -> float:
        return self.head[0] + self.head[2] / 2

    @property
    def head_cy(self) -> float:
        return self.head[1] + self.head[3] / 2

    @property
    def size(self) -> float:
        """Head size: the unit every gesture distance is measured in."""
        return max(self.head[2], self.head[3])


@dataclass
class Hand:
    x: float     # the palm: centre of the widest part of the skin patch
    y: float
    cx: float    # centroid of the whole skin patch (hand + forearm)
    cy: float
    area: int
    top: float   # the patch's highest point: the fingertips of a hand held up


def silhouettes(fd: FrameData, settings: VisionSettings) -> tuple[list[Silhouette], np.ndarray]:
    """Connected foreground regions big enough to be people, and the label image."""
    n, labels, stats, _ = components(fd.fg_blobs)
    rw, rh = fd.roi_size
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if area < 0.004 * rw * rh:
            continue
        big = h >= settings.presence_min_height * rh and h >= 0.8 * w and area >= 0.2 * w * h
        top_fill = 1.0
        if big:
            # Head and shoulders: the top of a person is a head, much narrower than the body.
            # The top of a car seen from above, a door or a cupboard fills its width.
            band = labels[y:y + max(2, int(0.12 * h)), x:x + w] == i
            top_fill = float(band.mean())
        near = big and top_fill <= settings.presence_max_top_fill
        out.append(Silhouette(x, y, w, h, area, i, near, top_fill))
    return out, labels


def find_player(fd: FrameData, sils: list[Silhouette], labels: np.ndarray, faces: list[FaceTrack],
                heads: list[HeadTrack], settings: VisionSettings, prev: Body | None) -> Body | None:
    """The person playing (player_rank) and their head: a near face is the best head there is; a
    head on shoulders is the next best (masked, capped, turned away), a face found inside it
    refining it; then the silhouette's estimate. A face gives the body when the silhouette is not
    known (someone already there when the camera started is part of the background)."""
    rw, rh = fd.roi_size
    near = [s for s in sils if s.near]
    # A face not seen for a moment may have moved on: only a fresh one anchors gestures.
    fresh = [f for f in faces if fd.t - f.last_seen <= 0.35]
    live = [f for f in fresh if f.confirmed and f.w >= settings.presence_min_face * rw]
    # One candidate per person: a live face, or a head on shoulders with no live face in it.
    shaped = [h for h in heads if h.confirmed and fd.t - h.last_cover <= 0.35
              and not any(_in_head(f, h.head) for f in live)]
    people: list[FaceTrack | HeadTrack] = [*live, *shaped]
    if people:
        who = min(people, key=lambda p: player_rank(p.box if isinstance(p, FaceTrack) else p.head, prev, rw, settings))
        if isinstance(who, FaceTrack):
            return _face_body(fd, who, near, prev)
        for f in fresh:   # a face found inside the head (an unconfirmed one too) is the better box
            if _in_head(f, who.head):
                return Body(f.box, who.box, True, measured=f.last_seen == fd.t)
        return Body(who.head, who.box, False, from_shape=True, measured=who.last_seen == fd.t)
    if near:
        if prev is not None:
            near.sort(key=lambda s: (not (s.x <= prev.head_cx <= s.x + s.w), -s.area))
        else:
            near.sort(key=lambda s: -s.area)
        s = near[0]
        for f in fresh:   # an unconfirmed or small face inside the silhouette's top is still a head
            if s.x <= f.cx <= s.x + s.w and s.y - 0.1 * s.h <= f.cy <= s.y + 0.5 * s.h:
                return Body(f.box, (s.x, s.y, s.w, s.h), True)
        return Body(_head_from_silhouette(s, labels), (s.x, s.y, s.w, s.h), False)
    return None


def player_rank(head: tuple[float, float, float, float], prev: Body | None, roi_w: int,
                settings: VisionSettings) -> tuple[int, float]:
    """Lower is more the player. The child already playing keeps the turn while their head is
    there (about where it was, about as big); the turn passes when they leave, to the person
    nearest the kiosk's centre and its size band: a head at least presence_min_face of the
    picture wide. A smaller head is further back (a child walking behind, the class waiting)."""
    x, _, w, _ = head
    cx = x + w / 2
    if prev is not None and abs(cx - prev.head_cx) <= prev.size and 0.6 <= w / prev.size <= 1.6:
        return (0, abs(cx - prev.head_cx) / roi_w)
    small = max(0.0, 1.0 - w / (settings.presence_min_face * roi_w))
    return (1, abs(cx / roi_w - 0.5) + small)


def _in_head(f: FaceTrack, head: tuple[float, float, float, float]) -> bool:
    hx, hy, hw, hh = head
    return hx <= f.cx <= hx + hw and hy - 0.2 * hh <= f.cy <= hy + 1.2 * hh


def _face_body(fd: FrameData, f: FaceTrack, near: list[Silhouette], prev: Body | None) -> Body:
    """The player's body from their face: the near silhouette under it, or a box below it."""
    rw, rh = fd.roi_size
    size = max(f.w, f.h)
    if prev is not None:
        near = sorted(near, key=lambda s: (not (s.x <= prev.head_cx <= s.x + s.w), -s.area))
    else:
        near = sorted(near, key=lambda s: -s.area)
    for s in near:
        beside = s.x - 0.1 * s.w <= f.cx <= s.x + 1.1 * s.w
        if beside and f.y + f.h >= s.y - 1.5 * f.h and f.cy <= s.y + 0.6 * s.h:
            x0, y0 = min(s.x, f.x), min(s.y, f.y)
            return Body(f.box, (x0, y0, max(s.x + s.w, f.x + f.w) - x0, max(s.y + s.h, f.y + f.h) - y0), True,
                        measured=f.last_seen == fd.t)
    x0 = max(0.0, f.cx - 2.0 * size)
    return Body(f.box, (x0, f.y, min(rw, f.cx + 2.0 * size) - x0, rh - f.y), True, measured=f.last_seen == fd.t)


def _head_from_silhouette(s: Silhouette, labels: np.ndarray) -> tuple[float, float, float, float]:
    """Head above the torso's middle column; its size from the torso's width (child proportions)."""
    sub = labels[s.y:s.y + s.h, s.x:s.x + s.w] == s.label
    t0, t1 = int(0.45 * s.h), int(0.85 * s.h)
    ys, xs = np.nonzero(sub[t0:t1])
    if len(xs) < 10:
        ys, xs = np.nonzero(sub)
    cx = float(np.median(xs))
    torso_w = float(np.percentile(xs, 90) - np.percentile(xs, 10)) if len(xs) > 10 else s.w
    band = sub[:, max(0, int(cx - 0.12 * torso_w)):int(cx + 0.12 * torso_w) + 1]
    rows = np.nonzero(band.any(axis=1))[0]
    top = float(rows[0]) if len(rows) else 0.0
    hw = max(6.0, 0.4 * torso_w)
    return (s.x + cx - hw / 2, s.y + top, hw, 1.2 * hw)


Candidates = tuple["np.ndarray | None", int, int]   # skin-and-foreground mask of the reach zone, its x0, y0


def hand_candidates(fd: FrameData, body: Body, faces: list[FaceTrack]) -> Candidates:
    """Skin that is also foreground, within arm's reach of the head, minus faces and neck.

    Foreground rather than frame differencing: skin-coloured doors and floors are background,
    and a door uncovered by a moving arm does not light up."""
    rw, rh = fd.roi_size
    hs = body.size
    hx, hy = body.head_cx, body.head[1]
    x0, x1 = int(max(0, hx - 4.5 * hs)), int(min(rw, hx + 4.5 * hs))
    y0, y1 = int(max(0, hy - 3.0 * hs)), int(min(rh, hy + 5.0 * hs))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None, x0, y0
    cand = cv2.bitwise_and(fd.skin[y0:y1, x0:x1], fd.fg[y0:y1, x0:x1])
    heads = [body.head] + [f.box for f in faces]
    for fx, fy, fw, fh in heads:
        ax0, ay0 = int(fx - 0.12 * fw) - x0, int(fy - 0.2 * fh) - y0
        ax1, ay1 = int(fx + 1.12 * fw) - x0 + 1, int(fy + 1.25 * fh) - y0 + 1   # face and neck
        cand[max(0, ay0):max(0, ay1), max(0, ax0):max(0, ax1)] = 0
    return cv2.morphologyEx(cand, cv2.MORPH_OPEN, _OPEN), x0, y0


def find_hands(body: Body, cands: Candidates, max_hands: int = 4) -> list[Hand]:
    """Hands: the biggest skin patches among the candidates, each with its palm. Patches a little
    apart (a forearm split by a watch or a sleeve edge) are joined before labelling."""
    cand, x0, y0 = cands
    if cand is None:
        return []
    hs = body.size
    k = max(3, int(0.2 * hs) | 1)
    joined = cv2.dilate(cand, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, lab, stats, _ = components(joined)
    lab[cand == 0] = 0     # measure the real skin pixels only
    min_area = max(10, int(0.08 * body.head[2] * body.head[3]))
    area = np.bincount(lab.ravel(), minlength=n)
    order = sorted((i for i in range(1, n) if area[i] >= min_area), key=lambda i: -area[i])[:max_hands]
    hands = []
    for i in order:
        bx, by, bw, bh = (int(v) for v in stats[i][:4])
        patch = (lab[by:by + bh, bx:bx + bw] == i).astype(np.uint8)
        ys, xs = np.nonzero(patch)
        ccx, ccy = float(xs.mean()) + bx + x0, float(ys.mean()) + by + y0
        # The palm: the centre of the widest part of the patch (the hand is wider than the wrist
        # and forearm). Unlike "the end farthest from the shoulder" it does not flip to the
        # elbow when the hand crosses in front of the body.
        dist = cv2.distanceTransform(cv2.copyMakeBorder(patch, 1, 1, 1, 1, cv2.BORDER_CONSTANT, 0), cv2.DIST_L2, 3)
        _, _, _, (px, py) = cv2.minMaxLoc(dist)
        hands.append(Hand(float(px - 1 + bx + x0), float(py - 1 + by + y0), ccx, ccy, int(area[i]),
                          float(by + y0)))
    return hands
