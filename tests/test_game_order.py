"""`order` (排一排): the step type added through the contract alone. Played by drag, taps, dwell,
keys and raised hands into the right order; checked once; kind feedback per misplaced card."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind

from .support.camera_reading import reading_camera
from .support.feedback import bare_citations, laid_out, moved_buttons, sounds, spy
from .support.games import centre, events, load_step, open_step, scene, tap_at, where
from .support.lesson import play_until_results

LESSON, STEP = "order-step-by-step", "order-bullied"
RIGHT = ["get-safe", "tell-adult", "say-what", "school-acts"]


def card_at(pilot: Pilot, place: int) -> tuple[int, int]:
    return centre(scene(pilot).places[place])


def test_ordering_by_every_input_then_checking(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    app = pilot.app
    sc = scene(pilot)
    shown = pilot.screen
    assert (shown["type"], shown["phase"], shown["right_order"]) == ("order", "order", RIGHT)
    assert shown["order"] != RIGHT and sorted(shown["order"]) == sorted(RIGHT)   # shuffled, the same every time
    assert shown["buttons"] == [f"card:{c}" for c in shown["order"]] + ["check"]

    def put(card: str, place: int, how: str) -> None:
        here = sc.order.index(card)
        if how == "drag":
            a, b = card_at(pilot, here), card_at(pilot, place)
            pilot.send(Intent(Kind.PRESS, a, source="touch"), Intent(Kind.POINT, (b[0], b[1] + 30), source="touch"))
            assert sc.held == card and sc.drag is not None              # lifted and following the finger
            pilot.send(Intent(Kind.SELECT, (b[0], b[1] + 30), source="touch"))
        elif how == "taps":
            tap_at(pilot, card_at(pilot, here))
            assert sc.held == card and sc.group.by_id(f"card:{card}").mark == "chosen"
            tap_at(pilot, card_at(pilot, place))
        elif how == "dwell":                        # a hand held still selects where it rests: no press
            pilot.send(Intent(Kind.SELECT, card_at(pilot, here), source="gesture"))
            assert sc.held == card
            pilot.send(Intent(Kind.SELECT, card_at(pilot, place), source="gesture"))
        else:                                       # a number key picks it up; arrows or raised hands move it
            pilot.key(Kind.CHOOSE, here + 1)
            side = "left" if place < here else "right"
            for _ in range(abs(place - here)):
                pilot.send(Intent(Kind.FOCUS if how == "keys" else Kind.RAISE, None, side,
                                  "key" if how == "keys" else "gesture"))
            pilot.key(Kind.SELECT)
        assert sc.held is None and sc.order.index(card) == place

    for (card, how) in zip(RIGHT, ("drag", "raise", "taps", "keys")):
        put(card, RIGHT.index(card), how)
    put(RIGHT[3], 0, "dwell")                       # wander off, and come back
    put(RIGHT[3], 3, "keys")
    assert sc.order == RIGHT and events(app, "answer") == []    # moving cards is not answering
    pilot.tap("check")
    done = pilot.screen
    assert (done["phase"], done["correct"]) == ("feedback", True)
    [answer] = events(app, "answer")
    assert (answer["item"], answer["option"], answer["correct"], answer["interaction"], answer["step"]) == (
        STEP, ",".join(RIGHT), True, "sequencing", STEP)
    assert (app.sessions.current.right, app.sessions.current.answered) == (1, 1)
    assert all(b.mark == "right" for b in sc.group.buttons)
    assert pilot.targets == ["back", "home", "next", "replay"]


def test_a_held_card_asks_for_a_raised_hand_only_while_the_camera_reads_hands(make_app: Callable[..., App]) -> None:
    for camera, hint in [(None, "摸一摸要放的位置"), (reading_camera(), "摸要放的位置，或举手挪一挪")]:
        pilot = open_step(make_app, LESSON, STEP, gestures=camera)
        tap_at(pilot, card_at(pilot, 0))
        assert scene(pilot).held is not None and scene(pilot).hint == hint


def test_a_wrong_order_says_kindly_where_each_misplaced_card_goes(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    sc = scene(pilot)
    first = list(sc.order)
    pilot.tap("check")
    [answer] = events(pilot.app, "answer")
    assert (answer["option"], answer["correct"]) == (",".join(first), False)
    assert answer["placed"] == sum(a == b for a, b in zip(first, RIGHT))
    for place, card in enumerate(first):
        b = sc.group.by_id(f"card:{card}")
        if card == RIGHT[place]:
            assert b.mark == "right" and b.sublabel is None
        else:
            assert b.mark == "gentle" and b.sublabel == f"应是第{RIGHT.index(card) + 1}步"
    assert pilot.app.sessions.current.answered == 1 and pilot.app.sessions.current.right == 0
    pilot.tap("next")                                          # on to the next step; back again shows the same
    pilot.key(Kind.BACK)
    assert pilot.screen["phase"] == "feedback" and len(events(pilot.app, "answer")) == 1


def test_after_the_check_the_cards_in_place_tick_the_others_wobble(make_app: Callable[..., App],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pilot = open_step(make_app, LESSON, STEP, band="6-8")
    sc = scene(pilot)
    ticks = spy(monkeypatch, "tick_badge")
    pilot.tap("check")                                           # the shuffled order: some cards misplaced
    right = {f"card:{c}" for c, r in zip(sc.order, RIGHT) if c == r}
    misplaced = {f"card:{c}" for c, r in zip(sc.order, RIGHT) if c != r}
    assert misplaced and moved_buttons(monkeypatch, pilot, 20) == misplaced
    centres = {c for c, _ in ticks}                            # one tick on each card in its place
    assert right and len(centres) == len(right)
    assert all(any(pygame.Rect(sc.group.by_id(b).rect).collidepoint(c) for b in right) for c in centres)
    boxes = laid_out(pilot)
    assert "给大人看：《未成年人保护法》第三十九条" in [b.text for b in boxes] and bare_citations(boxes) == []
    assert pilot.screen["stars"] == 0


def test_the_right_order_wins_a_star_and_a_burst(make_app: Callable[..., App], monkeypatch: pytest.MonkeyPatch) -> None:
    pilot = open_step(make_app, LESSON, STEP, band="9-11")
    sc, played = scene(pilot), sounds(pilot)
    bursts = spy(monkeypatch, "star_burst")
    rng = random.Random(3)
    while sc.order != RIGHT:
        pilot.send(*(sc.walk(rng, 1.0) or []))
    pilot.tap("check")
    assert pilot.screen["correct"] and pilot.screen["stars"] == 1 and bursts
    pilot.wait(0.6, frames=6)
    assert played[-2:] == ["right", "reward"]
    assert pilot.screen["basis"] == "《未成年人保护法》第三十九条"


def test_the_lesson_results_word_the_activity(make_app: Callable[..., App]) -> None:
    app = make_app(content=Path("content"))
    app.start_session()
    app.play(LESSON)
    pilot = Pilot(app)
    rng = random.Random(3)
    play_until_results(pilot, rng, 1.0, 60, 0.3, 2)
    results = pilot.screen
    assert results["screen"] == "results" and (results["right"], results["total"]) == (2, 2)
    assert results["lines"] == ["排对了 2 次，一共排了 2 次"]


def test_validate_finds_what_an_author_can_get_wrong(tmp_path: Path) -> None:
    _, errors, text = load_step(tmp_path, """\
  - type: order
    prompt: 排一排
    explanation: 为什么
    cards:
      - {id: a, text: 第一}
      - {id: a, text: 第二}
      - {text: 第一}
""")
    line = where(text, "id: a", 2).split(":")[0]   # each problem at its card's line
    assert any(e.startswith(f"{line}:") and "duplicate card id 'a' (also card 1)" in e for e in errors), errors
    assert any("card 3 says the same as card 1" in e for e in errors), errors
    _, errors, _ = load_step(tmp_path, """\
  - type: order
    prompt: 排一排
    explanation: 为什么
    cards:
      - {text: 第一}
      - {text: 第二}
""")
    assert any("at least 3" in e for e in errors)
