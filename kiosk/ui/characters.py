"""The guides' pictures: 法官妈妈, 法官姐姐 and the narrator (a young owl), each in a few expressions.

The art is SVG in assets/characters/<persona>/<expression>.svg (written by tools/make_characters.py),
rendered crisp at the size a screen asks for and kept in a bounded cache: a screen redraws its guide
every frame, and an SVG takes milliseconds to rasterise."""
from __future__ import annotations

import io
import logging
from pathlib import Path

import pygame

from kiosk.bounded_cache import MB, memoize, surface_bytes

from .pictures import svg_sized

log = logging.getLogger(__name__)

CHARACTER_DIR = Path(__file__).resolve().parents[2] / "assets" / "characters"
PERSONAS = ("judge_mom", "judge_sister", "narrator")
EXPRESSIONS = ("neutral", "talk", "happy", "encourage", "thinking", "cheer")
FALLBACK_PERSONA, FALLBACK_EXPRESSION = "narrator", "neutral"

_warned: set[tuple[str, str]] = set()  # a lesson asking for an unknown name every frame logs it once


def draw_character(surface: pygame.Surface, rect_or_center: tuple[int, ...], size: int, persona: str,
                   expression: str = FALLBACK_EXPRESSION) -> None:
    """Draw a guide size px square, centred on a point (x, y) or in a rect (x, y, w, h)."""
    if size <= 0:
        return
    image = character_image(_known("persona", persona, PERSONAS, FALLBACK_PERSONA),
                            _known("expression", expression, EXPRESSIONS, FALLBACK_EXPRESSION), size)
    if image is None:
        return
    if len(rect_or_center) == 4:
        x, y, w, h = rect_or_center
        center = (x + w // 2, y + h // 2)
    else:
        center = (rect_or_center[0], rect_or_center[1])
    surface.blit(image, image.get_rect(center=center))


def _known(kind: str, name: str, names: tuple[str, ...], fallback: str) -> str:
    if name in names:
        return name
    if (kind, name) not in _warned:
        _warned.add((kind, name))
        log.warning("no guide %s %r; drawing %r instead", kind, name, fallback)
    return fallback


@memoize("characters", 16 * MB, surface_bytes)
def character_image(persona: str, expression: str, size: int) -> pygame.Surface | None:
    """One guide picture at size x size with a transparent background; None if it cannot be drawn
    (the screen then goes on without its guide rather than stopping)."""
    path = CHARACTER_DIR / persona / f"{expression}.svg"
    try:
        image = pygame.image.load(io.BytesIO(svg_sized(path.read_bytes(), (size, size))), "character.svg")
    except (OSError, pygame.error, ValueError) as exc:
        log.warning("guide picture %s cannot be shown (%s)", path, exc)
        return None
    return image.convert_alpha() if pygame.display.get_surface() else image
