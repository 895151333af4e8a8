"""Content pictures: made on a worker thread once the loop runs (a frame never rasterises), kept
apart when they are panoramas, and drawn exactly as before once made."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pygame
import pytest

from kiosk import frame_gate
from kiosk.engine.app import App
from kiosk.ui.pictures import Pictures
from tests.support.paths import DEMO, FIXTURES

STREET = "images/street-panorama.svg"


@pytest.fixture
def rasterised_on(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread each picture was rasterised on."""
    threads: list[str] = []
    load = pygame.image.load

    def recorded(*args: Any) -> pygame.Surface:
        threads.append(threading.current_thread().name)
        return load(*args)

    monkeypatch.setattr(pygame.image, "load", recorded)
    return threads


@pytest.fixture
def started() -> Iterator[Pictures]:
    pictures = Pictures(FIXTURES, (960, 540))
    pictures.start()
    yield pictures
    pictures.stop()


def test_a_frame_gets_the_picture_from_the_worker_never_making_it_itself(
        started: Pictures, rasterised_on: list[str]) -> None:
    assert started.get("images/card.svg", (400, 200)) is None  # the frame goes on without it
    assert started.wait()
    picture = started.get("images/card.svg", (400, 200))
    assert picture is not None and picture.get_size() == (400, 200)
    assert rasterised_on == ["pictures"]  # not the main thread
    assert started.get("images/card.svg", (400, 200)) is picture  # made once, then kept


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")
def test_the_worker_yields_a_busy_cpu_to_the_render_loop(started: Pictures, rasterised_on: list[str]) -> None:
    """On 2 CPUs the loader, the picture worker and synthesis together outnumber the CPUs: the
    worker runs niced (kiosk/frame_gate.py lower_this_thread), the loop does not."""
    started.get("images/card.svg", (300, 200))
    assert started.wait() and rasterised_on == ["pictures"]  # the worker has run its first lines
    worker = started._worker
    assert worker is not None and worker.native_id is not None
    loop = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert os.getpriority(os.PRIO_PROCESS, worker.native_id) == min(19, loop + frame_gate.WORKER_NICE)


def test_an_unusable_picture_is_none_without_asking_again(started: Pictures, rasterised_on: list[str]) -> None:
    assert started.get("images/not-there.svg", (400, 200)) is None
    assert started.wait() and started.ready("images/not-there.svg", (400, 200))
    assert started.get("images/not-there.svg", (400, 200)) is None
    assert started.wait(timeout=0)  # nothing asked again


def test_the_size_is_known_before_the_picture_is_made(started: Pictures, rasterised_on: list[str]) -> None:
    assert started.fitted_size("images/card.svg", (900, 300)) == (600, 300)  # 2:1, fitted by height
    assert started.fitted_size("images/not-there.svg", (900, 300)) is None
    assert rasterised_on == []


def test_a_panorama_is_not_pushed_out_by_a_lessons_worth_of_pictures() -> None:
    pictures = Pictures(DEMO, (960, 540))
    box = (8 * 480, 480)
    assert pictures.get(STREET, box) is not None
    small = pictures._small
    for picture in sorted(p.name for p in (DEMO / "images").glob("*.svg")):
        if picture != Path(STREET).name:
            for side in (240, 480):
                pictures.get(f"images/{picture}", (side * 2, side))
    assert small.evictions > 0  # the small pictures alone overflowed their budget
    assert pictures.ready(STREET, box)


def _rgb(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def _open_street(app: App) -> None:
    lesson = app.library.lessons["games-safe-scenes"]
    app.play(lesson.id, start=[step.id for step in lesson.steps].index("find-street"))


def test_a_step_looks_the_same_once_its_picture_is_made(make_app: Callable[..., App]) -> None:
    """Before the panorama is made only its place differs (the stage's card shows); after, every
    pixel is as when the picture was made in the frame."""
    in_place = make_app(size=(960, 540), content=DEMO)
    _open_street(in_place)
    in_place.frame(0.5)
    first = in_place.surface.copy()
    in_place.frame(0.5)
    expected = in_place.surface.copy()

    app = make_app(size=(960, 540), content=DEMO)
    app.ui.pictures.start()
    try:
        _open_street(app)
        app.frame(0.5)
        waiting = app.surface.copy()
        assert app.ui.pictures.wait()
        app.frame(0.5)
        assert _rgb(app.surface) == _rgb(expected)
        scene = app.top.scene  # type: ignore[attr-defined]
        where = (*scene.pic_origin, min(scene.view_w, scene.pic_size[0]), scene.pic_size[1])
        assert _rgb(waiting) != _rgb(first)
        waiting.blit(first, where[:2], where)
        assert _rgb(waiting) == _rgb(first)  # what differed was the picture's place only
    finally:
        app.shutdown()
