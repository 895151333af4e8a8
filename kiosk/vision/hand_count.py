"""Hand count: how many children in a group raise their left / right hand (live room polls).

In the classroom zone a judge asks a question and the room answers by raising a hand on the
left or the right (issue 9). `HandCounter.update(frame, t)` returns a `HandCount`: for every
face found facing the camera, whether that child's left hand, right hand, both or neither is up,
summed per side ("both" counts in both), smoothed so that a live bar chart does not flicker.

Sides are the child's own, read in the MIRRORED picture as the single-player pipeline does
(settings.mirror, the default: a child's right hand appears on the right of the picture); with
mirror off they swap, as they do for RaiseHandRecogniser. settings.roi (fractions of the mirrored
picture) limits which faces vote. Nothing is written or logged; OpenCV and numpy only.

How:
- Faces: frontal Haar cascades (faces.cascade) on the picture at up to 640 px wide, where a class
  seen from the front of a room has faces of ~20-60 px. One search of the whole picture costs
  ~45-110 ms on one core, so it is cut into ~11 slices (`sweep_jobs`, LEVELS), one per frame at
  up to SWEEP_HZ (half that once the room is known): a permissive sweep that proposes faces. A
  proposal counts only once a close look confirms it (a window scaled so the face is ~48 px,
  another frontal cascade, 3 neighbours; two failed looks drop it), and once found twice 0.25 s
  apart. Seated children barely move, so a face is assumed to stay where it was between looks;
  one close look per frame re-finds faces the sweep has missed for 1.5 s, and a face unseen for
  keep_s (keep_up_s while that child holds a hand up: the arm often hides part of the face) is
  dropped. Not counted either: a "face" containing smaller faces (a group seen from afar) and a
  small "face" on a bigger one's chest (a logo or a lanyard; it would be hidden behind them).
- Hands: skin that is also foreground. One BackgroundModel (background.py: flicker and light
  compensation, selective update, reset on a jump) on the picture at settings.proc_width; a
  SkinModel (skin.py) per confirmed face learns that child's skin colour from their cheeks, and
  the union of the learnt ranges is applied to the whole picture once. Faces, hair and necks of
  every face are blanked out; skin beside a face at that face's height is that child's hand at
  their face (an ear, a cheek), never someone's raised hand.
- Each side of each voter has a zone: above the top of the head (0.05-2.3 head sizes up) and
  0.25-2.0 head widths out. Zones of neighbours overlap, so each skin pixel belongs to the zone
  whose usual raised-hand spot (one head width out, one head size above the head) is nearest in
  that child's own head sizes, with a penalty when the pixel's foreground shape does not reach
  that child's shoulder on that side (a raised arm is one moving shape down to its shoulder).
  A patch of touching pixels then goes whole to the zone that owns its top (the palm), unless
  its outline has two tops (two hands that touch, or arms that cross); a thin patch lying flat
  is a forearm across a chest or desk. A side is up when its zone holds at least a twelfth of a
  head's area of skin. A hand straight above the middle of a head is mostly outside both zones.
- Smoothing: each side of each child is an exponential average (tau_s 0.2 s) with hysteresis
  (up at 0.6, down at 0.3), so one missed or spurious frame changes nothing; the published
  counts are the median of the last median_s (0.6 s): a raised hand shows in ~0.5-0.7 s. `stable`
  is True once (left, right) have not changed for stable_s (1 s).

Limits (measured figures in tests/test_vision_hand_count.py and the report):
- Only faces the frontal cascades find vote, and `people` counts only those: heads turned more
  than ~30 degrees, faces under ~20 px at 640 px wide (the back of a big hall), low contrast
  (dark skin before a dark background finds later or never), faces hidden behind a nearer
  child or a raised arm, strong backlight. A child hidden by others who raises a hand is not
  counted; their hand may be given to a neighbour who did not raise one.
- Assignment is by geometry: a hand raised outwards over the shoulder of a neighbour pressed
  against the child, or a hand held at chest height by a child behind, right above a nearer
  child's head, can be given to the wrong child (camera at the children's height with rows
  close together in the picture; a camera higher up, looking down, separates the rows). Two
  hands that overlap in the picture may count as one.
- Hands must be skin-coloured and differ from the background: gloves, a hand before a
  skin-coloured wall of the same brightness, and a hand already up when the counter starts (it
  is background until it moves) are missed. Start the counter a few seconds before the poll,
  with the room settled; hands held perfectly still for static_absorb_s (30 s) fade out.
- Portraits and posters of faces on the walls count as people (never as raised hands unless
  skin moves above them).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from .background import BackgroundModel
from .faces import FRONTAL, SKIN_HI, SKIN_LO, cascade
from .frame_clock import FrameClocked
from .frame_data import components
from .settings import VisionSettings
from .skin import GENERIC_HI, GENERIC_LO, SkinModel

SIDES = ("left", "right")

DET_WIDTH = 640          # faces are searched at most this wide (a class's faces are ~20-60 px here)
MIN_FACE = 20            # px at DET_WIDTH: the frontal cascade's own window
CHECK = "haarcascade_frontalface_alt.xml"   # a second frontal cascade for the close look
HEAD_TOP = 0.2           # the top of the hair is this many face-box heights above the box (measured:
                         # 0.13-0.18 on the real clips, 0.20 on the synthetic faces)


@dataclass(frozen=True)
class HandCount:
    t: float
    left: int          # children with their left hand up (the child's own left)
    right: int         # children with their right hand up
    people: int        # faces found facing the camera (the children who can vote)
    stable: bool       # (left, right) unchanged for stable_s


@dataclass(eq=False)
class Person:
    """One face (in DET_WIDTH picture pixels of the processed, mirrored picture)."""
    x: float
    y: float
    w: float
    h: float
    first_seen: float
    last_seen: float
    hit_t: float                   # when `hits` last went up
    hits: int = 1                  # looks that found it, at least 0.25 s apart
    skin: SkinModel = field(default_factory=SkinModel)
    learnt_t: float = -1e9
    relook_t: float = -1e9
    verified: bool = False         # a close, strict look confirmed it is a face
    fails: int = 0                 # close looks that did not find it before it was verified
    level: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    up: dict = field(default_factory=lambda: {"left": False, "right": False})

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


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


# The sweep's passes: (shrink, smallest and biggest window in the shrunk picture, bands,
# scaleFactor). detectMultiScale slides its window in steps of 2 px up to twice its 20 px size
# and of 1 px beyond, so windows over 40 px cost ~4x more per pixel: every pass keeps to
# windows of at most 40 px and bigger faces are looked for in a shrunk picture instead. Measured
# on synthetic faces of 20-71 px, this finds as many faces as one search of the whole picture
# (scaleFactor 1.1, 3 neighbours) at ~0.8x its cost, with MIN_NEIGHBOURS = 1 (faces near a
# pass's biggest window get fewer neighbouring hits); the many false proposals that lets
# through are weeded out by the skin check and the close look (see _relook).
LEVELS = ((1.0, MIN_FACE, 40, 6, 1.1), (1.25, 26, 40, 2, 1.1), (1.6, 26, 40, 1, 1.1),
          (2.5, 26, 40, 1, 1.1), (4.0, 26, 40, 1, 1.1), (6.0, 24, 10_000, 1, 1.1))
MIN_NEIGHBOURS = 1
SWEEP_HZ = 15.0          # sweep slices per second while the room is being learnt (half that after)


def sweep_jobs(w: int, h: int, levels: tuple = LEVELS) -> list[tuple[Pass, ...]]:
    """A whole-picture face search of a w x h picture cut into slices of similar cost, one slice
    (a tuple of passes) per frame. Bands of a level overlap by the biggest face they look for
    plus a margin, so every face is wholly inside at least one band; the two cheapest levels
    share one slice."""
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


class HandCounter(FrameClocked):
    """Counts raised hands across a group, one camera frame at a time (see the module's doc).

        counter = HandCounter(settings)          # settings.mirror, .roi, .proc_width, .sensitivity
        count = counter.update(frame_bgr, t)     # t: seconds, the clip's or the camera's clock
        count.left, count.right, count.people, count.stable
    """

    def __init__(self, settings: VisionSettings | None = None, *, keep_s: float = 4.0, keep_up_s: float = 8.0,
                 tau_s: float = 0.2, median_s: float = 0.6, stable_s: float = 1.0, det_width: int = DET_WIDTH):
        self.settings = settings or VisionSettings()
        self.keep_s = keep_s
        self.keep_up_s = keep_up_s
        self.tau_s = tau_s
        self.median_s = median_s
        self.stable_s = stable_s
        self.det_width = det_width
        self.latency_ms = 0.0
        self.reset()

    def reset(self) -> None:
        self.people: list[Person] = []
        self.background = BackgroundModel(self.settings)
        self._jobs: list[tuple[Pass, ...]] = []
        self._job = 0
        self._sweeps = 0              # whole sweeps done
        self._next_job_t = -1e9
        self._new_t = -1e9            # when a face was last confirmed for the first time
        self._shape: tuple[int, int] | None = None
        self._prev_gray: np.ndarray | None = None
        self._last_t: float | None = None
        self._history: list[tuple[float, int, int, int]] = []
        self._shown: tuple[int, int, int] | None = None
        self._changed_t = 0.0
        self.raised: list[tuple[Person, str]] = []     # this frame's raw assignments (for overlays, tests)

    # --- per frame ------------------------------------------------------------------------------

    def update(self, frame_bgr: np.ndarray, t: float) -> HandCount:
        began = time.perf_counter()
        s = self.settings
        frame_bgr, dt = self._step(frame_bgr, t)

        h0, w0 = frame_bgr.shape[:2]
        k = min(1.0, self.det_width / w0)
        det = frame_bgr if k >= 1.0 else cv2.resize(frame_bgr, (self.det_width, max(1, int(round(h0 * k)))),
                                                    interpolation=cv2.INTER_AREA)
        if s.mirror:
            det = cv2.flip(det, 1)
        dh, dw = det.shape[:2]
        if self._shape != (dh, dw):
            self.reset()
            self._last_t = t
            dt = 0.0
            self._shape = (dh, dw)
            self._jobs = sweep_jobs(dw, dh)
        mw = min(dw, s.proc_width)
        m = mw / dw                                    # mask pixels per det pixel
        small = det if mw == dw else cv2.resize(det, (mw, max(1, int(round(dh * m)))), interpolation=cv2.INTER_AREA)
        ycrcb = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)

        self._faces(det, ycrcb, m, t)

        gray = ycrcb[:, :, 0]
        if self._prev_gray is None:
            motion = np.zeros(gray.shape, np.uint8)
        else:
            _, motion = cv2.threshold(cv2.absdiff(gray, self._prev_gray), s.motion_threshold, 255, cv2.THRESH_BINARY)
        self._prev_gray = gray.copy()
        fg, _, unstable = self.background.apply(ycrcb, motion, t, dt)

        voters = self._voters(t, dw, dh)
        if not unstable:     # lights just switched, camera bumped: hold what we had
            up = self._hands(ycrcb, fg, voters, m, t)
            a = min(1.0, dt / self.tau_s) if dt > 0 else 0.0
            for p in self.people:
                for side in SIDES:
                    p.level[side] += a * (float((p, side) in up) - p.level[side])
                    if p.level[side] >= 0.6:
                        p.up[side] = True
                    elif p.level[side] <= 0.3:
                        p.up[side] = False
        count = self._publish(t, voters)
        self.latency_ms = (time.perf_counter() - began) * 1000.0
        return count

    # --- faces ----------------------------------------------------------------------------------

    def _faces(self, det: np.ndarray, ycrcb: np.ndarray, m: float, t: float) -> None:
        """One slice of the face sweep (at most SWEEP_HZ slices a second; half that once the
        room is known and nobody new has appeared for a while), associated with the people we
        know; then one close look."""
        gray = cv2.cvtColor(det, cv2.COLOR_BGR2GRAY)
        settled = self._sweeps >= 2 and t - self._new_t > 2.0
        interval = (2.0 if settled else 1.0) / SWEEP_HZ
        job: tuple[Pass, ...] = ()
        if t + 0.25 * interval >= self._next_job_t:
            self._next_job_t = max(self._next_job_t + interval, t)
            job = self._jobs[self._job]
            self._job += 1
            if self._job >= len(self._jobs):
                self._job = 0
                self._sweeps += 1
        for ps in job:
            img = gray
            if ps.shrink > 1:
                img = cv2.resize(gray, (int(gray.shape[1] / ps.shrink), int(gray.shape[0] / ps.shrink)),
                                 interpolation=cv2.INTER_AREA)
            dets = cascade(FRONTAL).detectMultiScale(img[ps.y0:ps.y1], scaleFactor=ps.step, minNeighbors=MIN_NEIGHBOURS,
                                                     minSize=(ps.min_px, ps.min_px), maxSize=(ps.max_px, ps.max_px))
            for bx, by, bw, bh in dets:
                box = tuple(float(v) * ps.shrink for v in (bx, by + ps.y0, bw, bh))
                if _skin_enough(ycrcb, box, m):
                    self._associate(box, ycrcb, m, t)  # type: ignore[arg-type]
        self._relook(gray, ycrcb, m, t)
        # A child holding a hand up often hides part of their face with that arm: keep them longer.
        # A "face" with smaller faces inside it is a group of faces seen from afar, not a face.
        # Two tracks on one face (found by two passes with boxes apart): keep the better known.
        people = [p for p in self.people if t - p.last_seen <= (self.keep_up_s if any(p.up.values()) else self.keep_s)]
        people.sort(key=lambda q: (not q.verified, -q.hits))
        if len(people) > 1:
            x, y, w, h = (np.array([getattr(p, a) for p in people]) for a in "xywh")
            cx, cy = x + w / 2, y + h / 2
            inside = ((w[None, :] < 0.5 * w[:, None]) & (x[:, None] < cx[None, :]) & (cx[None, :] < (x + w)[:, None])
                      & (y[:, None] < cy[None, :]) & (cy[None, :] < (y + h)[:, None])).any(axis=1)
            same = ((np.abs(cx[:, None] - cx[None, :]) < 0.5 * w[None, :])
                    & (np.abs(cy[:, None] - cy[None, :]) < 0.5 * h[None, :]))
            kept = np.zeros(len(people), bool)
            for i in range(len(people)):      # better known first: a later duplicate goes
                kept[i] = not inside[i] and not (same[i, :i] & kept[:i]).any()
            people = [p for p, k in zip(people, kept) if k]
        self.people = people

    def _relook(self, gray: np.ndarray, ycrcb: np.ndarray, m: float, t: float) -> None:
        """At most once per frame, look closely where one face was: a window scaled so the face
        is ~48 px, where the cascades are at their best, with another frontal cascade than the
        sweep's (independent evidence) and the usual strictness (3 neighbours).

        A face the permissive sweep proposes counts only once such a look confirms it (two
        failed looks drop it: a "face" in a hoodie's folds or a car grille); a confirmed face
        the sweep has not found for a second is looked for here, so small and low-contrast
        faces that the sweep finds only now and then stay known."""
        new = [p for p in self.people if not p.verified and t - p.relook_t >= 0.2]
        if new:
            p = min(new, key=lambda q: q.first_seen)
        else:
            stale = [p for p in self.people if t - p.relook_t >= 0.5
                     and t - p.last_seen > (0.3 if p.hits < 2 else 1.5)]
            if not stale:
                return
            p = min(stale, key=lambda q: max(q.last_seen, q.relook_t))
        p.relook_t = t
        if not self._look(gray, ycrcb, m, t, p) and not p.verified:
            p.fails += 1
            if p.fails >= 2:
                self.people.remove(p)

    def _look(self, gray: np.ndarray, ycrcb: np.ndarray, m: float, t: float, p: Person) -> bool:
        size = max(p.w, p.h)
        h, w = gray.shape
        x0, y0 = int(max(0, p.cx - 1.3 * size)), int(max(0, p.cy - 1.3 * size))
        x1, y1 = int(min(w, p.cx + 1.3 * size)), int(min(h, p.cy + 1.3 * size))
        if x1 - x0 < 0.8 * size or y1 - y0 < 0.8 * size:
            return False
        k = 48.0 / size
        crop = cv2.resize(gray[y0:y1, x0:x1], (max(1, int((x1 - x0) * k)), max(1, int((y1 - y0) * k))),
                          interpolation=cv2.INTER_LINEAR if k > 1 else cv2.INTER_AREA)
        dets = cascade(CHECK).detectMultiScale(crop, scaleFactor=1.1, minNeighbors=3,
                                               minSize=(34, 34), maxSize=(72, 72))
        for bx, by, bw, bh in dets:
            box = (x0 + bx / k, y0 + by / k, bw / k, bh / k)
            if abs(box[0] + box[2] / 2 - p.cx) < 0.5 * size and abs(box[1] + box[3] / 2 - p.cy) < 0.5 * size \
                    and _skin_enough(ycrcb, box, m):
                if not p.verified:
                    p.verified = True
                    self._new_t = t
                self._associate(box, ycrcb, m, t, p)
                return True
        return False

    def _associate(self, box: tuple[float, float, float, float], ycrcb: np.ndarray, m: float, t: float,
                   best: Person | None = None) -> None:
        x, y, w, h = box
        cx, cy = x + w / 2, y + h / 2
        for p in self.people if best is None else ():
            if abs(p.cx - cx) < 0.5 * max(p.w, w) and abs(p.cy - cy) < 0.5 * max(p.h, h) and 0.6 < w / p.w < 1.67:
                if best is None or abs(p.cx - cx) + abs(p.cy - cy) < abs(best.cx - cx) + abs(best.cy - cy):
                    best = p
        if best is None:
            best = Person(x, y, w, h, t, t, t, skin=SkinModel(self.settings.sensitivity))
            self.people.append(best)
        else:
            a = 0.5
            best.x += a * (x - best.x)
            best.y += a * (y - best.y)
            best.w += a * (w - best.w)
            best.h += a * (h - best.h)
            if t - best.hit_t >= 0.25:
                best.hits += 1
                best.hit_t = t
            best.last_seen = t
        if best.verified and t - best.learnt_t >= 0.5:
            best.skin.learn(ycrcb, (best.x * m, best.y * m, best.w * m, best.h * m), t)
            best.learnt_t = t

    def _voters(self, t: float, dw: int, dh: int) -> list[Person]:
        """Confirmed faces found twice (0.25 s or more apart) whose centre lies in the region of
        interest, minus "faces" on someone's body: a face much smaller than another, below it
        and within its shoulders, would be hidden behind that person (children further back
        are higher in the picture and smaller), so it is a pattern on a shirt or a lanyard."""
        rx, ry, rw, rh = self.settings.roi
        sure = [p for p in self.people if p.verified]
        if not sure:
            return []
        y, w, h, cx, cy = (np.array([getattr(p, a) for p in sure]) for a in ("y", "w", "h", "cx", "cy"))
        # [i, j]: face i lies on the body of face j
        on_body = ((w[None, :] >= 1.6 * w[:, None]) & (np.abs(cx[:, None] - cx[None, :]) < 1.2 * w[None, :])
                   & ((y + h)[None, :] < cy[:, None]) & (cy[:, None] < (y + 4.5 * h)[None, :])).any(axis=1)
        return [p for p, body in zip(sure, on_body) if p.hits >= 2 and not body
                and rx <= p.cx / dw <= rx + rw and ry <= p.cy / dh <= ry + rh]

    # --- hands ----------------------------------------------------------------------------------

    def _hands(self, ycrcb: np.ndarray, fg: np.ndarray, voters: list[Person], m: float, t: float) -> set:
        """(person, side) pairs with a raised hand in this frame.

        Each side of each voter has a zone: above the top of the head (0.05-2.3 head sizes) and
        beside it (0.25-2.0 head widths out). Zones of neighbours overlap, so every candidate
        pixel belongs to the one zone whose usual raised-hand spot (a head width out, a head
        size above the head) is nearest, in that child's own head sizes: a hand between two
        children counts once, two hands that touch or cross still count twice, and a near
        child's big hand is not given to a small face behind it.
        """
        self.raised = []
        if not voters:
            return set()
        cand = cv2.bitwise_and(self._skin_mask(ycrcb, t), fg)
        mh, mw = cand.shape
        beside = np.zeros_like(cand)
        for p in self.people:       # voters or not, but not "faces" a close look refuted:
            if p.fails and not p.verified:
                continue
            # faces, hair and necks are not hands; ...
            x0, y0 = int((p.x - 0.1 * p.w) * m), int((p.y - HEAD_TOP * p.h) * m)
            x1, y1 = int((p.x + 1.1 * p.w) * m) + 1, int((p.y + p.h) * m) + 1
            cand[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = 0
            x0, x1 = int((p.cx - 0.3 * p.w) * m), int((p.cx + 0.3 * p.w) * m) + 1
            cand[max(0, y1 - 1):max(0, int((p.y + 1.35 * p.h) * m) + 1), max(0, x0):max(0, x1)] = 0
            # ... skin beside a face at that face's height is that child's hand (an ear, a cheek),
            # not the raised hand of a nearer child below whose head it may be.
            x0, x1 = int((p.x - 0.8 * p.w) * m), int((p.x + 1.8 * p.w) * m) + 1
            y0, y1 = int((p.y + 0.1 * p.h) * m), int((p.y + 1.0 * p.h) * m) + 1
            beside[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = 1
        best: np.ndarray | None = None
        owner: np.ndarray | None = None
        zones: list[tuple[Person, str, float]] = []
        for p in voters:
            cx, top, size = p.cx * m, (p.y - HEAD_TOP * p.h) * m, p.w * m
            y0, y1 = int(max(0, top - 2.3 * size)), int(min(mh, top - 0.05 * size))
            if y1 - y0 < 1:
                continue
            for side, sgn in (("left", -1.0), ("right", 1.0)):
                a, b = cx + sgn * 0.25 * size, cx + sgn * 2.0 * size
                x0, x1 = int(max(0, min(a, b))), min(mw, int(max(a, b)) + 1)
                if x1 - x0 < 1:
                    continue
                sub = cand[y0:y1, x0:x1] > 0
                if not sub.any():
                    continue
                if best is None:
                    best = np.full((mh, mw), np.inf, np.float32)
                    owner = np.full((mh, mw), -1, np.int32)
                    nf, fglab = cv2.connectedComponents(fg, connectivity=8)
                ex, ey = cx + sgn * 1.0 * size, top - 1.0 * size
                d = (((np.arange(x0, x1, dtype=np.float32) - ex) / size) ** 2)[None, :] + \
                    (((np.arange(y0, y1, dtype=np.float32) - ey) / size) ** 2)[:, None]
                # A raised arm is one moving shape from the hand down to its own shoulder: prefer
                # the child whose shoulder on that side the hand's foreground reaches.
                a, b = cx + sgn * 0.5 * size, cx + sgn * 1.2 * size
                sx0, sx1 = int(max(0, min(a, b))), min(mw, int(max(a, b)) + 1)
                sy0, sy1 = int(max(0, (p.y + 1.1 * p.h) * m)), int(min(mh, (p.y + 1.9 * p.h) * m))
                lut = np.ones(nf, np.float32)
                lut[fglab[sy0:sy1, sx0:sx1].ravel()] = 0.0
                lut[0] = 1.0
                d += lut[fglab[y0:y1, x0:x1]]
                bz, oz = best[y0:y1, x0:x1], owner[y0:y1, x0:x1]
                win = sub & (d < bz)
                bz[win] = d[win]
                oz[win] = len(zones)
                zones.append((p, side, size))
        if owner is None:
            return set()
        # One hand split between two zones is one hand: a patch of touching pixels goes to the
        # zone that owns its top (the palm; the forearm below may lean over a neighbour's
        # spot), unless its outline has two tops (two hands that touch or whose arms cross).
        # Skin beside a face keeps a patch together (an arm crossing it is still one arm) but
        # is no evidence, and a patch whose top is there is that child's hand at their face.
        # A thin patch lying flat is a forearm across someone's chest or desk, not a raised arm.
        counts = np.zeros(len(zones), np.int64)
        n, lab, stats, _ = components((owner >= 0).astype(np.uint8))
        for c in range(1, n):
            x, y, w, h, _ = (int(v) for v in stats[c])
            mine = lab[y:y + h, x:x + w] == c
            real = mine & (beside[y:y + h, x:x + w] == 0)
            area = int(real.sum())
            band = max(3, h // 4)
            if area == 0 or real[:band].sum() < 0.5 * mine[:band].sum():
                continue
            own = owner[y:y + h, x:x + w]
            per = np.bincount(own[real], minlength=len(zones))
            palm = int(np.bincount(own[:band][real[:band]], minlength=len(zones)).argmax())
            if h < 0.4 * zones[palm][2] and _lying(real):
                continue
            if per[palm] == area or _tops(mine, 0.15 * zones[palm][2]) < 2:
                counts[palm] += area
            else:
                counts += per
        up: set = set()
        for i, (p, side, size) in enumerate(zones):
            if counts[i] >= max(3.0, 0.08 * size * size):
                up.add((p, side))
                self.raised.append((p, side))
        return up

    def _skin_mask(self, ycrcb: np.ndarray, t: float) -> np.ndarray:
        """The union of every child's learnt skin range (generic until one is learnt)."""
        lo, hi = None, None
        for p in self.people:
            sk = p.skin
            if sk.center is None or t - sk.learnt_at > sk.forget_s:
                continue
            cr, cb = sk.center
            a = np.array([40, cr - sk.half_cr, cb - sk.half_cb])
            b = np.array([255, cr + sk.half_cr, cb + sk.half_cb])
            lo = a if lo is None else np.minimum(lo, a)
            hi = b if hi is None else np.maximum(hi, b)
        if lo is None:
            return cv2.inRange(ycrcb, GENERIC_LO, GENERIC_HI)
        return cv2.inRange(ycrcb, np.clip(lo, 0, 255).astype(np.uint8), np.clip(hi, 0, 255).astype(np.uint8))

    # --- output ---------------------------------------------------------------------------------

    def _publish(self, t: float, voters: list[Person]) -> HandCount:
        raw = (sum(p.up["left"] for p in voters), sum(p.up["right"] for p in voters), len(voters))
        self._history.append((t, *raw))
        self._history = [hh for hh in self._history if t - hh[0] <= self.median_s]
        shown = tuple(sorted(hh[j] for hh in self._history)[(len(self._history) - 1) // 2] for j in (1, 2, 3))
        if self._shown is None or shown[:2] != self._shown[:2]:
            self._changed_t = t
        self._shown = shown  # type: ignore[assignment]
        left, right, people = shown
        return HandCount(t, left, right, people, t - self._changed_t >= self.stable_s)


def _skin_enough(ycrcb: np.ndarray, box: tuple[float, float, float, float], m: float) -> bool:
    """A real face has skin-coloured pixels in its middle; a "face" in a poster or a coat does not."""
    x, y, w, h = (v * m for v in box)
    c = ycrcb[int(y + h / 4):int(y + 3 * h / 4) + 1, int(x + w / 4):int(x + 3 * w / 4) + 1]
    if c.size == 0:
        return False
    mk = cv2.inRange(c, SKIN_LO, SKIN_HI)
    return cv2.countNonZero(mk) >= 0.2 * mk.size


def _tops(mask: np.ndarray, dip: float) -> int:
    """How many separate tops the upper outline of a patch has: peaks that stand at least `dip`
    pixels above the lowest point of the outline between them (a fist's knuckles do not count;
    two hands side by side, or two raised arms crossing lower down, do)."""
    cols = mask.any(axis=0)
    top = np.where(cols, mask.argmax(axis=0), mask.shape[0] + dip + 1).astype(np.float64)
    count, climbing = 0, True
    peak = valley = top[0]
    for v in top[1:]:
        if climbing:
            peak = min(peak, v)
            if v - peak >= dip:          # came down from a top
                count += 1
                climbing, valley = False, v
        else:
            valley = max(valley, v)
            if valley - v >= dip:        # went up again: another top begins
                climbing, peak = True, v
    return count + (1 if climbing else 0)


def _lying(mask: np.ndarray) -> bool:
    """A patch at least twice as long as it is wide whose long axis is within 30 degrees of
    horizontal (a raised forearm points up; a hand alone is round)."""
    mo = cv2.moments(mask.astype(np.uint8), binaryImage=True)
    if mo["m00"] < 6:
        return False
    a, b, c = mo["mu20"] / mo["m00"], mo["mu11"] / mo["m00"], mo["mu02"] / mo["m00"]
    root = np.sqrt(4 * b * b + (a - c) ** 2)
    big, small = (a + c + root) / 2, (a + c - root) / 2
    if big < 4.0 * max(small, 1e-6):          # axes' lengths differ less than 2x
        return False
    angle = 0.5 * np.degrees(np.arctan2(2 * b, a - c))   # of the long axis, from horizontal
    return abs(angle) < 30.0


def figures(media_dir=None) -> dict:
    """Accuracy and speed on the synthetic group clips (tests/vision_clips.py, when present)
    and the real clips in ../shared/media (when present), for `bench` and the report.

    Accuracy is over frames at least 1 s after the true counts last changed ("settled"): the
    share with both counts exact, the share within +-1, the mean error per side, the share with
    `people` right. Speed is CPU time of update() per frame, OpenCV on one thread."""
    import statistics
    from pathlib import Path

    from .benchmark import DEFAULT_MEDIA, file_frames, load_synthetic

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    out: dict = {}
    try:
        vc = load_synthetic()
        for clip in ([] if vc is None else [*vc.group_suite(), vc.clip_group_big_class()]):
            hc, ms, rows = HandCounter(), [], []
            changes = clip.changes()
            for frame, t in clip.frames():
                c0 = time.thread_time()
                c = hc.update(frame, t)
                ms.append((time.thread_time() - c0) * 1000.0)
                if t >= 2.0 and all(not 0 <= t - tc < 1.0 for tc in changes):
                    rows.append((c, clip.truth(t)))
            n = max(1, len(rows))
            key = clip.name
            out[f"{key}_exact"] = round(sum(c.left == L and c.right == R for c, (L, R, _) in rows) / n, 3)
            out[f"{key}_within1"] = round(sum(abs(c.left - L) <= 1 and abs(c.right - R) <= 1
                                              for c, (L, R, _) in rows) / n, 3)
            out[f"{key}_error_per_side"] = round(sum(abs(c.left - L) + abs(c.right - R)
                                                     for c, (L, R, _) in rows) / (2 * n), 3)
            out[f"{key}_people_right"] = round(sum(c.people == P for c, (_, _, P) in rows) / n, 3)
            out[f"{key}_ms_per_frame"] = round(statistics.mean(ms), 2)
            out[f"{key}_ms_p95"] = round(float(np.percentile(ms, 95)), 2)
        media = Path(media_dir) if media_dir is not None else DEFAULT_MEDIA
        for name in ("gesture_asl_walk_two_hands.mkv", "face_head_pose_male.gif",
                     "no_people_car_parking_lot.mp4", "people_walking_one_by_one.mp4"):
            path = media / name
            if not path.is_file():
                continue
            hc, ms, counts = HandCounter(), [], []
            for frame, t in file_frames(path):
                c0 = time.thread_time()
                counts.append(hc.update(frame, t))
                ms.append((time.thread_time() - c0) * 1000.0)
            key = name.split(".")[0]
            out[f"{key}_max_raised"] = max(max(c.left, c.right) for c in counts)
            out[f"{key}_max_people"] = max(c.people for c in counts)
            out[f"{key}_last_people"] = counts[-1].people
            out[f"{key}_ms_per_frame"] = round(statistics.mean(ms), 2)
        return out
    finally:
        cv2.setNumThreads(threads)


if __name__ == "__main__":   # python -m kiosk.vision.hand_count
    import json

    print(json.dumps(figures(), indent=1))
