"""The accessibility menu: four big switches and Done, one step from the attract screen."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from kiosk.input.intents import Intent
from kiosk.ui import draw
from kiosk.ui.widgets import Button, ButtonGroup

from .button_overlay import ButtonOverlay

if TYPE_CHECKING:
    from kiosk.engine.app import App

SWITCHES = ("large_text", "high_contrast", "narration", "slow_speech")


class AccessScreen(ButtonOverlay):
    def __init__(self, app: "App"):
        super().__init__(app.ui)
        self.app = app
        self.group = ButtonGroup()
        self._build()

    def _build(self) -> None:
        lay, t = self.ui.layout, self.ui.t
        cols = 1 if lay.portrait else 2
        x, y, w, _ = lay.rect(0.08, 0.18, 0.84, 0)
        gap = lay.px(32)
        bw = (w - gap * (cols - 1)) // cols
        bh = max(lay.target_min, lay.px(170))
        buttons = []
        for i, name in enumerate(SWITCHES):
            on = getattr(self.app.access, name)
            r, c = divmod(i, cols)
            buttons.append(Button(name, t(f"access_{name}"), (x + c * (bw + gap), y + r * (bh + gap), bw, bh),
                                  role="title", sublabel=t("switch_on" if on else "switch_off"),
                                  badge="✓" if on else "·", mark="right" if on else None))
        done_w = int(lay.width * (0.3 if not lay.portrait else 0.6))
        buttons.append(Button("done", t("done"), ((lay.width - done_w) // 2, lay.controls_bottom - bh, done_w, bh),
                              style="primary"))
        focus = self.group.focus_index
        self.group.set(buttons, columns=cols)
        if focus is not None:
            self.group.focus(buttons[focus].id)

    def on_choice(self, chosen: Button, intent: Intent) -> None:
        if chosen.id == "done":
            self.app.close_overlay()
            return
        setattr(self.app.access, chosen.id, not getattr(self.app.access, chosen.id))
        self.app.apply_access()
        self._build()

    def draw(self, surface: pygame.Surface) -> None:
        ui = self.ui
        surface.fill(ui.theme.background)
        draw.card(surface, ui.layout.rect(0.04, 0.03, 0.92, 0.12), ui.theme.court_blue, ui.layout.px(24))
        ui.fonts.draw(surface, ui.t("access_title"), ui.layout.rect(0.08, 0.03, 0.84, 0.12), "title",
                      ui.theme.on_dark, valign="middle", max_lines=1)
        self.group.draw(surface, ui.fonts, ui.theme)

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        return {"screen": "access", **{name: getattr(self.app.access, name) for name in SWITCHES}}
