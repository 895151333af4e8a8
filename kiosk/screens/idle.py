"""Before the kiosk clears itself: a visible countdown and a big "I'm still here" button."""
from __future__ import annotations

import math

import pygame

from kiosk.input.intents import Intent
from kiosk.ui import draw
from kiosk.ui.toolkit import UI
from kiosk.ui.widgets import Button, ButtonGroup


class IdleOverlay:
    def __init__(self, ui: UI):
        self.ui = ui
        lay = ui.layout
        w = int(lay.width * (0.50 if not lay.portrait else 0.80))
        h = max(lay.target_min, lay.px(140))
        self.group = ButtonGroup([Button("still_here", ui.t("still_here"), ((lay.width - w) // 2,
                                                                           int(lay.height * 0.60), w, h),
                                         style="primary")])
        self.group.focus("still_here")

    def on_intent(self, intent: Intent) -> None:
        """Any input at all dismisses the overlay (the app resets the idle clock)."""
        self.group.handle(intent)

    def draw(self, surface: pygame.Surface, seconds_left: float) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        draw.scrim(surface, 150)
        box = lay.rect(0.15 if not lay.portrait else 0.06, 0.18, 0.70 if not lay.portrait else 0.88, 0.62)
        draw.card(surface, box, theme.card, lay.px(40))
        x, y, w, h = box
        ui.fonts.draw(surface, ui.t("idle_question"), (x, y + lay.px(30), w, lay.px(110)), "title", theme.ink,
                      align="center", valign="middle", max_lines=1)
        n = max(0, math.ceil(seconds_left))
        ui.fonts.draw(surface, str(n), (x, y + lay.px(140), w, lay.px(150)), "hero", theme.gentle_ink,
                      align="center", valign="middle", max_lines=1)
        ui.fonts.draw(surface, ui.t("idle_countdown", n=n), (x, y + lay.px(300), w, lay.px(70)), "body",
                      theme.ink_soft, align="center", valign="middle", max_lines=1)
        self.group.draw(surface, ui.fonts, theme)
