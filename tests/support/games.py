"""Helpers for the per-type game tests: a demo step opened in an App, taps at a place, the events
it recorded, and a lesson made of one step loaded with where its mistakes are."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from kiosk.content.loader import load_lesson
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_models
from kiosk.ui import games

from .paths import DEMO

LESSON_HEAD = """\
id: game-test
title: 游戏测试
bands: [9-11]
zone: game
topic: test
minutes: 5
steps:
  - type: story
    text: 你好！
"""


def open_step(make_app: Callable[..., App], lesson_id: str, step_id: str,
              size: tuple[int, int] = (1920, 1080), band: str | None = None, **app_options: Any) -> Pilot:
    """A demo lesson opened at one of its steps (by a child of `band` if given), transitions settled."""
    app = make_app(size, content=DEMO, **app_options)
    lesson = app.library.lessons[lesson_id]
    index = next(i for i, s in enumerate(lesson.steps) if s.id == step_id)
    app.start_session()
    app.play(lesson_id, start=index, band=band)
    pilot = Pilot(app)
    pilot.wait(0.3, frames=2)
    return pilot


def scene(pilot: Pilot) -> Any:
    return pilot.app.top.scene  # type: ignore[attr-defined]


def events(app: App, kind: str) -> list[dict[str, Any]]:
    return [e for e in app.recorder.events if e["kind"] == kind]  # type: ignore[attr-defined]


def centre(rect: tuple[int, int, int, int]) -> tuple[int, int]:
    return rect[0] + rect[2] // 2, rect[1] + rect[3] // 2


def tap_at(pilot: Pilot, pos: tuple[int, int], source: str = "touch") -> None:
    pilot.send(Intent(Kind.PRESS, pos, source=source), Intent(Kind.SELECT, pos, source=source))


def load_step(tmp_path: Path, step_yaml: str) -> tuple[Any, list[str], str]:
    """A lesson made of a story and this step (YAML indented as a list item under steps), loaded;
    its errors as 'line:col: message', and the whole text (to find where things are)."""
    (tmp_path / "lessons").mkdir(exist_ok=True)
    if not (tmp_path / "images").exists():
        shutil.copytree(DEMO / "images", tmp_path / "images")
    text = LESSON_HEAD + step_yaml
    path = tmp_path / "lessons" / "game.yaml"
    path.write_text(text, encoding="utf-8")
    lesson, errors = load_lesson(path, tmp_path, step_models())
    return lesson, [f"{e.line}:{e.col}: {e.message}" for e in errors], text


def where(text: str, needle: str, nth: int = 1) -> str:
    """'line:col' (1-based) of the nth occurrence of needle in text."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return f"{line}:{col}"


def drawn_texts(pilot: Pilot) -> list[str]:
    """Every text one frame draws (its still layers painted afresh)."""
    games.Layer.invalidate_all()
    return [box.text for box in pilot.app.ui.fonts.layouts_of(lambda: pilot.frames(1))]


def drawn(pilot: Pilot) -> tuple[list[tuple[int, int]], dict[str, Any]]:
    """One frame: the sizes of the pictures the step on show blitted, and each text's fitted
    layout (the largest, where a text is drawn more than once)."""
    ui = scene(pilot).ui
    pictures: list[tuple[int, int]] = []
    fits: dict[str, Any] = {}
    image, draw = ui.image, ui.fonts.draw

    def image_spy(*args: Any, **kwargs: Any) -> Any:
        made = image(*args, **kwargs)
        if made is not None:
            pictures.append(made.get_size())
        return made

    def draw_spy(surface: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        fitted = draw(surface, text, *args, **kwargs)
        if text not in fits or fitted.size > fits[text].size:
            fits[text] = fitted
        return fitted

    ui.image, ui.fonts.draw = image_spy, draw_spy  # type: ignore[method-assign]
    try:
        pilot.frames(1)
    finally:
        del ui.image, ui.fonts.draw  # the class's own again
    return pictures, fits
