"""Whole-session frame figures: each frame tagged with its moment, garbage collected between
frames and never inside one, and the bench verdict on the 1920x1080 budget."""
from __future__ import annotations

import gc
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from kiosk import sim
from kiosk.bench import sessions
from kiosk.commands.bench import verdict
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from tests.support.lesson import start_tiny
from tests.support.paths import FIXTURES


def test_each_frame_is_tagged_with_what_the_child_saw(pilot: Pilot) -> None:
    start_tiny(pilot)
    assert pilot.moments[-1] == "lesson_start"
    pilot.wait(0.5)
    assert pilot.moments[-1] == "steady"
    pilot.tap("next")
    assert pilot.moments[-1] == "step_change"
    pilot.frames(2)
    assert list(pilot.moments)[-2:] == ["fade", "fade"]  # the old step fades out for TRANSITION_S
    pilot.wait(0.5)
    pilot.tap("a")
    assert pilot.moments[-1] == "feedback"
    pilot.tap("b")  # a 6-8 child's second try
    pilot.tap("next")
    pilot.tap("true")
    pilot.tap("false")  # and here
    pilot.tap("next")
    pilot.tap("next")
    assert pilot.screen["screen"] == "results" and pilot.moments[-1] == "results"
    pilot.tap("home")
    assert pilot.moments[-1] == "screen_change"
    assert len(pilot.moments) == len(pilot.frame_ms) == pilot.frame_count


@pytest.fixture
def collections() -> Iterator[list[tuple[int, bool]]]:
    """(generation, inside App.frame) of every collection while the test runs."""
    seen: list[tuple[int, bool]] = []

    def inside_frame() -> bool:
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code is App.frame.__code__:
                return True
            frame = frame.f_back
        return False

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append((info["generation"], inside_frame()))

    gc.callbacks.append(callback)
    yield seen
    gc.callbacks.remove(callback)


def test_garbage_is_collected_between_frames_never_inside_one(
        make_app: Callable[..., App], collections: list[tuple[int, bool]]) -> None:
    app = make_app(size=(960, 540))
    app.collector.start()
    try:
        assert not gc.isenabled()
        sim.simulate(app, 40, seed=4)  # enough events kept (the recorder) for young collections to fall due
        assert collections, "nothing was collected at all"
        assert not [c for c in collections if c[1]], "a collection landed inside App.frame"
        assert any(generation == 2 for generation, _ in collections), "no full collection after a session"
    finally:
        app.shutdown()
    assert gc.isenabled()  # automatic collection is back once the app is gone


def test_a_long_frame_puts_off_young_collections_until_a_quick_one(make_app: Callable[..., App]) -> None:
    app = make_app(size=(960, 540))
    app.collector.start()
    try:
        gc.collect()
        garbage = [[] for _ in range(gc.get_threshold()[0] * 2)]
        assert app.collector.between_frames(40.0) is None   # the frame was slow: no time to spare
        assert app.collector.between_frames(2.0) in (0, 1)  # a quick one: the young are collected
        del garbage
        app.home("back")
        assert app.collector.between_frames(40.0) == 2      # between children: everything
    finally:
        app.shutdown()


def _figures(p99: float, worst: float, run: str = "1920x1080") -> dict[str, Any]:
    whole = {"frames": 1000, "p50": 2.0, "p99": p99, "worst": worst, "over_16.7": 0, "over_33.0": 0}
    return {"sessions": {run: {"all": whole, "step_change": whole, "gap_ms_worst": 0.5}}}


def test_bench_fails_loudly_over_the_whole_session_budget(capsys: pytest.CaptureFixture[str]) -> None:
    assert verdict(_figures(p99=9.0, worst=20.0)) == 0
    assert verdict(_figures(p99=30.0, worst=60.0, run="1080x1920")) == 0  # the budget is set at 1920x1080
    assert verdict(_figures(p99=12.5, worst=20.0)) == 1
    assert "FAIL frames: whole sessions at 1920x1080: p99 12.5 ms is over 12 ms" in capsys.readouterr().err
    assert verdict(_figures(p99=9.0, worst=67.0, run="1920x1080_camera")) == 1
    assert "worst frame 67.0 ms (step_change) is over 25 ms" in capsys.readouterr().err


def test_the_table_has_a_row_per_moment() -> None:
    rows = sessions.table(_figures(p99=9.0, worst=20.0))
    assert rows[1].split()[:3] == ["1920x1080", "all", "1000"]
    assert rows[2].split()[:2] == ["1920x1080", "step_change"]


def test_the_table_says_what_the_machine_pauses_were() -> None:
    """Figures are the kiosk's own time; the pauses subtracted, and the figures as timed, are beside them."""
    figures = _figures(p99=9.0, worst=20.0)
    figures["sessions"]["1920x1080"]["machine"] = {"pauses": 3, "paused_ms": 95.0, "frames_paused": 2,
                                                   "p99_as_timed": 9.1, "worst_as_timed": 61.5}
    assert sessions.table(figures)[-1] == ("1920x1080: the machine paused 3 times (95 ms in all, in 2 frames); "
                                           "as timed, pauses included: worst 61.5 ms, p99 9.1 ms")


def test_the_profile_of_slow_frames_names_where_they_went(tmp_path: Path) -> None:
    from kiosk.cli import build_parser

    args = build_parser().parse_args(["bench", "--content", str(FIXTURES), "--data", str(tmp_path)])
    every = sessions.slow_frame_profile(args, over_ms=0.0, sessions=2)
    counted = re.match(r"(\d+) frames over 0 ms of (\d+)", every)
    assert counted and counted.group(1) == counted.group(2) and int(counted.group(1)) > 0
    assert "App.frame" in every or "frame" in every.split("cumulative")[-1]
    none = sessions.slow_frame_profile(args, over_ms=10_000.0, sessions=1)
    assert none.startswith("0 frames over 10000 ms") and "cumtime" not in none
