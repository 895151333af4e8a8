"""What the button screens over the kiosk have in common (accessibility, keypad, calibration,
the staff menu): Back always closes them, and a chosen button is theirs to act on."""
from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.engine.scene import Screen
from kiosk.input.intents import Intent, Kind

if TYPE_CHECKING:
    from kiosk.engine.app import App
    from kiosk.ui.widgets import Button, ButtonGroup


class ButtonOverlay(Screen):
    app: "App"
    group: "ButtonGroup"

    def on_intent(self, intent: Intent) -> None:
        if intent.kind is Kind.BACK:
            self.app.close_overlay()
            return
        chosen = self.group.handle(intent)
        if chosen is not None:
            self.on_choice(chosen, intent)

    def on_choice(self, chosen: "Button", intent: Intent) -> None:
        raise NotImplementedError
