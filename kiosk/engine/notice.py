"""A short line at the top of the screen for a few seconds ("passport checked", "lesson unavailable")."""
from __future__ import annotations

import pygame

from .context import UI

NOTICE_S = 4.0


class Notice:
    def __init__(self) -> None:
        self.current: tuple[str, float] | None = None  # the text and when it was shown

    def show(self, text: str, now: float) -> None:
        self.current = (text, now)

    def update(self, now: float) -> None:
        if self.current and now - self.current[1] >= NOTICE_S:
            self.current = None

    def draw(self, surface: pygame.Surface, ui: UI) -> None:
        if not self.current:
            return
        lay, theme = ui.layout, ui.theme
        rect = lay.rect(0.15, 0.02, 0.70, 0.09)
        pygame.draw.rect(surface, theme.gentle_soft, rect, border_radius=rect[3] // 2)
        ui.fonts.draw(surface, self.current[0], rect, "body", theme.ink, align="center", valign="middle", max_lines=1)
