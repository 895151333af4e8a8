"""`sort` (分一分): played by swipe, drag, touch, keys and raised hands to a known score."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind

from .support.camera_reading import reading_camera
from .support.feedback import bare_citations, laid_out, sounds, spy
from .support.games import centre, events, load_step, open_step, scene, tap_at, where

LESSON, STEP = "games-law-play", "sort-behaviour"
# the demo's cards in order and their right boxes
CARDS = [("smoke-drink", "bad"), ("knife", "serious"), ("truancy", "bad"), ("hitting", "serious"),
         ("online", "bad"), ("extort", "serious"), ("night-out", "bad"), ("theft", "serious")]


def next_card(pilot: Pilot) -> None:
    pilot.wait(0.3, frames=2)        # the card glides into its box, then the why is shown
    assert scene(pilot).phase == "feedback"
    pilot.tap("next")


def test_sorting_by_every_input_to_a_known_score(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    app = pilot.app
    sc = scene(pilot)
    shown = pilot.screen
    assert (shown["type"], shown["phase"], shown["item"], shown["bins"]) == ("sort", "sort", "smoke-drink",
                                                                             ["bad", "serious"])
    assert shown["buttons"] == ["bin:bad", "bin:serious"]
    assert sc.hint == "摸一摸，把它放进筐里"                 # no camera: no waving
    assert any(g.raisable for g in sc.groups())          # two boxes side by side: a raised hand chooses

    pilot.send(Intent(Kind.SWIPE, value="left", source="touch"))             # 1 swipe left: bad (right)
    pilot.wait(0.3, frames=2)
    fb = pilot.screen
    assert (fb["phase"], fb["right_bin"], fb["basis"]) == ("feedback", "bad", "《预防未成年人犯罪法》第二十八条")
    assert fb["explanation"].startswith("抽烟、喝酒")
    assert pilot.targets == ["back", "home", "next", "replay"]
    pilot.tap("next")

    card = tuple(map(int, sc.card_home))                                     # 2 drag onto serious (right)
    box = centre(sc.group.by_id("bin:serious").rect)
    pilot.send(Intent(Kind.PRESS, card, source="mouse"), Intent(Kind.POINT, (box[0], box[1] - 40), source="mouse"))
    assert sc.dragging and sc.group.by_id("bin:serious").hover
    pilot.send(Intent(Kind.SELECT, (box[0], box[1] - 40), source="mouse"))
    next_card(pilot)

    tap_at(pilot, centre(sc.group.by_id("bin:serious").rect))                # 3 touch serious (wrong: bad)
    pilot.wait(0.3, frames=2)
    assert pilot.screen["placed"][-1] == {"item": "truancy", "bin": "serious", "correct": False}
    assert sc.group.by_id("bin:bad").mark == "right" and sc.group.by_id("bin:serious").mark == "gentle"
    pilot.tap("next")

    pilot.key(Kind.CHOOSE, 2)                                                # 4 key 2: serious (right)
    next_card(pilot)
    pilot.key(Kind.FOCUS, "right")                                           # 5 arrow + Enter: bad (right)
    pilot.key(Kind.SELECT)
    next_card(pilot)
    pilot.send(Intent(Kind.RAISE, value="right", source="gesture"))         # 6 right hand: serious (right)
    next_card(pilot)
    pilot.send(Intent(Kind.RAISE, value="left", source="gesture"))          # 7 left hand: bad (right)
    next_card(pilot)
    pilot.send(Intent(Kind.SWIPE, value="left", source="touch"))             # 8 swipe left: bad (wrong)
    pilot.wait(0.3, frames=2)
    assert pilot.screen["phase"] == "feedback"
    pilot.tap("next")

    done = pilot.screen
    assert (done["phase"], done["score"], done["max"]) == ("done", 6, 8)
    assert pilot.targets == ["back", "home", "next", "replay"]
    sorts = events(app, "answer")  # one answer event per card: the card, the box chosen, its interaction type
    assert {e["interaction"] for e in sorts} == {"choice"}
    assert [(e["item"], e["option"], e["correct"], e["input"]) for e in sorts] == [
        ("smoke-drink", "bad", True, "touch"), ("knife", "serious", True, "mouse"),
        ("truancy", "serious", False, "touch"), ("hitting", "serious", True, "key"),
        ("online", "bad", True, "key"), ("extort", "serious", True, "gesture"),
        ("night-out", "bad", True, "gesture"), ("theft", "bad", False, "touch")]
    assert all(e["step"] == STEP and e["lesson"] == LESSON and e["response_ms"] > 0 for e in sorts)
    result = events(app, "game_result")
    assert [(e["step"], e["score"], e["max"]) for e in result] == [(STEP, 6, 8)]
    session = app.sessions.current
    assert (session.right, session.answered) == (6, 8)
    pilot.tap("next")
    assert pilot.screen["type"] == "match"


def test_a_6_8_child_sees_the_card_wobble_or_tick_and_the_law_only_for_grown_ups(
        make_app: Callable[..., App], monkeypatch: pytest.MonkeyPatch) -> None:
    pilot = open_step(make_app, "little-shopper", "sort-ask", band="6-8")
    sc, played = scene(pilot), sounds(pilot)
    ticks, bursts = spy(monkeypatch, "tick_badge"), spy(monkeypatch, "star_burst")
    stars = pilot.screen["stars"]
    pilot.key(Kind.CHOOSE, 2)                      # a pencil into "ask first": wrong
    pilot.wait(0.26, frames=2)
    assert pilot.screen["phase"] == "feedback" and played == ["wrong"]
    side = pygame.Rect(sc._feedback_rects()[0]).inflate(40, 0)

    def card_pixels() -> bytes:
        return pygame.image.tobytes(pilot.app.surface.subsurface(side), "RGB")
    shaking = []
    for _ in range(20):
        pilot.frames(1)
        shaking.append(card_pixels())
    pilot.wait(1.0, frames=5)
    assert any(seen != card_pixels() for seen in shaking)   # the card just placed wobbled, then was still
    boxes = laid_out(pilot)
    assert "给大人看：《民法典》第十九条" in [b.text for b in boxes]
    assert bare_citations(boxes) == [] and not any("法律这样说" in b.text for b in boxes)
    assert pilot.screen["basis"] == "给大人看：《民法典》第十九条"
    assert ticks == [] and bursts == [] and pilot.screen["stars"] == stars
    pilot.tap("next")
    pilot.key(Kind.CHOOSE, 2)                      # a computer into "ask first": right
    pilot.wait(0.26, frames=2)
    assert pilot.screen["stars"] == stars + 1
    assert ticks and all(side.collidepoint(centre) for centre, _ in ticks)   # the tick on the card placed
    assert bursts and side.collidepoint(bursts[0][0])                        # the stars fly from it
    pilot.wait(0.6, frames=6)
    assert played[-2:] == ["right", "reward"]


def test_an_older_child_sees_the_law_in_full(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, "little-shopper", "sort-ask", band="9-11")
    pilot.key(Kind.CHOOSE, 1)
    pilot.wait(0.26, frames=2)
    texts = [b.text for b in laid_out(pilot)]
    assert "《民法典》第十九条" in texts and any(t.startswith("法律这样说") for t in texts)


def test_waving_is_offered_only_while_the_camera_reads_hands(make_app: Callable[..., App]) -> None:
    assert scene(open_step(make_app, LESSON, STEP, gestures=reading_camera())).hint == "挥一挥，或摸一摸筐"
    unplugged = open_step(make_app, LESSON, STEP, gestures=reading_camera(status="retrying"))
    assert scene(unplugged).hint == "摸一摸，把它放进筐里"


def test_a_drop_outside_the_boxes_puts_the_card_back(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    sc = scene(pilot)
    home = tuple(map(int, sc.card_home))
    pilot.send(Intent(Kind.PRESS, home, source="touch"), Intent(Kind.POINT, (home[0] + 50, home[1] - 30), "touch"))
    assert sc.card_at != sc.card_home
    pilot.send(Intent(Kind.SELECT, (home[0] + 50, home[1] - 30), source="touch"))
    assert sc.card_at == sc.card_home and sc.phase == "sort" and events(pilot.app, "answer") == []


def test_coming_back_shows_the_result_without_counting_again(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    for _, box in CARDS:
        pilot.key(Kind.CHOOSE, 1 if box == "bad" else 2)
        next_card(pilot)
    assert pilot.screen["phase"] == "done" and pilot.screen["score"] == 8
    pilot.tap("next")
    pilot.key(Kind.BACK)
    again = pilot.screen
    assert (again["step_id"], again["phase"], again["score"]) == (STEP, "done", 8)
    assert len(events(pilot.app, "game_result")) == 1 and pilot.app.sessions.current.answered == 8


def test_next_skips_the_game_and_says_so(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    pilot.key(Kind.CHOOSE, 1)
    next_card(pilot)
    pilot.key(Kind.NEXT)
    assert pilot.screen["type"] == "match"
    assert [(e["score"], e["max"], e["skipped"]) for e in events(pilot.app, "game_result")] == [(1, 8, True)]


def test_narration_says_exactly_the_spoken_texts(make_app: Callable[..., App]) -> None:
    said: list[str] = []

    class Narrator:
        enabled, slower = True, False

        def narrate(self, text: str, persona: str | None = None, recorded: object = None) -> None:
            said.append(text)

        def replay(self) -> None: ...

        def stop(self) -> None: ...

        def caption(self, now: float | None = None) -> str:
            return ""

    app = make_app(content=Path(__file__).resolve().parents[1] / "content", narrator=Narrator())
    lesson = app.library.lessons[LESSON]
    app.play(LESSON, start=1)
    pilot = Pilot(app)
    pilot.key(Kind.CHOOSE, 2)
    spoken = lesson.steps[1].spoken(app.ui.t, "zh")
    assert said == [spoken["open"], spoken["gentle:smoke-drink"]]
    assert spoken["gentle:smoke-drink"].startswith("再想一想哦。它应该放进「不良行为」")


SORT = """\
  - id: s1
    type: sort
    prompt: 分一分
    bins:
      - {id: ok, label: 可以做}
      - {id: ok, label: 不能做}
    items:
      - {text: 过马路看红绿灯, bin: ok, explanation: 对。}
      - {text: 过马路看红绿灯, bin: nope, explanation: 对。}
      - {bin: ok, explanation: 没有字也没有图。}
      - {id: pic, picture: images/none.svg, bin: ok, explanation: 图。}
"""


def test_validation_errors_are_located(tmp_path: Path) -> None:
    lesson, errors, text = load_step(tmp_path, SORT)
    assert lesson is None
    from scenes.sort import SortItem

    derived = SortItem(text="过马路看红绿灯", bin="ok", explanation="对。").id
    assert errors == [
        f"{where(text, 'ok, label: 不能做')}: duplicate box id 'ok'",
        f"{where(text, '{text: 过马路看红绿灯, bin: nope')}: duplicate card id '{derived}' (also card 1); "
        "give each card its own id or text",
        f"{where(text, 'nope')}: box 'nope' is not one of the boxes' ids: ok, ok",
        f"{where(text, '{bin: ok, explanation: 没有字')}: a card needs a text, a picture or both",
        f"{where(text, 'images/none.svg')}: asset file 'images/none.svg' not found in {tmp_path}",
    ]


def test_schema_errors_name_the_field(tmp_path: Path) -> None:
    one_box = SORT.replace("      - {id: ok, label: 不能做}\n", "")
    _, errors, text = load_step(tmp_path, one_box)
    assert errors[0] == f"{where(text, '- {id: ok')}: steps[2].bins: List should have at least 2 items after " \
                        "validation, not 1"
    typo = SORT.replace("    prompt: 分一分\n", "    prompt: 分一分\n    promt: 分\n")
    _, errors, text = load_step(tmp_path, typo)
    assert errors == [f"{where(text, 'promt')}: unknown field 'promt' (did you mean 'prompt'?); expected one of: "
                      "id, title, voice, notes, prompt, persona, type, bins, items"]


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_a_card_s_words_keep_clear_of_its_two_arrows(make_app: Callable[..., App], size: tuple[int, int]) -> None:
    pilot = open_step(make_app, "no-child-labour", "sort-work", size=size, band="12-15")
    sc = scene(pilot)
    boxes: list[tuple[int, int, int, int]] = []
    text, draw = sc.ui.text(sc.step.items[0].text), sc.ui.fonts.draw

    def draw_spy(surface: pygame.Surface, shown: str, rect: tuple[int, int, int, int], *args: object,
                 **kwargs: object) -> object:
        if shown == text:
            boxes.append(rect)
        return draw(surface, shown, rect, *args, **kwargs)

    sc.ui.fonts.draw = draw_spy  # type: ignore[method-assign]
    try:
        pilot.frames(1)
    finally:
        del sc.ui.fonts.draw
    x, _, w, _ = sc.card_rect
    arrow_reach = sc.ui.layout.px(34 + 18)  # each arrow's outer point from the card's edge
    assert boxes and all(b[0] >= x + arrow_reach and b[0] + b[2] <= x + w - arrow_reach for b in boxes)
