"""The engine's work ahead (kiosk/engine/ahead.py): drawings made off screen with the fonts
deferring, the texts they miss made one at a time between frames, only in time a frame left."""
from __future__ import annotations

import itertools
from typing import Callable, Iterator

import pygame

from kiosk.engine.ahead import PASSES, Prepare, WorkAhead
from kiosk.engine.app import App

WORDS = ("法官妈妈说：别怕。", "有事告诉大人。", "你真棒！")


def _drawing(app: App, texts: tuple[str, ...], calls: list[int]) -> Callable[[], None]:
    scratch = pygame.Surface(app.surface.get_size())

    def draw() -> None:
        calls.append(1)
        top = 0
        for text in texts:  # each text's place depends on the one before: a layout first
            fitted = app.ui.fonts.draw(scratch, text, (0, top, 600, 200), "body", (0, 0, 0))
            top += fitted.height + 10
    return draw


def _run(ahead: WorkAhead, gaps: int = 200) -> None:
    for _ in range(gaps):
        ahead.between_frames(0.0)
        if ahead.done:
            return


def test_a_drawing_is_drawn_again_until_nothing_is_missing(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1000, 700))
    calls: list[int] = []
    ahead = WorkAhead(app.ui)
    ahead.plan(iter([Prepare(_drawing(app, WORDS, calls))]))
    _run(ahead)
    assert ahead.done and ahead.made >= 2 * len(WORDS)  # each text laid out, then rendered
    assert len(calls) == 3  # layouts missing, then lines missing, then nothing
    before = app.ui.fonts._lines.misses
    _drawing(app, WORDS, [])()  # a child's frame now: every line from the cache
    assert app.ui.fonts._lines.misses == before


def test_a_rehearsal_lays_out_but_renders_no_line(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1010, 700))
    ahead = WorkAhead(app.ui)
    ahead.plan(iter([Prepare(_drawing(app, WORDS, []), lines=False)]))
    _run(ahead)
    fonts = app.ui.fonts
    assert all(any(key[0] == text for key in fonts._fits.keys()) for text in WORDS)
    assert not any(key[0] in WORDS for key in fonts._lines.keys())


def test_nothing_is_done_after_a_frame_that_used_the_budget(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1020, 700))
    calls: list[int] = []
    ahead = WorkAhead(app.ui)
    ahead.plan(iter([Prepare(_drawing(app, WORDS, calls))]))
    for _ in range(50):
        ahead.between_frames(13.0)  # the frame took longer than the budget: no time to spare
    assert calls == [] and not ahead.done


def test_a_drawing_that_always_misses_is_left_and_a_failing_one_skipped(make_app: Callable[..., App]) -> None:
    app = make_app(size=(1030, 700))
    counter = itertools.count()
    always: list[int] = []
    calls: list[int] = []

    def new_words_each_time() -> None:  # e.g. a clock: never the same text twice
        always.append(1)
        app.ui.fonts.fit(f"第{next(counter)}秒", "body", 300, 80)

    def broken() -> None:
        raise ValueError("a step that cannot be drawn")

    def plan() -> Iterator[Prepare]:
        yield Prepare(new_words_each_time)
        yield Prepare(broken)
        yield Prepare(_drawing(app, WORDS[:1], calls))

    ahead = WorkAhead(app.ui)
    ahead.plan(plan())
    _run(ahead)
    assert ahead.done and len(always) == PASSES and len(calls) == 3


def test_an_accelerated_clock_keeps_the_gaps_of_the_frames_it_does_not_draw(make_app: Callable[..., App]) -> None:
    from kiosk.engine.pilot import Pilot

    app = make_app(size=(1040, 700))
    pilot, gaps = Pilot(app), []
    app.between_frames = lambda ms: gaps.append(ms)  # type: ignore[method-assign]
    pilot.wait(1.0, frames=2)
    assert pilot.frame_count == 2 and len(gaps) == 60  # a second at 60 Hz: 2 frames drawn, 60 gaps
    pilot.wait(1.0, frames=2, gaps=False)
    assert len(gaps) == 62
