"""What the camera adds on top of any screen: the hand pointer, the dwell ring, the raised-hand
lights, the small mirrored corner view (faces blurred) or a camera-off sign."""
from __future__ import annotations

import math

import pygame

from kiosk.input.camera import CameraView
from kiosk.ui.toolkit import UI

Rect = tuple[int, int, int, int]


class CameraOverlay:
    def __init__(self, ui: UI):
        self.ui = ui
        self._preview: pygame.Surface | None = None
        self._preview_id = -1
        self._cursor = self._make_cursor()

    def _make_cursor(self) -> pygame.Surface:
        r = self.ui.layout.px(34)
        cursor = pygame.Surface((4 * r, 4 * r), pygame.SRCALPHA)
        pygame.draw.circle(cursor, (*self.ui.theme.gold, 90), (2 * r, 2 * r), 2 * r)
        pygame.draw.circle(cursor, (*self.ui.theme.gold, 220), (2 * r, 2 * r), r)
        pygame.draw.circle(cursor, (255, 255, 255, 255), (2 * r, 2 * r), r, self.ui.layout.px(5))
        return cursor

    def corner_rect(self) -> Rect:
        """Bottom right, inside the caption bar: the same place on every screen."""
        x, y, w, h = self.ui.layout.caption_area
        pad = self.ui.layout.px(8)
        ch = h - 2 * pad
        cw = ch * 4 // 3
        return (x + w - cw - pad, y + pad, cw, ch)

    def draw(self, surface: pygame.Surface, view: CameraView, pointer: tuple[int, int] | None,
             dwell: tuple[Rect, float] | None, time: float) -> None:
        if dwell:
            self._ring(surface, *dwell)
        if view.raising:
            self._raise_lights(surface, view.raising)
        self._corner(surface, view, time)
        if pointer:
            self._pointer(surface, pointer)

    def _pointer(self, surface: pygame.Surface, pos: tuple[int, int]) -> None:
        """A large soft cursor: the child sees where their hand points."""
        surface.blit(self._cursor, self._cursor.get_rect(center=pos))

    def _ring(self, surface: pygame.Surface, rect: Rect, progress: float) -> None:
        """A gold line running clockwise round the target's edge as the dwell fills."""
        x, y, w, h = rect
        pad = self.ui.layout.px(10)
        x, y, w, h = x - pad, y - pad, w + 2 * pad, h + 2 * pad
        corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        left = progress * 2 * (w + h)
        points = [corners[0]]
        for a, b in zip(corners, corners[1:]):
            length = math.dist(a, b)
            if left >= length:
                points.append(b)
                left -= length
            else:
                f = left / length
                points.append((a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f))
                break
        if len(points) > 1:
            pygame.draw.lines(surface, self.ui.theme.gold, False, points, self.ui.layout.px(12))

    def _raise_lights(self, surface: pygame.Surface, raising: dict[str, float]) -> None:
        """The side a child is raising lights up before it counts (UI-STYLE: feedback for every input)."""
        lay = self.ui.layout
        bar_w = lay.px(26)
        for side, progress in raising.items():
            if progress <= 0 or side not in ("left", "right"):
                continue
            h = int(lay.height * 0.8 * min(1.0, progress))
            x = 0 if side == "left" else lay.width - bar_w
            pygame.draw.rect(surface, self.ui.theme.gold, (x, lay.height * 0.9 - h, bar_w, h),
                             border_radius=bar_w // 2)

    def _corner(self, surface: pygame.Surface, view: CameraView, time: float) -> None:
        rect = self.corner_rect()
        x, y, w, h = rect
        pygame.draw.rect(surface, self.ui.theme.court_blue_dark, rect, border_radius=self.ui.layout.px(12))
        if view.status == "ok" and view.preview is not None:
            if view.preview_id != self._preview_id:
                arr = view.preview
                image = pygame.image.frombuffer(arr.tobytes(), (arr.shape[1], arr.shape[0]), "RGB")
                self._preview = pygame.transform.smoothscale(image, (w, h))
                self._preview_id = view.preview_id
            if self._preview is not None:
                surface.blit(self._preview, (x, y))
            dot = (0, 200, 120) if view.present else (200, 200, 200)
            pygame.draw.circle(surface, dot, (x + self.ui.layout.px(14), y + self.ui.layout.px(14)),
                               self.ui.layout.px(7))
        else:
            self._camera_off(surface, rect)
        pygame.draw.rect(surface, self.ui.theme.on_dark, rect, self.ui.layout.px(3), border_radius=self.ui.layout.px(12))

    def _camera_off(self, surface: pygame.Surface, rect: Rect) -> None:
        """A small camera with a slash: the kiosk still plays by touch."""
        x, y, w, h = rect
        c = (x + w // 2, y + h // 2)
        s = min(w, h) // 3
        ink = self.ui.theme.on_dark
        pygame.draw.rect(surface, ink, (c[0] - s, c[1] - s * 2 // 3, s * 3 // 2, s * 4 // 3), self.ui.layout.px(3),
                         border_radius=self.ui.layout.px(4))
        pygame.draw.polygon(surface, ink, [(c[0] + s // 2, c[1]), (c[0] + s, c[1] - s // 2), (c[0] + s, c[1] + s // 2)],
                            self.ui.layout.px(3))
        pygame.draw.line(surface, self.ui.theme.gentle, (c[0] - s, c[1] + s), (c[0] + s, c[1] - s), self.ui.layout.px(5))
