"""Faults a hall throws at a kiosk: each one survived, each with a test."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Kind
from kiosk.ui.fonts import Fonts
from kiosk.ui.theme import Layout

from .conftest import FIXTURES
from .test_lesson_flow import start_tiny


def test_missing_font_falls_back_and_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    fonts = Fonts(Layout(1920, 1080), font_dir=tmp_path)
    surface = pygame.Surface((800, 200))
    fitted = fonts.draw(surface, "法律 law", (0, 0, 800, 200), "body", (0, 0, 0))
    assert fitted.lines and fonts.font_problem
    assert "falling back to the default font" in caplog.text


def test_missing_picture_draws_without_it(make_app: Callable[..., App], tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    app = make_app()
    assert app.ui.image("images/not-there.svg", (200, 100)) is None
    assert "cannot be shown" in caplog.text
    app.ui.content_root = tmp_path  # the shipped picture vanished after loading
    pilot = Pilot(app)
    start_tiny(pilot)                # the story with the picture still plays
    assert pilot.screen["step_id"] == "hello"


def test_the_clock_jumping_back_and_forward(make_app: Callable[..., App]) -> None:
    pilot = Pilot(make_app(idle_timeout=60))
    start_tiny(pilot)
    pilot.frames(1, dt=-3600.0)       # the system clock stepped back an hour
    assert pilot.screen["screen"] == "lesson" and pilot.app.now >= 0
    pilot.frames(1, dt=86400.0)       # ... and forward a day: treated as a long idle
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.sessions.finished[-1].end_reason == "idle"


def test_a_lesson_broken_while_running_is_skipped_on_reload(make_app: Callable[..., App], tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "lessons").mkdir(parents=True)
    (content / "images").mkdir()
    (content / "images" / "card.svg").write_bytes((FIXTURES / "images" / "card.svg").read_bytes())
    good = (FIXTURES / "lessons" / "tiny.yaml").read_text(encoding="utf-8")
    (content / "lessons" / "tiny.yaml").write_text(good, encoding="utf-8")
    (content / "lessons" / "other.yaml").write_text(good.replace("id: tiny", "id: other"), encoding="utf-8")
    app = make_app(content=content)
    assert sorted(app.library.lessons) == ["other", "tiny"]
    (content / "lessons" / "other.yaml").write_text(good.replace("id: tiny", "id: other") + "  - type: quizz\n",
                                                   encoding="utf-8")
    lessons, problems = app.reload_content()
    assert (lessons, problems) == (1, 1)
    assert list(app.library.lessons) == ["tiny"]
    assert "unknown step type 'quizz'" in app.library.errors[0].message
    pilot = Pilot(app)
    start_tiny(pilot)                 # the good lesson keeps playing
    assert pilot.screen["lesson"] == "tiny"


def test_hall_updates_are_validated_before_they_replace_the_lessons(make_app: Callable[..., App],
                                                                    tmp_path: Path) -> None:
    from kiosk.content_sync import ContentSync

    hall = tmp_path / "hall"
    (hall / "lessons").mkdir(parents=True)
    (hall / "images").mkdir()
    (hall / "images" / "card.svg").write_bytes((FIXTURES / "images" / "card.svg").read_bytes())
    good = (FIXTURES / "lessons" / "tiny.yaml").read_text(encoding="utf-8")
    (hall / "lessons" / "tiny.yaml").write_text(good, encoding="utf-8")
    sync = ContentSync(hall, tmp_path / "var" / "content-live", FIXTURES)
    app = make_app(content=sync.live, content_sync=sync)
    pilot = Pilot(app)
    (hall / "lessons" / "new.yaml").write_text(good.replace("id: tiny", "id: new").replace("answer: b", "answer: z"),
                                               encoding="utf-8")
    assert sync.check() == "rejected"             # broken: the kiosk keeps what it plays
    assert sync.check() == "unchanged"            # and says so only once
    pilot.frames(2)
    assert list(app.library.lessons) == ["tiny"]
    start_tiny(pilot)                             # a child is playing when the fixed update lands
    (hall / "lessons" / "new.yaml").write_text(good.replace("id: tiny", "id: new"), encoding="utf-8")
    assert sync.check() == "applied"
    pilot.frames(2)
    assert "new" not in app.library.lessons       # never swapped under a child's fingers
    pilot.key(Kind.BACK)
    pilot.key(Kind.BACK)
    pilot.frames(2)
    assert sorted(app.library.lessons) == ["new", "tiny"]
    assert (sync.live / "lessons" / "new.yaml").is_file()
