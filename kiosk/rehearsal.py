"""Every screen a child can reach drawn once off screen before a child reaches it, one drawing per
gap between frames while the attract screen waits (App.between_frames; kiosk.boot.build_app
hands it to the App, and the App starts it again when the language or the lessons change).

The slowest frames of whole sessions are the first showing of something: a step's pictures (made
on the picture worker, which this asks ahead), new font sizes opened, its text laid out and fitted,
the feedback card after an answer, a lesson's results, an age band's menu. Those all land in
bounded caches (pictures, text lines, text layouts), so what was drawn once here is drawn from
them when a child gets there. Each step is drawn as it opens and then played by a simulated
child (its type's own `walk`) on a step context that records, counts and narrates nothing.
"""
from __future__ import annotations

import logging
import random
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterator

import pygame

from kiosk.engine.context import StepContext
from kiosk.registry import scene_for
from kiosk.screens.lesson import LessonScreen
from kiosk.screens.menu import MenuScreen
from kiosk.screens.results import ResultsScreen

if TYPE_CHECKING:
    from kiosk.engine.app import App

log = logging.getLogger(__name__)
MOVES = 8            # a step played this far: its answers, their feedback and the step done
SKILLS = (1.0, 0.0)  # played twice, all right and all wrong: each answer's feedback is drawn
MOVE_S = 0.5         # time between two moves: animations of an answer run to their end


def rehearsals(app: "App") -> Iterator[None]:
    """Draw the menu and each band's, then each step of each lesson (opened, then played), then
    its results; one drawing per next()."""
    scratch = pygame.Surface(app.surface.get_size())
    menu = MenuScreen(app, None)
    menu.draw(scratch)
    yield
    for button in list(menu.group.buttons):
        if str(button.id).startswith("band:"):
            MenuScreen(app, str(button.id).split(":", 1)[1]).draw(scratch)
            yield
    for lesson in list(app.library.lessons.values()):
        for index in range(len(lesson.steps)):
            try:
                LessonScreen(app, lesson, index, rehearsal=True).draw(scratch)
            except Exception:  # noqa: BLE001 - a broken step is taken out of play when a child opens it
                log.debug("rehearsal of %s step %d failed", lesson.id, index, exc_info=True)
                continue
            yield
            for band in sorted(set(lesson.bands)):  # a 6-8 child sees a second try and a short law line
                for skill in SKILLS:
                    yield from _played(app, lesson, index, skill, scratch, band)
        scored: Counter[str] = Counter()
        for step in lesson.steps:
            scored[step.type] += step.max_score()
        for right in (True, False):  # all stars and none: each its own words
            ResultsScreen(app, lesson, {t: [n if right else 0, n] for t, n in scored.items() if n}).draw(scratch)
            yield


def _played(app: "App", lesson: Any, index: int, skill: float, scratch: pygame.Surface,
            band: str) -> Iterator[None]:
    """The step's scene played by a simulated child of band, drawn after each move."""
    step = lesson.steps[index]
    ctx = StepContext(ui=app.ui, lesson=lesson, index=index, count=len(lesson.steps),
                      record=_nothing, finish=_nothing, back=_nothing, tally=_nothing, band=band,
                      stars=lambda: index)  # the running count a child has reached by this step
    rng = random.Random(index)
    try:
        scene = scene_for(step.type)(ctx, step)
        for _ in range(MOVES):
            intents = scene.walk(rng, skill)
            if intents is None:
                return
            for intent in intents:
                scene.on_intent(intent)
            scene.update(MOVE_S)
            scene.draw(scratch)
            yield
    except Exception:  # noqa: BLE001 - as above: the child's own play shows what is broken
        log.debug("rehearsal of %s step %d played failed", lesson.id, index, exc_info=True)


def _nothing(*args: Any, **kwargs: Any) -> None:
    """A rehearsal records, counts and moves nothing."""
