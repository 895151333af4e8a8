"""A live poll of the room: raised hands counted by the camera, taps on the screen, a bar chart."""
from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from kiosk.ui import draw
from kiosk.ui.toolkit import UI


@dataclass
class Poll:
    options: list[tuple[str, str]]                 # (option id, label) in screen order, left to right
    taps: dict[str, int] = field(default_factory=dict)
    hands: dict[str, int] = field(default_factory=dict)  # latest camera count per option
    open: bool = True

    def tap(self, option_id: str) -> None:
        if self.open:
            self.taps[option_id] = self.taps.get(option_id, 0) + 1

    def see_hands(self, left: int, right: int) -> None:
        """Left hands vote for the leftmost option, right hands for the rightmost (two-way questions)."""
        if self.open and len(self.options) == 2:
            self.hands = {self.options[0][0]: left, self.options[1][0]: right}

    @property
    def counts(self) -> dict[str, int]:
        return {oid: self.taps.get(oid, 0) + self.hands.get(oid, 0) for oid, _ in self.options}

    @property
    def winner(self) -> str | None:
        counts = self.counts
        best = max(counts.values(), default=0)
        leaders = [oid for oid, n in counts.items() if n == best]
        return leaders[0] if best > 0 and len(leaders) == 1 else None


def draw_poll(surface: pygame.Surface, ui: UI, poll: Poll, rect: tuple[int, int, int, int]) -> None:
    """Bars for each option, largest count full width; the title says open or closed."""
    lay, theme = ui.layout, ui.theme
    x, y, w, h = rect
    draw.card(surface, rect, theme.card, lay.px(28))
    pad = lay.px(30)
    head = lay.px(80)
    title = ui.t("poll_title") if poll.open else ui.t("poll_closed")
    ui.fonts.draw(surface, title, (x + pad, y + pad // 2, w // 2, head), "question", theme.court_blue_dark,
                  valign="middle", max_lines=1)
    if poll.open and len(poll.options) == 2:
        ui.fonts.draw(surface, ui.t("poll_how"), (x + w // 2, y + pad // 2, w // 2 - pad, head), "small",
                      theme.ink_soft, align="right", valign="middle", max_lines=1)
    counts = poll.counts
    most = max(1, *counts.values())
    rows = max(1, len(poll.options))
    row_h = (h - head - 2 * pad) // rows
    label_w = w * 9 // 20
    for i, (oid, label) in enumerate(poll.options):
        ry = y + head + pad + i * row_h
        ui.fonts.draw(surface, label, (x + pad, ry, label_w - pad, row_h - lay.px(10)), "body", theme.ink,
                      valign="middle", max_lines=2)
        bar_w = int((w - label_w - 2 * pad - lay.px(140)) * counts[oid] / most)
        colour = theme.right if not poll.open and oid == poll.winner else theme.court_blue
        pygame.draw.rect(surface, theme.hover, (x + label_w, ry + row_h // 4, w - label_w - pad - lay.px(140),
                                                row_h // 2), border_radius=lay.px(10))
        if bar_w:
            pygame.draw.rect(surface, colour, (x + label_w, ry + row_h // 4, bar_w, row_h // 2),
                             border_radius=lay.px(10))
        ui.fonts.draw(surface, ui.t("poll_votes", n=counts[oid]), (x + w - pad - lay.px(130), ry, lay.px(130), row_h),
                      "body", theme.ink, align="right", valign="middle", max_lines=1)
