"""Skin colour in YCrCb, learnt from the child's own face when one is found.

A fixed YCrCb range also matches wooden floors, doors and orange clothes (all measured on the
real clips). Sampling Cr/Cb from the middle of a detected face adapts to this child's skin and
this camera's white balance; the generic range is the fallback while no face is seen (a face
mask, a cap's shadow, a turned head).

The generic range is moved with the camera's white balance: skin sits at about the same
chroma offset from grey in every picture, and a camera whose walls come out bluish (grey at
Cr 122 instead of 128 in the labelled set) shows pale skin below the fixed range's Cr floor, so
a masked child's raised hand was found only at its fingertips. The grey point is the median
chroma of the near-grey pixels of the whole picture (walls, ceiling, clothes), measured twice a
second on every fourth pixel; the shift is at most WHITE_MAX_SHIFT, so a strongly coloured
scene (an orange wall, a green hall) cannot drag the range away.

The learnt range (+-14 around the face's Cr/Cb) reaches down to grey on its Cr side: a white
wall lit warm (Cr 128, Cb 121 beside the two-hands clip's signer, whose face is at Cr 137) was
"skin", and where her arm had been when the background was learnt it was foreground too, so a
patch of wall was reported as a hand in most frames. Skin is redder than the camera's grey, so
the learnt range starts ABOVE_GREY levels of Cr above it (never closer than 4 to the face's own
Cr).
"""
from __future__ import annotations

import cv2
import numpy as np

GENERIC_LO = np.array([45, 135, 85], np.uint8)
GENERIC_HI = np.array([250, 175, 128], np.uint8)
WHITE_EVERY_S = 0.5    # seconds between grey-point measurements
WHITE_MAX_SHIFT = 10   # chroma levels the generic range may move with the white balance
GREYISH = 16           # |Cr - 128| + |Cb - 128| below this: a near-grey pixel
WHITE_MIN_PIXELS = 200 # fewer near-grey pixels (of every fourth one): keep the last shift
ABOVE_GREY = 7         # learnt skin starts this many levels of Cr above the camera's grey


def grey_point(ycrcb: np.ndarray) -> tuple[float, float] | None:
    """The camera's grey (Cr, Cb): the median chroma of the near-grey, not dark pixels of every
    fourth row and column; None when too few pixels are near grey to tell."""
    px = ycrcb[::4, ::4].reshape(-1, 3).astype(np.int16)
    near = (np.abs(px[:, 1] - 128) + np.abs(px[:, 2] - 128) < GREYISH) & (px[:, 0] > 60)
    if int(near.sum()) < WHITE_MIN_PIXELS:
        return None
    return float(np.median(px[near, 1])), float(np.median(px[near, 2]))


class SkinModel:
    def __init__(self, sensitivity: float = 0.5, forget_s: float = 30.0):
        self.half_cr = 10.0 + 8.0 * sensitivity   # +-14 at the default
        self.half_cb = 10.0 + 8.0 * sensitivity
        self.forget_s = forget_s
        self.center: tuple[float, float] | None = None
        self.learnt_at = -1e9
        self.white_shift = (0.0, 0.0)   # (Cr, Cb) of the camera's grey minus 128, clamped
        self._white_t = -1e9

    def observe(self, ycrcb_full: np.ndarray, t: float) -> None:
        """Follow the camera's white balance (for the generic range), at a low rate."""
        if t - self._white_t < WHITE_EVERY_S and t >= self._white_t:
            return
        first = self._white_t < -1e8
        self._white_t = t
        grey = grey_point(ycrcb_full)
        if grey is None:
            return
        target = tuple(max(-WHITE_MAX_SHIFT, min(WHITE_MAX_SHIFT, g - 128.0)) for g in grey)
        a = 1.0 if first else 0.5
        self.white_shift = (self.white_shift[0] + a * (target[0] - self.white_shift[0]),
                            self.white_shift[1] + a * (target[1] - self.white_shift[1]))

    def generic_range(self) -> tuple[np.ndarray, np.ndarray]:
        """The generic skin range (lo, hi), moved with the camera's white balance."""
        shift = np.array([0.0, *self.white_shift])
        lo = np.clip(np.rint(GENERIC_LO + shift), 0, 255).astype(np.uint8)
        hi = np.clip(np.rint(GENERIC_HI + shift), 0, 255).astype(np.uint8)
        return lo, hi

    def learn(self, ycrcb: np.ndarray, box: tuple[float, float, float, float], t: float) -> None:
        """Sample the middle of a face box (cheeks and nose; no hair, eyes or background)."""
        x, y, w, h = box
        c = ycrcb[int(y + 0.35 * h):int(y + 0.75 * h), int(x + 0.3 * w):int(x + 0.7 * w)]
        if c.size < 12:
            return
        px = c.reshape(-1, 3)
        px = px[px[:, 0] > 40]
        if len(px) < 4:
            return
        cr, cb = float(np.median(px[:, 1])), float(np.median(px[:, 2]))
        if not (120 <= cr <= 185 and 70 <= cb <= 135):
            return   # not skin at all (a poster face in odd light): keep what we had
        if self.center is None or t - self.learnt_at > self.forget_s:
            self.center = (cr, cb)
        else:
            a = 0.3
            self.center = (self.center[0] + a * (cr - self.center[0]), self.center[1] + a * (cb - self.center[1]))
        self.learnt_at = t

    def mask(self, ycrcb: np.ndarray, t: float) -> np.ndarray:
        if self.center is None or t - self.learnt_at > self.forget_s:
            return cv2.inRange(ycrcb, *self.generic_range())
        cr, cb = self.center
        floor = min(cr - 4.0, 128.0 + self.white_shift[0] + ABOVE_GREY)   # not a grey wall
        lo = np.array([40, max(0, cr - self.half_cr, floor), max(0, cb - self.half_cb)], np.uint8)
        hi = np.array([255, min(255, cr + self.half_cr), min(255, cb + self.half_cb)], np.uint8)
        return cv2.inRange(ycrcb, lo, hi)
