"""Big, obvious targets: a card button and a group that turns intents into a chosen button."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import pygame

from kiosk.input.intents import Intent, Kind

from . import draw
from .fonts import Fonts
from .theme import Color, Theme

if TYPE_CHECKING:
    from .toolkit import UI

Rect = tuple[int, int, int, int]


@dataclass
class Button:
    id: str
    label: str
    rect: Rect
    role: str = "button"
    style: str = "card"          # card (white), primary (court blue), quiet (outline)
    badge: str | None = None     # a short mark drawn at the left: "1", "A", "对"
    accent: Color | None = None  # left stripe colour (zones)
    sublabel: str | None = None
    mark: str | None = None      # None / "right" / "gentle" / "chosen": answer feedback
    enabled: bool = True
    hover: bool = False
    pressed: bool = False
    focused: bool = False
    draw_extra: Callable[[pygame.Surface, Rect], None] | None = field(default=None, repr=False)
    icon: Callable[[pygame.Surface, Rect, Color], None] | None = field(default=None, repr=False)  # above the label

    def contains(self, pos: tuple[int, int]) -> bool:
        x, y, w, h = self.rect
        return x <= pos[0] < x + w and y <= pos[1] < y + h

    def draw(self, surface: pygame.Surface, fonts: Fonts, theme: Theme) -> None:
        x, y, w, h = self.rect
        radius = max(8, min(h // 4, fonts.layout.px(28)))
        fill, ink = self._colours(theme)
        lift = 0 if self.pressed else fonts.layout.px(3)
        rect = (x, y + (fonts.layout.px(3) - lift), w, h)
        border = theme.focus if self.focused else (self.accent if self.style == "quiet" else None)
        draw.card(surface, rect, fill, radius, theme.shadow if lift else None, border,
                  fonts.layout.px(6) if self.focused else fonts.layout.px(3))
        pad = fonts.layout.px(24)
        left = x + pad
        if self.accent and self.style != "quiet":
            pygame.draw.rect(surface, self.accent, (x, rect[1], fonts.layout.px(16), h),
                             border_top_left_radius=radius, border_bottom_left_radius=radius)
            left += fonts.layout.px(12)
        if self.badge:
            d = min(h - 2 * pad, fonts.layout.px(84))
            centre = (left + d // 2, rect[1] + h // 2)
            badge_fill = ink if self.style == "card" and not self.mark else theme.card
            pygame.draw.circle(surface, badge_fill, centre, d // 2)
            mark = fonts.line(self.badge, max(8, int(d * 0.62)), fill if badge_fill == ink else ink, True)
            surface.blit(mark, mark.get_rect(center=centre))
            left += d + pad
        if self.draw_extra:
            self.draw_extra(surface, rect)
        text_top, text_h, right_pad = rect[1] + pad, h - 2 * pad, pad
        if self.icon:  # a picture a non-reader knows, the word small beneath it
            icon_h = h * 11 // 20
            self.icon(surface, (x, rect[1] + pad // 3, w, icon_h - pad // 3), ink)
            text_top, text_h = rect[1] + icon_h, h - icon_h - pad // 3
            left, right_pad = x + pad // 3, pad // 3
        if self.sublabel:
            sub_h = min(text_h // 2, fonts.line_height("small"))
            fonts.draw(surface, self.sublabel, (left, rect[1] + h - pad - sub_h, x + w - pad - left, sub_h),
                       "small", ink if self.style == "primary" else theme.ink_soft, max_lines=1)
            text_h -= sub_h
        align = "left" if self.badge or (self.accent and self.style != "quiet") else "center"
        fonts.draw(surface, self.label, (left, text_top, x + w - right_pad - left, text_h),
                   self.role, ink, align=align, valign="middle")

    def _colours(self, theme: Theme) -> tuple[Color, Color]:
        if self.mark == "right":
            return theme.right_soft, theme.ink
        if self.mark == "gentle":
            return theme.gentle_soft, theme.ink
        if self.style == "primary":
            base = theme.court_blue_dark if self.pressed else theme.court_blue
            return base, theme.on_dark
        if self.pressed:
            return theme.pressed, theme.ink
        if self.hover or self.mark == "chosen":
            return theme.hover, theme.ink
        return theme.card, theme.ink


class ButtonGroup:
    """Hit-testing, hover, pressed state and keyboard focus for the buttons of one screen.

    `handle` returns the button a child chose with this intent, or None. Touch and mouse choose
    on release over the same button they pressed; keys choose the focused one or by number.
    """

    def __init__(self, buttons: list[Button] | None = None, columns: int = 1, by_raise: bool = True):
        self.buttons: list[Button] = buttons or []
        self.columns = max(1, columns)
        self.focus_index: int | None = None
        self.by_raise = by_raise  # False: a raised hand never chooses here (e.g. the speaker)

    def set(self, buttons: list[Button], columns: int = 1) -> None:
        self.buttons, self.columns, self.focus_index = buttons, max(1, columns), None

    def by_id(self, button_id: str) -> Button:
        return next(b for b in self.buttons if b.id == button_id)

    def handle(self, intent: Intent) -> Button | None:
        live = [b for b in self.buttons if b.enabled]
        if intent.kind is Kind.POINT and intent.pos:
            for b in self.buttons:
                b.hover = b.enabled and b.contains(intent.pos)
                b.pressed = b.pressed and b.hover
            return None
        if intent.kind is Kind.PRESS and intent.pos:
            for b in self.buttons:
                b.pressed = b.enabled and b.contains(intent.pos)
                b.hover = b.pressed
            return None
        if intent.kind is Kind.SELECT:
            if intent.pos is None:
                return self._focused()
            hit = next((b for b in live if b.contains(intent.pos)), None)
            for b in self.buttons:
                b.pressed = False
            return hit
        if intent.kind is Kind.RAISE:
            return self.raise_choice(str(intent.value))
        if intent.kind is Kind.CHOOSE and isinstance(intent.value, int):
            return live[intent.value - 1] if 0 < intent.value <= len(live) else None
        if intent.kind is Kind.FOCUS and live:
            self._move_focus(str(intent.value))
            return None
        for b in self.buttons:
            b.pressed = False
        return None

    @property
    def raisable(self) -> bool:
        """Can a raised hand choose here? One target, or two side by side (left hand, left one)."""
        live = [b for b in self.buttons if b.enabled]
        return self.by_raise and (len(live) == 1 or (len(live) == 2 and live[0].rect[0] != live[1].rect[0]))

    def raise_choice(self, side: str) -> Button | None:
        live = sorted((b for b in self.buttons if b.enabled), key=lambda b: b.rect[0])
        if not self.raisable:
            return None
        if len(live) == 1:
            return live[0]
        return {"left": live[0], "right": live[1]}.get(side)

    def _focused(self) -> Button | None:
        if self.focus_index is None or self.focus_index >= len(self.buttons):
            return None
        b = self.buttons[self.focus_index]
        return b if b.enabled else None

    def _move_focus(self, direction: str) -> None:
        n = len(self.buttons)
        step = {"left": -1, "right": 1, "up": -self.columns, "down": self.columns}.get(direction, 0)
        if self.focus_index is None:
            self.focus_index = 0 if step >= 0 else n - 1
        else:
            self.focus_index = (self.focus_index + step) % n
        for _ in range(n):  # never rest on a disabled (undrawn) button
            if self.buttons[self.focus_index].enabled:
                break
            self.focus_index = (self.focus_index + (1 if step >= 0 else -1)) % n
        for i, b in enumerate(self.buttons):
            b.focused = i == self.focus_index

    def focus(self, button_id: str) -> None:
        for i, b in enumerate(self.buttons):
            b.focused = b.id == button_id
            if b.focused:
                self.focus_index = i

    def draw(self, surface: pygame.Surface, fonts: Fonts, theme: Theme) -> None:
        """Disabled buttons are not drawn: a child should never see a target that does nothing."""
        for b in self.buttons:
            if b.enabled or b.mark:
                b.draw(surface, fonts, theme)


def speaker_button(ui: "UI") -> Button:
    """Hear it again: a round speaker in the top right corner, the same place on every step."""
    lay = ui.layout
    size = lay.target_min
    x, y, w, h = lay.corner_area
    rect = (x + w - size, y + (h - size) // 2, size, size)
    return Button("replay", "", rect, style="quiet", accent=ui.theme.court_blue,
                  draw_extra=lambda surface, r: draw.speaker(surface, r, ui.theme.court_blue))


def button_h(ui: "UI") -> int:
    """Height of the buttons in the nav row, grown upwards when the text is larger so a button's
    word still fits at its smallest size."""
    lay = ui.layout
    _, smallest, bold = ui.fonts.role_sizes("button")
    return max(lay.target_min, lay.px(120), ui.fonts.font(smallest, bold).get_height() + 2 * lay.px(24) + lay.px(2))


def step_nav(ui: "UI", first: bool = False) -> ButtonGroup:
    """Next (primary) bottom right, the same place on every step. Back lives in the screen chrome
    (kiosk/screens/chrome.py) so a child meets one Back, in one place: the slot here stays, never
    enabled (so never drawn nor a target), because scenes find Next as the second button. `first`
    is what callers passed for the old Back and changes nothing."""
    lay = ui.layout
    h = button_h(ui)
    y = lay.controls_bottom - h
    w = int(lay.width * (0.30 if not lay.portrait else 0.42))
    buttons = [Button("back", ui.t("back"), (int(lay.width * 0.05), y, w * 2 // 3, h), enabled=False),
               Button("next", ui.t("next"), (int(lay.width * 0.95) - w, y, w, h), style="primary")]
    group = ButtonGroup(buttons, columns=2)
    group.focus("next")
    return group
