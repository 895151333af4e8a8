"""`hotspot` (找一找): find the dangers in a panorama by touch, mouse, hand dwell and keys; the
picture pans with the pointer at its edges or a drag; misses end the round; misses shown at the end."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind

from .support.camera_reading import reading_camera
from .support.feedback import bare_citations, laid_out, sounds, spy
from .support.games import drawn_texts, events, load_step, open_step, scene, tap_at, where

LESSON, STEP = "games-safe-scenes", "find-street"


def area(pilot: Pilot, area_id: str) -> Any:
    return next(a for a in scene(pilot).step.areas if a.id == area_id)


def pan_to(pilot: Pilot, area_id: str) -> tuple[int, int]:
    """Hold the mouse near the stage's edge until the area is well inside the view; its centre."""
    sc = scene(pilot)
    sx, sy, sw, sh = sc.stage
    for _ in range(600):
        x, y = sc.to_screen(*area(pilot, area_id).centre())
        if sx + sw * 0.15 <= x <= sx + sw * 0.85:
            pilot.send(Intent(Kind.POINT, (sx + sw // 2, sy + sh // 2), source="mouse"))  # stop panning
            return sc.to_screen(*area(pilot, area_id).centre())
        edge = sx + 5 if x < sx + sw * 0.15 else sx + sw - 5
        pilot.send(Intent(Kind.POINT, (edge, sy + sh // 2), source="mouse"))
    raise AssertionError(f"could not bring {area_id} into view")


def test_finding_by_every_input_to_a_known_score(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    app = pilot.app
    sc = scene(pilot)
    shown = pilot.screen
    assert (shown["type"], shown["phase"], shown["panorama"], shown["view"]) == ("hotspot", "find", True, 0.5)
    assert shown["areas"] == ["manhole", "red-light", "ball", "e-bike", "cigarettes"]
    assert pilot.targets == ["back", "done_looking", "home", "replay"]  # the hidden areas are not buttons: nothing gives them away
    assert sc.hint == "找到就摸一摸，拖动画面看两边"  # no camera: touch words

    tap_at(pilot, pan_to(pilot, "manhole"), "mouse")                  # 1 a click
    assert pilot.screen["found"] == ["manhole"] and pilot.screen["view"] < 0.5  # panned to the left
    assert pilot.screen["explanation"].startswith("井盖开着")
    tap_at(pilot, pan_to(pilot, "red-light"), "touch")                # 2 a touch
    assert pilot.screen["basis"] == "给大人看：《道路交通安全法》"    # 6-8: for the grown-ups, without an article
    sx, sy, sw, sh = sc.stage
    tap_at(pilot, (sx + sw // 2, sy + 20), "touch")                   # a miss: the sky
    assert pilot.screen["misses"] == 1 and "explanation" not in pilot.screen
    ball = pan_to(pilot, "ball")                                     # 3 a hand held still on it
    pilot.send(Intent(Kind.POINT, ball, source="gesture"))
    pilot.wait(0.6, frames=6)
    assert "ball" not in pilot.screen["found"]
    pilot.wait(0.8, frames=8)
    assert pilot.screen["found"][-1] == "ball"
    target = pan_to(pilot, "e-bike")                                 # 4 the keyboard crosshair
    pilot.key(Kind.FOCUS, "down")
    cx, cy = sc.cursor
    step = app.ui.layout.px(90)
    while abs(cx - target[0]) > step // 2 or abs(cy - target[1]) > step // 2:
        direction = ("right" if cx < target[0] else "left") if abs(cx - target[0]) > step // 2 else \
            ("down" if cy < target[1] else "up")
        pilot.key(Kind.FOCUS, direction)
        cx, cy = sc.cursor
    pilot.key(Kind.SELECT)
    assert pilot.screen["found"][-1] == "e-bike"
    pilot.tap("done_looking")                                         # the cigarettes stay hidden
    done = pilot.screen
    assert (done["phase"], done["score"], done["max"], done["missed"]) == ("done", 4, 5, ["cigarettes"])
    assert pilot.targets == ["back", "home", "next", "replay"]
    found = [e for e in events(app, "answer") if e["option"] == "found"]
    assert [(e["item"], e["input"], e["correct"]) for e in found] == [
        ("manhole", "mouse", True), ("red-light", "touch", True), ("ball", "gesture", True), ("e-bike", "key", True)]
    missed = [e for e in events(app, "answer") if e["option"] == "missed"]
    assert [(e["item"], e["correct"], e["interaction"]) for e in missed] == [("cigarettes", False, "other")]
    assert [(e["input"], e["y"] < 0.1) for e in events(app, "miss")] == [("touch", True)]
    result = events(app, "game_result")
    assert [(e["score"], e["max"], e["misses"], e["missed"]) for e in result] == [(4, 5, 1, ["cigarettes"])]
    assert (app.sessions.current.right, app.sessions.current.answered) == (4, 5)  # one answer per area

    tap_at(pilot, pan_to(pilot, "cigarettes"), "touch")               # afterwards: touch a missed one to learn why
    assert pilot.screen["explanation"].startswith("商店不能把烟、酒卖给未成年人")
    assert len(events(app, "answer")) == 5 and len(events(app, "game_result")) == 1
    pilot.tap("next")
    assert pilot.screen["type"] == "branching"


def test_a_drag_pans_and_is_not_a_touch(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    sc = scene(pilot)
    sx, sy, sw, sh = sc.stage
    before = sc.view
    start = (sx + sw // 2, sy + sh // 3)
    pilot.send(Intent(Kind.PRESS, start, source="touch"))
    for k in range(1, 6):
        pilot.send(Intent(Kind.POINT, (start[0] - 60 * k, start[1]), source="touch"))
    pilot.send(Intent(Kind.SELECT, (start[0] - 300, start[1]), source="touch"))
    assert sc.view == pytest.approx(before + 300 - 0, abs=61)       # the picture followed the finger
    assert events(pilot.app, "miss") == [] and events(pilot.app, "area_found") == []
    pilot.send(Intent(Kind.SWIPE, value="right", source="touch"))   # a swipe turns half a view
    assert sc.view == pytest.approx(max(0.0, before + 300 - sw / 2), abs=61)


def test_the_round_ends_when_the_tries_are_used_up(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    sc = scene(pilot)
    sx, sy, sw, _ = sc.stage
    for k in range(6):
        assert pilot.screen["phase"] == "find"
        tap_at(pilot, (sx + sw // 3 + k * 10, sy + 15), "touch")
    done = pilot.screen
    assert (done["phase"], done["misses"], done["missed"]) == ("done", 6, done["areas"])
    assert [(e["score"], e["misses"]) for e in events(pilot.app, "game_result")] == [(0, 6)]
    assert pilot.app.sessions.current.answered == 5 and pilot.app.sessions.current.right == 0


def test_the_round_ends_when_the_time_is_up(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    pilot.send(Intent(Kind.POINT, (5, 5), source="mouse"))
    pilot.wait(45.0, frames=20)
    assert pilot.screen["phase"] == "find" and pilot.screen["time_left"] == pytest.approx(44.7, abs=0.1)
    pilot.send(Intent(Kind.POINT, (6, 6), source="mouse"))  # still here: keeps the idle timer quiet
    pilot.wait(45.5, frames=20)
    assert pilot.screen["phase"] == "done"
    assert events(pilot.app, "game_result")[0]["seconds"] >= 90


def test_a_hotspot_step_asks_its_own_question(make_app: Callable[..., App], tmp_path: Path) -> None:
    pilot = open_step(make_app, "kind-friends", "find-unkind")
    texts = drawn_texts(pilot)
    assert "哪里有人不友好？" in texts and "找一找，摸一摸" not in texts
    assert not [t for t in texts if "危险" in t]               # nothing here is a danger: no word says so
    english = open_step(make_app, "kind-friends", "find-unkind", lang="en")
    assert "Where is someone unkind?" in drawn_texts(english)
    lesson, errors, _ = load_step(tmp_path, PLAIN)              # no ask of its own: the neutral words
    assert errors == [] and lesson.steps[1].ask is None
    plain = Pilot(make_app(content=tmp_path))
    plain.app.play("game-test", start=1)
    plain.wait(0.3, frames=2)
    assert "找一找，摸一摸" in drawn_texts(plain)


def test_hand_words_only_while_the_camera_reads_hands(make_app: Callable[..., App]) -> None:
    touch_only = {"找到就摸一摸，拖动画面看两边"}
    for camera, hint, shown in [(None, touch_only, touch_only),
                                (reading_camera(status="retrying"), touch_only, touch_only),  # fitted, unplugged
                                (reading_camera(), {"找到就摸一摸，手移到两边看看"},
                                 {"找到就摸一摸，手移到两边看看，或者把手停在上面"})]:
        pilot = open_step(make_app, LESSON, STEP, gestures=camera)
        assert {scene(pilot).hint} == hint and {pilot.app.hint_for(scene(pilot))} == shown, camera


def test_no_tries_left_for_the_youngest_a_glowing_hint_instead(make_app: Callable[..., App]) -> None:
    young = open_step(make_app, "kind-friends", "find-unkind")   # a lesson for 6-8 only: the child is 6-8
    sc = scene(young)
    assert not [t for t in drawn_texts(young) if "还能试" in t]
    edge = sc.to_screen(*area(young, "name-calling").outline()[0])
    halo_at = (edge[0] - young.app.ui.layout.px(8), edge[1])    # just outside the area's corner
    before = young.app.surface.get_at(halo_at)
    tap_at(young, sc.to_screen(0.5, 0.1))                        # the sky near the name-calling pair
    assert young.screen["misses"] == 1 and young.screen["glowing"] == "name-calling"
    texts = drawn_texts(young)
    assert "这里没有。看一看亮起来的地方！" in texts and not [t for t in texts if "还能试" in t]
    assert young.app.surface.get_at(halo_at) != before           # the glow is drawn
    tap_at(young, sc.to_screen(*area(young, "name-calling").centre()))
    assert young.screen["found"] == ["name-calling"] and young.screen["glowing"] is None

    older = open_step(make_app, "kind-friends", "find-unkind", band="9-11")  # chosen on the menu
    assert "找到 0 个，一共 4 个 · 还能试 8 次" in drawn_texts(older)
    tap_at(older, scene(older).to_screen(0.5, 0.1))
    assert older.screen["misses"] == 1 and older.screen["glowing"] is None
    assert "找到 0 个，一共 4 个 · 还能试 7 次" in drawn_texts(older)


def test_a_find_sends_stars_from_the_place_and_ticks_it(make_app: Callable[..., App],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pilot = open_step(make_app, "kind-friends", "find-unkind")   # 6-8
    sc, played = scene(pilot), sounds(pilot)
    ticks, bursts = spy(monkeypatch, "tick_badge"), spy(monkeypatch, "star_burst")
    tap_at(pilot, sc.to_screen(0.5, 0.1))                        # a miss: no stars
    assert bursts == [] and ticks == [] and pilot.screen["stars"] == 0
    push = area(pilot, "push")
    tap_at(pilot, sc.to_screen(*push.centre()))
    pilot.frames(2)
    assert pilot.screen["found"] == ["push"] and pilot.screen["stars"] == 1
    assert bursts and bursts[-1][0] == sc.to_screen(*push.centre())   # from the place found
    x, y, w, h = push.rect
    left, top = sc.to_screen(x, y)
    right, bottom = sc.to_screen(x + w, y + h)
    assert all(left <= cx <= right + 40 and top - 40 <= cy <= bottom for (cx, cy), _ in ticks)  # at its corner
    pilot.wait(0.6, frames=6)
    assert played[-2:] == ["right", "reward"]
    boxes = laid_out(pilot)
    texts = [b.text for b in boxes]
    assert "给大人看：《未成年人学校保护规定》第二十一条" in texts and bare_citations(boxes) == []
    assert "★ 1" in texts                                        # the running count beside how many are found


def test_the_hidden_places_glow_at_the_end_as_the_words_say(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, "kind-friends", "find-unkind")
    pilot.tap("done_looking")
    texts = drawn_texts(pilot)
    assert scene(pilot).hint == "摸一摸亮起来的地方，看看为什么" and not [t for t in texts if "圈" in t]
    sc = scene(pilot)
    corner = sc.to_screen(*area(pilot, "push").outline()[0])
    glow = pilot.app.surface.get_at((corner[0] - pilot.app.ui.layout.px(8), corner[1]))
    assert glow.r > glow.b + 40                                  # warm orange around the place not found


PLAIN = """\
  - id: plain
    type: hotspot
    prompt: 找一找
    picture: images/playground.svg
    areas:
      - {id: a, name: 一个, rect: [0.1, 0.1, 0.2, 0.2], explanation: 好。}
"""

HOTSPOT = """\
  - id: h1
    type: hotspot
    prompt: 找一找
    picture: images/street-panorama.svg
    areas:
      - id: both
        name: 两样都有
        rect: [0.1, 0.1, 0.1, 0.1]
        polygon: [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]]
        explanation: 不行。
      - id: neither
        name: 都没有
        explanation: 不行。
      - id: wide
        name: 太宽
        rect: [0.8, 0.5, 0.3, 0.1]
        explanation: 出界了。
      - id: flat
        name: 一条线
        polygon: [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]
        explanation: 没有面积。
      - id: wide
        name: 又一个
        rect: [0.1, 0.5, 0, 0.1]
        explanation: 没有宽度。
"""


def test_validation_errors_are_located(tmp_path: Path) -> None:
    lesson, errors, text = load_step(tmp_path, HOTSPOT)
    assert lesson is None
    assert errors == [
        f"{where(text, 'id: both')}: an area needs exactly one of `rect` ([x, y, width, height]) or `polygon` "
        "([[x, y], ...]), in fractions of the picture",
        f"{where(text, 'id: neither')}: an area needs exactly one of `rect` ([x, y, width, height]) or `polygon` "
        "([[x, y], ...]), in fractions of the picture",
        f"{where(text, '[0.8, 0.5')}: the rectangle reaches past the picture's edge (x + width = 1.1, y + height "
        "= 0.6); both must be at most 1",
        f"{where(text, '[[0.1, 0.1], [0.2, 0.2]')}: the polygon's corners lie on one line: it covers nothing",
        f"{where(text, 'wide', 2)}: duplicate area id 'wide'",
        f"{where(text, '[0.1, 0.5, 0')}: the rectangle has no size: width and height must be above 0",
    ]


@pytest.mark.parametrize("change, located, message", [
    ("rect: [0.8, 0.5, 0.3, 0.1]", "1.5", "steps[2].areas[3].rect[1]: expected less than or equal to 1 (got 1.5)"),
    ("polygon: [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]", "[[0.1, 0.1], [0.2, 0.2]]",
     "steps[2].areas[4].polygon: List should have at least 3 items after validation, not 2"),
])
def test_schema_errors_inside_areas(tmp_path: Path, change: str, located: str, message: str) -> None:
    new = {"rect: [0.8, 0.5, 0.3, 0.1]": "rect: [1.5, 0.5, 0.3, 0.1]",
           "polygon: [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]": "polygon: [[0.1, 0.1], [0.2, 0.2]]"}[change]
    _, errors, text = load_step(tmp_path, HOTSPOT.replace(change, new))
    assert f"{where(text, located)}: {message}" in errors, errors


def test_a_round_must_end(tmp_path: Path) -> None:
    ok = HOTSPOT.split("      - id: both")[0] + "      - {id: a, name: 一个, rect: [0.1, 0.1, 0.1, 0.1], explanation: 好。}\n"
    lesson, errors, _ = load_step(tmp_path, ok)
    assert errors == [] and lesson.steps[1].time_limit == 90 and lesson.steps[1].misses_allowed == 6
    endless = ok.replace("    areas:", "    time_limit: null\n    misses_allowed: null\n    areas:")
    _, errors, text = load_step(tmp_path, endless)
    assert errors == [f"{where(text, 'null')}: give a time limit, a number of misses allowed, or both: the round "
                      "must end"]
