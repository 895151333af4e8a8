"""A simulated child of each age band plays every lesson the menu offers that band, from the
attract screen to the results, each step with the step type's own simulated moves (StepScene.walk);
and (issue 18) the guide character is on screen in every frame of every step.

A guide counts as drawn in a frame when draw.avatar or characters.character_image (which every
draw_character goes through) runs in it."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from kiosk.content.models import BANDS
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.lessons import load_content
from kiosk.ui import characters, draw

from .support.lesson import play_until_results
from .support.paths import DEMO

MAX_MOVES = 400  # per lesson; a lesson that needs more is stuck
pytestmark = pytest.mark.slow  # every lesson of every band played through: about 45 s


@dataclass
class Played:
    """One band's sessions: the lessons that reached their results, and per step shown (lesson id,
    index) its frames and the frames the guide was drawn in."""

    finished: list[str] = field(default_factory=list)
    frames: Counter = field(default_factory=Counter)
    with_guide: Counter = field(default_factory=Counter)


def play_band(app: App, band: str) -> Played:
    played = Played()
    pilot = Pilot(app)
    rng = random.Random(18)
    drawn = [False]

    def noting(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            drawn[0] = True
            return real(*args, **kwargs)
        return call

    real_frame = app.frame

    def frame(dt: float, intents: Any = ()) -> float:
        drawn[0] = False
        ms = real_frame(dt, intents)
        screen = app.describe()
        if screen["screen"] == "lesson":
            step = (screen["lesson"], screen["index"])
            played.frames[step] += 1
            played.with_guide[step] += drawn[0]
        return ms

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(draw, "avatar", noting(draw.avatar))
        patch.setattr(characters, "character_image", noting(characters.character_image))
        patch.setattr(app, "frame", frame)
        for lesson in app.library.for_band(band):
            assert pilot.screen["screen"] == "attract"
            pilot.tap("start")
            pilot.tap(f"band:{band}")
            while f"lesson:{lesson.id}" not in pilot.targets:  # the menu pages
                pilot.tap("page:next")
            pilot.tap(f"lesson:{lesson.id}")
            play_until_results(pilot, rng, 1.0, MAX_MOVES, 0.5, 3)
            if pilot.screen["screen"] == "results":
                played.finished.append(lesson.id)
                pilot.tap("home")
            else:
                app.home("test")
    return played


_PLAYED: dict[str, Played] = {}


def played(make_app: Callable[..., App], band: str) -> Played:
    """Each band is played once per test run, for both tests."""
    if band not in _PLAYED:
        _PLAYED[band] = play_band(make_app(content=DEMO), band)
    return _PLAYED[band]


@pytest.mark.parametrize("band", BANDS)
def test_a_child_of_each_band_plays_every_lesson_of_it_to_the_results(make_app: Callable[..., App],
                                                                      band: str) -> None:
    app_lessons = load_content(DEMO).for_band(band)
    result = played(make_app, band)
    assert result.finished == [lesson.id for lesson in app_lessons] and result.finished
    assert set(result.frames) == {(lesson.id, i) for lesson in app_lessons for i in range(len(lesson.steps))}


@pytest.mark.parametrize("band", BANDS)
def test_the_guide_is_drawn_in_every_frame_of_every_step(make_app: Callable[..., App], band: str) -> None:
    result = played(make_app, band)
    library = load_content(DEMO)
    without = Counter(library.lesson(lesson_id).steps[index].type
                      for (lesson_id, index), n in result.frames.items() if result.with_guide[(lesson_id, index)] < n)
    assert without == Counter(), f"steps without the guide in some frame, by type: {dict(without)}"
