"""Faces: finding them (Haar cascades shipped with OpenCV) and THE one function that blurs them.

`blur_faces` serves the corner camera view now and the broadcast later. Privacy rule: when we
are not sure we found every face, the whole picture is blurred rather than risking one face left
sharp. Frames are only ever changed in memory here; nothing is written or logged.
"""
from __future__ import annotations

import threading
from typing import Iterable, Literal, Sequence

import cv2
import numpy as np

Box = tuple[float, float, float, float]   # x, y, w, h in fractions of the picture

# Generous generic skin range in YCrCb, used only to decide whether a picture "looks like it has
# a person" when no face was found (white balance varies, so this errs on the wide side).
SKIN_LO = np.array([40, 133, 77], np.uint8)
SKIN_HI = np.array([250, 180, 130], np.uint8)


_per_thread = threading.local()


def cascade(name: str) -> cv2.CascadeClassifier:
    """A cascade from cv2.data.haarcascades (no downloads), loaded once per thread: one classifier
    used by two threads at once (the camera's and a recording's blur) crashes inside OpenCV."""
    loaded: dict[str, cv2.CascadeClassifier] = _per_thread.__dict__.setdefault("cascades", {})
    c = loaded.get(name)
    if c is None:
        c = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        if c.empty():
            raise RuntimeError(f"OpenCV cascade {name} missing from cv2.data.haarcascades")
        loaded[name] = c
    return c


FRONTAL = "haarcascade_frontalface_alt2.xml"      # fewest false faces on cars and textures
FRONTAL_WIDE = "haarcascade_frontalface_default.xml"
PROFILE = "haarcascade_profileface.xml"           # trained on one direction: run it mirrored too


def _gray(frame: np.ndarray) -> np.ndarray:
    return frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def find_faces_px(gray: np.ndarray, min_px: int = 22, *, profile: bool = True, wide: bool = False,
                  scale: float = 1.15, neighbours: int = 3) -> list[tuple[int, int, int, int]]:
    """Face boxes in pixels of `gray` (frontal, optionally profile both ways), merged."""
    h, w = gray.shape[:2]
    kw = dict(scaleFactor=scale, minNeighbors=neighbours, minSize=(min_px, min_px))
    boxes = [tuple(map(int, b)) for b in cascade(FRONTAL).detectMultiScale(gray, **kw)]
    if wide:
        boxes += [tuple(map(int, b)) for b in cascade(FRONTAL_WIDE).detectMultiScale(gray, **kw)]
    if profile:
        boxes += [tuple(map(int, b)) for b in cascade(PROFILE).detectMultiScale(gray, **kw)]
        flipped = cv2.flip(gray, 1)
        for x, y, bw, bh in cascade(PROFILE).detectMultiScale(flipped, **kw):
            boxes.append((int(w - x - bw), int(y), int(bw), int(bh)))
    return merge_boxes(boxes)


def merge_boxes(boxes: Iterable[Sequence[int]]) -> list[tuple[int, int, int, int]]:
    """Union of overlapping boxes (the same face seen by two cascades is one face)."""
    out: list[list[int]] = []
    for b in sorted(boxes, key=lambda b: -b[2] * b[3]):
        x, y, w, h = b
        for o in out:
            ix = min(x + w, o[0] + o[2]) - max(x, o[0])
            iy = min(y + h, o[1] + o[3]) - max(y, o[1])
            if ix > 0 and iy > 0 and ix * iy > 0.3 * min(w * h, o[2] * o[3]):
                x1, y1 = min(x, o[0]), min(y, o[1])
                o[2], o[3] = max(x + w, o[0] + o[2]) - x1, max(y + h, o[1] + o[3]) - y1
                o[0], o[1] = x1, y1
                break
        else:
            out.append([x, y, w, h])
    return [tuple(o) for o in out]  # type: ignore[misc]


def detect_faces(frame: np.ndarray, *, max_width: int = 480, min_size: float = 0.04,
                 thorough: bool = True) -> list[Box]:
    """Faces in a BGR (or grey) picture as (x, y, w, h) fractions, frontal and profile.

    `thorough` adds a second frontal cascade: more false faces, fewer missed ones, which is the
    right trade for blurring. The picture is searched at most `max_width` wide for speed.
    """
    gray = _gray(frame)
    h, w = gray.shape[:2]
    s = min(1.0, max_width / w)
    if s < 1.0:
        gray = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    gh, gw = gray.shape[:2]
    min_px = max(20, int(min_size * gw))
    found = find_faces_px(gray, min_px, profile=True, wide=thorough, scale=1.1, neighbours=3)
    return [(x / gw, y / gh, bw / gw, bh / gh) for x, y, bw, bh in found]


def skin_mask(frame_bgr: np.ndarray) -> np.ndarray:
    return cv2.inRange(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2YCrCb), SKIN_LO, SKIN_HI)


def looks_like_unfound_face(frame_bgr: np.ndarray, faces: Sequence[Box]) -> bool:
    """True if there is a face-sized, face-shaped skin patch that no face box covers.

    Used when the caller has no better knowledge (no presence state): a skin floor or a wooden
    door is one huge patch and does not count; a head turned away from the detector does.
    """
    h, w = frame_bgr.shape[:2]
    s = min(1.0, 160 / w)
    small = cv2.resize(frame_bgr, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
    m = cv2.morphologyEx(skin_mask(small), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    sh, sw = m.shape
    for fx, fy, fw, fh in faces:   # covered skin does not count
        x0, y0 = int((fx - fw * 0.3) * sw), int((fy - fh * 0.3) * sh)
        m[max(0, y0):max(0, int(y0 + fh * 1.6 * sh) + 1), max(0, x0):max(0, int(x0 + fw * 1.6 * sw) + 1)] = 0
    n, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(m, 8, cv2.CV_32S, cv2.CCL_GRANA)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        frac = area / (sw * sh)
        if 0.004 <= frac <= 0.2 and 0.6 <= bh / max(bw, 1) <= 2.2 and area >= 0.45 * bw * bh:
            return True
    return False


def blur_faces(frame: np.ndarray, faces: Sequence[Box] | None = None, *,
               uncertain: Literal["whole", "faces"] = "whole", certain: bool | None = None,
               margin: float = 0.35) -> np.ndarray:
    """A copy of `frame` with faces pixelated and blurred; the whole picture blurred when unsure.

    faces: (x, y, w, h) fractions of this picture (e.g. VisionState.faces); None detects them here.
    certain: the caller's own judgement (the pipeline says False when someone is present but no
      face is currently found, or detection flickers). None: judge from the picture itself.
    uncertain: "whole" blurs everything when unsure (the default, and the privacy rule);
      "faces" blurs only the boxes (for staff tools that must see the room).
    margin: each box grows by this fraction of its size on every side (hair, ears, chin).
    """
    if faces is None:
        faces = detect_faces(frame)
        if certain is None:
            certain = not looks_like_unfound_face(frame, faces)
    if certain is None:
        certain = True
    if not certain and uncertain == "whole":
        return blur_whole(frame)
    out = frame.copy()
    h, w = frame.shape[:2]
    for fx, fy, fw, fh in faces:
        x0 = int(max(0, (fx - fw * margin) * w))
        y0 = int(max(0, (fy - fh * margin * 1.3) * h))   # more above: hair identifies too
        x1 = int(min(w, (fx + fw * (1 + margin)) * w + 1))
        y1 = int(min(h, (fy + fh * (1 + margin)) * h + 1))
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        out[y0:y1, x0:x1] = _pixelate(out[y0:y1, x0:x1])
    return out


def _pixelate(region: np.ndarray, blocks: int = 6) -> np.ndarray:
    """About six blocks across, then softened: no eyes, no mouth, nothing a detector can find."""
    h, w = region.shape[:2]
    bw = max(1, min(blocks, w // 2))
    bh = max(1, int(round(bw * h / max(w, 1))))
    tiny = cv2.resize(region, (bw, bh), interpolation=cv2.INTER_AREA)
    big = cv2.resize(tiny, (w, h), interpolation=cv2.INTER_NEAREST)
    k = max(3, (min(w, h) // 6) | 1)
    return cv2.GaussianBlur(big, (k, k), 0)


def blur_whole(frame: np.ndarray) -> np.ndarray:
    """The whole picture blurred beyond recognising anyone (shapes and colours stay)."""
    h, w = frame.shape[:2]
    # the same few blocks across at any picture size: a bigger picture must not keep more detail
    across = min(w, 16)
    tiny = cv2.resize(frame, (max(1, across), max(1, round(h * across / w))), interpolation=cv2.INTER_AREA)
    return cv2.resize(tiny, (w, h), interpolation=cv2.INTER_LINEAR)
