"""Camera gestures arrive as intents: every screen plays with them exactly as with touch."""
from __future__ import annotations

from typing import Callable

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.dwell import DwellTracker
from kiosk.input.intents import Intent, Kind

from .support.camera_reading import reading_camera
from .support.lesson import start_tiny


def gesture(kind: Kind, value: str | None = None) -> Intent:
    return Intent(kind, value=value, source="gesture")


def test_arrival_invites_a_raise_and_a_raise_starts(make_app: Callable[..., App]) -> None:
    pilot = Pilot(make_app(gestures=reading_camera()))
    assert pilot.screen["prompt"] == "摸一摸屏幕 或 挥挥手，开始吧！"
    pilot.send(gesture(Kind.ARRIVED))
    assert pilot.screen["prompt"] == "举起手，开始吧！"
    pilot.send(gesture(Kind.LEFT))
    assert pilot.screen["prompt"] == "摸一摸屏幕 或 挥挥手，开始吧！"
    pilot.send(gesture(Kind.RAISE, "right"))
    assert pilot.screen["screen"] == "menu"
    starts = [e for e in pilot.app.recorder.events if e["kind"] == "start"]
    assert [e["input"] for e in starts] == ["gesture"]


def test_no_screen_asks_for_a_hand_unless_the_camera_reads_hands(make_app: Callable[..., App]) -> None:
    for camera in (None, reading_camera(status="retrying")):   # none fitted; fitted but unplugged
        pilot = Pilot(make_app(gestures=camera))
        pilot.send(gesture(Kind.ARRIVED))
        assert pilot.screen["prompt"] == "摸一摸屏幕，开始吧！"
        start_tiny(pilot)
        assert pilot.app.hint_for(pilot.app.top.scene) == "摸一摸「继续」"  # type: ignore[attr-defined]
    pilot = Pilot(make_app(gestures=reading_camera()))
    pilot.tap("start")
    assert pilot.app.hint_for(pilot.app.top) == "举起手来选：左手选左边，右手选右边"  # two bands: a hand each


def test_raised_hands_answer_two_way_questions_by_side(pilot: Pilot) -> None:
    start_tiny(pilot)
    pilot.send(gesture(Kind.RAISE, "right"))          # only "Next" on the first step: any hand
    assert pilot.screen["step_id"] == "q-adult"
    pilot.send(gesture(Kind.RAISE, "both"))           # both hands choose nothing
    assert pilot.screen["chosen"] is None
    pilot.send(gesture(Kind.RAISE, "right"))          # right hand: the right-hand card (b)
    assert (pilot.screen["chosen"], pilot.screen["correct"]) == ("b", True)
    pilot.send(gesture(Kind.RAISE, "left"))           # after answering only Next is there: any hand
    assert pilot.screen["step_id"] == "q-tf"          # (Back and Home are touched or dwelt on, never raised to)
    answers = [e for e in pilot.app.recorder.events if e["kind"] == "answer"]
    assert [(e["option"], e["input"]) for e in answers] == [("b", "gesture")]


def test_walking_away_ends_the_session_at_once(pilot: Pilot) -> None:
    start_tiny(pilot)
    pilot.send(gesture(Kind.LEFT))
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.sessions.finished[-1].end_reason == "walked_away"


def test_dwell_selects_after_the_dwell_time_once() -> None:
    tracker = DwellTracker(dwell_s=1.0)
    targets = {"A": (0.0, 0.0, 0.5, 1.0), "B": (0.5, 0.0, 0.5, 1.0)}
    fired = [(round(t, 2), tracker.update((0.7, 0.5), t, targets)) for t in [i / 30 for i in range(0, 91)]]
    hits = [(t, target) for t, target in fired if target]
    assert hits == [(1.0, "B")]                       # once, at the dwell time, not again while held
    assert tracker.update((0.2, 0.5), 3.1, targets) is None
    assert tracker.state.target == "A" and tracker.state.progress == 0.0


def test_dwell_survives_a_brief_slip_but_not_leaving() -> None:
    tracker = DwellTracker(dwell_s=1.0, grace_s=0.15)
    targets = {"A": (0.0, 0.0, 0.5, 0.5)}
    tracker.update((0.2, 0.2), 0.0, targets)
    tracker.update((0.2, 0.2), 0.5, targets)
    tracker.update((0.9, 0.9), 0.6, targets)          # noise: off for 0.1 s
    assert tracker.state.progress == 0.5
    assert tracker.update((0.2, 0.2), 1.0, targets) == "A"
    tracker.update((0.9, 0.9), 1.1, targets)
    tracker.update((0.9, 0.9), 1.5, targets)          # really left
    assert tracker.state.target is None
