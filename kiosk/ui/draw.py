"""Drawing helpers in the product's one flat, friendly style (cards, stars, judges' avatars).
Shapes that are slow to draw are drawn once per size and kept, within a byte budget each: a card's
shadow at 1080p can be several megabytes, a scrim is a whole screen."""
from __future__ import annotations

import math

import pygame

from kiosk.bounded_cache import MB, memoize, surface_bytes

from .characters import draw_character
from .theme import Color

Rect = tuple[int, int, int, int]


# The straight sides of the shadow strips, repeated along a longer card's side. At 2048 (longer than
# any card) one strip of the results badge's round ends was 2.3 MB in portrait: the strips of the
# screens a child passes through outgrew their cache and were drawn again in the frame (30 ms).
STRAIGHT = 512


def _shadow_surface(w: int, h: int, radius: int, blur: int, rgba: tuple[int, int, int, int]) -> pygame.Surface:
    """A soft shadow: concentric rounded rects of rising alpha."""
    surface = pygame.Surface((w + 2 * blur, h + 2 * blur), pygame.SRCALPHA)
    steps = max(1, blur // 2)
    for i in range(steps):
        grow = blur - i * blur // steps
        alpha = int(rgba[3] * (i + 1) / steps / steps * 2)
        pygame.draw.rect(surface, (*rgba[:3], min(255, alpha)),
                         (blur - grow, blur - grow, w + 2 * grow, h + 2 * grow),
                         border_radius=radius + grow)
    return surface


@memoize("card shadows", 16 * MB, surface_bytes)
def _shadow_strip(radius: int, blur: int, rgba: tuple[int, int, int, int], across: bool) -> pygame.Surface:
    """The shadow of a card 2 * radius high with straight sides STRAIGHT long (across), or 2 *
    radius wide with straight sides STRAIGHT high: its corners are every card's corners and its
    sides any card's, cut to length. Two per corner radius rather than one per card size: a whole
    shadow at 1080p is megabytes, and cards come in hundreds of sizes."""
    long, short = 2 * radius + STRAIGHT, 2 * radius
    return _shadow_surface(long, short, radius, blur, rgba) if across else _shadow_surface(short, long, radius, blur, rgba)


_whole_shadow = memoize("whole card shadows", 8 * MB, surface_bytes)(_shadow_surface)


def _card_shadow(surface: pygame.Surface, rect: Rect, radius: int, blur: int, rgba: tuple[int, int, int, int],
                 covered: bool = True) -> None:
    """The shadow of a card at rect: four corners and four sides cut from the strips. Its middle
    is left out, so only a card that covers it (opaque, blur // 2 <= radius) is drawn this way."""
    x, y, w, h = rect
    x0, y0 = x - blur, y - blur + blur // 2
    if not covered or blur // 2 > radius or w < 2 * radius or h < 2 * radius:
        surface.blit(_whole_shadow(w, h, radius, blur, rgba), (x0, y0))
        return
    c = blur + radius
    across, down = _shadow_strip(radius, blur, rgba, True), _shadow_strip(radius, blur, rgba, False)
    t = across.get_width()
    big_w, big_h = w + 2 * blur, h + 2 * blur
    for (dx, dy), (sx, sy) in (((0, 0), (0, 0)), ((big_w - c, 0), (t - c, 0)), ((0, big_h - c), (0, c)),
                               ((big_w - c, big_h - c), (t - c, c))):
        surface.blit(across, (x0 + dx, y0 + dy), (sx, sy, c, c))
    for at in range(c, big_w - c, STRAIGHT):
        n = min(STRAIGHT, big_w - c - at)
        surface.blit(across, (x0 + at, y0), (c, 0, n, c))
        surface.blit(across, (x0 + at, y0 + big_h - c), (c, c, n, c))
    for at in range(c, big_h - c, STRAIGHT):
        n = min(STRAIGHT, big_h - c - at)
        surface.blit(down, (x0, y0 + at), (0, c, c, n))
        surface.blit(down, (x0 + big_w - c, y0 + at), (c, c, c, n))


def card(surface: pygame.Surface, rect: Rect, color: Color, radius: int,
         shadow: tuple[int, int, int, int] | None = (20, 40, 80, 46), border: Color | None = None,
         border_width: int = 0) -> None:
    x, y, w, h = rect
    if shadow and w > 0 and h > 0:
        _card_shadow(surface, rect, radius, max(4, radius // 2), shadow, covered=color[3:] in ((), (255,)))
    pygame.draw.rect(surface, color, rect, border_radius=radius)
    if border and border_width:
        pygame.draw.rect(surface, border, rect, width=border_width, border_radius=radius)


def star(surface: pygame.Surface, center: tuple[float, float], radius: float, color: Color,
         outline: Color | None = None, width: int = 0) -> None:
    cx, cy = center
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    pygame.draw.polygon(surface, color, points)
    if outline:
        pygame.draw.polygon(surface, outline, points, max(1, width))


AVATAR_BACKGROUND = (214, 230, 248, 255)


def avatar(surface: pygame.Surface, center: tuple[int, int], size: int, persona: str,
           expression: str = "neutral") -> None:
    """A guide (characters.py) in a round frame (made once per size and face, then blitted)."""
    image = _avatar(size, persona, expression)
    surface.blit(image, (center[0] - size // 2, center[1] - size // 2))


@memoize("avatars", 4 * MB, surface_bytes)
def _avatar(size: int, persona: str, expression: str) -> pygame.Surface:
    """The guide on a pale disc, clipped to the circle with a smooth edge."""
    art = pygame.Surface((size, size), pygame.SRCALPHA)
    art.fill(AVATAR_BACKGROUND)
    # a little low: the head sits mid-circle
    draw_character(art, (size // 2, size // 2 + size // 20), size, persona, expression)
    art.blit(_round_mask(size), (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    return art


def _round_mask(size: int) -> pygame.Surface:
    """An opaque disc with an anti-aliased rim: drawn four times larger, then scaled down smoothly."""
    big = pygame.Surface((size * 4, size * 4), pygame.SRCALPHA)
    pygame.draw.circle(big, (255, 255, 255, 255), (size * 2, size * 2), size * 2)
    return pygame.transform.smoothscale(big, (size, size))


def speaker(surface: pygame.Surface, rect: Rect, color: Color) -> None:
    """A loudspeaker with two sound waves, centred in rect."""
    x, y, w, h = rect
    s = min(w, h) / 100
    cx, cy = x + w / 2 - 8 * s, y + h / 2
    pygame.draw.polygon(surface, color, [(cx - 26 * s, cy - 10 * s), (cx - 12 * s, cy - 10 * s), (cx + 6 * s, cy - 26 * s),
                                         (cx + 6 * s, cy + 26 * s), (cx - 12 * s, cy + 10 * s), (cx - 26 * s, cy + 10 * s)])
    for radius in (16, 28):
        box = pygame.Rect(0, 0, 2 * radius * s, 2 * radius * s)
        box.center = (int(cx + 8 * s), int(cy))
        pygame.draw.arc(surface, color, box, -math.radians(50), math.radians(50), max(2, int(5 * s)))


def house(surface: pygame.Surface, rect: Rect, color: Color) -> None:
    """Home: a roof over a square with a door, centred in rect."""
    x, y, w, h = rect
    s = min(w, h) / 100
    cx, cy = x + w / 2, y + h / 2
    pygame.draw.polygon(surface, color, [(cx - 44 * s, cy - 2 * s), (cx, cy - 42 * s), (cx + 44 * s, cy - 2 * s)])
    pygame.draw.rect(surface, color, (cx - 30 * s, cy - 6 * s, 60 * s, 46 * s))
    pygame.draw.rect(surface, (255, 255, 255), (cx - 9 * s, cy + 14 * s, 18 * s, 26 * s))


def back_arrow(surface: pygame.Surface, rect: Rect, color: Color) -> None:
    """Back: a thick arrow pointing left, centred in rect."""
    x, y, w, h = rect
    s = min(w, h) / 100
    cx, cy = x + w / 2, y + h / 2
    pygame.draw.polygon(surface, color, [(cx - 42 * s, cy), (cx - 6 * s, cy - 34 * s), (cx - 6 * s, cy - 14 * s),
                                         (cx + 40 * s, cy - 14 * s), (cx + 40 * s, cy + 14 * s),
                                         (cx - 6 * s, cy + 14 * s), (cx - 6 * s, cy + 34 * s)])


def progress_path(surface: pygame.Surface, rect: Rect, count: int, current: int, starred: set[int],
                  on: Color, off: Color, gold: Color) -> None:
    """Step progress as a path of stepping stones: walked ones filled, the current one larger and
    ringed, a gold star on each stone the child answered right. Stones shrink to fit, never to a dash."""
    if count <= 0:
        return
    x, y, w, h = rect
    gap = w / count
    r = max(4, int(min(gap * 0.34, h * 0.36)))
    cy = y + h // 2
    centres = [(int(x + gap * (i + 0.5)), cy) for i in range(count)]
    if count > 1:
        pygame.draw.line(surface, off, centres[0], centres[-1], max(2, r // 3))
        pygame.draw.line(surface, on, centres[0], centres[min(current, count - 1)], max(2, r // 3))
    for i, c in enumerate(centres):
        radius = int(r * 1.3) if i == current else r
        pygame.draw.circle(surface, on if i <= current else (255, 255, 255), c, radius)
        pygame.draw.circle(surface, on if i <= current else off, c, radius, max(2, radius // 5))
        if i == current:
            pygame.draw.circle(surface, gold, c, radius + max(2, r // 4), max(2, r // 4))
        if i in starred:
            star(surface, c, radius * 0.8, gold)


@memoize("scrims", 16 * MB, surface_bytes)
def _scrim(size: tuple[int, int], alpha: int) -> pygame.Surface:
    shade = pygame.Surface(size, pygame.SRCALPHA)
    shade.fill((14, 26, 48, alpha))
    return shade


def scrim(surface: pygame.Surface, alpha: int) -> None:
    """Dim everything behind a dialog."""
    surface.blit(_scrim(surface.get_size(), alpha), (0, 0))
