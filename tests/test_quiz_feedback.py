"""The quiz's feedback: options stay with the chosen and the right one marked, one retry for the
6-8 band (the first answer is the scored one), the short law line for 6-8, stars for right answers."""
from __future__ import annotations

from typing import Callable

import pygame

from kiosk.engine.app import App
from kiosk.ui import games
from kiosk.voice.effects import EFFECTS, synth_effect

from .support.games import events, open_step, scene

YOUNG = ("kind-friends", "q-not-your-fault")   # bands [6-8]; true/false, the answer is "false"
OLDER = ("online-safety", "q-personal-info")   # bands [9-11, 12-15]


def sounds_of(pilot) -> list[str]:  # type: ignore[no-untyped-def]
    played: list[str] = []
    scene(pilot).ctx.sound = played.append
    return played


def test_options_stay_on_screen_with_the_chosen_and_the_right_one_marked(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *OLDER, band="9-11")
    sc = scene(pilot)
    right = sc.step.answer_id
    wrong = next(b.id for b in sc.group.buttons if b.id != right)
    pilot.tap(wrong)
    shown = pilot.screen
    assert shown["options"] == [b.id for b in sc.group.buttons] and len(shown["options"]) >= 2
    assert shown["marks"] == {right: "right", wrong: "gentle"}
    assert not shown["retrying"] and shown["correct"] is False      # 9-11: no second go
    # the options sit beside the card, not under it (landscape: a column to its left)
    card = pygame.Rect(sc.card)
    assert not any(card.colliderect(b.rect) for b in sc.group.buttons)
    assert all(b.rect[0] + b.rect[2] <= card.left for b in sc.group.buttons)
    assert "next" in pilot.targets and wrong not in pilot.targets
    assert shown["basis"].startswith("《") and "：" not in shown["basis"]  # the full citation


def test_portrait_puts_the_options_in_the_lower_half(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *OLDER, size=(1080, 1920), band="9-11")
    sc = scene(pilot)
    pilot.tap(sc.step.answer_id)
    assert all(b.rect[1] >= 1920 // 2 - 200 for b in sc.group.buttons)
    assert all(b.rect[1] >= sc.card[1] + sc.card[3] for b in sc.group.buttons)


def test_a_6_8_child_gets_one_retry_and_the_first_answer_is_the_scored_one(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *YOUNG, band="6-8")
    sc, app = scene(pilot), pilot.app
    played = sounds_of(pilot)
    pilot.tap("true")                                  # wrong
    shown = pilot.screen
    assert shown["retrying"] and shown["chosen"] == "true" and shown["correct"] is False
    assert played == ["retry"]
    assert "true" not in pilot.targets and "false" in pilot.targets   # the wrong one dimmed, not choosable
    assert "next" not in pilot.targets
    pilot.tap("false")                                 # right on the second go
    shown = pilot.screen
    assert not shown["retrying"] and shown["second"] == "false"
    assert shown["correct"] is False                   # still the first answer's
    assert shown["marks"] == {"false": "right", "true": "gentle"}
    answers = [(e["option"], e["correct"]) for e in events(app, "answer") if e["item"] == sc.step.id]
    assert answers == [("true", False), ("false", None)]  # the retry recorded, never scored
    assert app.top.answers[app.top.index] == [0, 1]    # one scored answer, wrong  # type: ignore[attr-defined]
    assert played[1] == "right"
    pilot.wait(0.6, frames=6)
    assert played[-1] == "reward"
    assert sc.ui.t("right") and sc.final == "false"


def test_a_9_11_child_gets_no_retry(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *YOUNG, band="9-11")
    played = sounds_of(pilot)
    pilot.tap("true")
    shown = pilot.screen
    assert not shown["retrying"] and shown["second"] is None and "next" in pilot.targets
    assert played == ["wrong"]


def test_the_6_8_card_shows_the_short_law_line(make_app: Callable[..., App]) -> None:
    young = open_step(make_app, *YOUNG, band="6-8")
    young.tap("false")
    assert young.screen["basis"] == "给大人看：《未成年人保护法》第一百三十条"
    older = open_step(make_app, *YOUNG, band="9-11")
    older.tap("false")
    assert older.screen["basis"] == "《未成年人保护法》第一百三十条"


def test_a_right_answer_adds_a_star_to_the_count(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *YOUNG, band="6-8")
    sc, lesson = scene(pilot), pilot.app.top
    sc.ctx.stars = lambda: sum(right for right, _ in lesson.answers.values())  # type: ignore[attr-defined]
    assert pilot.screen["stars"] == 0
    pilot.tap("false")
    assert pilot.screen["stars"] == 1


def test_the_wobble_fades_and_the_star_burst_ends(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *YOUNG, band="9-11")
    ui = pilot.app.ui
    swings = [games.wobble(ui, t / 100) for t in range(0, 70)]
    assert max(map(abs, swings)) > 0 and games.wobble(ui, games.WOBBLE_S) == 0
    assert abs(swings[5]) > abs(swings[45])            # damped: the later swings are smaller
    surface = pygame.Surface((400, 400))
    surface.fill((0, 0, 0))
    games.star_burst(surface, ui, (200, 200), 0.2)
    assert pygame.transform.average_color(surface)[:3] != (0, 0, 0)
    surface.fill((0, 0, 0))
    games.star_burst(surface, ui, (200, 200), games.BURST_S)
    assert pygame.transform.average_color(surface)[:3] == (0, 0, 0)


def test_retry_and_reward_sounds_are_made_in_code() -> None:
    for name in ("retry", "reward"):
        assert name in EFFECTS
        x = synth_effect(name, 8000)
        assert 0.05 < len(x) / 8000 < 0.6 and 0.1 < abs(x).max() <= 0.4
