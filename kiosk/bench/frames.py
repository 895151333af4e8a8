"""Frame times: each screen type at 1080p, and a real 60 Hz loop (the vision and voice figures use it)."""
from __future__ import annotations

import argparse
import random
import time
from typing import Any, Callable

FRAMES_PER_SCREEN = 300


def frame_times(args: argparse.Namespace) -> dict[str, float]:
    """p50 and p99 of whole frames (intents, update, draw, flip) on each screen type at 1080p."""
    from kiosk.boot import offscreen_app
    from kiosk.engine.pilot import Pilot
    from kiosk.registry import step_types

    app = offscreen_app(args, (1920, 1080))
    pilot = Pilot(app)
    lesson = next(iter(app.library.lessons.values()))

    def measure(setup: Callable[[], None]) -> list[float]:
        setup()
        return [timed_frame(app) for _ in range(FRAMES_PER_SCREEN)]

    screens: dict[str, Callable[[], None]] = {
        "attract": lambda: app.home("back"),
        "menu": lambda: app.start_session(),
    }

    def move() -> None:
        """The step on show as a child plays it: its first move (an answer, a game started)."""
        intents = app.top.scene.walk(random.Random(0), 1.0)  # type: ignore[attr-defined]
        if intents:
            pilot.send(*intents)

    for kind in step_types():  # each step type opened, then in play
        found = next(((each.id, i) for each in app.library.lessons.values()
                      for i, s in enumerate(each.steps) if s.type == kind), None)
        if found:
            screens[kind] = lambda found=found: app.play(found[0], start=found[1])
            screens[f"{kind}_playing"] = move
    screens["results"] = lambda: app.lesson_done(lesson)
    figures: dict[str, float] = {}
    for name, setup in screens.items():
        ms = sorted(measure(setup))
        figures[f"frame_ms_p50_{name}"] = round(ms[len(ms) // 2], 2)
        figures[f"frame_ms_p99_{name}"] = round(ms[int(len(ms) * 0.99)], 2)
    figures["frame_ms_p99"] = max(v for k, v in figures.items() if k.startswith("frame_ms_p99_"))
    return figures


def paced_p99(app: Any, frames: int = 600) -> tuple[float, float]:
    """p99 and worst frame work time of a real 60 Hz loop (it sleeps between frames, as run does)."""
    import pygame

    clock = pygame.time.Clock()
    ms = []
    for _ in range(frames):
        ms.append(timed_frame(app))
        clock.tick(60)
    ms.sort()
    return round(ms[int(len(ms) * 0.99)], 2), round(ms[-1], 2)


def timed_frame(app: Any) -> float:
    """One frame drawn and shown, in milliseconds."""
    import pygame

    began = time.perf_counter()
    app.frame(1 / 60)
    pygame.display.flip()
    return (time.perf_counter() - began) * 1000
