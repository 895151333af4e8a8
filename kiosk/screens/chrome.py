"""The parts every screen shares, drawn the same way in the same place."""
from __future__ import annotations

import math

import pygame

from kiosk.input.intents import Intent
from kiosk.ui import draw
from kiosk.ui.characters import draw_character
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
    left = max(x + pad, _guide_right(ui) + ui.layout.px(16))  # the guide stands at its left end
    ui.fonts.draw(surface, text, (left, y + ui.layout.px(8), x + w - pad - left, h - ui.layout.px(16)), "caption",
                  ui.theme.on_dark, align="center", valign="middle", max_lines=2)


def guide_area(ui: UI) -> Rect:
    """The lesson guide's square: bottom left, below every answer and target (the controls end
    above it), shoulders on the screen's edge; the camera's corner view keeps the bottom right."""
    lay = ui.layout
    size = min(lay.height - lay.hint_area[1], lay.px(280))
    return (lay.px(20), lay.height - size, size, size)


def _guide_right(ui: UI) -> int:
    """Where the guide's figure ends on the right (the art fills the middle of its square)."""
    x, _, size, _ = guide_area(ui)
    return x + size * 17 // 20


def guide(surface: pygame.Surface, ui: UI, persona: str, face: str, lift: float, words: str, time: float,
          talking: bool, icon: str = "") -> None:
    """The guide with its speech bubble on the hint line: the words (how to answer, or a word of
    praise) beside a pulsing dot or a star (icon "hint" or "star"), or three bobbing dots when it
    talks with nothing to add (the caption bar below holds the spoken words). lift 0..1 raises it."""
    lay = ui.layout
    x, y, size, _ = guide_area(ui)
    rise = round(lay.px(16) * lift)
    # the story avatar's pale disc behind it: the guide stays clear in front of the dark caption bar
    pygame.draw.circle(surface, draw.AVATAR_BACKGROUND, (x + size // 2, y + size * 11 // 20), size * 9 // 20)
    draw_character(surface, (x, y - rise, size, size), size, persona, face)
    if words or talking:
        mouth = (x + size * 13 // 20, y - rise + size * 2 // 5)
        _bubble(surface, ui, words, time, icon, mouth)


def _bubble(surface: pygame.Surface, ui: UI, words: str, time: float, icon: str, mouth: tuple[int, int]) -> None:
    lay, theme = ui.layout, ui.theme
    _, top, _, h = lay.hint_area
    left = _guide_right(ui) + lay.px(18)
    icon = icon if words else ""  # no words: the talking dots alone
    pad, mark = lay.px(18), (lay.px(44) if icon else 0)
    widest = lay.width - lay.px(40) - left - 2 * pad - mark  # sized to its words: a long hint may run far
    fitted = ui.fonts.fit(words, "small", widest, h, max_lines=1) if words else None
    inner = fitted.width if fitted else lay.px(96)
    box = (left, top, inner + mark + 2 * pad, h)
    line = lay.px(3)
    # the tail, a wedge from under the bubble's lower left to the guide's mouth, then the bubble over it
    tail = [(left + h // 3, top + h // 2), mouth, (left + h, top + h // 2)]
    pygame.draw.polygon(surface, theme.card, tail)
    pygame.draw.lines(surface, theme.court_blue, False, tail, line)
    pygame.draw.rect(surface, theme.card, box, border_radius=h // 2)
    pygame.draw.rect(surface, theme.court_blue, box, line, border_radius=h // 2)
    mid = top + h // 2
    if icon == "hint":  # the hint line's pulsing dot, now the guide's: 0.8 Hz, far below 3 flashes/s
        pulse = 0.5 + 0.5 * math.sin(time * 2 * math.pi * 0.8)
        pygame.draw.circle(surface, theme.gold, (left + pad + mark // 2, mid), lay.px(11 + 5 * pulse))
        pygame.draw.circle(surface, theme.court_blue, (left + pad + mark // 2, mid), lay.px(8))
    elif icon == "star":
        draw.star(surface, (left + pad + mark // 2, mid), lay.px(18), theme.gold, theme.court_blue_dark, lay.px(2))
    if fitted:
        ui.fonts.draw(surface, words, (left + pad + mark, top, widest, h), "small", theme.ink, valign="middle",
                      max_lines=1)
        return
    for i in range(3):  # talking: three dots, each rising in turn
        up = lay.px(5) * max(0.0, math.sin(time * 2 * math.pi * 1.2 - i * 0.9))
        pygame.draw.circle(surface, theme.court_blue, (left + pad + inner * (2 * i + 1) // 6, round(mid - up)),
                           lay.px(7))


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
