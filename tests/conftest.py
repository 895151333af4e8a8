"""The same test run on every machine: headless pygame (SDL's dummy video and audio drivers, no window,
no sound card), and what differs between machines pinned for the tests and every process they start
(see pin_the_machine)."""
from __future__ import annotations

import os
import time

# The hall's time zone as a POSIX rule (China Standard Time, no daylight saving): it needs no tzdata
# package, and local dates and times are then the same on every machine.
TEST_TZ = "CST-8"


def pin_the_machine() -> None:
    """Pin what differs between machines, before anything reads it: the time zone, UTF-8 for child
    processes (a developer's LANG may be unset, C or a legacy encoding), no display (a developer's
    DISPLAY must not open windows), and none of a station's own settings from its environment."""
    os.environ.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", TZ=TEST_TZ, LC_ALL="C.UTF-8",
                      PYTHONUTF8="1", PYGAME_HIDE_SUPPORT_PROMPT="1")
    time.tzset()
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "KIOSK_RECORDS_URL", "KIOSK_LRS_PASSWORD"):
        os.environ.pop(name, None)


pin_the_machine()

from pathlib import Path  # noqa: E402
from typing import Any, Callable, Iterator  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# The same examples on every run, no example database left in the checkout, and no deadline: a
# shared two-core machine makes any one example slow now and then, which is not a failure.
settings.register_profile("kiosk", derandomize=True, database=None, deadline=None)
settings.load_profile("kiosk")

from kiosk.boot import build_app  # noqa: E402
from kiosk.engine.app import App  # noqa: E402
from kiosk.engine.options import AppOptions  # noqa: E402
from kiosk.engine.pilot import Pilot  # noqa: E402
from kiosk.lessons import load_content  # noqa: E402
from kiosk.ui.toolkit import UI  # noqa: E402

from .store_backends import BACKENDS, store_url_for  # noqa: E402
from .support.paths import FIXTURES  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


@pytest.fixture
def make_app() -> Callable[..., App]:
    def make(size: tuple[int, int] = (1920, 1080), content: Path = FIXTURES, lang: str = "zh",
             options: AppOptions = AppOptions(), **kwargs: Any) -> App:
        pygame.display.set_mode(size)
        library = load_content(content)
        return build_app(library, UI(size, lang, content), options, **kwargs)

    return make


@pytest.fixture
def pilot(make_app: Callable[..., App]) -> Pilot:
    return Pilot(make_app())


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty records store, once on SQLite and once on PostgreSQL (see store_backends.py)."""
    with store_url_for(request.param, tmp_path) as url:
        yield url
