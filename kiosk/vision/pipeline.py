"""Pipeline: one camera frame in, VisionState and VisionEvents out.

Order of work per frame (all on the one downscaled picture):
  downscale once -> mirror -> YCrCb -> ROI views -> motion masks (frame difference; a faint one)
  -> foreground (background model) -> faces (tracked; whole-picture search at a low rate)
  -> skin (learnt from the face; else a generic range moved with the white balance)
  -> heads on shoulders (upper_body.py: no face needed)
  -> the player's body and hands -> recognisers.
While a live poll counts hands (count_hands), the room's face sweep (room_faces.py) replaces the
periodic face search and poll_count.py counts raised hands for everyone from this frame's work.
Budget: <= 8 ms for a 640x480 frame on one core on average (see kiosk/bench/vision.py).
Nothing here writes or logs a picture; only numbers leave this module.
"""
from __future__ import annotations

import time

import cv2
import numpy as np

from .background import BackgroundModel
from .body import Body, find_hands, find_player, hand_candidates, silhouettes
from .checkin import CheckinRecogniser
from .events import VisionEvent, VisionState
from .face_tracking import FaceTrack, FaceTracker
from .frame_clock import FrameClocked
from .frame_data import FrameData
from .hand_tracking import HandTracker
from .pointer import PointerRecogniser
from .pointer import engaged as hand_up
from .poll_count import HandCount, PollCounter
from .presence import PresenceRecogniser
from .raise_hand import RaiseHandRecogniser
from .settings import VisionSettings
from .skin import SkinModel
from .swipe import SwipeRecogniser
from .upper_body import FAINT, UpperBodyFinder, facing


class Pipeline(FrameClocked):
    def __init__(self, settings: VisionSettings | None = None):
        self.settings = settings or VisionSettings()
        self.poll: PollCounter | None = None
        self.reset()

    def count_hands(self, on: bool) -> None:
        """Also count raised hands across the room (live polls), from this pipeline's own work on
        each frame (`hand_count`); off forgets the count, so the next poll starts fresh."""
        if not on:
            self.poll, self.hand_count = None, None
        elif self.poll is None:
            self.poll = PollCounter()

    def reset(self) -> None:
        s = self.settings
        self.background = BackgroundModel(s)
        self.faces = FaceTracker(s)
        self.skin = SkinModel(s.sensitivity)
        self.presence = PresenceRecogniser(s)
        self.raise_hand = RaiseHandRecogniser(s)
        self.pointer = PointerRecogniser(s)
        self.swipe = SwipeRecogniser(s)
        self.checkin = CheckinRecogniser(s)
        self.upper = UpperBodyFinder()
        self.hand_tracks = HandTracker()
        self._heads: list[tuple[float, float]] = []   # (t, head x) when the head was measured
        self.head_speed = 0.0
        self._heads_source = (False, False)   # (from_face, from_shape) of the heads measured
        self.body: Body | None = None
        self.hands: list = []
        self._prev_gray: np.ndarray | None = None
        self._last_t: float | None = None
        self._fps = 0.0
        self._learn_t = -1e9
        self._facing_until = -1e9
        self.last_frame: FrameData | None = None   # for the calibration overlay (in memory only)
        self.hand_count: HandCount | None = None    # while counting hands: this frame's room count
        if self.poll is not None:
            self.poll = PollCounter()

    def process(self, frame_bgr: np.ndarray, t: float) -> tuple[VisionState, list[VisionEvent]]:
        began = time.perf_counter()
        s = self.settings
        frame_bgr, dt = self._step(frame_bgr, t)
        if dt > 0:
            self._fps += min(1.0, dt / 1.0) * (1.0 / dt - self._fps)

        fd = self._prepare(frame_bgr, t, dt)
        rw, rh = fd.roi_size
        x0, y0 = fd.roi[0], fd.roi[1]

        room = self.poll.look(frame_bgr, fd) if self.poll is not None else None
        tracks = self.faces.update(fd.gray_full, fd.ycrcb_full, t, room)
        faces_roi = [FaceTrack(tr.x - x0, tr.y - y0, tr.w, tr.h, tr.first_seen, tr.last_seen, tr.hits,
                               tr.frontal, tr.vx) for tr in tracks]
        if t - self._learn_t >= 0.5:
            for f in faces_roi:
                if f.frontal and f.last_seen == t and f.confirmed:
                    self.skin.learn(fd.ycrcb, f.box, t)
                    self._learn_t = t
                    break
        self.skin.observe(fd.ycrcb_full, t)   # the camera's white balance, for the generic range
        fd.skin = self.skin.mask(fd.ycrcb, t)

        sils, labels = silhouettes(fd, s)
        heads = self.upper.update(fd)
        body = find_player(fd, sils, labels, faces_roi, heads, s, self.body)
        self.body = body
        near_sil = next((sl for sl in sorted(sils, key=lambda sl: -sl.area) if sl.near), None)
        near_face = any(f.confirmed and f.w >= s.presence_min_face * rw and t - f.last_seen <= 0.6
                        and 0 <= f.cx <= rw and 0 <= f.cy <= rh and abs(f.vx) / rw <= s.presence_max_speed
                        for f in faces_roi)
        # A head on shoulders (no face needed) in the near size band, not walking across.
        near_shape = any(h.confirmed and h.head[2] >= s.presence_min_face * rw and t - h.last_seen <= 0.6
                         and abs(h.vx) / rw <= s.presence_max_speed for h in heads)
        still_there = near_face or near_shape or any(sl.h >= 0.6 * s.presence_min_height * rh for sl in sils)

        events: list[VisionEvent] = []
        sil = None
        if near_sil is not None:
            left = near_sil.x / rw if near_sil.x > 2 else None
            right = (near_sil.x + near_sil.w) / rw if near_sil.x + near_sil.w < rw - 2 else None
            sil = (left, right, near_sil.y / rh)
        events += self.presence.update(t, dt, silhouette=sil, near_head=near_face or near_shape,
                                       still_there=still_there, unstable=fd.unstable)
        present = self.presence.present
        # Gestures count only from a child facing the kiosk (a face seen on the player lately, or
        # skin where the face is on a head with no face found: masked, capped): people at a table
        # with their backs to the camera move their hands too, and a neck is skin-coloured.
        shape_facing = body is not None and body.from_shape and body.measured and facing(fd.skin, body.head)
        if body is not None and (body.from_face or shape_facing):
            self._facing_until = t + s.facing_keep_s
        facing_now = body is not None and t < self._facing_until
        engaged = present and facing_now
        # Hands are looked for on anyone facing the kiosk, also before presence has confirmed
        # them (0.3-0.8 s): staff calibration boxes them from the start, so staff can tell "hand
        # not found" from "child not yet present". Gestures (the hand tracks, hence pointer and
        # swipe, and raise) are read only from a present child: arms swinging on the way in
        # are not a lift towards the screen.
        cands = hand_candidates(fd, body, faces_roi) if facing_now else (None, 0, 0)
        hands = find_hands(body, cands) if facing_now else []
        self.hands = hands
        if not engaged:
            hands = []
        hand_tracks = self.hand_tracks.update(t, hands, rw, rh)
        steady = self._steady(body, rw, t)
        events += self.raise_hand.update(t, dt, body, hands, engaged and steady)
        pointer = self.pointer.update(t, body, hand_tracks, (rw, rh), engaged and steady)
        events += self.swipe.update(t, hand_tracks, None if body is None else body.head_cx / rw, engaged, steady,
                                    lambda tr: body is not None and hand_up(body, tr, rh))
        events += self.checkin.update(frame_bgr, fd)
        if self.poll is not None:
            self.hand_count = self.poll.update(
                fd, faces_roi, body.head if body is not None and body.from_face else None,
                self.raise_hand.raised_sides(body, hands) if engaged and steady else set())
        self.last_frame = fd

        sh, sw = fd.small.shape[:2]
        state = VisionState(
            t=t, present=present, pointer=pointer,
            raising=self.raise_hand.display_progress(),
            faces=[(tr.x / sw, tr.y / sh, tr.w / sw, tr.h / sh) for tr in tracks],
            faces_certain=self._faces_certain(t, present, sils, rh, fd.unstable),
            people=[((sl.x + x0) / sw, (sl.y + y0) / sh, sl.w / sw, sl.h / sh) for sl in sils if sl.near],
            player=None if body is None else ((body.box[0] + x0) / sw, (body.box[1] + y0) / sh,
                                              body.box[2] / sw, body.box[3] / sh),
            hands=[((h.x - 0.4 * body.size + x0) / sw, (h.y - 0.4 * body.size + y0) / sh,
                    0.8 * body.size / sw, 0.8 * body.size / sh) for h in self.hands] if body is not None else [],
            fps=round(self._fps, 1),
            latency_ms=(time.perf_counter() - began) * 1000.0,
        )
        return state, events

    def _faces_certain(self, t: float, present: bool, sils: list, rh: int, unstable: bool) -> bool:
        """May the corner view show the picture with only the face boxes blurred? Not while the
        background is being (re)learnt, not for a moment after a face was lost, and not while
        there are more person-sized shapes (or a present child) than faces found recently."""
        if unstable or t < self.faces.flicker_until:
            return False
        persons = sum(1 for sl in sils if sl.h >= 0.2 * rh)
        if present:
            persons = max(persons, 1)
        fresh = sum(1 for tr in self.faces.tracks if t - tr.last_seen <= 0.5)
        return fresh >= persons

    def _steady(self, body: Body | None, rw: int, t: float) -> bool:
        """The child is standing, not walking: gestures are only read then (a walk swings arms
        and drags the head reference along). Measured on the head, not the silhouette (arms
        move that), and only from frames where the head was actually seen, so a face box
        waiting to be re-found does not look like a head standing still."""
        if body is not None and body.measured:
            source = (body.from_face, body.from_shape)
            if source != self._heads_source:
                # A face found (or lost) moves the head from the shape's or the silhouette's
                # estimate to the face box: that jump is not the child walking.
                self._heads, self._heads_source = [], source
            self._heads.append((t, body.head_cx / rw))
        self._heads = [h for h in self._heads if t - h[0] <= 0.5]
        if len(self._heads) >= 2 and self._heads[-1][0] - self._heads[0][0] >= 0.1:
            (t0, x0), (t1, x1) = self._heads[0], self._heads[-1]
            self.head_speed = abs(x1 - x0) / (t1 - t0)
        return self.head_speed <= 0.3

    def _prepare(self, frame: np.ndarray, t: float, dt: float) -> FrameData:
        s = self.settings
        h, w = frame.shape[:2]
        scale = min(1.0, s.proc_width / w)
        if scale < 1.0:
            small = cv2.resize(frame, (s.proc_width, max(1, int(round(h * scale)))), interpolation=cv2.INTER_AREA)
        else:
            small = frame
        if s.mirror:
            small = cv2.flip(small, 1)
        ycrcb = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)
        sh, sw = small.shape[:2]
        rx, ry, rw_, rh_ = s.roi
        roi = (int(rx * sw), int(ry * sh), int(round((rx + rw_) * sw)), int(round((ry + rh_) * sh)))
        fd = FrameData(t=t, dt=dt, small=small, ycrcb_full=ycrcb, roi=roi, scale=scale, mirrored=s.mirror)
        gray = fd.gray
        if self._prev_gray is None or self._prev_gray.shape != gray.shape:
            motion = stir = np.zeros(gray.shape, np.uint8)
        else:
            diff = cv2.absdiff(gray, self._prev_gray)
            _, motion = cv2.threshold(diff, s.motion_threshold, 255, cv2.THRESH_BINARY)
            # Faint motion, just above this camera's noise: the sway of someone standing still.
            _, stir = cv2.threshold(diff, max(FAINT, 3.0 * self.background.noise), 255, cv2.THRESH_BINARY)
        self._prev_gray = gray.copy()
        fd.motion, fd.stir = motion, stir
        fd.fg, fd.fg_blobs, fd.unstable = self.background.apply(fd.ycrcb, motion, t, dt)
        return fd
