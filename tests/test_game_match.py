"""`match` (连一连): pairs joined by touch, mouse, hand dwell and keys, to a known score."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind

from .support.feedback import bare_citations, laid_out, moved_buttons, sounds, spy
from .support.games import centre, events, load_step, open_step, scene, tap_at, where

LESSON, STEP = "games-law-play", "match-ages"


def touch(pilot: Pilot, card: str, source: str = "touch") -> None:
    pos = centre(scene(pilot).group.by_id(card).rect)
    if source == "gesture":  # a dwell on a card ends in a SELECT at its centre
        pilot.send(Intent(Kind.POINT, pos, source="gesture"), Intent(Kind.SELECT, pos, source="gesture"))
    else:
        tap_at(pilot, pos, source)


def test_pairs_to_a_known_score(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    app = pilot.app
    shown = pilot.screen
    assert shown["left"] == ["age8", "age12", "age14", "age16", "age18"]
    assert sorted(shown["right"]) == sorted(shown["left"]) and shown["right"] != shown["left"]  # shuffled
    assert shown["right"] == [shown["left"][i] for i in scene(pilot).step.right_order()]
    assert all(a != b for a, b in zip(shown["left"], shown["right"]))  # no partner sits beside its card
    assert len(pilot.targets) == 13  # ten cards, the speaker, Home and Back

    touch(pilot, "L:age8")
    assert pilot.screen["selected"] == "L:age8"
    touch(pilot, "L:age8")                        # the same card again: let go of it
    assert pilot.screen["selected"] is None
    touch(pilot, "L:age12")
    touch(pilot, "L:age8")                        # another on the same side: that one instead
    assert pilot.screen["selected"] == "L:age8"
    touch(pilot, "R:age8")                        # 1 right (touch)
    assert pilot.screen["matched"] == ["age8"] and pilot.screen["last"]["correct"] is True
    assert "L:age8" not in pilot.targets and "R:age8" not in pilot.targets
    touch(pilot, "R:age12", "mouse")               # 2 right, right column first (mouse)
    touch(pilot, "L:age12", "mouse")
    touch(pilot, "L:age14")                       # 3 wrong: fourteen with the e-bike
    touch(pilot, "R:age16")
    wrong = pilot.screen
    assert wrong["last"] == {"left": "age14", "right": "age16", "correct": False}
    assert scene(pilot).group.by_id("L:age14").mark == "gentle"
    pilot.wait(1.0, frames=3)                    # the warm glow fades; both cards are free again
    assert scene(pilot).group.by_id("L:age14").mark is None and "L:age14" in pilot.targets
    touch(pilot, "L:age14", "gesture")           # 4 right, by holding a hand on each card
    touch(pilot, "R:age14", "gesture")
    touch(pilot, "L:age16")                       # 5 right
    touch(pilot, "R:age16")
    group = scene(pilot).group                    # 6 right by keys: the arrows skip cards already joined
    live = [b.id for b in group.buttons if b.enabled]
    assert sorted(live) == ["L:age18", "R:age18"]
    for _ in range(2):
        pilot.key(Kind.FOCUS, "right")
        pilot.key(Kind.SELECT)

    done = pilot.screen
    assert done["done"] and (done["score"], done["max"]) == (3, 5)  # fourteen and sixteen took two tries
    assert pilot.targets == ["back", "home", "next", "replay"]
    pairs = events(app, "answer")  # each try: the left card (the item) and the right card chosen
    assert {e["interaction"] for e in pairs} == {"matching"}
    assert [(e["item"], e["option"], e["correct"], e["input"]) for e in pairs] == [
        ("age8", "age8", True, "touch"), ("age12", "age12", True, "mouse"), ("age14", "age16", False, "touch"),
        ("age14", "age14", True, "gesture"), ("age16", "age16", True, "touch"), ("age18", "age18", True, "key")]
    assert [(e["score"], e["max"], e["mistakes"]) for e in events(app, "game_result")] == [(3, 5, 1)]
    session = app.sessions.current
    assert (session.right, session.answered) == (5, 6)
    pilot.tap("next")
    assert pilot.screen["type"] == "catch"


def test_feedback_explains_right_and_wrong_pairs(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    sc = scene(pilot)
    touch(pilot, "L:age12")
    touch(pilot, "R:age16")
    assert sc.ctx.step.spoken(pilot.app.ui.t, "zh")["gentle:age12"] == "再想一想哦。满十二周岁，可以骑的是没有电的两轮车。"
    touch(pilot, "L:age12")
    touch(pilot, "R:age12")
    spoken = sc.step.spoken(pilot.app.ui.t, "zh")["right:age12"]
    assert spoken.startswith("答对了！「满十二周岁」和「可以骑自行车上路」是一对。在道路上骑自行车，要年满十二周岁")


def test_a_right_pair_ticks_and_wins_a_star_a_wrong_one_wobbles(make_app: Callable[..., App],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pilot = open_step(make_app, LESSON, STEP, band="6-8")
    sc, played = scene(pilot), sounds(pilot)
    ticks, bursts = spy(monkeypatch, "tick_badge"), spy(monkeypatch, "star_burst")
    stars = pilot.screen["stars"]
    touch(pilot, "L:age12")
    touch(pilot, "R:age16")                                   # wrong: both cards wobble softly
    assert moved_buttons(monkeypatch, pilot, 20) == {"L:age12", "R:age16"}
    assert ticks == [] and pilot.screen["stars"] == stars and played == ["wrong"]
    pilot.wait(1.0, frames=5)
    assert moved_buttons(monkeypatch, pilot, 3) == set()     # and then are still
    touch(pilot, "L:age12")
    touch(pilot, "R:age12")                                   # right: a tick on its line, a burst of stars
    assert pilot.screen["stars"] == stars + 1
    assert {centre for centre, _ in ticks} == {sc._tick_at("age12")}
    assert bursts and bursts[-1][0] == sc._tick_at("age12")
    pilot.wait(0.6, frames=6)
    assert played[-2:] == ["right", "reward"]
    boxes = laid_out(pilot)                                   # 6-8: the law in one line for the grown-ups
    assert "给大人看：《道路交通安全法实施条例》第七十二条" in [b.text for b in boxes] and bare_citations(boxes) == []
    older = open_step(make_app, LESSON, STEP)
    touch(older, "L:age12")
    touch(older, "R:age12")
    assert older.screen["basis"] == "《道路交通安全法实施条例》第七十二条"


MATCH = """\
  - id: m1
    type: match
    prompt: 连一连
    pairs:
      - {left: 满八周岁, right: 买文具, explanation: 可以。}
      - {left: 满八周岁, right: 骑自行车, explanation: 不行。}
      - {id: x, left: 满十二周岁, right: 买文具, explanation: 可以。}
      - {id: x, left: 满十六周岁, right: 骑电动自行车, explanation: 可以。}
"""


def test_validation_errors_are_located(tmp_path: Path) -> None:
    lesson, errors, text = load_step(tmp_path, MATCH)
    assert lesson is None
    assert errors == [
        f"{where(text, '{left: 满八周岁, right: 骑自行车')}: duplicate pair id 'p{stable('满八周岁')}' (also pair 1); "
        "give each pair its own id or left text",
        f"{where(text, '满八周岁', 2)}: the left card '满八周岁' is the same as pair 1's: a child could not tell "
        "which is meant",
        f"{where(text, '买文具', 2)}: the right card '买文具' is the same as pair 1's: a child could not tell "
        "which is meant",
        f"{where(text, 'x, left: 满十六周岁')}: duplicate pair id 'x' (also pair 3); give each pair its own id or left text",
    ]


def stable(text: str) -> str:
    from kiosk.content.text import stable_id

    return stable_id(text)


def test_too_few_or_too_many_pairs(tmp_path: Path) -> None:
    one = MATCH.split("      - {left: 满八周岁, right: 骑自行车")[0]
    _, errors, text = load_step(tmp_path, one)
    assert errors == [f"{where(text, '- {left')}: steps[2].pairs: List should have at least 2 items after "
                      "validation, not 1"]
    six = one + "".join(f"      - {{left: 左{i}, right: 右{i}, explanation: 对。}}\n" for i in range(5))
    _, errors, text = load_step(tmp_path, six)
    assert errors == [f"{where(text, '- {left')}: steps[2].pairs: List should have at most 5 items after "
                      "validation, not 6"]
