"""The screenshot catalogue (`screenshot --all`, `make screenshots`): every step of every lesson at
both sizes, named by step, indexed, the same bytes on every run, and no picture of a step that is gone."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

import pygame

from kiosk import screen_shots
from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.lessons import load_content

from .support.paths import FIXTURES

SIZES = ((640, 360), (360, 640))


def shoot(tmp_path: Path, out: Path) -> list[Path]:
    args = argparse.Namespace(content=str(FIXTURES), data=str(tmp_path / "var"), lang=None, verbose=False)
    return screen_shots.catalogue(args, out, scale=0.5, sizes=SIZES)


def test_every_step_at_every_size_named_by_step_and_indexed(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    written = shoot(tmp_path, out)
    steps = load_content(FIXTURES).lesson("tiny").steps
    expected = {out / size / "tiny" / f"{n + 1:02d}-{step.id}.png"
                for size in ("640x360", "360x640") for n, step in enumerate(steps)}
    assert set(written) == expected and all(p.is_file() for p in expected)
    assert pygame.image.load(str(out / "360x640" / "tiny" / f"01-{steps[0].id}.png")).get_size() == (180, 320)
    index = (out / "README.md").read_text(encoding="utf-8")
    for path in expected:
        assert f"]({path.relative_to(out).as_posix()})" in index
    assert "## 小小测试课 (`tiny`, ages 6-8, 9-11)" in index


def test_a_second_run_writes_the_same_bytes_and_removes_pictures_of_steps_that_are_gone(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    first = {p: p.read_bytes() for p in shoot(tmp_path, out)}
    gone = out / "640x360" / "tiny" / "09-gone.png"
    gone.write_bytes(b"old")
    (out / "640x360" / "old-lesson").mkdir()
    (out / "640x360" / "old-lesson" / "01-x.png").write_bytes(b"old")
    second = {p: p.read_bytes() for p in shoot(tmp_path, out)}
    assert second == first
    assert not gone.exists() and not (out / "640x360" / "old-lesson").exists()


def test_each_step_is_shot_in_its_lesson_however_long_the_run(make_app: Callable[..., App], tmp_path: Path) -> None:
    """The idle timer would bring "are you still there?" and then the attract screen mid-run."""
    app = make_app(size=(640, 360), options=AppOptions(idle_timeout=2))
    shown = []
    for lesson, index in screen_shots.lesson_steps(app):
        screen_shots.save(app, tmp_path / f"{index}.png")
        shown.append((app.describe()["screen"], app.describe()["idle_warning"]))
    assert shown == [("lesson", False)] * 4
