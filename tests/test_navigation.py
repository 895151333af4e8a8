"""Home and Back on every screen a child meets, forward bottom right, and the path of steps."""
from __future__ import annotations

from typing import Callable

import pygame

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.screens import chrome
from kiosk.ui import draw
from kiosk.ui.theme import DEFAULT

from .support.games import open_step
from .support.lesson import start_tiny

GOLD = DEFAULT.gold


def chrome_pair_ok(pilot: Pilot) -> None:
    targets = pilot.app.targets()
    for name in ("home", "back"):
        assert name in targets, f"no {name} on {pilot.screen['screen']}: {sorted(targets)}"
        assert targets[name][3] >= 120, f"{name} is {targets[name][3]} px tall on {pilot.screen['screen']}"


def test_home_from_a_step_ends_the_session_at_the_attract_screen(pilot: Pilot) -> None:
    start_tiny(pilot)
    pilot.tap("next")
    assert pilot.screen["step_id"] == "q-adult"
    pilot.tap("home")
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.sessions.current is None and pilot.app.sessions.finished[-1].end_reason == "back"


def test_back_from_the_first_step_goes_to_the_menu_and_from_a_later_step_one_step(pilot: Pilot) -> None:
    start_tiny(pilot)
    pilot.tap("next")
    pilot.tap("back")
    assert pilot.screen["step_id"] == "hello"
    pilot.tap("back")
    assert pilot.screen["screen"] == "menu" and pilot.screen["band"] is None
    pilot.tap("band:6-8")
    pilot.tap("back")  # the lesson list: back to the age bands
    assert pilot.screen["screen"] == "menu" and pilot.screen["band"] is None
    pilot.tap("back")  # the age bands: back to the start
    assert pilot.screen["screen"] == "attract"


def test_the_pair_is_on_the_menu_a_story_a_quiz_and_results_at_full_size(pilot: Pilot) -> None:
    pilot.tap("start")
    chrome_pair_ok(pilot)                           # the age bands
    pilot.tap("band:6-8")
    chrome_pair_ok(pilot)                           # the lesson list
    pilot.tap("lesson:tiny")
    chrome_pair_ok(pilot)                           # a story, the first step
    pilot.tap("next")
    assert pilot.screen["type"] == "quiz"
    chrome_pair_ok(pilot)
    for option in ("b", "false"):
        pilot.tap(option)
        chrome_pair_ok(pilot)                       # the feedback too
        pilot.tap("next")
    pilot.tap("next")
    assert pilot.screen["screen"] == "results"
    chrome_pair_ok(pilot)


def test_the_pair_is_on_a_game_intro(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, "games-law-play", "catch-safe")
    assert pilot.app.top.scene.phase == "ready"  # type: ignore[attr-defined]
    chrome_pair_ok(pilot)
    pilot.tap("home")
    assert pilot.screen["screen"] == "attract"


def test_forward_is_bottom_right_on_results(pilot: Pilot) -> None:
    start_tiny(pilot)
    for tap in ("next", "b", "next", "false", "next", "next"):
        pilot.tap(tap)
    assert pilot.screen["screen"] == "results"
    lay = pilot.app.ui.layout
    targets = pilot.app.targets()
    x, y, w, h = targets["again"]
    assert x + w >= lay.width * 0.9 and y + h == lay.controls_bottom
    assert all(x >= ox + ow for name, (ox, _, ow, _) in targets.items() if name != "again")
    pilot.tap("again")
    assert pilot.screen["screen"] == "menu"


def test_a_right_answer_puts_a_star_on_its_step_and_a_wrong_one_does_not(pilot: Pilot) -> None:
    start_tiny(pilot)
    pilot.tap("next")
    screen = pilot.app.top
    assert screen.starred == set()  # type: ignore[attr-defined]
    pilot.tap("b")  # right
    assert screen.starred == {1}  # type: ignore[attr-defined]
    screen._tally(2, "quiz", False)  # type: ignore[attr-defined]  # what a wrong answer on q-tf reports
    assert screen.starred == {1}  # type: ignore[attr-defined]


def gold_pixels(surface: pygame.Surface, centre: tuple[int, int], radius: int) -> int:
    return sum(surface.get_at((centre[0] + dx, centre[1] + dy))[:3] == GOLD
               for dx in range(-radius, radius + 1) for dy in range(-radius // 2, radius // 2 + 1))


def test_the_path_draws_a_star_in_the_slot_answered_right() -> None:
    surface = pygame.Surface((600, 60))
    surface.fill((255, 255, 255))
    count, gap = 6, 100
    draw.progress_path(surface, (0, 0, 600, 60), count, 4, {1}, DEFAULT.court_blue, DEFAULT.ink_soft, GOLD)
    centres = [(int(gap * (i + 0.5)), 30) for i in range(count)]
    assert gold_pixels(surface, centres[1], 6) > 10
    assert gold_pixels(surface, centres[2], 6) == 0  # walked, not starred
    assert gold_pixels(surface, centres[5], 6) == 0  # not reached yet


def test_the_path_is_stones_not_a_dash_in_portrait(make_app: Callable[..., App]) -> None:
    """Twelve steps in the portrait title row: each stone still a round stone a child can count."""
    pilot = Pilot(make_app((1080, 1920)))
    start_tiny(pilot)
    screen = pilot.app.top
    ui = pilot.app.ui
    x, y, w, h = chrome.title_area(ui, screen.nav, screen.speaker.buttons[0].rect[0])  # type: ignore[attr-defined]
    assert w / 12 >= ui.layout.px(30)
    surface = pygame.Surface((ui.layout.width, ui.layout.height))
    surface.fill(DEFAULT.background)
    path = (x, y + h * 3 // 5, w, h - h * 3 // 5)
    draw.progress_path(surface, path, 12, 3, set(), DEFAULT.court_blue, DEFAULT.ink_soft, GOLD)
    cy = path[1] + path[3] // 2
    later = [(int(x + w / 12 * (i + 0.5)), cy) for i in range(4, 12)]
    assert all(surface.get_at(c)[:3] == (255, 255, 255) for c in later)  # an open stone: white inside


def test_targets_do_not_overlap_with_the_chrome_at_every_size(make_app: Callable[..., App]) -> None:
    from .test_game_common import targets_ok

    for size in ((1920, 1080), (1280, 720), (1080, 1920)):
        pilot = Pilot(make_app(size))
        pilot.tap("start")
        assert targets_ok(pilot) == [], size
        pilot.tap("band:6-8")
        assert targets_ok(pilot) == [], size
        pilot.tap("lesson:tiny")
        for tap in ("next", "b", "next", "false", "next", "next"):
            assert targets_ok(pilot) == [], (size, pilot.screen.get("step_id"))
            pilot.tap(tap)
        assert pilot.screen["screen"] == "results" and targets_ok(pilot) == [], size
