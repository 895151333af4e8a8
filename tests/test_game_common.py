"""What the game stations share: the checks every game screen
must pass at every supported size (no text cut off, big separate targets on screen). The games are
every registered step type that asks something, but the quiz (tested on its own)."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from itertools import combinations
from pathlib import Path
from typing import Any, Callable

import pygame
import pytest

from kiosk.dwell import PositionDwell
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_types
from kiosk.ui import fonts as fonts_module
from kiosk.ui import games

from .support.games import centre, open_step, scene, tap_at
from .support.paths import DEMO, ROOT

SIZES = [(1920, 1080), (1280, 720), (1080, 1920)]
GAME_TYPES = tuple(name for name, kind in step_types().items() if kind.model.interaction and name != "quiz")


def overflowing(pilot: Pilot) -> list[tuple[str, str]]:
    """Draw one frame with an empty layout cache: the texts cut off with '…' on it."""
    games.Layer.invalidate_all()  # the still parts of a game screen are painted again, and measured
    laid_out = pilot.app.ui.fonts.layouts_of(lambda: pilot.frames(1))
    return [(box.text, box.role) for box in laid_out if box.fitted.overflow]


def targets_ok(pilot: Pilot) -> list[str]:
    """Problems with the targets on screen: too small, off screen, overlapping."""
    w, h = pilot.app.ui.layout.width, pilot.app.ui.layout.height
    rects = {k: pygame.Rect(r) for k, r in pilot.app.targets().items()}
    screen = pygame.Rect(0, 0, w, h)
    out = [f"{k} is {r.h}px tall" for k, r in rects.items() if r.h * 10 < h]
    out += [f"{k} is off screen" for k, r in rects.items() if not screen.contains(r)]
    out += [f"{a} overlaps {b}" for (a, ra), (b, rb) in combinations(rects.items(), 2) if ra.colliderect(rb)]
    return out


# ----- shared checks -----------------------------------------------------------------------------

@pytest.mark.slow
def test_the_five_types_are_registered_and_listed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    proc = subprocess.run([sys.executable, "main.py", "lessons", "--json", "--data", str(tmp_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = {row["id"]: row for row in json.loads(proc.stdout)}
    assert rows["games-law-play"]["steps"] == ["story", "sort", "match", "catch", "story"]
    assert rows["games-safe-scenes"]["steps"] == ["story", "hotspot", "branching", "story"]
    assert rows["games-law-play"]["zone"] == "game" and rows["games-safe-scenes"]["zone"] == "immersive"


def test_the_fit_memo_answers_when_it_is_full(make_app: Callable[..., App]) -> None:
    # it once cleared itself right after storing the answer and then looked the answer up (KeyError:
    # the lesson was taken out of play in the middle of a quiz); now a bounded LRU in Fonts
    ui = make_app().ui
    fonts = ui.fonts
    for n in range(fonts_module.TRIALS_BUDGET):
        fonts._trials.put(("filler", "body", n, 1), True)
    assert games.fitting_role(ui, "一句新的话。", 800, 200, "body") == "body"
    assert games.fitting_role(ui, "一句新的话。" * 40, 300, 60, "body") == "small"
    assert len(fonts._trials) <= fonts_module.TRIALS_BUDGET
    assert ("filler", "body", 0, 1) not in fonts._trials  # the oldest answer made room


def test_polygon_and_position_dwell() -> None:
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    assert games.inside_polygon((0.5, 0.5), square) and not games.inside_polygon((1.5, 0.5), square)
    dwell = PositionDwell(1.0, radius=10)
    dwell.move((100, 100))
    assert dwell.update(0.6) is None
    dwell.move((105, 104))              # a little jitter keeps the count going
    assert dwell.update(0.5) == (100, 100)
    assert dwell.update(2.0) is None    # fired once; the hand must move away first
    dwell.move((300, 300))
    assert dwell.update(0.5) is None and 0.4 < dwell.progress < 0.6
    dwell.restart()                     # the picture panned under the hand: hold still again
    assert dwell.progress == 0.0 and dwell.update(0.9) is None and dwell.update(0.2) == (300, 300)


def walk_through(pilot: Pilot, look: Callable[[str], None], skill: float = 0.6) -> None:
    """The step played by its type's own simulated child (StepScene.walk) until it waits for Next."""
    rng = random.Random(1)
    for n in range(300):
        moves = scene(pilot).walk(rng, skill)
        if not moves:
            break
        pilot.send(*moves)
        pilot.wait(0.3, frames=2)
        look(f"move {n}")
    look("done")


def play_every_phase(pilot: Pilot, step_type: str, look: Callable[[str], None]) -> None:
    """Each game through all its phases, calling look(label) wherever there is something new to see."""
    look("start")
    sc = scene(pilot)
    if step_type == "sort":
        pilot.key(Kind.CHOOSE, 2)
        pilot.wait(0.4, frames=2)
        look("feedback")
        while scene(pilot).phase != "done":
            if scene(pilot).phase == "feedback":
                pilot.key(Kind.NEXT)
            else:
                pilot.key(Kind.CHOOSE, 1)
            pilot.wait(0.4, frames=2)
        look("done")
    elif step_type == "match":
        for pair in sc.step.pairs:
            if sc.nav is not None:
                break
            others = [p for p in sc.step.pairs if p.id != pair.id and p.id not in sc.matched]
            if others:
                tap_at(pilot, centre(sc.group.by_id(f"L:{pair.id}").rect))
                tap_at(pilot, centre(sc.group.by_id(f"R:{others[0].id}").rect))
                look(f"wrong {pair.id}")
                tap_at(pilot, centre(sc.group.by_id(f"L:{pair.id}").rect))
                look(f"selected {pair.id}")
            else:
                tap_at(pilot, centre(sc.group.by_id(f"L:{pair.id}").rect))
            tap_at(pilot, centre(sc.group.by_id(f"R:{pair.id}").rect))
            look(f"right {pair.id}")
        assert sc.nav is not None
    elif step_type == "hotspot":
        for k, area in enumerate(sc.step.areas):
            sc.view = min(sc.max_view, max(0.0, sc.view + sc.to_screen(*area.centre())[0]
                                           - sc.stage[0] - sc.stage[2] / 2))
            tap_at(pilot, sc.to_screen(*area.centre()), "mouse")
            look(f"found {area.id}")
            if k == 1:
                tap_at(pilot, (sc.stage[0] + 8, sc.stage[1] + 8), "mouse")
                look("miss")
                pilot.tap("done_looking")
                look("done")
                break
        for area in sc.step.areas[2:]:
            sc.view = min(sc.max_view, max(0.0, sc.view + sc.to_screen(*area.centre())[0]
                                           - sc.stage[0] - sc.stage[2] / 2))
            tap_at(pilot, sc.to_screen(*area.centre()), "mouse")
            look(f"review {area.id}")
    elif step_type == "branching":
        for route in ([1, 1, 1], [1, 2, 1], [1, 3, 2, 1], [1, 1, 2, 1]):
            for number in route:
                look(f"scene {scene(pilot).node.id}")
                pilot.key(Kind.CHOOSE, number)
            look(f"ending {scene(pilot).node.id}")
            pilot.tap("again")
    elif step_type == "catch":
        pilot.key(Kind.SELECT)
        for i in range(40):
            pilot.send(Intent(Kind.POINT, (pilot.app.ui.layout.width * (i % 5 + 1) // 6, 400), source="mouse"))
            pilot.wait(0.3, frames=4)
            if i in (10, 30):
                look(f"play {i}")
        pilot.wait(40.0, frames=80)
        assert sc.phase == "done"
        look("done")
    else:
        walk_through(pilot, look)


def _first_demo_steps() -> dict[str, tuple[str, str]]:
    from kiosk.lessons import load_content

    found: dict[str, tuple[str, str]] = {}
    for lesson in load_content(DEMO).lessons.values():
        for step in lesson.steps:
            found.setdefault(step.type, (lesson.id, str(step.id)))
    return found


STEPS = {**_first_demo_steps(),
         "sort": ("games-law-play", "sort-behaviour"), "match": ("games-law-play", "match-ages"),
         "catch": ("games-law-play", "catch-safe"), "hotspot": ("games-safe-scenes", "find-street"),
         "branching": ("games-safe-scenes", "scam-story")}


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("step_type", GAME_TYPES)
def test_every_phase_fits_at_every_size(make_app: Callable[..., App], step_type: str,
                                        size: tuple[int, int]) -> None:
    """No text cut off; targets a tenth of the height, on screen and apart; in every phase."""
    pilot = open_step(make_app, *STEPS[step_type], size=size)
    problems: dict[str, Any] = {}
    seen: list[str] = []

    def look(label: str) -> None:
        pilot.wait(0.3, frames=2)
        cut, bad = overflowing(pilot), targets_ok(pilot)
        if cut or bad:
            problems[label] = (cut, bad)
        assert pilot.app.targets(), f"nothing to touch at {label}"
        seen.append(label)

    play_every_phase(pilot, step_type, look)
    assert len(seen) >= 3
    assert problems == {}


def generic_walk(pilot: Pilot, look: Callable[[str], None]) -> None:
    """Any game step of any lesson through its phases (white-box where the content decides the
    way: every scene of a story is visited directly), calling look(label) at each."""
    sc = scene(pilot)
    kind = sc.step_type
    look("start")
    if kind == "sort":
        k = 0
        while sc.phase != "done":
            if sc.phase == "feedback":
                look(f"feedback {k}")
                pilot.key(Kind.NEXT)
            else:
                pilot.key(Kind.CHOOSE, 1 + k % len(sc.step.bins))
                k += 1
            pilot.wait(0.3, frames=2)
        look("done")
    elif kind == "match":
        for pair in sc.step.pairs:
            others = [p for p in sc.step.pairs if p.id != pair.id and p.id not in sc.matched]
            if others:
                tap_at(pilot, centre(sc.group.by_id(f"L:{pair.id}").rect))
                tap_at(pilot, centre(sc.group.by_id(f"R:{others[0].id}").rect))
                look(f"wrong {pair.id}")
            tap_at(pilot, centre(sc.group.by_id(f"L:{pair.id}").rect))
            tap_at(pilot, centre(sc.group.by_id(f"R:{pair.id}").rect))
            look(f"pair {pair.id}")
    elif kind == "hotspot":
        for k, area in enumerate(sc.step.areas):
            sc.view = min(sc.max_view, max(0.0, sc.view + sc.to_screen(*area.centre())[0]
                                           - sc.stage[0] - sc.stage[2] / 2))
            tap_at(pilot, sc.to_screen(*area.centre()), "mouse")
            look(f"found {area.id}")
            if k == 0 and sc.phase == "find":
                tap_at(pilot, (sc.stage[0] + 3, sc.stage[1] + 3), "mouse")
                look("miss")
        if sc.phase == "find":
            pilot.tap("done_looking")
        look("done")
    elif kind == "branching":
        for node in sc.step.scenes:
            sc._go(node.id)
            look(f"scene {node.id}")
    elif kind == "catch":
        pilot.key(Kind.SELECT)
        for i in range(30):
            pilot.send(Intent(Kind.POINT, (pilot.app.ui.layout.width * (i % 5 + 1) // 6, 400), source="mouse"))
            pilot.wait(0.4, frames=3)
        look("play")
        pilot.wait(sc.step.seconds, frames=60)
        look("done")
    else:
        walk_through(pilot, look)


def demo_game_steps() -> list[Any]:
    from kiosk.lessons import load_content

    library = load_content(DEMO)
    return [pytest.param(lesson.id, step.id, id=f"{lesson.id}:{step.id}") for lesson in library.lessons.values()
            for step in lesson.steps if step.type in GAME_TYPES]


def walk_and_check_fit(pilot: Pilot, size: tuple[int, int], problems: dict[str, Any]) -> None:
    """Through every phase of the open game step, noting text cut off and targets too small or close."""
    def look(label: str) -> None:
        pilot.wait(0.3, frames=2)
        cut, bad = overflowing(pilot), targets_ok(pilot)
        if cut or bad:
            problems[f"{size[0]}x{size[1]} {label}"] = (cut, bad)

    generic_walk(pilot, look)


@pytest.mark.parametrize("lesson_id, step_id", demo_game_steps())
def test_every_demo_game_step_fits_at_every_size(make_app: Callable[..., App], lesson_id: str, step_id: str) -> None:
    """Whoever wrote the lesson, its game steps show whole at 1920x1080, 1280x720 and 1080x1920."""
    problems: dict[str, Any] = {}
    for size in SIZES:
        pilot = open_step(make_app, lesson_id, step_id, size)

        walk_and_check_fit(pilot, size, problems)
    assert problems == {}


class Recording:
    """A narrator that keeps what it was asked to say."""

    enabled, slower = True, False

    def __init__(self) -> None:
        self.said: list[str] = []

    def narrate(self, text: str, persona: str | None = None, recorded: object = None) -> None:
        self.said.append(text)

    def replay(self) -> None: ...

    def stop(self) -> None: ...

    def caption(self, now: float | None = None) -> str:
        return ""


@pytest.mark.parametrize("step_type", GAME_TYPES)
def test_everything_said_is_in_spoken_so_prebuilt_narration_always_hits(make_app: Callable[..., App],
                                                                        step_type: str) -> None:
    narrator = Recording()
    app = make_app(content=DEMO, narrator=narrator)
    lesson_id, step_id = STEPS[step_type]
    lesson = app.library.lessons[lesson_id]
    index = next(i for i, s in enumerate(lesson.steps) if s.id == step_id)
    app.play(lesson_id, start=index)
    pilot = Pilot(app)
    generic_walk(pilot, lambda label: None)
    spoken = set(lesson.steps[index].spoken(app.ui.t, "zh").values())
    assert len(narrator.said) >= 2
    assert [text for text in narrator.said if text not in spoken] == []


@pytest.mark.parametrize("step_type", GAME_TYPES)
def test_larger_text_still_fits(make_app: Callable[..., App], step_type: str) -> None:
    """The accessibility menu's larger text (x1.25): the demo games still show every text whole."""
    problems: dict[str, Any] = {}
    for size in SIZES:
        app = make_app(size, content=DEMO)
        app.access.large_text = True       # chosen on the attract screen, before the lesson
        app.apply_access()
        lesson_id, step_id = STEPS[step_type]
        app.play(lesson_id, start=next(i for i, s in enumerate(app.library.lessons[lesson_id].steps)
                                       if s.id == step_id))
        pilot = Pilot(app)

        walk_and_check_fit(pilot, size, problems)
    assert problems == {}
