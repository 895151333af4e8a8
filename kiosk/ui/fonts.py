"""Fonts and cached text rendering. Rendering CJK text is the costliest thing a frame does, so
rendered lines and layouts are cached; a steady screen renders no text at all. A line at 1080p
is a 32-bit surface of up to half a megabyte: the cache holds a few screens' worth (by bytes),
enough for the screen on show and those a child goes back to, not every line ever shown."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Hashable, Iterator, NamedTuple

import pygame

from kiosk.bounded_cache import MB, BoundedCache, surface_bytes

from .textlayout import FittedText, fit_text, flaws
from .theme import TEXT_ROLES, Color, Layout

log = logging.getLogger(__name__)
FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT_FILES = {False: "NotoSansSC-Regular.otf", True: "NotoSansSC-Bold.otf"}
Rect = tuple[int, int, int, int]
LINE_SCREENS = 4           # rendered lines kept: four full screens of 32-bit pixels. Six were needed
                           # while a revisited screen rendered its text again in its frames; the work
                           # ahead (kiosk/engine/ahead.py) now renders what is missing between frames
FITS_BUDGET = 4 * MB          # layouts: a few hundred bytes each, thousands of them (every
                              # lesson's texts in every state rehearsed: ~2,000, well under half)
TRIALS_BUDGET = 20_000        # "does it fit whole?" answers kept (a bool each)


class Misses:
    """What a drawing made while deferring (Fonts.deferring) found missing: each a key and the
    work that makes it. `layouts` are texts still to fit (the drawing went on with an empty
    layout in their place, so what it laid out after them may be wrong); `lines` are lines
    still to render (drawn blank)."""

    def __init__(self) -> None:
        self.layouts: dict[Hashable, Callable[[], object]] = {}
        self.lines: dict[Hashable, Callable[[], object]] = {}

    def __bool__(self) -> bool:
        return bool(self.layouts or self.lines)


_BLANK = pygame.Surface((1, 1), pygame.SRCALPHA)  # what a deferred line draws: nothing


class LaidOut(NamedTuple):
    """One text box a frame laid out: fitted.overflow says it was cut off with '…'."""
    text: str
    role: str
    fitted: FittedText


def fitted_bytes(fitted: FittedText) -> int:
    """Roughly what a layout holds: its lines' characters and the object around them."""
    return 200 + sum(60 + 4 * len(line) for line in fitted.lines)


class Fonts:
    """The kiosk's text: fonts by size, layouts and rendered lines, each cached. text_scale may be
    changed at any time (large text): layouts are kept per scale; lines and fonts serve both."""

    def __init__(self, layout: Layout, text_scale: float = 1.0, font_dir: Path = FONT_DIR):
        if not pygame.font.get_init():
            pygame.font.init()
        self.layout = layout
        self.text_scale = text_scale
        self.font_dir = font_dir
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._lines: BoundedCache[pygame.Surface] = BoundedCache(
            "text lines", LINE_SCREENS * layout.width * layout.height * 4, surface_bytes)
        self._fits: BoundedCache[FittedText] = BoundedCache("text layouts", FITS_BUDGET, fitted_bytes)
        self._trials: BoundedCache[bool] = BoundedCache("text trials", TRIALS_BUDGET, lambda fits: 1)
        self._misses: Misses | None = None
        self.font_problem: str | None = None

    @property
    def deferred(self) -> bool:
        """Drawing ahead now: a picture cache must not keep what is drawn (its texts may be blank)."""
        return self._misses is not None

    @contextmanager
    def deferring(self) -> Iterator[Misses]:
        """Draw ahead of time without the cost: a text not yet laid out or rendered is not made
        now but listed, to be made one at a time in spare time between frames (kiosk.engine.ahead)."""
        outer, self._misses = self._misses, Misses()
        try:
            yield self._misses
        finally:
            self._misses = outer

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (size, bold)
        if key not in self._fonts:
            try:
                self._fonts[key] = pygame.font.Font(str(self.font_dir / FONT_FILES[bold]), size)
            except (OSError, FileNotFoundError, pygame.error) as exc:
                # a missing or broken font file must not stop the kiosk: draw with pygame's own
                # font (Chinese then shows as boxes) and say so once, loudly, for staff
                if not self.font_problem:
                    log.error("font %s unusable (%s): falling back to the default font", FONT_FILES[bold], exc)
                self.font_problem = str(exc)
                self._fonts[key] = pygame.font.Font(None, size)
        return self._fonts[key]

    def role_sizes(self, role: str) -> tuple[int, int, bool]:
        size, smallest, bold = TEXT_ROLES[role]
        # large text starts larger but may still shrink to the usual smallest size: a text that
        # fits at all is shown whole rather than cut at a floor raised with the rest
        return self.layout.px(size * self.text_scale), max(8, round(smallest * self.layout.scale)), bold

    def line_height(self, role: str) -> int:
        """Height of one line of role text at its full size."""
        size, _, bold = self.role_sizes(role)
        return self.font(size, bold).get_height()

    def line(self, text: str, size: int, color: Color, bold: bool = False) -> pygame.Surface:
        key = (text, size, bold, color)
        surface = self._lines.get(key)
        if surface is None:
            if self._misses is not None:
                self._misses.lines[key] = lambda: self.line(text, size, color, bold)
                return _BLANK
            surface = self._lines.put(key, self.font(size, bold).render(text, True, color))
        return surface

    def fit(self, text: str, role: str, width: int, height: int, max_lines: int | None = None) -> FittedText:
        key = (text, role, width, height, max_lines, self.text_scale)
        fitted = self._fits.get(key)
        if fitted is None:
            size, smallest, bold = self.role_sizes(role)
            if self._misses is not None:
                self._misses.layouts[key] = lambda: self.fit(text, role, width, height, max_lines)
                return FittedText(smallest, (), 1, 0, 0, False)
            fitted = self._fits.put(key, fit_text(text, lambda s: self.font(s, bold), width, height, size,
                                                  smallest, max_lines=max_lines))
        return fitted

    def fits_whole(self, text: str, role: str, width: int, height: int, reads_well: bool = False) -> bool:
        """Would text fit this box whole (not cut)? With reads_well, also with no word split and no
        lost last word (textlayout.flaws). For a layout choosing between boxes: the answer is kept
        apart from the frame's layouts, so a trial that fails is never drawn or reported as cut."""
        if width <= 0 or height <= 0:
            return False
        key = (text, role, width, height, self.text_scale, reads_well)
        fits = self._trials.get(key)
        if fits is None:
            if self._misses is not None:
                self._misses.layouts[("trial", key)] = lambda: self.fits_whole(text, role, width, height, reads_well)
                return True
            size, smallest, bold = self.role_sizes(role)
            fitted = fit_text(text, lambda s: self.font(s, bold), width, height, size, smallest)
            fits = self._trials.put(key, not fitted.overflow and not (reads_well and any(flaws(text, fitted.lines))))
        return fits

    def layouts_of(self, draw: Callable[[], None]) -> list[LaidOut]:
        """Every text box draw() lays out, measured afresh (the layout cache is emptied first):
        how content lint and the screen tests find texts cut off on a frame."""
        self._fits.clear()
        draw()
        return [LaidOut(key[0], key[1], fitted) for key, fitted in self._fits.items()]

    def draw(self, surface: pygame.Surface, text: str, rect: Rect, role: str, color: Color,
             align: str = "left", valign: str = "top", max_lines: int | None = None) -> FittedText:
        """Lay text out inside rect (shrinking as needed, never overflowing) and draw it."""
        x, y, w, h = rect
        fitted = self.fit(text, role, w, h, max_lines)
        bold = TEXT_ROLES[role][2]
        top = y + {"top": 0, "middle": (h - fitted.height) // 2, "bottom": h - fitted.height}[valign]
        for i, line in enumerate(fitted.lines):
            image = self.line(line, fitted.size, color, bold)
            left = x + {"left": 0, "center": (w - image.get_width()) // 2,
                        "right": w - image.get_width()}[align]
            surface.blit(image, (left, top + i * fitted.line_height))
        return fitted


@lru_cache(maxsize=1)
def _glyph_font() -> "pygame.freetype.Font":
    """FreeType says None for a glyph the font lacks; SDL_ttf would measure the box instead."""
    import pygame.freetype

    if not pygame.freetype.get_init():
        pygame.freetype.init()
    return pygame.freetype.Font(str(FONT_DIR / FONT_FILES[False]), 16)


_drawable: set[str] = set()
_undrawable: set[str] = set()


def missing_glyphs(text: str) -> set[str]:
    """Characters the shipped font cannot draw (they would show as boxes)."""
    new = "".join(set(text) - _drawable - _undrawable)
    if new:  # asking the font is slow; a lesson set reuses a few thousand characters at most
        for char, metric in zip(new, _glyph_font().get_metrics(new)):
            (_undrawable if metric is None and not char.isspace() else _drawable).add(char)
    return _undrawable.intersection(text)
