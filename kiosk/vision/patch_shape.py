"""The shape of a patch of skin (a boolean mask): how many tops its outline has, and whether it
lies flat. A raised hand is one upright patch with one top; two hands that touch have two."""
from __future__ import annotations

import cv2
import numpy as np


def tops(mask: np.ndarray, dip: float) -> int:
    """Separate tops of a patch's upper outline at least `dip` px above the outline between them
    (a fist's knuckles are one top; two hands side by side, or crossed arms, are two)."""
    cols = mask.any(axis=0)
    top = np.where(cols, mask.argmax(axis=0), mask.shape[0] + dip + 1).astype(np.float64)
    count, climbing = 0, True
    peak = valley = top[0]
    for v in top[1:]:
        if climbing:
            peak = min(peak, v)
            if v - peak >= dip:
                count, climbing, valley = count + 1, False, v
        else:
            valley = max(valley, v)
            if valley - v >= dip:
                climbing, peak = True, v
    return count + (1 if climbing else 0)


def lying(mask: np.ndarray) -> bool:
    """At least twice as long as wide, the long axis within 30 degrees of horizontal."""
    mo = cv2.moments(mask.astype(np.uint8), binaryImage=True)
    if mo["m00"] < 6:
        return False
    a, b, c = mo["mu20"] / mo["m00"], mo["mu11"] / mo["m00"], mo["mu02"] / mo["m00"]
    root = np.sqrt(4 * b * b + (a - c) ** 2)
    if (a + c + root) < 4.0 * max(a + c - root, 1e-6):
        return False
    return abs(0.5 * np.degrees(np.arctan2(2 * b, a - c))) < 30.0
