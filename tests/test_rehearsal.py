"""The rehearsal on the attract screen: what a child will see (steps, their feedback, results,
the menus) is drawn ahead, so a child's frames find it in the caches; again after the language
or the lessons change; nothing of it recorded."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from kiosk.bounded_cache import live_caches
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from tests.support.paths import FIXTURES

GAPS = 300  # the tiny lesson's rehearsal takes a few dozen gaps between frames, one drawing each


def _misses() -> int:
    """Text laid out, lines rendered and pictures made anew, by any app in this process."""
    return sum(c.misses for c in live_caches() if c.name in ("text layouts", "text lines", "pictures"))


def _rehearse(pilot: Pilot) -> None:
    """The attract screen on, and gaps after quick frames (the rehearsal draws in those only; how
    quick a frame is on a loaded machine is not the test's business)."""
    pilot.frames(1)
    for _ in range(GAPS):
        pilot.app.between_frames(0.0)


def _play_tiny(pilot: Pilot, answers: tuple[str, str]) -> None:
    """The tiny lesson to its last step, with these two answers (right: "b", "false")."""
    pilot.tap("start")
    pilot.tap("band:9-11")  # a 6-8 child gets a second try after a wrong answer: no feedback card yet
    pilot.tap("lesson:tiny")
    pilot.tap("next")
    pilot.tap(answers[0])
    pilot.tap("next")
    pilot.tap(answers[1])
    pilot.tap("next")
    assert pilot.screen["index"] == 3


def _results(pilot: Pilot) -> None:
    pilot.tap("next")
    assert pilot.screen["screen"] == "results"


def test_a_lesson_with_its_feedback_is_drawn_from_the_caches(make_app: Callable[..., App]) -> None:
    app = make_app()
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    before = _misses()
    _play_tiny(pilot, ("a", "false"))  # wrong, then right: both feedback cards
    assert _misses() == before
    _results(pilot)  # "1 of 2": a score the rehearsal did not draw (all right and none are)
    assert "answer" not in [e["kind"] for e in app.recorder.events if e.get("lesson") != "tiny"]
    assert [e["kind"] for e in app.recorder.events].count("step_shown") == 4  # the child's only


def test_without_a_rehearsal_the_first_child_lays_out_the_lesson(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1280, 720))  # a size no other test drew: nothing of it is cached yet
    pilot = Pilot(app)
    _rehearse(pilot)
    before = _misses()
    _play_tiny(pilot, ("b", "true"))
    assert _misses() > before


def test_the_results_of_a_lesson_all_right_are_drawn_from_the_caches(make_app: Callable[..., App]) -> None:
    app = make_app()
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    before = _misses()
    _play_tiny(pilot, ("b", "false"))
    _results(pilot)
    assert _misses() == before


def test_a_new_language_is_rehearsed_again(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1366, 768))
    pilot = Pilot(app)
    app.rehearse_ahead()
    _rehearse(pilot)
    app.set_language("en")
    _rehearse(pilot)
    before = _misses()
    pilot.tap("start")  # the menu in English (the tiny lesson is not in it: it has no English)
    assert pilot.screen["screen"] == "menu" and _misses() == before


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
    before = _misses()
    _play_tiny(pilot, ("b", "true"))  # its first step says the new words
    assert _misses() == before
