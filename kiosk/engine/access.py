"""Accessibility settings a child or teacher sets in one step from the attract screen
(Ren'Py's accessibility menu is the model): larger text, high contrast, narration, slower speech."""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.ui.theme import DEFAULT, HIGH_CONTRAST
from kiosk.ui.toolkit import UI

from .context import Narrator

LARGE_TEXT_SCALE = 1.25


@dataclass
class Access:
    large_text: bool = False
    high_contrast: bool = False
    narration: bool = True
    slow_speech: bool = False

    def apply(self, ui: UI, narrator: Narrator) -> None:
        """Re-style the running kiosk in place: every screen shares this UI object. The fonts
        stay: their layouts are kept per text scale, and the rendered lines and opened font
        sizes serve both (a fresh set of fonts made a child's first large-text frames lay out
        and open every size again: 20 ms and more)."""
        ui.fonts.text_scale = LARGE_TEXT_SCALE if self.large_text else 1.0
        ui.theme = HIGH_CONTRAST if self.high_contrast else DEFAULT
        narrator.enabled = self.narration
        narrator.slower = self.slow_speech
