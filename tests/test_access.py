"""Larger text, high contrast, narration and slower speech: one step from the attract screen."""
from __future__ import annotations

from typing import Callable

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.engine.pilot import Pilot
from kiosk.ui.theme import DEFAULT, HIGH_CONTRAST

from .support.lesson import start_tiny


def test_switches_restyle_the_running_kiosk(pilot: Pilot) -> None:
    app = pilot.app
    pilot.tap("access")
    assert pilot.screen == {"screen": "access", "large_text": False, "high_contrast": False, "narration": True,
                            "slow_speech": False, "idle_warning": False}
    pilot.tap("high_contrast")
    pilot.tap("large_text")
    assert app.ui.theme is HIGH_CONTRAST
    assert app.ui.fonts.text_scale == 1.25
    pilot.wait(0.5)  # let the fade finish
    assert app.surface.get_at((5, app.ui.layout.height // 2))[:3] == HIGH_CONTRAST.background
    pilot.tap("done")
    assert pilot.screen["screen"] == "attract"
    start_tiny(pilot)
    assert app.ui.theme is HIGH_CONTRAST  # kept for the child who asked for it


def test_large_text_on_and_off_keeps_what_was_laid_out_and_rendered(pilot: Pilot) -> None:
    """The fonts stay across the switch: back at the usual size, the access screen's texts are
    neither laid out nor rendered again (a fresh set of fonts did both, in the child's frames)."""
    app = pilot.app
    fonts = app.ui.fonts
    pilot.tap("access")
    pilot.wait(0.5)
    layouts, lines = fonts._fits.misses, fonts._lines.misses
    pilot.tap("large_text")
    pilot.wait(0.5)
    assert app.ui.fonts is fonts and fonts.text_scale == 1.25
    assert fonts._fits.misses > layouts                   # the larger texts were laid out anew
    layouts, lines = fonts._fits.misses, fonts._lines.misses
    pilot.tap("large_text")
    pilot.wait(0.5)
    assert fonts.text_scale == 1.0
    assert (fonts._fits.misses, fonts._lines.misses) == (layouts, lines)


def test_settings_reset_when_the_child_walks_away(make_app: Callable[..., App]) -> None:
    pilot = Pilot(make_app(options=AppOptions(idle_timeout=20)))
    pilot.tap("access")
    pilot.tap("high_contrast")
    pilot.tap("done")
    start_tiny(pilot)
    pilot.wait(21.0, frames=12)
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.ui.theme is DEFAULT and pilot.app.access.high_contrast is False


def test_back_leaves_the_menu_unchanged(pilot: Pilot) -> None:
    from kiosk.input.intents import Kind

    pilot.tap("access")
    pilot.key(Kind.BACK)
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.sessions.finished == [] and pilot.app.sessions.current is None
