"""What the kiosk draws ahead off screen, as drawings for the engine's work ahead
(kiosk/engine/ahead.py, in the spare time after frames; kiosk.boot.build_app hands both to the App):

- `look_ahead`: what the screen on show may lead to: on a step, the next step as it opens, this
  step's answers and their feedback for the child's age band, the results after the last step;
  on the menu, the first step of each lesson offered; on the attract screen, the menu; wherever a
  child is, the screen home leads to and the "still there?" countdown. Its text is
  laid out and rendered before the child gets there, so a change of step costs a steady frame.
- `rehearsals`: every screen a child can reach, once after start-up while the attract screen
  waits (the App starts it again when the language or the lessons change): pictures (made on the
  picture worker, which this asks ahead), font sizes opened and every text laid out. Its lines
  are not rendered: the line cache holds a few screens, and look_ahead renders them in time.

Each step is drawn as it opens and then played by a simulated child (its type's own `walk`) on a
step context that records, counts and narrates nothing.
"""
from __future__ import annotations

import copy
import logging
import math
import random
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator

import pygame

from kiosk.engine.ahead import Prepare
from kiosk.engine.context import StepContext
from kiosk.registry import scene_for
from kiosk.screens import chrome
from kiosk.screens.lesson import LessonScreen
from kiosk.screens.menu import MenuScreen
from kiosk.screens.results import ResultsScreen
from kiosk.voice.captions import split_sentences

if TYPE_CHECKING:
    from kiosk.engine.app import App

log = logging.getLogger(__name__)
MOVES = 8            # a step's first moves each drawn: its answers, their feedback and the step done
LONGEST = 120        # ... and a long game played on to its end, every MOVES-th move and the last drawn
SKILLS = (1.0, 0.0)  # played twice, all right and all wrong: each answer's feedback is drawn
WANDERS = 6          # ... and, ahead of the child on the step, this many times choosing at random
                     # (a branching story's paths, a game's mixed answers)
MOVE_S = 0.5         # time between two moves: animations of an answer run to their end


@lru_cache(maxsize=1)
def _scratch(size: tuple[int, int]) -> pygame.Surface:
    """The one off-screen surface drawings ahead go to (a whole screen: made once, not per plan)."""
    return pygame.Surface(size)


def look_ahead(app: "App") -> Iterator[Prepare]:
    """Drawings of what the screen on show may lead to, the likeliest first."""
    scratch = _scratch(app.surface.get_size())
    top = app.top
    if isinstance(top, LessonScreen) and not top.rehearsal:
        lesson, index = top.lesson, top.index
        if index + 1 < len(lesson.steps):
            yield from _opened(app, lesson, index + 1, scratch)
            yield from _captions(app, lesson.steps[index + 1], scratch)
        yield from _captions(app, lesson.steps[index], scratch)  # what it says after an answer
        for seed, skill in enumerate(SKILLS + (0.5,) * WANDERS):  # from where the child has got to
            memory = copy.deepcopy(top.memory.get(index, {}))
            yield from _played(app, lesson, index, skill, scratch, top._band(), seed=seed, memory=memory)
        if index + 1 == len(lesson.steps):
            yield from _likely_results(app, top, scratch)
    elif isinstance(top, MenuScreen):
        for button in list(top.group.buttons):
            kind, _, name = str(button.id).partition(":")
            if kind == "band":
                band_menu = MenuScreen(app, name)
                yield Prepare(lambda m=band_menu: m.draw(scratch))
            elif kind == "lesson" and name in app.library.lessons:
                yield from _opened(app, app.library.lessons[name], 0, scratch, band=top.band)
    elif len(app.stack) == 1:
        menu = MenuScreen(app, None)
        yield Prepare(lambda: menu.draw(scratch))
    if len(app.stack) > 1:  # a child is here: where home leads, and the "still there?" countdown
        root = app.stack[0]
        yield Prepare(lambda: root.draw(scratch))
        yield Prepare(lambda: _idle_question(app, scratch))


def _idle_question(app: "App", scratch: pygame.Surface) -> None:
    """The idle overlay at each second of its countdown."""
    overlay = app.screens.make("idle", app)
    for second in range(math.ceil(app.idle.warning) + 1):
        overlay.draw(scratch, second)


def rehearsals(app: "App") -> Iterator[Prepare]:
    """The menu and each band's, then each step of each lesson (opened, then played), then its
    results: layouts and pictures only."""
    scratch = _scratch(app.surface.get_size())
    menu = MenuScreen(app, None)
    yield Prepare(lambda: menu.draw(scratch), lines=False)
    for button in list(menu.group.buttons):
        if str(button.id).startswith("band:"):
            band_menu = MenuScreen(app, str(button.id).split(":", 1)[1])
            yield Prepare(lambda m=band_menu: m.draw(scratch), lines=False)
    for lesson in list(app.library.lessons.values()):
        for index in range(len(lesson.steps)):
            for band in sorted(set(lesson.bands)):  # a 6-8 child sees pictures first, a second try, a short law line
                yield from _opened(app, lesson, index, scratch, lines=False, band=band)
                for seed, skill in enumerate(SKILLS):
                    yield from _played(app, lesson, index, skill, scratch, band, lines=False, seed=seed)
        yield from _results(app, lesson, scratch, lines=False)


def _opened(app: "App", lesson: Any, index: int, scratch: pygame.Surface, lines: bool = True,
            band: str | None = None) -> Iterator[Prepare]:
    try:
        screen = LessonScreen(app, lesson, index, rehearsal=True, band=band)
    except Exception:  # noqa: BLE001 - a broken step is taken out of play when a child opens it
        log.debug("rehearsal of %s step %d failed", lesson.id, index, exc_info=True)
        return
    yield Prepare(lambda: screen.draw(scratch), lines)
    yield Prepare(lambda: screen.rehearse_guide(scratch), lines)  # the guide talking and reacting


def _captions(app: "App", step: Any, scratch: pygame.Surface) -> Iterator[Prepare]:
    """The caption bar with each sentence the step narrates, as the narrator cuts them."""
    cut = getattr(app.narrator, "caption_max_chars", None)
    sentences = [part for text in step.spoken(app.ui.t, app.ui.lang).values() for part in split_sentences(text, cut)]
    if sentences:
        yield Prepare(lambda: [chrome.caption_bar(scratch, app.ui, sentence) for sentence in sentences])


def _results(app: "App", lesson: Any, scratch: pygame.Surface, lines: bool = True) -> Iterator[Prepare]:
    scored: Counter[str] = Counter()
    for step in lesson.steps:
        scored[step.type] += step.max_score()
    for right in (True, False):  # all stars and none: each its own words
        results = ResultsScreen(app, lesson, {t: [n if right else 0, n] for t, n in scored.items() if n})
        yield Prepare(lambda r=results: r.draw(scratch), lines)


def _likely_results(app: "App", top: LessonScreen, scratch: pygame.Surface) -> Iterator[Prepare]:
    """On the last step: the results it can still end in, each activity's words as this child's
    tally will have them (the tally so far with each score the step's answers still to come can
    add, or as it is if the child leaves them); all right and all wrong where no child is counted."""
    session = app.sessions.current
    if session is None:
        yield from _results(app, top.lesson, scratch)
        return
    step = top.lesson.steps[top.index]
    left = max(0, step.max_score() - top.answers.get(top.index, (0, 0))[1])
    right, answered = session.by_type.get(step.type, [0, 0])
    for more, counted in [*((r, left) for r in range(left, -1, -1)), *([(0, 0)] if left else [])]:  # all right first
        results = ResultsScreen(app, top.lesson, {**session.by_type, step.type: [right + more, answered + counted]})
        yield Prepare(lambda shown=results: shown.draw(scratch))


def _played(app: "App", lesson: Any, index: int, skill: float, scratch: pygame.Surface,
            band: str, lines: bool = True, seed: int = 0, memory: dict[str, Any] | None = None) -> Iterator[Prepare]:
    """The step's scene played by a simulated child of band, a drawing after each move."""
    step = lesson.steps[index]
    ctx = StepContext(ui=app.ui, lesson=lesson, index=index, count=len(lesson.steps),
                      record=_nothing, finish=_nothing, back=_nothing, tally=_nothing, band=band,
                      memory=memory if memory is not None else {}, stars=lambda: index)  # the running count a child has reached by this step
    rng = random.Random(index * 100 + seed)
    try:
        scene = scene_for(step.type)(ctx, step)
        screen = LessonScreen(app, lesson, index, rehearsal=True)
        screen.scene = scene  # drawn in the lesson's frame: its hint, path and captions with it
        for move in range(LONGEST):
            intents = scene.walk(rng, skill)
            if intents is None:
                return
            for intent in intents:
                scene.on_intent(intent)
            scene.update(MOVE_S)
            if move < MOVES or move % MOVES == 0 or scene.walk(random.Random(0), skill) is None:
                yield Prepare(lambda: screen.draw(scratch), lines)
    except Exception:  # noqa: BLE001 - as above: the child's own play shows what is broken
        log.debug("rehearsal of %s step %d played failed", lesson.id, index, exc_info=True)


def _nothing(*args: Any, **kwargs: Any) -> None:
    """A rehearsal records, counts and moves nothing."""
