"""When a child walks away the kiosk warns, then clears itself for the next child."""
from __future__ import annotations

from typing import Callable

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.engine.pilot import Pilot

from .support.lesson import start_tiny


def test_countdown_then_reset(make_app: Callable[..., App]) -> None:
    pilot = Pilot(make_app(options=AppOptions(idle_timeout=30)))
    start_tiny(pilot)
    pilot.tap("next")
    pilot.tap("b")
    pilot.wait(19.0, frames=10)
    assert pilot.screen["idle_warning"] is False
    pilot.wait(2.0, frames=4)                 # 21 s idle: the last ten seconds count down
    assert pilot.screen["idle_warning"] is True
    assert pilot.targets == ["still_here"]
    pilot.wait(9.5, frames=10)
    assert pilot.screen["screen"] == "attract"
    session = pilot.app.sessions.finished[-1]
    assert (session.end_reason, session.answered) == ("idle", 1)
    assert pilot.app.sessions.current is None


def test_still_here_keeps_the_childs_place(make_app: Callable[..., App]) -> None:
    pilot = Pilot(make_app(options=AppOptions(idle_timeout=30)))
    start_tiny(pilot)
    pilot.wait(25.0, frames=10)
    assert pilot.screen["idle_warning"] is True
    pilot.tap("still_here")
    assert pilot.screen["idle_warning"] is False
    assert pilot.screen["step_id"] == "hello"
    pilot.wait(25.0, frames=10)               # the idle clock started again from the tap
    assert pilot.screen["screen"] == "lesson"


def test_attract_screen_never_times_out(make_app: Callable[..., App]) -> None:
    pilot = Pilot(make_app(options=AppOptions(idle_timeout=30)))
    pilot.wait(300.0, frames=20)
    assert pilot.screen == {"screen": "attract", "prompt": "摸一摸屏幕，开始吧！", "featured": ["tiny"],
                            "idle_warning": False}
    assert pilot.app.sessions.finished == []
