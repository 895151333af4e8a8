"""Program frames: the kiosk screen + the face-blurred camera picture-in-picture + the graphics.

One `Compositor` per broadcast, used only by the broadcaster's compose thread. The program frame
is a pygame Surface in memory order B, G, R, X (the display's own format on little-endian
machines), so the kiosk snapshot is copied or scaled into it without conversion, pygame draws the
graphics on it, and OpenCV turns it into I420 (what ffmpeg encodes) in one call.

The camera picture comes only from CameraView.pip / CameraView.preview: published by the camera
thread with faces already blurred (kiosk.vision.faces.blur_faces). Nothing here ever sees a raw
camera frame, and nothing here writes anything.
"""
from __future__ import annotations

import sys
from typing import Any

import cv2
import numpy as np
import pygame

from kiosk.ui.theme import DEFAULT, Theme

from .overlay import Overlay, OverlayState, fit_inside

BGRX_MASKS = (0xFF0000, 0x00FF00, 0x0000FF, 0)


def pixels(surface: pygame.Surface) -> np.ndarray:
    """A (h, w, 4) uint8 view of a 32-bit surface's memory (locks it while the view lives)."""
    w, h = surface.get_size()
    buf = surface.get_buffer()
    return np.frombuffer(buf, np.uint8).reshape(h, surface.get_pitch() // 4, 4)[:, :w]


def is_bgrx(surface: pygame.Surface) -> bool:
    """Memory order B, G, R, (X|A): what the compositor works in without converting."""
    return (sys.byteorder == "little" and surface.get_bitsize() == 32
            and tuple(surface.get_masks()[:3]) == BGRX_MASKS[:3])


class Compositor:
    """Composes program frames of `size` from kiosk snapshots; see module doc."""

    def __init__(self, size: tuple[int, int] = (1920, 1080), layout: str = "squeeze", theme: Theme = DEFAULT,
                 lang: str = "zh", pip_mirror: bool = False):
        self.size = size
        self.overlay = Overlay(size, layout, theme, lang)
        self.pip_mirror = pip_mirror           # False: undo the camera's mirror (viewers see the room as it is)
        self.frame = pygame.Surface(size, 0, 32, BGRX_MASKS)
        self._clean: pygame.Surface | None = None

    def compose(self, kiosk: np.ndarray, state: OverlayState | None, key: Any = None,
                pip: np.ndarray | None = None) -> pygame.Surface:
        """The program frame (the compositor's own surface, valid until the next call).

        kiosk: the kiosk screen as (h, w, 4) uint8 in B, G, R, X order (see `pixels`, `bgrx_view`).
        pip: the camera picture as published by the camera thread (RGB, mirrored, faces blurred)."""
        state = state or OverlayState()
        key = state.key() if key is None else key
        kh0, kw0 = kiosk.shape[:2]
        ov = self.overlay
        ov.update(state, key, (kw0, kh0))
        geo = ov.geo
        assert geo is not None
        frame = self.frame
        kx, ky, kw, kh = geo.kiosk
        if ov.under is not None:
            frame.blit(ov.under, (0, 0))
        elif (kx, ky, kw, kh) != (0, 0, *self.size):
            frame.fill((0, 0, 0))
        out = pixels(frame)
        try:
            if (kw, kh) == (kw0, kh0):
                out[ky:ky + kh, kx:kx + kw] = kiosk
            else:
                out[ky:ky + kh, kx:kx + kw] = cv2.resize(kiosk, (kw, kh), interpolation=cv2.INTER_LINEAR)
            if state.pip and pip is not None and pip.ndim == 3 and pip.shape[2] == 3:
                self._put_pip(out, pip, geo.pip)
        finally:
            del out
        for piece, pos in ov.over:
            frame.blit(piece, pos)
        return frame

    def _put_pip(self, out: np.ndarray, pip: np.ndarray, box: tuple[int, int, int, int]) -> None:
        """The (already face-blurred, mirrored) RGB camera picture, fitted into its box."""
        h, w = pip.shape[:2]
        x, y, fw, fh = fit_inside((w, h), box)
        bx, by, bw, bh = box
        out[by:by + bh, bx:bx + bw] = (60, 30, 12, 255)  # (B, G, R, X) dark blue bars where the aspect differs
        img = pip if self.pip_mirror else cv2.flip(pip, 1)
        img = cv2.resize(img, (fw, fh), interpolation=cv2.INTER_LINEAR if fw > w else cv2.INTER_AREA)
        out[y:y + fh, x:x + fw] = cv2.cvtColor(img, cv2.COLOR_RGB2BGRA)

    def clean(self, kiosk: np.ndarray) -> pygame.Surface:
        """The kiosk screen alone, fitted to the program size (the 'window:clean' feed)."""
        if self._clean is None:
            self._clean = pygame.Surface(self.size, 0, 32, BGRX_MASKS)
        kh0, kw0 = kiosk.shape[:2]
        x, y, w, h = fit_inside((kw0, kh0), (0, 0, *self.size))
        if (w, h) != self.size:
            self._clean.fill((0, 0, 0))
        out = pixels(self._clean)
        try:
            out[y:y + h, x:x + w] = kiosk if (w, h) == (kw0, kh0) else cv2.resize(kiosk, (w, h),
                                                                                 interpolation=cv2.INTER_LINEAR)
        finally:
            del out
        return self._clean


def bgrx_view(surface: pygame.Surface) -> tuple[np.ndarray, pygame.Surface | None]:
    """(pixels in B, G, R, X order, the converted copy or None) of any kiosk surface."""
    if is_bgrx(surface):
        return pixels(surface), None
    copy = pygame.Surface(surface.get_size(), 0, 32, BGRX_MASKS)
    copy.blit(surface, (0, 0))
    return pixels(copy), copy


def to_i420(frame: pygame.Surface) -> np.ndarray:
    """A program frame as planar YUV 4:2:0 (h * 3 / 2, w) uint8: what ffmpeg reads (-pix_fmt yuv420p)."""
    view = pixels(frame)
    try:
        return cv2.cvtColor(view, cv2.COLOR_BGRA2YUV_I420)
    finally:
        del view


def i420_to_rgb(i420: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(i420, cv2.COLOR_YUV2RGB_I420)
