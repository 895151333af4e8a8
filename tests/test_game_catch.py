"""`catch` (接一接): deterministic from its seed; a scripted pointer catches exactly the things
under it; keys move the basket a lane at a time; the pace follows the lesson's age band."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind

from .support.camera_reading import reading_camera
from .support.feedback import bare_citations, laid_out, spy
from .support.games import drawn_texts, events, load_step, open_step, scene, where

LESSON, STEP = "games-law-play", "catch-safe"


def start(pilot: Pilot) -> Any:
    sc = scene(pilot)
    assert sc.phase == "ready" and pilot.targets == ["back", "home", "replay", "start"]
    pilot.tap("start")
    assert sc.phase == "play"
    return sc


def park(pilot: Pilot, fx: float, fps: int = 60) -> float:
    """Hold the pointer at fx of the play field until the round ends; where it was, exactly."""
    sc = scene(pilot)
    x0, y0, w, h = sc.field
    pos = (int(x0 + fx * w), y0 + h // 2)
    frames = 0
    while sc.phase == "play":
        if frames % fps == 0:  # once a second, as a mouse that is still (it also keeps the idle timer quiet)
            pilot.frames(1, 1 / fps, [Intent(Kind.POINT, pos, source="mouse")])
        else:
            pilot.frames(1, 1 / fps)
        frames += 1
        assert frames < 70 * fps
    return (pos[0] - x0) / w


@pytest.mark.slow
def test_a_parked_pointer_catches_exactly_the_things_that_fall_on_it(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    app = pilot.app
    sc = start(pilot)
    assert sc.speed == 0.26                                  # the lesson's youngest band, 9-11
    plan = list(sc.plan)
    assert plan == sc.step.schedule(1.6, (sc.field[3] - sc.thing_size) / (sc.speed * sc.field[3]))  # from the seed
    reach = (sc.basket_w / 2 + sc.thing_size * 0.25) / sc.field[2]
    parked = park(pilot, 0.2)
    things = sc.step.things
    expected = [(things[i].id, abs(x - parked) <= reach) for _, i, x in plan]
    results = pilot.screen["results"]
    assert [(r["thing"], r["caught"]) for r in results] == expected
    assert any(caught for _, caught in expected) and not all(caught for _, caught in expected)
    catches = events(app, "answer")  # each fall: the thing, caught ("true") or let fall ("false")
    assert {e["interaction"] for e in catches} == {"true-false"}
    assert [(e["item"], e["option"], e["correct"]) for e in catches] == [
        (t, "true" if c else "false", c == things[i].good) for (t, c), (_, i, _) in zip(expected, plan)]
    score = sum(1 for (t, c), (_, i, _) in zip(expected, plan) if c == things[i].good)
    [result] = events(app, "game_result")
    assert (result["score"], result["max"]) == (score, len(plan))
    assert result["caught_good"] + result["caught_harmful"] == sum(c for _, c in expected)
    assert (app.sessions.current.right, app.sessions.current.answered) == (score, len(plan))
    done = pilot.screen
    assert (done["phase"], done["score"], done["max"]) == ("done", score, len(plan))
    assert pilot.targets == ["back", "home", "next", "replay"]


@pytest.mark.slow
def test_the_same_round_at_any_frame_rate(make_app: Callable[..., App]) -> None:
    rounds = []
    for fps in (60, 12):
        pilot = open_step(make_app, LESSON, STEP)
        start(pilot)
        park(pilot, 0.7, fps)
        rounds.append([(r["thing"], r["caught"]) for r in pilot.screen["results"]])
    assert rounds[0] == rounds[1] and len(rounds[0]) > 20


@pytest.mark.slow
def test_a_pointer_that_follows_the_good_things_gets_them_all(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    sc = start(pilot)
    x0, y0, w, h = sc.field
    while sc.phase == "play":
        coming = [f for f in sc.falling if not f.landed and sc.step.things[f.index].good]
        if coming:
            lowest = max(coming, key=lambda f: f.y)
            pilot.send(Intent(Kind.POINT, (int(x0 + lowest.x * w), y0 + h // 2), source="touch"))
        else:
            pilot.frames(1)
    results = pilot.screen["results"]
    good = [r for r in results if r["good"]]
    assert good and all(r["caught"] for r in good)
    assert pilot.screen["score"] >= len(results) - 2   # a harmful one may land right beside a good one


@pytest.mark.parametrize("lesson, step, band", [("little-shopper", "catch-shop", "6-8"), (LESSON, STEP, "9-11")])
def test_the_summary_gives_each_why_larger_than_the_laws(make_app: Callable[..., App], monkeypatch: pytest.MonkeyPatch,
                                                         lesson: str, step: str, band: str) -> None:
    pilot = open_step(make_app, lesson, step, band=band)
    bursts = spy(monkeypatch, "star_burst")
    sc = start(pilot)
    park(pilot, 0.3, fps=10)
    caught = [r for r in sc.results if r["caught"] and r["good"]]
    assert caught and len(bursts) > 0                          # a good catch sends stars from the basket
    assert pilot.screen["stars"] == sc.score                   # every right move in this lesson so far
    boxes = laid_out(pilot)
    names = [pilot.app.ui.text(t.name) for t in sc.step.things if not t.good]
    whys = [b for b in boxes if any(b.text.startswith(name + "：") for name in names)]
    laws = [b for b in boxes if "《" in b.text]
    assert len(whys) == len(names) and len(laws) == 1          # the laws in one line at the foot
    assert min(b.fitted.size for b in whys) > laws[0].fitted.size
    if band == "6-8":
        assert laws[0].text.startswith("给大人看：") and bare_citations(boxes) == []
    else:
        assert laws[0].text.startswith("《")


def test_arrow_keys_move_the_basket_a_lane(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    pilot.key(Kind.SELECT)                             # Enter presses the focused Start
    sc = scene(pilot)
    assert sc.phase == "play" and sc.target_x == 0.5
    pilot.key(Kind.FOCUS, "right")
    pilot.key(Kind.FOCUS, "right")
    assert sc.target_x == pytest.approx(0.5 + 2 / 6)
    pilot.wait(0.5)
    assert pilot.screen["basket_x"] == pytest.approx(0.5 + 2 / 6, abs=0.01)
    for _ in range(5):
        pilot.key(Kind.FOCUS, "left")
    assert sc.target_x == pytest.approx(0.0)          # never off the field


@pytest.mark.slow
def test_a_raised_hand_starts_and_next_skips(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    pilot.send(Intent(Kind.RAISE, value="left", source="gesture"))
    assert scene(pilot).phase == "play"
    pilot.wait(10.0)
    pilot.key(Kind.NEXT)
    assert pilot.screen["step_id"] == "wrap-up"
    [result] = events(pilot.app, "game_result")
    assert result["skipped"] is True and result["max"] >= 3


def test_hands_are_asked_for_only_while_the_camera_reads_hands(make_app: Callable[..., App]) -> None:
    touch = open_step(make_app, LESSON, STEP)
    assert touch.app.hint_for(scene(touch)) == "摸一摸「开始」"                 # once said "...或者举起手"
    hands = open_step(make_app, LESSON, STEP, gestures=reading_camera())
    assert hands.app.hint_for(scene(hands)) == "摸一摸「开始」，或者把手停在上面"


def test_the_time_left_is_a_labelled_picture_not_digits(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    sc = start(pilot)
    x, y, w, h = sc.field
    corner = pygame.Rect(x, y, w // 3, h // 6)                   # where the clock face is

    def gold() -> int:
        face = pilot.app.surface.subsurface(corner)
        return sum(1 for i in range(0, corner.w, 2) for j in range(0, corner.h, 2)
                   if face.get_at((i, j))[:3] in (pilot.app.ui.theme.gold, pilot.app.ui.theme.gentle))

    pilot.wait(1.0, frames=10)
    texts, early = drawn_texts(pilot), gold()
    assert "剩下的时间" in texts                                   # labelled
    assert not [t for t in texts if re.fullmatch(r"[\d\s:：.秒s]+", t)]  # no bare countdown digits
    pilot.wait(sc.step.seconds * 0.6, frames=30)
    assert 0 < gold() < early * 0.6                              # the slice shrinks with the time left


def test_pace_by_band_and_override(tmp_path: Path) -> None:
    lesson, errors, _ = load_step(tmp_path, CATCH)
    assert errors == []
    step = lesson.steps[1]
    assert step.pace(["9-11"]) == (0.26, 1.6) and step.pace(["12-15", "6-8"]) == (0.20, 2.0)
    faster = CATCH.replace("    seconds: 30\n", "    seconds: 30\n    speeds: {6-8: 0.15}\n")
    lesson, errors, _ = load_step(tmp_path, faster)
    assert lesson.steps[1].pace(["6-8"]) == (0.15, 2.0) and lesson.steps[1].pace(["12-15"]) == (0.33, 1.3)
    assert step.schedule(1.6, 3.0) == step.schedule(1.6, 3.0)
    other = load_step(tmp_path, CATCH.replace("    seconds: 30\n", "    seconds: 30\n    seed: 7\n"))[0].steps[1]
    assert other.schedule(1.6, 3.0) != step.schedule(1.6, 3.0)


CATCH = """\
  - id: c1
    type: catch
    prompt: 接一接
    seconds: 30
    things:
      - {id: apple, name: 苹果, good: true, icon: apple, explanation: 好。}
      - {id: smoke, name: 香烟, good: false, icon: cigarette, explanation: 不好。}
"""


def test_validation_errors_are_located(tmp_path: Path) -> None:
    broken = CATCH.replace("good: false, icon: cigarette", "good: true, icon: cigarette, picture: images/bg-room.svg") \
        + "      - {id: apple, name: 又一个, good: true, explanation: 没有图。}\n"
    broken = broken.replace("    seconds: 30\n", "    seconds: 30\n    speeds: {9-11: 2.5}\n")
    lesson, errors, text = load_step(tmp_path, broken)
    assert lesson is None
    assert errors == [
        f"{where(text, '2.5')}: speed 2.5 for 9-11 is outside 0.05-1 play-field heights a second",
        f"{where(text, '- {id: apple')}: give at least one thing to catch (good: true) and one to let pass "
        "(good: false)",
        f"{where(text, '{id: smoke')}: a thing needs exactly one of `icon` (one of: apple, milk, book, ball, helmet, "
        "water, cigarette, beer, knife, lottery) or `picture`",
        f"{where(text, '{id: apple, name: 又一个')}: a thing needs exactly one of `icon` (one of: apple, milk, book, "
        "ball, helmet, water, cigarette, beer, knife, lottery) or `picture`",
        f"{where(text, 'apple', 3)}: duplicate thing id 'apple'",
    ]


@pytest.mark.parametrize("change, needle, message", [
    ("seconds: 30", "90", "steps[2].seconds: expected less than or equal to 60 (got 90)"),
    ("icon: apple", "pear", "steps[2].things[1].icon: expected 'apple', 'milk', 'book', 'ball', 'helmet', 'water', "
                            "'cigarette', 'beer', 'knife' or 'lottery' (got 'pear')"),
])
def test_schema_errors_are_located(tmp_path: Path, change: str, needle: str, message: str) -> None:
    _, errors, text = load_step(tmp_path, CATCH.replace(change, change.split(":")[0] + ": " + needle))
    assert errors == [f"{where(text, needle)}: {message}"]
