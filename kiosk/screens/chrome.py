"""The parts every screen shares, drawn the same way in the same place."""
from __future__ import annotations

import math

import pygame

from kiosk.ui import draw
from kiosk.ui.toolkit import UI


def background(surface: pygame.Surface, ui: UI, zone: str | None = None) -> None:
    surface.fill(ui.theme.background)
    if zone:  # a band of the zone's colour on top: children learn where they are by colour
        pygame.draw.rect(surface, ui.theme.zones[zone], (0, 0, ui.layout.width, ui.layout.px(14)))


def hint(surface: pygame.Surface, ui: UI, text: str, time: float) -> None:
    """How to answer, just above the caption bar, with a gently pulsing hand."""
    if not text:
        return
    x, top, w, band_h = ui.layout.hint_area
    pulse = 0.5 + 0.5 * math.sin(time * 2 * math.pi * 0.8)  # 0.8 Hz: calm, far below 3 flashes/s
    r = ui.layout.px(14 + 6 * pulse)
    cx = x + ui.layout.px(90)
    pygame.draw.circle(surface, ui.theme.gold, (cx, top + band_h // 2), r)
    pygame.draw.circle(surface, ui.theme.court_blue, (cx, top + band_h // 2), ui.layout.px(10))
    left = cx + ui.layout.px(40)
    width = x + w - left - ui.layout.px(40) if ui.layout.portrait else w // 2  # portrait: half is too narrow
    ui.fonts.draw(surface, text, (left, top, width, band_h), "small", ui.theme.ink_soft, valign="middle",
                  max_lines=1)


def caption_bar(surface: pygame.Surface, ui: UI, text: str) -> None:
    """Narration captions live here and only here, sentence by sentence, always on."""
    if not text:
        return
    x, y, w, h = ui.layout.caption_area
    pygame.draw.rect(surface, ui.theme.court_blue_dark, (x, y, w, h))
    pad = ui.layout.px(40)
    ui.fonts.draw(surface, text, (x + pad, y + ui.layout.px(8), w - 2 * pad, h - ui.layout.px(16)), "caption",
                  ui.theme.on_dark, align="center", valign="middle", max_lines=2)


def progress(surface: pygame.Surface, ui: UI, count: int, current: int, beside: tuple[int, int, int, int]) -> None:
    """Step dots in the top right corner, left of the speaker button."""
    x, y, w, h = ui.layout.corner_area
    right = beside[0] - ui.layout.px(24)
    draw.dots(surface, (x, y + h // 4, right - x, h // 2), count, current, ui.theme.court_blue, ui.theme.ink_soft)
