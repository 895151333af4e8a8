"""Host mode: a judge steps through a lesson with a remote and polls the room."""
from __future__ import annotations

from typing import Callable

import pygame

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind
from kiosk.input.pygame_events import EventTranslator


def host(pilot: Pilot, action: str) -> None:
    pilot.send(Intent(Kind.HOST, value=action, source="key"))


def presenting(make_app: Callable[..., App]) -> tuple[Pilot, list[str]]:
    notes: list[str] = []
    app = make_app(options=AppOptions(host_mode=True, presenter_out=notes.append))
    app.start_session(lesson_id="tiny")
    return Pilot(app), notes


def test_the_remote_steps_through_without_answers_and_prints_notes(make_app: Callable[..., App]) -> None:
    pilot, notes = presenting(make_app)
    host(pilot, "next")
    host(pilot, "next")
    assert pilot.screen["step_id"] == "q-tf"        # questions do not block the presenter
    host(pilot, "prev")
    host(pilot, "prev")
    host(pilot, "prev")                              # no further back than the first step
    assert pilot.screen["step_id"] == "hello"
    assert notes[:2] == ["[1/4] hello (story): -", "[2/4] q-adult (quiz): 先请同学们猜一猜，再揭晓答案。"]
    pilot.wait(600.0, frames=20)                     # no idle reset while a judge is teaching
    assert pilot.screen["screen"] == "lesson"


def test_a_poll_counts_taps_then_reveals_the_answer(make_app: Callable[..., App]) -> None:
    pilot, _ = presenting(make_app)
    host(pilot, "poll")                              # not a question: nothing to poll
    assert "poll" not in pilot.screen
    host(pilot, "next")
    host(pilot, "poll")
    assert pilot.screen["poll"] == {"open": True, "counts": {"a": 0, "b": 0}, "winner": None}
    for option in ("a", "b", "b"):
        pilot.tap(option)
    assert pilot.screen["poll"]["counts"] == {"a": 1, "b": 2}
    assert pilot.screen["chosen"] is None            # taps were votes, not an answer
    host(pilot, "poll")
    shown = pilot.screen
    assert (shown["poll"]["open"], shown["chosen"], shown["correct"]) == (False, "b", True)
    polls = [e for e in pilot.app.recorder.events if e["kind"] == "poll"]
    assert [(e["step"], e["counts"], e["winner"], e["votes"]) for e in polls] == [
        ("q-adult", {"a": 1, "b": 2}, "b", 3)]
    assert [e for e in pilot.app.recorder.events if e["kind"] == "answer"] == []


def test_black_screen_toggles(make_app: Callable[..., App]) -> None:
    pilot, _ = presenting(make_app)
    host(pilot, "black")
    assert pygame.transform.average_color(pilot.app.surface)[:3] == (0, 0, 0)
    host(pilot, "black")
    pilot.wait(0.5)
    assert pygame.transform.average_color(pilot.app.surface)[:3] != (0, 0, 0)


def test_presenter_keys_only_in_host_mode() -> None:
    down = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_PAGEDOWN, mod=0)
    letter_b = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_b, mod=0)
    hosting = EventTranslator((1920, 1080), host_mode=True)
    assert [(i.kind, i.value) for i in hosting.translate(down) + hosting.translate(letter_b)] == [
        (Kind.HOST, "next"), (Kind.HOST, "black")]
    kiosk = EventTranslator((1920, 1080))
    assert [i.kind for i in kiosk.translate(down)] == [Kind.NEXT] and kiosk.translate(letter_b) == []
