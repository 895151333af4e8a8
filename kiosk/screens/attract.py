"""The attract loop: calm motion, the hall's name, the judges, and an obvious way to start."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pygame

from kiosk.content.lesson_langs import lessons_in
from kiosk.engine.scene import Screen
from kiosk.input.intents import Intent, Kind
from kiosk.ui import draw
from kiosk.ui.widgets import Button, ButtonGroup

if TYPE_CHECKING:
    from kiosk.engine.app import App

FEATURE_SECONDS = 5.0
STAFF_HOLD_S = 3.0
START_KINDS = (Kind.SELECT, Kind.NEXT, Kind.CHOOSE, Kind.SWIPE)


class AttractScreen(Screen):
    def __init__(self, app: "App"):
        super().__init__(app.ui)
        self.app = app
        lessons = lessons_in(app.library.lessons.values(), app.ui.lang)
        self.featured = [lesson for lesson in lessons if lesson.featured] or lessons
        self.someone_here = False  # the camera saw a child arrive: invite them to raise a hand
        self._title_pressed_at: float | None = None  # staff: a long press on the hall's name
        self.cards = ButtonGroup()
        self.start = ButtonGroup([Button("start", "", self._prompt_rect(0), style="primary")])
        access = self._access_rect()
        passport = (access[0] - access[2] - self.ui.layout.px(24), *access[1:])
        self.access = ButtonGroup([Button("passport", self.ui.t("passport_button"), passport, role="body"),
                                   Button("access", self.ui.t("access_button"), access, role="body")],
                                  by_raise=False)
        self._layout_cards()

    @property
    def prompt(self) -> str:
        if not self.app.gestures_on:
            return self.ui.t("attract_touch")
        return self.ui.t("attract_raise" if self.someone_here else "attract_touch_or_wave")

    def _layout_cards(self) -> None:
        lay = self.ui.layout
        if not self.featured:
            return
        shown = self._shown()
        n = len(shown)
        gap = lay.px(32)
        if lay.portrait:
            x, y, w, h = lay.rect(0.08, 0.56, 0.84, 0.30)
            ch = max(lay.target_min, min((h - (n - 1) * gap) // n, lay.px(220)))
            rects = [(x, y + i * (ch + gap), w, ch) for i in range(n)]
        else:
            x, y, w, h = lay.rect(0.06, 0.68, 0.88, 0.16)
            cw = min((w - (n - 1) * gap) // n, int(lay.width * 0.34))
            left = x + (w - n * cw - (n - 1) * gap) // 2
            rects = [(left + i * (cw + gap), y, cw, h) for i in range(n)]
        self.cards.set([
            Button(lesson.id, self.ui.text(lesson.title), rect, role="body", accent=self.ui.theme.zones[lesson.zone],
                   sublabel=" · ".join(self.ui.t(f"band_{b}") for b in lesson.bands))
            for lesson, rect in zip(shown, rects)], columns=n)

    def _shown(self) -> list[Any]:
        n = min(3, len(self.featured))
        first = int(self.time / FEATURE_SECONDS) % len(self.featured)
        return [self.featured[(first + i) % len(self.featured)] for i in range(n)]

    def on_intent(self, intent: Intent) -> None:
        if intent.kind in (Kind.ARRIVED, Kind.LEFT):
            self.someone_here = intent.kind is Kind.ARRIVED
            return
        if intent.kind is Kind.RAISE:
            self.app.start_session(source=intent.source)
            return
        if self._staff_press(intent):
            return
        corner = self.access.handle(intent)
        if corner is not None:
            self.app.open(corner.id)  # "access" or "passport"
            return
        self.start.handle(intent)  # pressed feedback on the prompt
        chosen = self.cards.handle(intent)
        if chosen is not None:
            self.app.start_session(lesson_id=chosen.id, source=intent.source)
        elif intent.kind in START_KINDS:
            self.app.start_session(source=intent.source)

    def _staff_press(self, intent: Intent) -> bool:
        """Holding a finger on the hall's name for 3 s opens the staff PIN pad: hidden from children,
        reachable on a touch-only kiosk with no keyboard."""
        x, y, w, h = self._title_rect()
        inside = intent.pos is not None and x <= intent.pos[0] < x + w and y <= intent.pos[1] < y + h
        if intent.kind is Kind.PRESS:
            self._title_pressed_at = self.time if inside else None
            return False
        if intent.kind is Kind.SELECT and inside and self._title_pressed_at is not None:
            held = self.time - self._title_pressed_at
            self._title_pressed_at = None
            if held >= STAFF_HOLD_S:
                self.app.open("staff", "menu")
                return True
        return False

    def _title_rect(self) -> tuple[int, int, int, int]:
        lay = self.ui.layout
        return lay.rect(0.25, 0.05 if not lay.portrait else 0.12, 0.5, 0.14)

    def update(self, dt: float) -> None:
        before = int(self.time / FEATURE_SECONDS)
        super().update(dt)
        if int(self.time / FEATURE_SECONDS) != before and len(self.featured) > 3:
            self._layout_cards()

    def draw(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        surface.fill(theme.court_blue)
        for i in range(7):  # slow drifting light circles; nothing flashes
            phase = self.time * 0.15 + i * 0.9
            cx = (0.1 + 0.13 * i + 0.04 * math.sin(phase)) * lay.width
            cy = (0.25 + 0.5 * ((i * 37) % 10) / 10 + 0.03 * math.cos(phase * 1.3)) * lay.height
            pygame.draw.circle(surface, (48, 104, 182), (int(cx), int(cy)), lay.px(60 + 25 * (i % 3)))
        top = 0.05 if not lay.portrait else 0.12
        ui.fonts.draw(surface, ui.t("hall_name"), (lay.rect(0.05, top, 0.90, 0.14)), "hero", theme.on_dark,
                      align="center", valign="middle", max_lines=2)
        bob = lay.px(8 * math.sin(self.time * 1.6))
        size = lay.px(220)
        ay = int(lay.height * (0.34 if not lay.portrait else 0.32))
        for persona, fx in (("judge_mom", 0.36), ("judge_sister", 0.64)):
            draw.avatar(surface, (int(lay.width * fx), ay + (bob if persona == "judge_mom" else -bob)), size, persona)
        self._draw_prompt(surface)
        if self.featured:
            fx, fy, fw, fh = self.cards.buttons[0].rect
            ui.fonts.draw(surface, ui.t("featured"), (fx, fy - lay.px(64), lay.width // 2, lay.px(56)), "small",
                          theme.on_dark, max_lines=1)
            self.cards.draw(surface, ui.fonts, theme)
        self.access.draw(surface, ui.fonts, theme)
        if self.app.camera_on or self.app.broadcaster is not None:  # PIPL Art. 26: a prominent sign
            x, y, w, h = lay.caption_area
            pygame.draw.rect(surface, theme.court_blue_dark, (x, y, w, h))
            notice = ui.t("broadcast_notice" if self.app.broadcaster is not None else "camera_notice")
            ui.fonts.draw(surface, notice, (x + lay.px(40), y, w - lay.px(260), h), "small",
                          theme.on_dark, valign="middle", max_lines=2)

    def _access_rect(self) -> tuple[int, int, int, int]:
        lay = self.ui.layout
        w, h = int(lay.width * (0.12 if not lay.portrait else 0.30)), lay.target_min
        return (lay.width - w - lay.px(24), lay.px(24), w, h)

    def _prompt_rect(self, grow: int) -> tuple[int, int, int, int]:
        lay = self.ui.layout
        w, h = int(lay.width * (0.62 if not lay.portrait else 0.86)), max(lay.target_min, lay.px(120))
        top = int(lay.height * (0.48 if not lay.portrait else 0.42))
        return ((lay.width - w) // 2 - grow, top - grow, w + 2 * grow, h + 2 * grow)

    def _draw_prompt(self, surface: pygame.Surface) -> None:
        lay, theme = self.ui.layout, self.ui.theme
        pulse = 0.5 + 0.5 * math.sin(self.time * 2 * math.pi * 0.6)
        pressed = self.start.buttons[0].pressed
        rect = self._prompt_rect(0 if pressed else int(lay.px(10) * pulse))
        draw.card(surface, rect, theme.gold if not pressed else (226, 160, 40), rect[3] // 2)
        self.ui.fonts.draw(surface, self.prompt, (rect[0] + lay.px(30), rect[1], rect[2] - lay.px(60), rect[3]),
                           "button", theme.ink, align="center", valign="middle", max_lines=1)

    def groups(self) -> list[ButtonGroup]:
        return [self.start, self.cards, self.access]

    def describe(self) -> dict[str, Any]:
        return {"screen": "attract", "prompt": self.prompt, "featured": [b.id for b in self.cards.buttons]}
