"""The end of a lesson: stars, a badge, and what to do next. Always kind: at least one star."""
from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING, Any

import pygame

from kiosk.engine.scene import Screen
from kiosk.input.intents import Intent, Kind
from kiosk.registry import words_for
from kiosk.ui import draw
from kiosk.ui.widgets import Button, ButtonGroup

from . import chrome

if TYPE_CHECKING:
    from kiosk.engine.app import App


def stars_for(right: int, total: int) -> int:
    if total == 0:
        return 3
    share = right / total
    return 3 if share >= 0.9 else 2 if share >= 0.6 else 1


class ResultsScreen(Screen):
    def __init__(self, app: "App", lesson: Any, by_type: dict[str, list[int]]):
        """by_type: step type -> [right, answered] of the lesson just played (Session.by_type)."""
        super().__init__(app.ui)
        self.app, self.lesson = app, lesson
        self.by_type = {k: (r, n) for k, (r, n) in by_type.items() if n}
        self.right = sum(r for r, _ in self.by_type.values())
        self.total = sum(n for _, n in self.by_type.values())
        self.zone = lesson.zone
        self.stars = stars_for(self.right, self.total)
        lay = self.ui.layout
        h = max(lay.target_min, lay.px(130))
        w = int(lay.width * (0.40 if not lay.portrait else 0.42))
        # forward is bottom right, as on every step; Home and Back are the chrome's, top left
        self.group = ButtonGroup([Button("again", self.ui.t("play_again"),
                                         (int(lay.width * 0.95) - w, lay.controls_bottom - h, w, h), style="primary")])
        self.group.focus("again")
        self.nav = chrome.nav(app.ui)
        rng = random.Random(7)
        self.particles = [(rng.random(), rng.random(), rng.uniform(0.6, 1.4), rng.choice(
            [self.ui.theme.gold, self.ui.theme.zones["game"], self.ui.theme.zones["learning"]])) for _ in range(40)]

    def on_intent(self, intent: Intent) -> None:
        choice = chrome.nav_choice(self.nav, intent)
        if intent.kind is Kind.BACK or choice == "home":
            self.app.home("finished")
        elif choice == "back" or self.group.handle(intent) is not None:  # back from here is the lessons again
            self.app.start_session(source=intent.source)

    def draw(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        chrome.background(surface, ui, self.zone)
        if self.time < 3.0:  # celebratory confetti falls once, then the screen is calm
            for fx, fy, speed, colour in self.particles:
                y = (fy * 0.3 + self.time * 0.35 * speed) * lay.height
                x = fx * lay.width + lay.px(20) * math.sin(self.time * 3 * speed + fx * 9)
                pygame.draw.circle(surface, colour, (int(x), int(y)), lay.px(9))
        # centred on the screen, clear of Home and Back: beside them, or in portrait (too narrow) beneath
        _, nav_y, _, nav_h = self.nav.buttons[0].rect
        margin, top = ((int(lay.width * 0.05), nav_y + nav_h) if lay.portrait else
                       (chrome.title_area(ui, self.nav, lay.width)[0], int(lay.height * 0.06)))
        ui.fonts.draw(surface, ui.t("results_title"), (margin, top, lay.width - 2 * margin, int(lay.height * 0.12)),
                      "hero", theme.court_blue_dark, align="center", valign="middle", max_lines=1)
        cy = int(lay.height * 0.30)
        r = lay.px(78)
        for i in range(3):
            cx = lay.width // 2 + (i - 1) * r * 5 // 2
            lit = i < self.stars
            draw.star(surface, (cx, cy), r, theme.gold if lit else theme.background, theme.gold, lay.px(5))
        # a line per activity: room for three (a lesson with a quiz, a catch and a sort game)
        ui.fonts.draw(surface, "\n".join(self.lines()), lay.rect(0.05, 0.375, 0.90, 0.17), "question", theme.ink,
                      align="center", valign="middle", max_lines=3)
        bx, by, bw, bh = lay.rect(0.30 if not lay.portrait else 0.15, 0.555, 0.40 if not lay.portrait else 0.70, 0.11)
        draw.card(surface, (bx, by, bw, bh), theme.gold, bh // 2)
        ui.fonts.draw(surface, "★ " + ui.t("badge") + " ★", (bx, by, bw, bh), "title", theme.ink,
                      align="center", valign="middle", max_lines=1)
        self.group.draw(surface, ui.fonts, theme)
        self.nav.draw(surface, ui.fonts, theme)

    def lines(self) -> list[str]:
        """What the child did, worded by each activity ("found 3 of 5", "sorted 6 of 7 right")."""
        if not self.by_type:
            return [self.ui.t("results_story")]
        return [words_for(kind, self.ui.lang)("results", right=right, total=total)
                for kind, (right, total) in self.by_type.items()]

    def groups(self) -> list[ButtonGroup]:
        return [self.group, self.nav]

    def describe(self) -> dict[str, Any]:
        return {"screen": "results", "lesson": self.lesson.id, "right": self.right, "total": self.total,
                "lines": self.lines(), "stars": self.stars,
                "buttons": [b.id for g in self.groups() for b in g.buttons]}
