"""Work ahead (kiosk/rehearsal.py, kiosk/engine/ahead.py): every step laid out on the attract
screen, and what a child will see next (the next step, this step's feedback, the results, the
menu) drawn ahead while the child thinks, so a child's frames find it in the caches; again after
the language or the lessons change; nothing of it recorded."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from kiosk.bounded_cache import live_caches
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from tests.support.paths import FIXTURES

GAPS = 3000  # at most: the tiny lesson's rehearsal takes a few hundred gaps between frames


def _misses() -> int:
    """Text laid out, lines rendered and pictures made anew, by any app in this process."""
    return sum(c.misses for c in live_caches() if c.name in ("text layouts", "text lines", "text trials", "pictures"))


class FrameMisses:
    """Misses inside the child's frames only: the work between frames looks texts up to find
    what is missing, which is the point of it."""

    def __init__(self, app: App):
        self.count = 0
        frame = app.frame

        def counted(dt: float, intents: Any = ()) -> float:
            before = _misses()
            ms = frame(dt, intents)
            self.count += _misses() - before
            return ms

        app.frame = counted  # type: ignore[method-assign]


def _think(pilot: Pilot) -> None:
    """The attract screen or a step on show, and gaps after quick frames (work ahead runs in
    those; how quick a frame is on a loaded machine is not the test's business) until all that
    is planned is done: a child who looks before tapping."""
    pilot.frames(1)
    for _ in range(GAPS):
        pilot.app.between_frames(0.0)
        if pilot.app.rehearsed:
            return
    raise AssertionError("the work ahead did not end")


_rehearse = _think  # on the attract screen: every lesson rehearsed, then the menu prepared


def _tap(pilot: Pilot, target: str) -> None:
    pilot.tap(target)
    _think(pilot)


def _play_tiny(pilot: Pilot, answers: tuple[str, str]) -> None:
    """The tiny lesson to its last step, with these two answers (right: "b", "false")."""
    for target in ("start", "band:9-11",  # a 6-8 child gets a second try after a wrong answer
                   "lesson:tiny", "next", answers[0], "next", answers[1], "next"):
        _tap(pilot, target)
    assert pilot.screen["index"] == 3


def _results(pilot: Pilot) -> None:
    _tap(pilot, "next")
    assert pilot.screen["screen"] == "results"


def test_a_lesson_with_its_feedback_is_drawn_from_the_caches(make_app: Callable[..., App]) -> None:
    app = make_app()
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    misses = FrameMisses(app)
    _play_tiny(pilot, ("a", "false"))  # wrong, then right: both feedback cards
    assert misses.count == 0
    _results(pilot)  # "1 of 2": not rehearsed (all right and none are), drawn ahead on the last step
    assert misses.count == 0
    assert "answer" not in [e["kind"] for e in app.recorder.events if e.get("lesson") != "tiny"]
    assert [e["kind"] for e in app.recorder.events].count("step_shown") == 4  # the child's only


def test_without_a_rehearsal_the_first_child_lays_out_the_lesson(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1280, 720))  # a size no other test drew: nothing of it is cached yet
    pilot = Pilot(app)
    pilot.wait(5.0)
    misses = FrameMisses(app)
    _play_tiny(pilot, ("b", "true"))
    assert misses.count > 0


def test_the_results_of_a_lesson_all_right_are_drawn_from_the_caches(make_app: Callable[..., App]) -> None:
    app = make_app()
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    misses = FrameMisses(app)
    _play_tiny(pilot, ("b", "false"))
    _results(pilot)
    assert misses.count == 0


def test_a_new_language_is_rehearsed_again(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1366, 768))
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    app.set_language("en")
    _rehearse(pilot)
    misses = FrameMisses(app)
    pilot.tap("start")  # the menu in English (the tiny lesson is not in it: it has no English)
    assert pilot.screen["screen"] == "menu" and misses.count == 0


def test_reloaded_lessons_are_rehearsed_again(make_app: Callable[..., App], tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES, content)
    app = make_app(size=(1600, 900), content=content)
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    lesson = content / "lessons" / "tiny.yaml"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("今天我们一起学法律", "今天我们学宪法"),
                      encoding="utf-8")
    app.reload_content()
    _rehearse(pilot)
    misses = FrameMisses(app)
    _play_tiny(pilot, ("b", "true"))  # its first step says the new words
    assert misses.count == 0


def test_the_still_there_question_and_the_way_home_are_drawn_from_the_caches(make_app: Callable[..., App]) -> None:
    app = make_app()
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    _play_tiny(pilot, ("b", "false"))
    _results(pilot)
    misses = FrameMisses(app)
    pilot.wait(app.idle_timeout - app.idle.warning + 0.5, frames=4)
    assert pilot.screen["idle_warning"]
    pilot.wait(app.idle.warning - 1.0, frames=int(app.idle.warning) * 2)  # the countdown ticks down
    pilot.tap("still_here")
    pilot.tap("home")
    assert pilot.screen["screen"] == "attract"
    assert misses.count == 0
