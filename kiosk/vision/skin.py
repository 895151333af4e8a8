"""Skin colour in YCrCb, learnt from the child's own face when one is found.

A fixed YCrCb range also matches wooden floors, doors and orange clothes (all measured on the
real clips). Sampling Cr/Cb from the middle of a detected face adapts to this child's skin and
this camera's white balance; the generic range is only the fallback until a face is seen.
"""
from __future__ import annotations

import cv2
import numpy as np

GENERIC_LO = np.array([45, 135, 85], np.uint8)
GENERIC_HI = np.array([250, 175, 128], np.uint8)


class SkinModel:
    def __init__(self, sensitivity: float = 0.5, forget_s: float = 30.0):
        self.half_cr = 10.0 + 8.0 * sensitivity   # +-14 at the default
        self.half_cb = 10.0 + 8.0 * sensitivity
        self.forget_s = forget_s
        self.center: tuple[float, float] | None = None
        self.learnt_at = -1e9

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
            return cv2.inRange(ycrcb, GENERIC_LO, GENERIC_HI)
        cr, cb = self.center
        lo = np.array([40, max(0, cr - self.half_cr), max(0, cb - self.half_cb)], np.uint8)
        hi = np.array([255, min(255, cr + self.half_cr), min(255, cb + self.half_cb)], np.uint8)
        return cv2.inRange(ycrcb, lo, hi)
