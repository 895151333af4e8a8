"""The lesson's guide (issue 18): a judge (or the owl) on every step but a story's (which shows its
judge large), bottom left below every answer and target, talking while the narration plays,
cheering a right answer and encouraging after a wrong one."""
from __future__ import annotations

from typing import Any, Callable

import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.context import SilentNarrator
from kiosk.screens import chrome
from kiosk.screens.camera_overlay import CameraOverlay
from kiosk.screens.guide import MOUTH_HZ, REACTION_SECONDS, Guide
from kiosk.ui import characters

from .support.games import open_step, scene

YOUNG_QUIZ = ("kind-friends", "q-not-your-fault")   # true/false, the answer is "false"
SIZES = [(1920, 1080), (1280, 720), (1080, 1920)]
ONE_OF_EACH = {  # a demo step of every type the guide joins (a story draws its own judge)
    "quiz": YOUNG_QUIZ, "hotspot": ("kind-friends", "find-unkind"), "sort": ("games-law-play", "sort-behaviour"),
    "match": ("games-law-play", "match-ages"), "catch": ("games-law-play", "catch-safe"),
    "branching": ("bad-behaviour", "invite-story"), "order": ("order-court-day", "order-hearing"),
}


class Talking(SilentNarrator):
    """A narrator whose caption the test sets: speaking exactly while it is not empty."""

    def __init__(self) -> None:
        self.text = ""

    def caption(self, now: float | None = None) -> str:
        return self.text


def test_the_guide_talks_reacts_and_calms_down() -> None:
    guide = Guide()
    assert guide.expression(0.0, speaking=False) == "neutral"
    assert guide.expression(0.0, speaking=True) == "talk"
    guide.hear("right", perfect=True, now=1.0)
    assert guide.expression(1.1, speaking=True) == "cheer"
    assert guide.lift(1.25, speaking=False) > 0.5                  # a hop of joy
    assert guide.expression(1.0 + REACTION_SECONDS + 0.1, speaking=True) == "talk"
    guide.hear("right", perfect=False, now=5.0)
    assert guide.expression(5.0, speaking=False) == "happy"          # right after a slip: glad, not cheering
    guide.hear("select", perfect=False, now=5.5)
    assert guide.expression(5.5, speaking=False) == "happy"          # a tap's click is no answer
    guide.hear("retry", perfect=False, now=6.0)
    assert guide.expression(6.0, speaking=False) == "encourage"
    guide.forget()
    assert guide.expression(6.1, speaking=False) == "neutral"


def test_the_mouth_moves_while_talking_but_slower_than_three_times_a_second() -> None:
    guide = Guide()
    faces = [guide.face(t / 120, speaking=True) for t in range(120)]   # one second at 120 fps
    openings = sum(1 for a, b in zip(faces, faces[1:]) if (a, b) == ("neutral", "talk"))
    assert set(faces) == {"talk", "neutral"} and 1 <= openings <= 3 and MOUTH_HZ <= 3
    assert max(guide.lift(t / 120, speaking=True) for t in range(120)) > 0     # and a gentle bob
    assert guide.lift(0.3, speaking=False) == 0.0


def test_a_right_answer_is_cheered_then_the_guide_calms(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *YOUNG_QUIZ, band="9-11")
    assert pilot.screen["guide"] == "neutral"
    pilot.tap("false")
    assert pilot.screen["guide"] == "cheer"
    pilot.wait(2 * REACTION_SECONDS + 0.5)   # the star's "reward" sound on landing cheers once more, then calm
    assert pilot.screen["guide"] == "neutral"


def test_a_wrong_answer_is_encouraged_and_the_retry_s_right_one_gladdens(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *YOUNG_QUIZ, band="6-8")
    pilot.tap("true")
    assert pilot.screen["guide"] == "encourage"
    pilot.tap("false")                                   # the retry: right, after a slip
    assert pilot.screen["guide"] == "happy"


def test_the_guide_talks_and_moves_its_mouth_while_the_caption_is_up(make_app: Callable[..., App],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    narrator = Talking()
    pilot = open_step(make_app, *YOUNG_QUIZ, narrator=narrator)
    faces: list[str] = []
    real = characters.character_image

    def noting(persona: str, expression: str, size: int) -> Any:
        faces.append(expression)
        return real(persona, expression, size)

    monkeypatch.setattr(characters, "character_image", noting)
    narrator.text = "你好呀！"
    pilot.wait(1.0, frames=30)
    assert pilot.screen["guide"] == "talk" and {"talk", "neutral"} <= set(faces)
    narrator.text = ""
    faces.clear()
    pilot.wait(0.5, frames=10)
    assert pilot.screen["guide"] == "neutral" and set(faces) == {"neutral"}


def test_a_story_shows_its_judge_once_with_the_guide_s_face(make_app: Callable[..., App],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    narrator = Talking()
    pilot = open_step(make_app, "kind-friends", "intro", narrator=narrator)
    small: list[str] = []
    monkeypatch.setattr(chrome, "guide", lambda *args, **kwargs: small.append("drawn"))
    narrator.text = "你好呀！"
    pilot.wait(0.5, frames=10)
    assert pilot.screen["type"] == "story" and pilot.screen["guide"] == "talk"
    assert small == []                              # the story's own large judge only
    assert scene(pilot).ctx.guide() in ("talk", "neutral")


@pytest.mark.parametrize("size", SIZES)
def test_the_guide_covers_no_answer_or_target_of_any_step_type(make_app: Callable[..., App],
                                                               size: tuple[int, int]) -> None:
    for step_type, (lesson_id, step_id) in ONE_OF_EACH.items():
        pilot = open_step(make_app, lesson_id, step_id, size=size)
        if "start" in pilot.targets:                   # a game's field is there only once it runs
            pilot.tap("start")
            pilot.wait(0.5, frames=3)
        assert pilot.screen["type"] == step_type and pilot.screen["guide"] == "neutral"
        app, sc = pilot.app, scene(pilot)
        gx, gy, gw, gh = guide_box = pygame.Rect(chrome.guide_area(app.ui))
        taken = [*app.targets().values(), *(getattr(sc, name) for name in ("field", "stage") if hasattr(sc, name))]
        assert taken and not any(guide_box.colliderect(rect) for rect in taken), (step_type, size)
        bubble_band = pygame.Rect(app.ui.layout.hint_area)
        assert not any(bubble_band.colliderect(rect) for rect in taken), (step_type, size)
        camera = pygame.Rect(CameraOverlay(app.ui).corner_rect())   # the camera's corner view keeps clear
        assert gx + gw < camera.left and gy + gh == size[1]
