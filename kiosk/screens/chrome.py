"""The parts every screen shares, drawn the same way in the same place."""
from __future__ import annotations

import math

import pygame

from kiosk.input.intents import Intent
from kiosk.ui import draw
from kiosk.ui.toolkit import UI
from kiosk.ui.widgets import Button, ButtonGroup

Rect = tuple[int, int, int, int]


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


def nav(ui: UI) -> ButtonGroup:
    """Home and Back, top left on every screen a child meets, on the speaker's line: a house and an
    arrow for children who do not read yet, the word beneath. A raised hand never chooses them
    (raising hands answers); touch, mouse and a hand's dwell do, and Esc is Back."""
    lay = ui.layout
    h = max(lay.target_min, lay.px(120))
    w, gap = lay.px(150), lay.px(16)
    _, y, _, row_h = lay.corner_area
    top, left = y + (row_h - h) // 2, lay.title_area[0]
    colour = ui.theme.court_blue
    return ButtonGroup([
        Button("home", ui.t("home"), (left, top, w, h), role="small", style="quiet", accent=colour,
               icon=draw.house),
        Button("back", ui.t("back"), (left + w + gap, top, w, h), role="small", style="quiet", accent=colour,
               icon=draw.back_arrow),
    ], columns=2, by_raise=False)


def nav_choice(group: ButtonGroup, intent: Intent) -> str | None:
    """"home" or "back" when a pointer chose one of them. Only pointer intents: keys 1-4 and the
    arrows belong to the screen's own buttons."""
    if intent.pos is None:
        return None
    chosen = group.handle(intent)
    return chosen.id if chosen is not None else None


def title_area(ui: UI, group: ButtonGroup, right: int) -> Rect:
    """The title row between Home/Back and whatever holds the top right corner (ending at x=right)."""
    _, y, _, h = ui.layout.title_area
    bx, _, bw, _ = group.buttons[-1].rect
    left = bx + bw + ui.layout.px(32)
    return (left, y, max(0, right - ui.layout.px(24) - left), h)


def progress(surface: pygame.Surface, ui: UI, rect: Rect, count: int, current: int, starred: set[int]) -> None:
    """The lesson's path of stepping stones, a star on each step answered right."""
    draw.progress_path(surface, rect, count, current, starred, ui.theme.court_blue, ui.theme.ink_soft,
                       ui.theme.gold)
