"""Passport check-in: a QR card held up to the camera gives its code.

The QR finder patterns are looked for every `qr_every` frames in the small grey picture (~1 ms
with the ArUco-based detector, which also finds fewer phantom codes than the classic one);
only when one is found is the card decoded, from the full-resolution, un-mirrored frame around
it (a mirrored QR does not decode; small modules need the full resolution). The same code is
reported once per qr_dedupe_s however long the card is held up.
"""
from __future__ import annotations

import cv2
import numpy as np

from .events import VisionEvent
from .frame_data import FrameData
from .settings import VisionSettings


class CheckinRecogniser:
    def __init__(self, settings: VisionSettings):
        self.s = settings
        self._detector = cv2.QRCodeDetectorAruco()
        self._frame = 0
        self._retry = False
        self._retries = 0
        self._seen: dict[str, float] = {}

    def update(self, frame: np.ndarray, fd: FrameData) -> list[VisionEvent]:
        self._frame += 1
        if not self._retry and self._frame % max(1, self.s.qr_every):
            return []
        self._retry = False
        gray = fd.gray_full
        if fd.mirrored:
            gray = cv2.flip(gray, 1)
        try:
            found, pts = self._detector.detect(gray)
        except cv2.error:
            return []
        if not found or pts is None:
            return []
        pts = pts.reshape(-1, 2) / fd.scale    # to source pixels (un-mirrored)
        h, w = frame.shape[:2]
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        m = 0.2 * max(x1 - x0, y1 - y0) + 8
        x0, y0 = int(max(0, x0 - m)), int(max(0, y0 - m))
        x1, y1 = int(min(w, x1 + m)), int(min(h, y1 + m))
        if x1 - x0 < 16 or y1 - y0 < 16:
            return []
        crop = cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
        try:
            code, _, _ = self._detector.detectAndDecode(crop)
        except cv2.error:
            code = ""
        if not code:
            # A card is there but blurred: look again on the next frame, a few times at most
            # (a poster that merely looks like finder patterns must not cost every frame).
            self._retries += 1
            self._retry = self._retries <= 3
            return []
        self._retries = 0
        t = fd.t
        last = self._seen.get(code)
        self._seen[code] = t
        if last is not None and t - last < self.s.qr_dedupe_s:
            return []
        self._seen = {c: ts for c, ts in self._seen.items() if t - ts < self.s.qr_dedupe_s}
        self._seen[code] = t
        return [VisionEvent(t, "checkin", code=code)]
