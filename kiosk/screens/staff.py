"""The staff menu (behind the PIN): camera calibration, volume, language, diagnostics,
reload lessons, quit. For hall staff running the stations all day without an engineer."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol

import pygame

from kiosk.input.intents import Intent
from kiosk.ui import draw
from kiosk.ui.widgets import Button, ButtonGroup

from .button_overlay import ButtonOverlay

if TYPE_CHECKING:
    from kiosk.engine.app import App

ACTIONS = ("calibrate", "volume_down", "volume_up", "mute", "language", "reload", "quit", "back")


class StaffDesk(Protocol):
    """What the staff menu asks of the hall's records; boot hands one over (kiosk.staff_desk)."""

    def today_schedule(self) -> list[dict[str, Any]]:
        """Today's class visits: start, end, school, class_name, students, status_text, on_now."""


class StaffScreen(ButtonOverlay):
    def __init__(self, app: "App", desk: StaffDesk):
        super().__init__(app.ui)
        self.app, self.desk = app, desk
        self.message = ""
        self.schedule: list[str] | None = None  # filled by a thread: the store may be on the hall's server
        self.group = ButtonGroup()
        self._build()
        threading.Thread(target=self._load_schedule, name="staff-schedule", daemon=True).start()

    def _load_schedule(self) -> None:
        try:
            rows = self.desk.today_schedule()
            self.schedule = [self.ui.t("staff_schedule_row", start=r["start"], end=r["end"], school=r["school"],
                                       class_name=r["class_name"], students=r["students"], status=r["status_text"])
                             + (" ●" if r["on_now"] else "") for r in rows]
        except Exception as exc:  # noqa: BLE001 - staff still get the rest of the menu
            self.schedule = [f"{type(exc).__name__}: {exc}"]

    def _build(self) -> None:
        lay, t = self.ui.layout, self.ui.t
        cols = 2
        x, y = int(lay.width * 0.04), int(lay.height * 0.16)
        w = int(lay.width * (0.44 if not lay.portrait else 0.92))
        gap = lay.px(16)
        bw, bh = (w - gap) // cols, lay.target_min
        actions = [a for a in ACTIONS if a != "calibrate" or self.app.gestures is not None]
        labels = {"back": t("back")}
        self.group.set([Button(a, labels.get(a) or t(f"staff_{a}"),
                               (x + (i % cols) * (bw + gap), y + (i // cols) * (bh + gap), bw, bh), role="body",
                               style="primary" if a == "back" else "card",
                               mark="chosen" if a == "mute" and self.app.muted else None)
                        for i, a in enumerate(actions)], columns=cols)

    def on_choice(self, chosen: Button, intent: Intent) -> None:
        action = chosen.id
        if action == "back":
            self.app.close_overlay()
        elif action == "calibrate":
            self.app.open("staff", "calibrate")
        elif action in ("volume_down", "volume_up"):
            self.app.set_volume(self.app.volume + (0.1 if action == "volume_up" else -0.1))
        elif action == "mute":
            self.app.set_muted(not self.app.muted)
        elif action == "language":
            self.app.set_language("en" if self.ui.lang == "zh" else "zh")
        elif action == "reload":
            lessons, problems = self.app.reload_content()
            self.message = self.ui.t("staff_reloaded", n=lessons, errors=problems)
        elif action == "quit":
            self.app.quit_requested = True
        self._build()

    def draw(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        surface.fill(theme.background)
        ui.fonts.draw(surface, ui.t("staff_title"), lay.title_area, "title", theme.ink, valign="middle", max_lines=1)
        self.group.draw(surface, ui.fonts, theme)
        if lay.portrait:
            panel = lay.rect(0.04, 0.62, 0.92, 0.26)
        else:
            panel = lay.rect(0.52, 0.16, 0.44, 0.70)
        draw.card(surface, panel, theme.card, lay.px(24))
        x, y, w, h = panel
        pad = lay.px(24)
        schedule = self.schedule if self.schedule is not None else ["…"]
        lines = [*self.app.diagnostics(), *([self.message] if self.message else []), "",
                 ui.t("staff_schedule"), *(schedule or [ui.t("staff_no_schedule")])]
        line_h = (h - 2 * pad) // max(10, len(lines))
        for i, line in enumerate(lines):
            ui.fonts.draw(surface, line, (x + pad, y + pad + i * line_h, w - 2 * pad, line_h), "small", theme.ink,
                          valign="middle", max_lines=1)

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        return {"screen": "staff", "buttons": [b.id for b in self.group.buttons], "diagnostics": self.app.diagnostics(),
                "message": self.message, "schedule": self.schedule}
