"""Program-feed graphics: the lower-third, the QR code, the poll chart and the picture-in-picture
frame, drawn with pygame in the kiosk's fonts and palette.

The engine fills an `OverlayState` every frame; the graphics are only re-drawn when that state
changes (`OverlayState.key()`), into cached pieces the compositor blits on each program frame.
Everything here runs on the broadcaster's compose thread, on surfaces no other thread touches,
with its own `Fonts` (never the kiosk's cache).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pygame

from kiosk.ui.fonts import Fonts, missing_glyphs
from kiosk.ui.strings import Strings
from kiosk.ui.theme import DEFAULT, Layout, Theme

log = logging.getLogger(__name__)
Rect = tuple[int, int, int, int]

LAYOUTS = ("squeeze", "full")


@dataclass
class OverlayState:
    """What the program feed shows over / around the kiosk screen; the engine fills it each frame.

    poll: option label -> count in screen order ("left"/"right" are shown as 左/右), None for no chart.
    pip: show the camera picture-in-picture (always face-blurred, see Broadcaster.set_pip_blur).
    """

    title: str = ""                 # the class, e.g. 法治第一课 成长守护者
    host: str = ""                  # the host's name, e.g. 王法官
    lesson: str = ""                # the lesson's title
    qr_text: str | None = None      # e.g. the hall's page; None for no QR code
    poll: dict[str, int] | None = None
    pip: bool = False
    poll_question: str = ""
    poll_open: bool = True          # False: the result, the leader highlighted

    def key(self) -> tuple[Any, ...]:
        """A hashable snapshot of everything drawn (taken on the render thread: cheap)."""
        poll = tuple(self.poll.items()) if self.poll else None
        return (self.title, self.host, self.lesson, self.qr_text, poll, self.pip, self.poll_question,
                self.poll_open)


@dataclass(frozen=True)
class Geometry:
    """Where things go on the program frame (pixels)."""

    size: tuple[int, int]
    kiosk: Rect                     # the kiosk screen, scaled to fit (aspect kept)
    pip: Rect                       # the camera box (the picture is fitted inside)
    poll: Rect
    band: Rect                      # lower-third
    qr: Rect


def geometry(size: tuple[int, int], kiosk_size: tuple[int, int], layout: str = "squeeze") -> Geometry:
    """squeeze: the kiosk screen at 80 % top left, a column on the right (camera, poll) and the
    lower-third band under it: nothing covers the kiosk (its captions stay readable).
    full: the kiosk screen fills the frame; camera and poll float top right, the lower-third
    covers the bottom 15 % (the kiosk's hint line and caption bar)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r}: one of {', '.join(LAYOUTS)}")
    w, h = size
    lay = Layout(w, h)
    m = lay.px(24)
    if layout == "squeeze":
        area = (0, 0, round(w * 0.8), round(h * 0.8))
        kiosk = _fit(kiosk_size, area)
        col_x = area[2] + m
        col_w = w - col_x - m
        pip = (col_x, m, col_w, col_w * 3 // 4)
        poll_y = pip[1] + pip[3] + m
        poll = (col_x, poll_y, col_w, area[3] - poll_y - m // 2)
        band = (0, area[3], w, h - area[3])
    else:
        kiosk = _fit(kiosk_size, (0, 0, w, h))
        pw = round(w * 0.22)
        pip = (w - pw - m, round(h * 0.16), pw, pw * 3 // 4)
        poll = (w - pw - m, pip[1] + pip[3] + m, pw, round(h * 0.25))
        band = (0, round(h * 0.85), w, h - round(h * 0.85))
    side = band[3] - 2 * lay.px(16)
    qr = (w - m - side, band[1] + lay.px(16), side, side)
    return Geometry(size, kiosk, pip, poll, band, qr)


def _fit(src: tuple[int, int], area: Rect) -> Rect:
    sw, sh = src
    x, y, aw, ah = area
    s = min(aw / max(1, sw), ah / max(1, sh))
    fw, fh = max(1, round(sw * s)), max(1, round(sh * s))
    return (x + (aw - fw) // 2, y + (ah - fh) // 2, fw, fh)


def fit_inside(src: tuple[int, int], rect: Rect) -> Rect:
    """src (w, h) scaled to fit rect, centred (for the camera picture in its box)."""
    return _fit(src, rect)


def qr_surface(text: str, side: int) -> pygame.Surface:
    """A QR code (segno) as a white square of about `side` px with a 2-module quiet zone."""
    import numpy as np
    import segno

    code = segno.make(text, error="m", micro=False)
    matrix = np.array([list(row) for row in code.matrix], dtype=np.uint8)
    border = 2
    n = matrix.shape[0] + 2 * border
    scale = max(1, side // n)
    modules = np.zeros((n, n), np.uint8)
    modules[border:-border, border:-border] = matrix
    rgb = np.where(modules[..., None] > 0, np.uint8(0), np.uint8(255)).repeat(3, axis=2)
    image = pygame.surfarray.make_surface(rgb.transpose(1, 0, 2).copy())
    out = pygame.Surface((side, side))
    out.fill((255, 255, 255))
    scaled = pygame.transform.scale(image, (n * scale, n * scale))
    out.blit(scaled, ((side - n * scale) // 2, (side - n * scale) // 2))
    return out


class Overlay:
    """Draws the graphics for one program size and layout; caches them per OverlayState.key()."""

    def __init__(self, size: tuple[int, int], layout: str = "squeeze", theme: Theme = DEFAULT,
                 lang: str = "zh"):
        self.size = size
        self.layout = layout
        self.theme = theme
        self.lay = Layout(*size)
        self.fonts = Fonts(self.lay)
        self.words = Strings(lang, namespace="broadcast")  # the feed's own words in the catalogue
        self._key: tuple[Any, ...] | None = None
        self.under: pygame.Surface | None = None          # full frame, beneath the kiosk (squeeze)
        self.over: list[tuple[pygame.Surface, tuple[int, int]]] = []   # pieces over everything
        self.geo: Geometry | None = None
        self._warned: set[str] = set()
        self.renders = 0

    def warm(self) -> None:
        """Open the fonts on the calling thread (boot), so the compose thread only renders text."""
        for role in ("title", "body", "small", "caption"):
            size, _, bold = self.fonts.role_sizes(role)
            self.fonts.font(size, bold).render(self.words("live"), True, (0, 0, 0))

    def update(self, state: OverlayState, key: tuple[Any, ...], kiosk_size: tuple[int, int]) -> bool:
        """Re-draw the pieces if state or the kiosk's size changed. True when re-drawn."""
        full_key = (key, kiosk_size)
        if full_key == self._key:
            return False
        self._key = full_key
        self.geo = geometry(self.size, kiosk_size, self.layout)
        self._check_glyphs(state)
        self.under = self._draw_under(state) if self.layout == "squeeze" else None
        self.over = self._draw_over(state)
        self.renders += 1
        return True

    def _check_glyphs(self, state: OverlayState) -> None:
        text = "".join((state.title, state.host, state.lesson, state.poll_question, *(state.poll or {})))
        missing = missing_glyphs(text) - self._warned
        if missing:
            self._warned |= missing
            log.warning("broadcast overlay: the font has no glyph for %s (shown as boxes)", "".join(sorted(missing)))

    # ----- drawing ---------------------------------------------------------------------------
    def _draw_under(self, state: OverlayState) -> pygame.Surface:
        t, geo = self.theme, self.geo
        assert geo is not None
        surface = pygame.Surface(self.size)
        surface.fill(t.court_blue_dark)
        if state.pip:
            self._camera_box(surface, geo.pip)
        self._band(surface, geo.band, state, opaque=True)
        return surface

    def _draw_over(self, state: OverlayState) -> list[tuple[pygame.Surface, tuple[int, int]]]:
        geo, lay = self.geo, self.lay
        assert geo is not None
        pieces: list[tuple[pygame.Surface, tuple[int, int]]] = []
        if self.layout == "full":
            band = pygame.Surface(geo.band[2:], pygame.SRCALPHA)
            self._band(band, (0, 0, *geo.band[2:]), state, opaque=False)
            pieces.append((band, geo.band[:2]))
            if state.pip:
                b = lay.px(4)
                frame = pygame.Surface((geo.pip[2] + 2 * b, geo.pip[3] + 2 * b), pygame.SRCALPHA)
                pygame.draw.rect(frame, (*self.theme.gold, 255), frame.get_rect(), width=b, border_radius=b)
                pieces.append((frame, (geo.pip[0] - b, geo.pip[1] - b)))
        if state.poll:
            chart = pygame.Surface(geo.poll[2:], pygame.SRCALPHA)
            self._poll(chart, state)
            pieces.append((chart, geo.poll[:2]))
        if state.qr_text:
            side = geo.qr[2]
            pieces.append((qr_surface(state.qr_text, side), geo.qr[:2]))
        return pieces

    def _camera_box(self, surface: pygame.Surface, rect: Rect) -> None:
        """The box the camera picture goes in, with its 'camera off' words when there is none."""
        t = self.theme
        pygame.draw.rect(surface, (12, 30, 60), rect)
        self.fonts.draw(surface, self.words("camera_off"), rect, "small", t.on_dark, align="center",
                        valign="middle", max_lines=1)
        b = self.lay.px(4)
        pygame.draw.rect(surface, t.gold, (rect[0] - b, rect[1] - b, rect[2] + 2 * b, rect[3] + 2 * b), width=b)

    def _band(self, surface: pygame.Surface, rect: Rect, state: OverlayState, opaque: bool) -> None:
        """Lower-third: a gold bar, the class title, then host and lesson; room kept for the QR."""
        t, lay = self.theme, self.lay
        x, y, w, h = rect
        colour = (*t.court_blue, 255) if opaque else (*t.court_blue_dark, 225)
        pygame.draw.rect(surface, colour, rect)
        pygame.draw.rect(surface, t.gold, (x, y, w, lay.px(6)))
        m = lay.px(24)
        text_w = w - 2 * m - (h if state.qr_text else 0) - lay.px(40)
        pygame.draw.rect(surface, t.gold, (x + m, y + lay.px(28), lay.px(10), h - lay.px(52)))
        tx = x + m + lay.px(30)
        title = state.title or ""
        second = " · ".join(s for s in (self.words("host", name=state.host) if state.host else "",
                                         state.lesson) if s)
        if title:
            self.fonts.draw(surface, title, (tx, y + lay.px(20), text_w, int(h * 0.52)), "title", t.on_dark,
                            valign="middle", max_lines=1)
        if second:
            self.fonts.draw(surface, second, (tx, y + int(h * 0.55), text_w, int(h * 0.38)), "body", t.gold,
                            valign="middle", max_lines=1)
        if state.qr_text:
            qx = x + w - m - (h - 2 * lay.px(16))
            self.fonts.draw(surface, self.words("scan"), (qx - lay.px(260), y + h - lay.px(70), lay.px(250),
                                                          lay.px(50)), "small", t.on_dark, align="right",
                            valign="middle", max_lines=1)

    def _poll(self, surface: pygame.Surface, state: OverlayState) -> None:
        """Bars per option, scaled to the leader; counts on the right; the leader gold when closed."""
        t, lay = self.theme, self.lay
        w, h = surface.get_size()
        pygame.draw.rect(surface, (*t.card, 245), (0, 0, w, h), border_radius=lay.px(16))
        pad = lay.px(16)
        head = self.fonts.line_height("small") + pad
        heading = state.poll_question or self.words("poll" if state.poll_open else "poll_result")
        self.fonts.draw(surface, heading, (pad, pad // 2, w - 2 * pad, head), "small", t.court_blue_dark,
                        valign="middle", max_lines=1)
        counts = dict(state.poll or {})
        most = max([1, *counts.values()])
        leaders = [k for k, n in counts.items() if n == most and n > 0]
        rows = max(1, len(counts))
        row_h = max(lay.px(30), min(lay.px(130), (h - head - pad) // rows))
        count_w = lay.px(110)
        for i, (label, n) in enumerate(counts.items()):
            ry = head + i * row_h
            shown = self.words(f"side_{label}") if label in ("left", "right") else label
            self.fonts.draw(surface, shown, (pad, ry, w - 2 * pad - count_w, row_h // 2), "small", t.ink,
                            valign="bottom", max_lines=1)
            bar_y = ry + row_h // 2 + lay.px(4)
            bar_h = max(4, min(lay.px(40), row_h // 2 - lay.px(12)))
            full = w - 2 * pad - count_w
            pygame.draw.rect(surface, t.hover, (pad, bar_y, full, bar_h), border_radius=lay.px(6))
            bar_w = int(full * n / most)
            if bar_w > 0:
                colour = t.gold if (not state.poll_open and label in leaders and len(leaders) == 1) else t.court_blue
                pygame.draw.rect(surface, colour, (pad, bar_y, bar_w, bar_h), border_radius=lay.px(6))
            self.fonts.draw(surface, self.words("votes", n=n), (w - pad - count_w, bar_y - lay.px(10),
                                                                        count_w, bar_h + lay.px(20)),
                            "small", t.ink, align="right", valign="middle", max_lines=1)
