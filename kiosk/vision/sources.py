"""Frame sources: a camera (device index) or a video file, giving BGR frames with their times.

Times come from the clip's own timestamps (CAP_PROP_POS_MSEC) so that replaying a 12.5 fps GIF
or a variable-rate file gives event times in seconds of video. With OpenCV's FFmpeg backend the
GIF in ../shared/media reports its real frame delays (0, 0.08, 0.17, 0.25 ...). Where a backend
reports no usable timestamps (always 0, or going backwards), we fall back to frame index / fps
and say so in `timing`. A camera uses the monotonic clock since opening.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)


class FrameSource:
    """Reads frames; read() returns None at the end or on any failure, never raises."""

    def __init__(self, cap: cv2.VideoCapture, name: str, live: bool):
        self._cap = cap
        self.name = name
        self.live = live
        self.index = 0                     # frames read so far
        self.timing = "clock" if live else "timestamps"
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0) if cap is not None else 0.0
        self.fps = fps if 0.5 < fps < 1000 else 30.0   # webcams often report 0
        w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0) if cap is not None else 0
        h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0) if cap is not None else 0
        self.size = (w, h)
        self._t0 = time.monotonic()
        self._last_t = -1.0
        self._failed = cap is None or not cap.isOpened()

    @property
    def opened(self) -> bool:
        return not self._failed

    def read(self) -> tuple[np.ndarray, float] | None:
        if self._failed:
            return None
        try:
            ok, frame = self._cap.read()
        except Exception as exc:  # a driver error on unplug must not reach the caller
            log.warning("camera %s read failed: %s", self.name, exc)
            ok, frame = False, None
        if not ok or frame is None:
            if self.live:
                self._failed = True   # the engine's capture thread reopens after a pause
            return None
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        elif frame.shape[2] == 4:
            frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
        if self.size == (0, 0):
            self.size = (frame.shape[1], frame.shape[0])
        t = self._time()
        self.index += 1
        return frame, t

    def _time(self) -> float:
        if self.live:
            return time.monotonic() - self._t0
        by_index = self.index / self.fps
        if self.timing == "timestamps":
            ms = self._cap.get(cv2.CAP_PROP_POS_MSEC)
            t = ms / 1000.0 if ms is not None and ms >= 0 else -1.0
            if self.index > 0 and t <= self._last_t:
                # No usable timestamps from this backend: derive from index and fps from now on.
                log.info("%s: no usable timestamps, timing frames as index/fps (%.3f fps)", self.name, self.fps)
                self.timing = "index"
            else:
                self._last_t = t
                return t
        t = max(by_index, self._last_t + 1e-3)
        self._last_t = t
        return t

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
        self._failed = True

    def __enter__(self) -> "FrameSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(spec: str | int) -> FrameSource:
    """A device index (int or digits) opens a camera; anything else is a video file path.

    Never raises for a missing camera or unreadable file: the source reports `opened` False and
    read() returns None, so the kiosk carries on with touch.
    """
    live = isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit())
    try:
        if live:
            cap = cv2.VideoCapture(int(spec))
            name = f"camera {int(spec)}"
        else:
            path = Path(spec)
            name = path.name
            cap = cv2.VideoCapture(str(path)) if path.is_file() else None
    except Exception as exc:
        log.warning("cannot open video source %r: %s", spec, exc)
        cap, name = None, str(spec)
    return FrameSource(cap, name, live)
