"""The UI toolkit a screen draws with: layout, fonts, theme, words and fitted pictures.

It lives below the engine (the engine and every screen and scene get one), so the widgets can
name it without importing the engine."""
from __future__ import annotations

from pathlib import Path

import pygame

from kiosk.content.text import tr

from .fonts import Fonts
from .pictures import Pictures
from .strings import Strings
from .theme import DEFAULT, Color, Layout, Theme


class UI:
    """Everything a screen needs to draw: layout, fonts, theme, words, pictures."""

    def __init__(self, size: tuple[int, int], lang: str = "zh", content_root: Path | None = None,
                 theme: Theme = DEFAULT, text_scale: float = 1.0):
        self.layout = Layout(*size)
        self.fonts = Fonts(self.layout, text_scale)
        self.theme = theme
        self.lang = lang
        self.t = Strings(lang)
        self.content_root = content_root or Path("content")
        self.pictures = Pictures(self.content_root, size)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.t = Strings(lang)

    def text(self, value: dict[str, str] | None) -> str:
        """A lesson text in the kiosk's language."""
        return tr(value, self.lang)

    def image(self, rel: str, size: tuple[int, int], backdrop: Color | None = None) -> pygame.Surface | None:
        """A content picture fitted into size (SVG rendered crisp at that size), flattened onto
        backdrop when given; None if unusable or, once the loop runs, not made yet (pictures.py)."""
        return self.pictures.get(rel, size, backdrop)

    def picture_size(self, rel: str, size: tuple[int, int]) -> tuple[int, int] | None:
        """The size image(rel, size) has, known before the picture is made; None if unusable."""
        return self.pictures.fitted_size(rel, size)
