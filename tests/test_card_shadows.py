"""Card shadows are cut from two strips per corner radius (kiosk/ui/draw.py): the picture must
be the one a full-size shadow gave, for any card size, and the cache must not grow with sizes."""
from __future__ import annotations

import random

import numpy as np
import pygame
import pytest

from kiosk.ui import draw

SHADOW = (20, 40, 80, 46)


def _composite(rect: tuple[int, int, int, int], radius: int, colour: tuple[int, ...], tiled: bool) -> np.ndarray:
    surface = pygame.Surface((900, 700))
    surface.fill((236, 242, 250))
    if tiled:
        draw.card(surface, rect, colour, radius, shadow=SHADOW)
    else:
        blur = max(4, radius // 2)
        surface.blit(draw._shadow_surface(rect[2], rect[3], radius, blur, SHADOW),
                     (rect[0] - blur, rect[1] - blur + blur // 2))
        pygame.draw.rect(surface, colour, rect, border_radius=radius)
    return pygame.surfarray.array3d(surface)


@pytest.mark.parametrize("seed", range(12))
def test_a_tiled_shadow_looks_like_a_whole_one(seed: int) -> None:
    rng = random.Random(seed)
    radius = rng.choice([0, 3, 8, 18, 28, 40])
    rect = (60 + rng.randrange(40), 50 + rng.randrange(40), rng.randrange(1, 700), rng.randrange(1, 520))
    for colour in ((255, 255, 255), (250, 200, 90, 128)):  # opaque, and see-through (its middle shows)
        assert np.array_equal(_composite(rect, radius, colour, True), _composite(rect, radius, colour, False)), \
            (rect, radius, colour)


def test_shadows_of_many_card_sizes_keep_one_tile() -> None:
    surface = pygame.Surface((1920, 1080))
    cache = draw._shadow_strip.cache  # type: ignore[attr-defined]
    cache.clear()
    for w in range(200, 1800, 37):
        draw.card(surface, (40, 40, w, 300 + w // 4), (255, 255, 255), 28)
    assert len(cache) == 2 and cache.nbytes < 2_000_000  # one strip across, one down


def test_a_card_longer_than_the_strips_has_its_whole_shadow() -> None:
    rect = (-1500, 40, draw.STRAIGHT + 2000, 300)  # straight sides beyond the strip's: drawn in two pieces
    assert np.array_equal(_composite(rect, 28, (255, 255, 255), True), _composite(rect, 28, (255, 255, 255), False))


def test_the_roundest_card_s_strips_are_small_enough_to_stay_cached() -> None:
    """The results badge in portrait (0.11 of 1920 high, its ends round): at 2.3 MB a strip, the
    strips of a child's screens outgrew their cache and were drawn again within frames."""
    radius = int(1920 * 0.11) // 2
    strips = [draw._shadow_strip(radius, max(4, radius // 2), SHADOW, across) for across in (True, False)]
    assert sum(s.get_width() * s.get_height() * 4 for s in strips) <= 2 * 1024 * 1024
