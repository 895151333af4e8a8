"""The cross-fade between screens: the last picture fades out over whatever is drawn next."""
from __future__ import annotations

import pygame

TRANSITION_S = 0.22


class Fade:
    def __init__(self) -> None:
        self._from: tuple[pygame.Surface, float] | None = None  # the old picture and when it began to fade

    @property
    def active(self) -> bool:
        return self._from is not None

    def start(self, surface: pygame.Surface, now: float) -> None:
        self._from = (surface.copy(), now)

    def update(self, now: float) -> None:
        if self._from and now - self._from[1] >= TRANSITION_S:
            self._from = None

    def draw(self, surface: pygame.Surface, now: float) -> None:
        if self._from:
            old, began = self._from
            old.set_alpha(int(255 * (1 - (now - began) / TRANSITION_S)))
            surface.blit(old, (0, 0))
