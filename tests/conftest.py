"""Headless pygame for every test: SDL's dummy video and audio drivers, no window, no sound card."""
from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402
from typing import Any, Callable, Iterator  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from kiosk.boot import load_content  # noqa: E402
from kiosk.engine.app import App  # noqa: E402
from kiosk.engine.context import UI  # noqa: E402
from kiosk.engine.pilot import Pilot  # noqa: E402

from .store_backends import BACKENDS, store_url_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
DEMO = ROOT / "content"


@pytest.fixture(scope="session", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


@pytest.fixture
def make_app() -> Callable[..., App]:
    def make(size: tuple[int, int] = (1920, 1080), content: Path = FIXTURES, lang: str = "zh",
             idle_timeout: float = 60.0, **kwargs: Any) -> App:
        pygame.display.set_mode(size)
        library = load_content(content)
        return App(library, UI(size, lang, content), idle_timeout=idle_timeout, **kwargs)

    return make


@pytest.fixture
def pilot(make_app: Callable[..., App]) -> Pilot:
    return Pilot(make_app())


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty records store, once on SQLite and once on PostgreSQL (see store_backends.py)."""
    with store_url_for(request.param, tmp_path) as url:
        yield url
