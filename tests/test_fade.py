"""The cross-fade between screens: the old picture whole at first, blended half way, gone at the end."""
from __future__ import annotations

import pygame

from kiosk.engine.fade import TRANSITION_S, Fade


def _faded(at: float) -> tuple[int, int, int]:
    old = pygame.Surface((64, 48))
    old.fill((200, 0, 0))
    fade = Fade()
    fade.start(old, 0.0)
    fade.update(at)
    new = pygame.Surface((64, 48))
    new.fill((0, 0, 200))
    fade.draw(new, at)
    return tuple(new.get_at((10, 10)))[:3]  # type: ignore[return-value]


def test_the_old_picture_shows_whole_then_blends_then_is_gone() -> None:
    assert _faded(0.0) == (200, 0, 0)           # opaque: copied, not blended (SDL's slow path)
    red, _, blue = _faded(TRANSITION_S / 2)
    assert 80 < red < 120 and 80 < blue < 120   # half way: half of each
    assert _faded(TRANSITION_S) == (0, 0, 200)  # over: the new screen alone
