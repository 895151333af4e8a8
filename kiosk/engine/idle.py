"""The idle timer: some seconds before the timeout an "are you still there?" overlay goes over the
top screen and takes every intent while it is up; at the timeout the kiosk goes home."""
from __future__ import annotations

from typing import Any, Callable

import pygame

from kiosk.input.intents import Intent


class IdleWatch:
    def __init__(self, timeout: float, host_mode: bool) -> None:
        self.timeout = float("inf") if host_mode else timeout  # a presenter's pauses are no absence
        self.warning = min(10.0, timeout / 3)
        self.last_input = 0.0
        self.overlay: Any = None  # the "idle" screen while it asks

    def touch(self, now: float) -> None:
        self.last_input = now

    def timed_out(self, now: float, ask: Callable[[], Any]) -> bool:
        """True when the child has gone; ask() makes the overlay once the warning is due."""
        idle = now - self.last_input
        if idle >= self.timeout:
            return True
        if idle >= self.timeout - self.warning and self.overlay is None:
            self.overlay = ask()
        return False

    def answer(self, intent: Intent) -> bool:
        """The intent went to the overlay (any sign of life keeps the child's place); False when none is up."""
        if self.overlay is None:
            return False
        self.overlay.on_intent(intent)
        self.overlay = None
        return True

    def draw(self, surface: pygame.Surface, now: float) -> None:
        if self.overlay is not None:
            self.overlay.draw(surface, self.timeout - (now - self.last_input))
