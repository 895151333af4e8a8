"""One background model per camera, shared by every recogniser through FrameData.fg.

A running average in YCrCb, chosen over MOG2 because we need control MOG2 does not give:
- lighting: a global gain is estimated every frame from pixels that were background, so flicker,
  a slow brightness ramp or lights switched on do not turn the room into foreground;
- selective update: only background pixels learn, so a child standing still in front of the
  kiosk (or someone standing at a table for 20 s) is not absorbed into the background;
- furniture: a silhouette that has not moved at all for `static_absorb_s` is absorbed, and so is
  a "ghost" (a person who was in the first frame and has left), found by its edges being in the
  background image but not in the current picture;
- a jump too big to explain (camera knocked, lights changed in one go) resets the model and
  flags the frame `unstable` so presence holds its state instead of flapping.
"""
from __future__ import annotations

import cv2
import numpy as np

from .frame_data import components
from .settings import VisionSettings

_OPEN = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
_CLOSE = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
_RING = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))


class BackgroundModel:
    def __init__(self, settings: VisionSettings, learn_s: float = 3.0):
        self.settings = settings
        self.learn_s = learn_s            # time constant for background pixels to follow the room
        self.bg: np.ndarray | None = None
        self.last_move: np.ndarray | None = None  # per pixel: last time its silhouette moved
        self.prev_fg: np.ndarray | None = None
        self.gain = 1.0
        self.noise = 0.0
        self.unstable_until = -1.0
        self._ghost_check_t = 0.0

    def reset(self) -> None:
        self.bg = None

    def apply(self, ycrcb: np.ndarray, motion: np.ndarray, t: float, dt: float) -> tuple[np.ndarray, np.ndarray, bool]:
        """Foreground mask, the same closed into silhouettes, and whether this frame is unstable."""
        cur = ycrcb.astype(np.float32)
        h, w = cur.shape[:2]
        if self.bg is None or self.bg.shape != cur.shape:
            self.bg = cur.copy()
            self.last_move = np.full((h, w), t, np.float32)
            self.prev_fg = np.zeros((h, w), np.uint8)
            self.unstable_until = t + 0.5
            empty = np.zeros((h, w), np.uint8)
            return empty, empty, True
        bg = self.bg

        # Global gain from last frame's background pixels (subsampled: a lighting change is global).
        sel = self.prev_fg[::4, ::4] == 0
        fy = cur[::4, ::4, 0][sel]
        by = bg[::4, ::4, 0][sel]
        if fy.size > 50 and by.mean() > 5:
            self.gain = float(np.clip(fy.mean() / by.mean(), 0.4, 2.5))
        else:
            self.gain = 1.0
        g = self.gain

        dy = cv2.absdiff(cur[:, :, 0], bg[:, :, 0] * g)
        # Chroma offsets from grey scale with the same gain; the sum of both is robust to light.
        dc = cv2.absdiff(cur[:, :, 1] - 128.0, (bg[:, :, 1] - 128.0) * g)
        dc += cv2.absdiff(cur[:, :, 2] - 128.0, (bg[:, :, 2] - 128.0) * g)

        # Noise floor from the background pixels: grainy cameras raise the threshold themselves.
        samp = dy[::4, ::4][sel]
        self.noise = float(np.median(samp)) / 0.6745 if samp.size > 50 else 0.0
        thr = max(self.settings.diff_threshold, 4.0 * self.noise)
        raw = ((dy > thr) | (dc > 0.75 * thr)).astype(np.uint8) * 255

        frac = cv2.countNonZero(raw) / raw.size
        if frac > 0.75:
            # Too much changed at once to be a person: start the background again from here.
            self.bg = cur.copy()
            self.last_move[:] = t
            self.prev_fg[:] = 0
            self.unstable_until = t + 1.0
            empty = np.zeros((h, w), np.uint8)
            return empty, empty, True

        fg = cv2.morphologyEx(raw, cv2.MORPH_OPEN, _OPEN)
        blobs = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, _CLOSE)

        self._track_stillness(blobs, motion, t)
        absorb = (blobs > 0) & ((t - self.last_move) > self.settings.static_absorb_s)
        if t - self._ghost_check_t >= 0.5:
            self._ghost_check_t = t
            absorb |= self._ghosts(cur, blobs, t)
        if absorb.any():
            bg[absorb] = cur[absorb]
            fg[absorb] = 0
            blobs[absorb] = 0

        alpha = min(1.0, dt / self.learn_s) if dt > 0 else 0.0
        if alpha > 0:
            # Learn the room where nobody is; compensate the gain so learning follows the light.
            cv2.accumulateWeighted(cur, bg, alpha, mask=cv2.bitwise_not(blobs))
        self.prev_fg = blobs
        return fg, blobs, t < self.unstable_until

    def _track_stillness(self, blobs: np.ndarray, motion: np.ndarray, t: float) -> None:
        """A whole silhouette counts as moving if any part of it moved (a shirt's inside never does)."""
        newly = (blobs > 0) & (self.prev_fg == 0)
        self.last_move[newly] = t
        n, labels = cv2.connectedComponents(blobs, connectivity=8)
        if n <= 1:
            return
        moving = np.bincount(labels[motion > 0], minlength=n)
        moving[0] = 0
        area = np.bincount(labels.ravel(), minlength=n)
        lut = moving >= np.maximum(3, area // 500)
        lut[0] = False
        if lut.any():
            self.last_move[lut[labels]] = t

    def _ghosts(self, cur: np.ndarray, blobs: np.ndarray, t: float) -> np.ndarray:
        """Still silhouettes whose outline is in the background image, not in the picture.

        When someone who was there when the camera started walks away, the background still holds
        them; the "foreground" left behind is empty room. Its outline has strong edges in the
        stored background but none in the current picture, unlike a real person's.
        """
        out = np.zeros(blobs.shape, bool)
        still = (blobs > 0) & ((t - self.last_move) > 1.0)
        if not still.any():
            return out
        n, labels, stats, _ = components(still.astype(np.uint8))
        if n <= 1:
            return out
        gc = _grad(cur[:, :, 0] / max(self.gain, 1e-3))
        gb = _grad(self.bg[:, :, 0])
        for i in range(1, n):
            x, y, w, h, area = stats[i]
            if area < 30:
                continue
            sub = (labels[y:y + h, x:x + w] == i).astype(np.uint8)
            sub = cv2.copyMakeBorder(sub, 2, 2, 2, 2, cv2.BORDER_CONSTANT, 0)
            ring = cv2.morphologyEx(sub, cv2.MORPH_GRADIENT, _RING)[2:-2, 2:-2] > 0
            yy0, xx0 = y, x
            e_cur = float(gc[yy0:yy0 + h, xx0:xx0 + w][ring].mean())
            e_bg = float(gb[yy0:yy0 + h, xx0:xx0 + w][ring].mean())
            if e_bg > 8.0 and e_cur < 0.5 * e_bg:
                out[y:y + h, x:x + w] |= labels[y:y + h, x:x + w] == i
        return out


def _grad(img: np.ndarray) -> np.ndarray:
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    return cv2.magnitude(gx, gy)
