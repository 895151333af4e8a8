"""Every step drawn once off screen before a child reaches it, one step per gap between frames
while the attract screen waits (App.between_frames).

The slowest frames of whole sessions are the first showing of a step: its pictures rasterised
(an SVG at 1920x1080 takes 15-50 ms), new font sizes opened, its text laid out. Those all land in
bounded caches (pictures, text lines, text layouts), so a step drawn once here is drawn from them
when a child opens it. A rehearsed step is silent and unrecorded (LessonScreen(rehearsal=True)).
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterator

import pygame

from kiosk.screens.lesson import LessonScreen
from kiosk.screens.menu import MenuScreen

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger(__name__)


def rehearsals(app: "App") -> Iterator[None]:
    """Draw the menu, then each step of each lesson, one per next()."""
    scratch = pygame.Surface(app.surface.get_size())
    MenuScreen(app, None).draw(scratch)
    yield
    for lesson in list(app.library.lessons.values()):
        for index in range(len(lesson.steps)):
            try:
                LessonScreen(app, lesson, index, rehearsal=True).draw(scratch)
            except Exception:  # noqa: BLE001 - a broken step is taken out of play when a child opens it
                log.debug("rehearsal of %s step %d failed", lesson.id, index, exc_info=True)
            yield
