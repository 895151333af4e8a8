"""FrameData: everything the recognisers share about one frame, computed once.

The pipeline downscales the camera frame once (to `proc_width`), mirrors it, converts it to
YCrCb (Y doubles as the grey image), and derives one motion mask, one foreground mask (from the
single background model) and one skin mask. Recognisers only read these arrays: no recogniser
converts or resizes a frame on its own, which is what keeps the whole pipeline within budget.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class FrameData:
    t: float
    dt: float                       # seconds since the previous processed frame (0 on the first)
    small: np.ndarray               # BGR, mirrored, whole picture at processing width
    ycrcb_full: np.ndarray          # YCrCb of `small`
    roi: tuple[int, int, int, int]  # x0, y0, x1, y1 of the region of interest in `small` pixels
    scale: float                    # `small` pixels per source pixel
    mirrored: bool
    # ROI-sized masks (uint8 0/255) and images, filled in by the pipeline
    motion: np.ndarray = field(default=None)     # type: ignore[assignment]
    stir: np.ndarray = field(default=None)       # type: ignore[assignment]  # faint motion (upper_body.py)
    fg: np.ndarray = field(default=None)         # type: ignore[assignment]
    fg_blobs: np.ndarray = field(default=None)   # type: ignore[assignment]  # fg closed into silhouettes
    skin: np.ndarray = field(default=None)       # type: ignore[assignment]
    unstable: bool = False          # the background was just reset (camera bumped, lights switched)

    @property
    def gray_full(self) -> np.ndarray:
        return self.ycrcb_full[:, :, 0]

    @property
    def ycrcb(self) -> np.ndarray:
        x0, y0, x1, y1 = self.roi
        return self.ycrcb_full[y0:y1, x0:x1]

    @property
    def gray(self) -> np.ndarray:
        return self.ycrcb[:, :, 0]

    @property
    def roi_size(self) -> tuple[int, int]:
        x0, y0, x1, y1 = self.roi
        return x1 - x0, y1 - y0


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """connectedComponentsWithStats with the block-based algorithm: on one core it is ~3x faster
    than OpenCV's default choice (measured 0.2 vs 0.7 ms at 320x240), which matters at 30 fps."""
    import cv2

    return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_GRANA)
