"""Pick your age, then a lesson: few, big choices, paged rather than scrolled."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable

import pygame

from kiosk.content.lesson_langs import lessons_in
from kiosk.content.models import BANDS
from kiosk.engine.scene import Screen
from kiosk.input.intents import Intent, Kind
from kiosk.ui.widgets import Button, ButtonGroup

from . import chrome

if TYPE_CHECKING:
    from kiosk.engine.app import App


class MenuScreen(Screen):
    def __init__(self, app: "App", band: str | None = None):
        super().__init__(app.ui)
        self.app = app
        self.band = band
        self.page = 0
        self.group = ButtonGroup()
        self.nav = chrome.nav(app.ui)
        self.hint = app.ui.t("hint_pick")
        self._build()

    def progress(self) -> Hashable:
        """The band chosen and the page on show: each offers other lessons."""
        return self.band, self.page

    def _lessons(self, band: str | None = None) -> list[Any]:
        """The band's lessons a child can take in the kiosk's language."""
        return lessons_in(self.app.library.for_band(band or self.band), self.ui.lang)

    @property
    def per_page(self) -> int:
        return 4 if self.ui.layout.portrait else 6

    @property
    def pages(self) -> int:
        return max(1, -(-len(self._lessons()) // self.per_page))

    def _build(self) -> None:
        lay = self.ui.layout
        gap = lay.px(32)
        nav_h = max(lay.target_min, lay.px(110))
        x, y, w, _ = lay.rect(0.05, 0.17, 0.90, 0)
        h = lay.controls_bottom - y - (nav_h + gap if self.pages > 1 and self.band else 0)
        buttons: list[Button] = []
        if self.band is None:
            bands = [b for b in BANDS if self._lessons(b)] or list(BANDS)  # no empty doors
            n = len(bands)
            if lay.portrait:
                bh = min((h - gap * (n - 1)) // n, lay.px(260))
                rects = [(x, y + i * (bh + gap), w, bh) for i in range(n)]
            else:
                bw = (w - gap * (n - 1)) // n
                rects = [(x + i * (bw + gap), y + h // 6, bw, h * 2 // 3) for i in range(n)]
            buttons = [Button(f"band:{b}", self.ui.t(f"band_{b}"), r, role="title") for b, r in zip(bands, rects)]
            self.group.set(buttons, columns=1 if lay.portrait else n)
            return
        lessons = self._lessons()[self.page * self.per_page:(self.page + 1) * self.per_page]
        cols = 1 if lay.portrait else 2
        rows = self.per_page // cols
        bw = (w - gap * (cols - 1)) // cols
        bh = (h - gap * (rows - 1)) // rows
        for i, lesson in enumerate(lessons):
            r, c = divmod(i, cols)
            rect = (x + c * (bw + gap), y + r * (bh + gap), bw, bh)
            buttons.append(Button(f"lesson:{lesson.id}", self.ui.text(lesson.title), rect, role="body",
                                  accent=self.ui.theme.zones[lesson.zone],
                                  sublabel=f"{self.ui.t('zone_' + lesson.zone)} · "
                                           f"{self.ui.t('minutes', n=lesson.minutes)}"))
        nav_y = lay.controls_bottom - nav_h
        if self.pages > 1:
            nav_w = lay.px(300)
            t = self.ui.t
            buttons.append(Button("page:prev", t("page_prev"), (x, nav_y, nav_w, nav_h), role="button",
                                  style="quiet", accent=self.ui.theme.court_blue, enabled=self.page > 0))
            buttons.append(Button("page:next", t("page_next"), (x + w - nav_w, nav_y, nav_w, nav_h), role="button",
                                  style="quiet", accent=self.ui.theme.court_blue, enabled=self.page < self.pages - 1))
        self.group.set(buttons, columns=cols)

    def on_intent(self, intent: Intent) -> None:
        choice = chrome.nav_choice(self.nav, intent)
        if choice == "home":
            self.app.home("back")
            return
        if intent.kind is Kind.BACK or choice == "back":
            self._back()
            return
        if intent.kind is Kind.SWIPE and self.band is not None:
            self._turn(1 if intent.value == "left" else -1)
            return
        chosen = self.group.handle(intent)
        if chosen is None:
            return
        kind, _, value = chosen.id.partition(":")
        if kind == "band":
            self.band, self.page = value, 0
            self._build()
        elif kind == "page":
            self._turn(1 if value == "next" else -1)
        else:
            self.app.play(value, source=intent.source, band=self.band)

    def _turn(self, step: int) -> None:
        page = min(max(0, self.page + step), self.pages - 1)
        if page != self.page:
            self.page = page
            self._build()

    def _back(self) -> None:
        if self.band is None:
            self.app.home("back")
        else:
            self.band = None
            self._build()

    def draw(self, surface: pygame.Surface) -> None:
        ui = self.ui
        chrome.background(surface, ui)
        title = ui.t("choose_age") if self.band is None else ui.t("choose_lesson")
        ui.fonts.draw(surface, title, chrome.title_area(ui, self.nav, ui.layout.corner_area[0]), "title", ui.theme.ink,
                      valign="middle", max_lines=1)
        if self.band is not None and not self._lessons():
            ui.fonts.draw(surface, ui.t("no_lessons"), ui.layout.content_area, "body", ui.theme.ink_soft,
                          align="center", valign="middle")
        if self.band is not None and self.pages > 1:
            x, y, w, h = ui.layout.corner_area
            ui.fonts.draw(surface, ui.t("page", n=self.page + 1, total=self.pages), (x, y, w, h), "small",
                          ui.theme.ink_soft, align="right", valign="middle", max_lines=1)
        self.group.draw(surface, ui.fonts, ui.theme)
        self.nav.draw(surface, ui.fonts, ui.theme)
        chrome.hint(surface, ui, self.app.hint_for(self), self.time)

    def groups(self) -> list[ButtonGroup]:
        return [self.group, self.nav]

    def describe(self) -> dict[str, Any]:
        return {"screen": "menu", "band": self.band, "page": self.page,
                "buttons": [b.id for b in self.group.buttons if b.enabled]}
