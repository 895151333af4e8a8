"""Keys, mouse and touch (pygame events) -> intents."""
from __future__ import annotations

import pygame

from .intents import Intent, Kind

SWIPE_MIN_FRACTION = 0.18   # of the screen width: shorter drags are taps, not swipes
SWIPE_MAX_SECONDS = 0.6

KEYS = {
    pygame.K_RETURN: (Kind.SELECT, None), pygame.K_KP_ENTER: (Kind.SELECT, None),
    pygame.K_SPACE: (Kind.NEXT, None), pygame.K_PAGEDOWN: (Kind.NEXT, None),
    pygame.K_ESCAPE: (Kind.BACK, None), pygame.K_BACKSPACE: (Kind.BACK, None),
    pygame.K_PAGEUP: (Kind.BACK, None),
    pygame.K_LEFT: (Kind.FOCUS, "left"), pygame.K_RIGHT: (Kind.FOCUS, "right"),
    pygame.K_UP: (Kind.FOCUS, "up"), pygame.K_DOWN: (Kind.FOCUS, "down"),
    **{getattr(pygame, f"K_{n}"): (Kind.CHOOSE, n) for n in range(1, 5)},
    **{getattr(pygame, f"K_KP{n}"): (Kind.CHOOSE, n) for n in range(1, 5)},
}
STAFF_CHORDS = {pygame.K_s: "menu", pygame.K_c: "calibrate"}  # Ctrl+Shift+key
HOST_KEYS = {  # a presenter's clicker sends PageDown/PageUp (or arrows); B blacks the screen, P polls the room
    pygame.K_PAGEDOWN: "next", pygame.K_RIGHT: "next", pygame.K_PAGEUP: "prev", pygame.K_LEFT: "prev",
    pygame.K_b: "black", pygame.K_PERIOD: "black", pygame.K_p: "poll",
}


class EventTranslator:
    """Stateful: a touch swipe is only known when the finger lifts."""

    def __init__(self, size: tuple[int, int], host_mode: bool = False):
        self.size = size
        self.host_mode = host_mode
        self._down: dict[int, tuple[float, float, int]] = {}  # finger id -> x, y, ticks

    def translate(self, event: pygame.event.Event) -> list[Intent]:
        w, h = self.size
        if event.type == pygame.KEYDOWN and event.mod & pygame.KMOD_CTRL and event.mod & pygame.KMOD_SHIFT:
            return [Intent(Kind.STAFF, None, STAFF_CHORDS[event.key], "key")] if event.key in STAFF_CHORDS else []
        if self.host_mode and event.type == pygame.KEYDOWN and event.key in HOST_KEYS:
            return [Intent(Kind.HOST, None, HOST_KEYS[event.key], "key")]
        if event.type == pygame.KEYDOWN and event.key in KEYS:
            kind, value = KEYS[event.key]
            return [Intent(kind, None, value, "key")]
        # SDL also turns touches into mouse events; those carry touch=True and are dropped here
        if event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            if getattr(event, "touch", False):
                return []
            if event.type == pygame.MOUSEMOTION:
                return [Intent(Kind.POINT, event.pos, source="mouse")]
            if event.button != 1:
                return []
            kind = Kind.PRESS if event.type == pygame.MOUSEBUTTONDOWN else Kind.SELECT
            return [Intent(kind, event.pos, source="mouse")]
        if event.type in (pygame.FINGERDOWN, pygame.FINGERMOTION, pygame.FINGERUP):
            pos = (int(event.x * w), int(event.y * h))
            if event.type == pygame.FINGERDOWN:
                self._down[event.finger_id] = (event.x, event.y, pygame.time.get_ticks())
                return [Intent(Kind.PRESS, pos, source="touch")]
            if event.type == pygame.FINGERMOTION:
                return [Intent(Kind.POINT, pos, source="touch")]
            return self._finger_up(event, pos)
        return []

    def _finger_up(self, event: pygame.event.Event, pos: tuple[int, int]) -> list[Intent]:
        start = self._down.pop(event.finger_id, None)
        if start is not None:
            dx = event.x - start[0]
            quick = (pygame.time.get_ticks() - start[2]) / 1000 <= SWIPE_MAX_SECONDS
            if quick and abs(dx) >= SWIPE_MIN_FRACTION and abs(dx) > 2 * abs(event.y - start[1]):
                return [Intent(Kind.POINT, pos, source="touch"),
                        Intent(Kind.SWIPE, None, "left" if dx < 0 else "right", "touch")]
        return [Intent(Kind.SELECT, pos, source="touch")]
