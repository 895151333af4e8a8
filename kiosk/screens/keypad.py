"""A big number keypad: a study-tour passport number (for children who cannot show the QR card)
and the staff PIN."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pygame

from kiosk.input.intents import Intent
from kiosk.ui import draw
from kiosk.ui.widgets import Button, ButtonGroup

from .button_overlay import ButtonOverlay

if TYPE_CHECKING:
    from kiosk.engine.app import App

KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "back"]


class KeypadScreen(ButtonOverlay):
    """Collects `digits` digits, then closes itself and calls done(typed, input source)."""

    def __init__(self, app: "App", title: str, digits: int, done: Callable[[str, str], None], secret: bool = False):
        super().__init__(app.ui)
        self.app, self.title, self.digits, self.done, self.secret = app, title, digits, done, secret
        self.typed = ""
        lay, t = self.ui.layout, self.ui.t
        size = max(lay.target_min, min(lay.px(150), (lay.height * 6 // 10) // 4 - lay.px(16)))
        gap = lay.px(16)
        left = (lay.width - 3 * size - 2 * gap) // 2
        top = int(lay.height * 0.30)
        labels = {"del": t("passport_clear"), "back": t("back")}
        self.group = ButtonGroup([
            Button(key, labels.get(key, key), (left + (i % 3) * (size + gap), top + (i // 3) * (size + gap), size, size),
                   role="title" if key.isdigit() else "body", style="quiet" if key == "back" else "card",
                   accent=self.ui.theme.court_blue if key == "back" else None)
            for i, key in enumerate(KEYS)], columns=3)

    def on_choice(self, chosen: Button, intent: Intent) -> None:
        if chosen.id == "back":
            self.app.close_overlay()
        elif chosen.id == "del":
            self.typed = self.typed[:-1]
        elif len(self.typed) < self.digits:
            self.typed += chosen.id
            if len(self.typed) == self.digits:
                self.app.close_overlay()
                self.done(self.typed, intent.source)

    def draw(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        surface.fill(theme.background)
        ui.fonts.draw(surface, self.title, lay.title_area, "title", theme.ink, valign="middle",
                      max_lines=1)
        box = lay.rect(0.2 if not lay.portrait else 0.08, 0.16, 0.6 if not lay.portrait else 0.84, 0.11)
        draw.card(surface, box, theme.card, lay.px(20))
        shown = " ".join(("•" if self.secret else self.typed[i]) if i < len(self.typed) else "_"
                         for i in range(self.digits))
        ui.fonts.draw(surface, shown, box, "title", theme.court_blue_dark, align="center", valign="middle",
                      max_lines=1)
        self.group.draw(surface, ui.fonts, theme)

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        return {"screen": "keypad", "title": self.title, "typed": "" if self.secret else self.typed}
