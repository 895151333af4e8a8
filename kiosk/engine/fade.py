"""The cross-fade between screens: the last picture fades out over whatever is drawn next."""
from __future__ import annotations

import pygame

TRANSITION_S = 0.22


class Fade:
    def __init__(self) -> None:
        self._from: tuple[pygame.Surface, float] | None = None  # the old picture and when it began to fade
        self._spare: pygame.Surface | None = None  # kept for the next fade: a copy into it makes no new surface

    @property
    def active(self) -> bool:
        return self._from is not None

    def start(self, surface: pygame.Surface, now: float) -> None:
        old = self._spare
        if old is None or old.get_size() != surface.get_size() or old.get_bitsize() != surface.get_bitsize():
            old = self._spare = surface.copy()
        else:
            old.set_alpha(None)
            old.blit(surface, (0, 0))
        self._from = (old, now)

    def update(self, now: float) -> None:
        if self._from and now - self._from[1] >= TRANSITION_S:
            self._from = None

    def draw(self, surface: pygame.Surface, now: float) -> None:
        if self._from:
            old, began = self._from
            alpha = int(255 * (1 - (now - began) / TRANSITION_S))
            if alpha <= 0:
                return
            # fully opaque is a plain copy: SDL blends a whole-screen picture whose surface alpha is
            # 255 on a generic path, ~45 ms at 1080p against ~1 ms for a copy and ~4 ms for a blend
            old.set_alpha(None if alpha >= 255 else alpha)
            surface.blit(old, (0, 0))
