"""What every per-frame vision model does first with a frame: make it three-channel and time it."""
from __future__ import annotations

import cv2
import numpy as np

JUMP_S = 2.0  # a gap longer than this (or time going back) is a new clip or a camera that was away


class FrameClocked:
    """Base of the models fed frame by frame (the gesture pipeline, the hand counter)."""

    _last_t: float | None = None

    def reset(self) -> None:
        raise NotImplementedError

    def _step(self, frame: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        """The frame as BGR, and seconds since the previous one; when time jumped the model starts
        again (reset) and the step is 0."""
        if frame.ndim == 2:  # grey cameras and test clips
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        dt = 0.0 if self._last_t is None else t - self._last_t
        if dt < 0 or dt > JUMP_S:
            self.reset()
            dt = 0.0
        self._last_t = t
        return frame, dt
