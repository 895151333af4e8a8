"""`branching` (情景剧): a story graph played by touch, keys and raised hands; the child's path is
recorded; `validate` finds every way the graph can trap or lose a child."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from kiosk.engine.app import App
from kiosk.input.intents import Intent, Kind

from .support.feedback import bare_citations, laid_out, moved_buttons, sounds, spy
from .support.games import events, load_step, open_step, scene, where

LESSON, STEP = "games-safe-scenes", "scam-story"


def test_a_path_to_the_good_ending_and_one_to_learn_from(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    app = pilot.app
    shown = pilot.screen
    assert (shown["type"], shown["scene"], shown["choices"], shown["path"]) == ("branching", "start", ["ask", "tell"],
                                                                               ["start"])
    assert shown["buttons"] == ["choice:ask", "choice:tell"] and any(g.raisable for g in scene(pilot).groups())
    pilot.key(Kind.CHOOSE, 1)                                   # "想要！问问怎么买" by key
    assert pilot.screen["scene"] == "offer" and len(pilot.screen["choices"]) == 3
    pilot.tap("choice:think")                                   # "我再想一想": back to the start (a loop with exits)
    assert pilot.screen["scene"] == "start"
    pilot.send(Intent(Kind.RAISE, value="right", source="gesture"))  # the right hand: "不理他，告诉妈妈"
    mom = pilot.screen
    assert (mom["scene"], mom["choices"]) == ("mom", ["block"])
    pilot.send(Intent(Kind.RAISE, value="left", source="gesture"))   # one choice: either hand takes it
    good = pilot.screen
    # the lesson's youngest band is 6-8: the law is one line for the grown-ups
    assert (good["scene"], good["ending"], good["basis"]) == ("safe", "good", "给大人看：《未成年人保护法》第七十二条")
    assert good["path"] == ["start", "offer", "start", "mom", "safe"]
    assert good["teaches"].startswith("低价卖皮肤、免费送装备的，多半是骗子") and pilot.targets == ["again", "back", "home", "next", "replay"]
    choices = [e for e in events(app, "answer") if e["item"] != "_ending"]  # recorded, not scored
    assert [(e["item"], e["option"], e["goto"], e["input"], e["correct"]) for e in choices] == [
        ("start", "ask", "offer", "key", None), ("offer", "think", "start", "touch", None),
        ("start", "tell", "mom", "gesture", None), ("mom", "block", "safe", "gesture", None)]
    endings = [e for e in events(app, "answer") if e["item"] == "_ending"]
    assert [(e["option"], e["correct"], e["outcome"], e["path"]) for e in endings] == [
        ("safe", True, "good", ["start", "offer", "start", "mom", "safe"])]
    assert [(e["score"], e["max"], e["ending"]) for e in events(app, "game_result")] == [(1, 1, "safe")]

    pilot.tap("again")                                          # play again: the scam this time
    assert pilot.screen["path"] == ["start"]
    for number in (1, 1, 1):
        pilot.key(Kind.CHOOSE, number)
    learn = pilot.screen
    assert (learn["scene"], learn["ending"], learn["path"]) == ("scammed", "learn", ["start", "offer", "code",
                                                                                      "scammed"])
    assert learn["teaches"].startswith("这不是你的错")          # kind: never blames the child who was tricked
    assert "110" in scene(pilot).step.scene("scammed").help["zh"]
    endings = [e for e in events(app, "answer") if e["item"] == "_ending"]
    assert [(e["option"], e["correct"]) for e in endings] == [("safe", True), ("scammed", None)]  # the first counts
    assert len(events(app, "game_result")) == 1                # only the first ending counts for the score
    assert (app.sessions.current.right, app.sessions.current.answered) == (1, 1)
    assert events(app, "replay")[0]["path"] == ["start", "offer", "start", "mom", "safe"]
    pilot.tap("next")
    assert pilot.screen["step_id"] == "wrap-up"


def test_the_choice_stays_in_sight_beside_what_it_led_to(make_app: Callable[..., App],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pilot = open_step(make_app, LESSON, STEP)                  # the lesson's youngest band: 6-8
    sc, played = scene(pilot), sounds(pilot)
    ticks, bursts = spy(monkeypatch, "tick_badge"), spy(monkeypatch, "star_burst")
    assert pilot.screen["chose"] is None                       # the first scene: nothing chosen yet
    pilot.key(Kind.CHOOSE, 2)                                  # "不理他，告诉妈妈"
    assert pilot.screen["chose"] == "你选了：不理他，告诉妈妈"
    assert "你选了：不理他，告诉妈妈" in [b.text for b in laid_out(pilot)]
    assert sc.chip.badge == "B" and sc.chip.mark == "chosen" and sc.chip.id not in pilot.targets
    pilot.key(Kind.CHOOSE, 1)                                  # "和妈妈一起挡住他，告诉平台": a good ending
    shown = pilot.screen
    assert shown["ending"] == "good" and shown["chose"] == "你选了：和妈妈一起挡住他，告诉平台"
    assert sc.chip.mark == "right" and shown["stars"] == 1
    pilot.frames(2)
    assert ticks and sc.chip.rect[0] < ticks[-1][0][0] < sc.chip.rect[0] + sc.chip.rect[2]  # a tick on the choice
    assert bursts and bursts[-1][0] == (sc.chip.rect[0] + sc.chip.rect[2] // 2, sc.chip.rect[1] + sc.chip.rect[3] // 2)
    pilot.wait(0.6, frames=6)
    assert played[-2:] == ["right", "reward"]
    boxes = laid_out(pilot)
    assert "给大人看：《未成年人保护法》第七十二条" in [b.text for b in boxes] and bare_citations(boxes) == []
    # the card with the ending's words sits below the choice, not over it
    assert sc.card[1] >= sc.chip.rect[1] + sc.chip.rect[3]
    pilot.tap("again")                                         # played again: the first scene, no choice shown
    assert pilot.screen["chose"] is None and sc.chip is None
    pilot.key(Kind.CHOOSE, 1)
    pilot.key(Kind.CHOOSE, 1)
    pilot.key(Kind.CHOOSE, 1)                                  # an ending to learn from: the choice wobbles softly
    assert pilot.screen["ending"] == "learn" and sc.chip.mark == "gentle"
    assert moved_buttons(monkeypatch, pilot, 20) == {"chose"}


def test_coming_back_returns_to_where_the_child_was(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    pilot.key(Kind.CHOOSE, 2)
    pilot.key(Kind.CHOOSE, 1)
    assert pilot.screen["ending"] == "good"
    pilot.tap("next")
    pilot.key(Kind.BACK)
    back = pilot.screen
    assert (back["scene"], back["path"]) == ("safe", ["start", "mom", "safe"])
    assert len(events(pilot.app, "game_result")) == 1


def test_the_spoken_texts_cover_every_scene(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, LESSON, STEP)
    step = scene(pilot).step
    spoken = step.spoken(pilot.app.ui.t, "zh")
    assert set(spoken) == {"open"} | {f"scene:{s.id}" for s in step.scenes}
    assert spoken["open"] == spoken["scene:start"]
    assert spoken["scene:scammed"].endswith("一起学一学。这不是你的错，骗子专门骗小朋友。马上告诉爸爸妈妈，一起报警。"
                                            "手机上收到的数字，不能给网上的陌生人。你的名字和学校，也不能给。"
                                            "遇到诈骗，打110报警。")


GRAPH = """\
  - id: b1
    type: branching
    start: a
    characters:
      - {id: kid, name: 小林}
    scenes:
      - id: a
        characters: [kid, ghost]
        text: 开始。
        choices:
          - {text: 去B, goto: b}
          - {text: 去哪里, goto: nowhere}
          - {text: 去循环, goto: loop1}
      - id: b
        text: 结束。
        ending: good
        lesson: 做得好。
      - id: lost
        text: 没人能到这里。
        ending: learn
        lesson: 学一学。
      - id: loop1
        speaker: nobody
        text: 转圈一。
        choices:
          - {text: 去二, goto: loop2}
      - id: loop2
        text: 转圈二。
        choices:
          - {text: 回一, goto: loop1}
          - {text: 死路, goto: stuck}
      - id: stuck
        text: 走不出去。
      - id: odd-end
        text: 结尾。
        ending: good
        choices:
          - {text: 还有, goto: a}
"""


def test_graph_checks_are_located(tmp_path: Path) -> None:
    lesson, errors, text = load_step(tmp_path, GRAPH)
    assert lesson is None
    scenes = "a, b, loop1, loop2, lost, odd-end, stuck"
    assert errors == [
        f"{where(text, 'ghost')}: character 'ghost' is not in the step's characters: kid",
        f"{where(text, 'nowhere')}: choice goes to 'nowhere', but there is no such scene; scenes: {scenes}",
        f"{where(text, 'lost')}: scene 'lost' cannot be reached from the start 'a': no choice leads to it",
        f"{where(text, 'nobody')}: speaker 'nobody' is not in the step's characters: kid",
        f"{where(text, '- {text: 去二')}: scenes loop1 → loop2 → loop1 go round in a loop with no way to an ending: "
        "give one of them a choice that leads to an ending",
        f"{where(text, 'stuck', 2)}: scene 'stuck' has no choices and is not an ending: a child would be stuck; add "
        "choices or mark it `ending: good` / `ending: learn`",
        f"{where(text, 'odd-end')}: scene 'odd-end' cannot be reached from the start 'a': no choice leads to it",
        f"{where(text, 'good', 2)}: ending 'odd-end' needs a `lesson`: what the child learns from it",
        f"{where(text, '- {text: 还有')}: scene 'odd-end' is an ending but has choices: an ending has none "
        "(or remove `ending`)",
    ]


def test_a_scene_looping_on_itself_and_a_story_without_endings(tmp_path: Path) -> None:
    selfish = """\
  - type: branching
    scenes:
      - id: a
        text: 开始。
        choices:
          - {text: 去B, goto: b}
          - {text: 去C, goto: c}
      - id: b
        text: 好。
        ending: good
        lesson: 好。
      - id: c
        text: 原地转圈。
        choices:
          - {text: 再转, goto: c}
"""
    _, errors, text = load_step(tmp_path, selfish)
    assert errors == [f"{where(text, '- {text: 再转')}: scenes c → c go round in a loop with no way to an ending: "
                      "give one of them a choice that leads to an ending"]
    endless = selfish.replace("        ending: good\n        lesson: 好。\n", "        choices:\n"
                              "          - {text: 回去, goto: a}\n")
    _, errors, text = load_step(tmp_path, endless)
    assert errors == [f"{where(text, '- id: a')}: no scene is an "
                      "ending: mark at least one with `ending: good` or `ending: learn`"]
    wrong_start = selfish.replace("  - type: branching\n", "  - type: branching\n    start: begin\n")
    _, errors, text = load_step(tmp_path, wrong_start)
    assert errors[0] == f"{where(text, 'begin')}: start 'begin' is not a scene; scenes: a, b, c"
