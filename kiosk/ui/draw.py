"""Drawing helpers in the product's one flat, friendly style (cards, stars, judges' avatars).
Shapes that are slow to draw are drawn once per size and kept, within a byte budget each: a card's
shadow at 1080p can be several megabytes, a scrim is a whole screen."""
from __future__ import annotations

import math

import pygame

from kiosk.bounded_cache import MB, memoize, surface_bytes

from .theme import Color

Rect = tuple[int, int, int, int]


@memoize("card shadows", 32 * MB, surface_bytes)
def _shadow(w: int, h: int, radius: int, blur: int, rgba: tuple[int, int, int, int]) -> pygame.Surface:
    """A soft shadow: concentric rounded rects of rising alpha, made once per size."""
    surface = pygame.Surface((w + 2 * blur, h + 2 * blur), pygame.SRCALPHA)
    steps = max(1, blur // 2)
    for i in range(steps):
        grow = blur - i * blur // steps
        alpha = int(rgba[3] * (i + 1) / steps / steps * 2)
        pygame.draw.rect(surface, (*rgba[:3], min(255, alpha)),
                         (blur - grow, blur - grow, w + 2 * grow, h + 2 * grow),
                         border_radius=radius + grow)
    return surface


def card(surface: pygame.Surface, rect: Rect, color: Color, radius: int,
         shadow: tuple[int, int, int, int] | None = (20, 40, 80, 46), border: Color | None = None,
         border_width: int = 0) -> None:
    x, y, w, h = rect
    if shadow and w > 0 and h > 0:
        blur = max(4, radius // 2)
        surface.blit(_shadow(w, h, radius, blur, shadow), (x - blur, y - blur + blur // 2))
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


PERSONA_LOOKS = {  # hair colour, robe colour, accent: one consistent simple judge avatar per persona
    "judge_mom": ((58, 40, 34), (24, 38, 66), (245, 184, 65)),
    "judge_sister": ((30, 24, 22), (30, 84, 160), (245, 184, 65)),
    "narrator": ((120, 78, 40), (32, 150, 110), (255, 255, 255)),
}


def avatar(surface: pygame.Surface, center: tuple[int, int], size: int, persona: str) -> None:
    """A friendly judge in a round frame (drawn once per size, then blitted)."""
    image = _avatar(size, persona)
    surface.blit(image, (center[0] - size // 2, center[1] - size // 2))


@memoize("avatars", 4 * MB, surface_bytes)
def _avatar(size: int, persona: str) -> pygame.Surface:
    """Round face, robe with the court's gold badge, a smile; clipped to a circle."""
    hair, robe, accent = PERSONA_LOOKS.get(persona, PERSONA_LOOKS["narrator"])
    art = pygame.Surface((size, size), pygame.SRCALPHA)
    r = size // 2
    cx, cy = r, r
    art.fill((214, 230, 248, 255))
    body = pygame.Rect(0, 0, int(r * 1.3), int(r * 1.0))
    body.midtop = (cx, cy + r // 4)
    pygame.draw.ellipse(art, robe, body.inflate(0, r // 2).move(0, r // 4))
    pygame.draw.polygon(art, (255, 255, 255), [(cx - r // 6, body.top + r // 10),
                                               (cx + r // 6, body.top + r // 10), (cx, body.top + r // 3)])
    pygame.draw.circle(art, accent, (cx, body.top + r // 2), max(2, r // 10))
    face_c = (cx, cy - r // 8)
    face_r = int(r * 0.36)
    pygame.draw.circle(art, hair, (face_c[0], face_c[1] - face_r // 6), int(face_r * 1.18))
    if persona == "judge_sister":  # long hair
        pygame.draw.rect(art, hair, (face_c[0] - int(face_r * 1.18), face_c[1], int(face_r * 2.36), face_r))
    pygame.draw.circle(art, (250, 216, 186), face_c, face_r)
    pygame.draw.arc(art, hair, (face_c[0] - face_r, face_c[1] - face_r - face_r // 5, 2 * face_r, face_r * 2),
                    math.radians(20), math.radians(160), max(2, face_r // 3))
    eye_dy, eye_dx = face_r // 8, face_r // 3
    for dx in (-eye_dx, eye_dx):
        pygame.draw.circle(art, (40, 30, 30), (face_c[0] + dx, face_c[1] - eye_dy), max(2, face_r // 9))
    pygame.draw.arc(art, (180, 70, 60), (face_c[0] - face_r // 3, face_c[1], 2 * face_r // 3, face_r // 3 + 2),
                    math.radians(200), math.radians(340), max(2, face_r // 12))
    for dx in (-face_r // 2, face_r // 2):
        pygame.draw.circle(art, (246, 176, 160), (face_c[0] + dx, face_c[1] + face_r // 4), max(2, face_r // 7))
    mask = pygame.Surface((size, size), pygame.SRCALPHA)
    pygame.draw.circle(mask, (255, 255, 255, 255), (cx, cy), r)
    art.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    return art


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


def dots(surface: pygame.Surface, rect: Rect, count: int, current: int, on: Color, off: Color) -> None:
    """Step progress: one dot a step, the current one larger, finished ones filled."""
    if count <= 0:
        return
    x, y, w, h = rect
    gap = min(w / count, h * 0.9)
    r = max(3, int(gap * 0.28))
    start = x + w - gap * count + gap / 2
    for i in range(count):
        c = (int(start + i * gap), y + h // 2)
        if i < current:
            pygame.draw.circle(surface, on, c, r)
        elif i == current:
            pygame.draw.circle(surface, on, c, int(r * 1.35))
        else:
            pygame.draw.circle(surface, off, c, r, max(2, r // 3))


@memoize("scrims", 16 * MB, surface_bytes)
def _scrim(size: tuple[int, int], alpha: int) -> pygame.Surface:
    shade = pygame.Surface(size, pygame.SRCALPHA)
    shade.fill((14, 26, 48, alpha))
    return shade


def scrim(surface: pygame.Surface, alpha: int) -> None:
    """Dim everything behind a dialog."""
    surface.blit(_scrim(surface.get_size(), alpha), (0, 0))
