"""The UI toolkit a screen draws with: layout, fonts, theme, words and fitted pictures.

It lives below the engine (the engine and every screen and scene get one), so the widgets can
name it without importing the engine."""
from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pygame

from kiosk.bounded_cache import BoundedCache, surface_bytes
from kiosk.content.text import tr

from .fonts import Fonts
from .strings import Strings
from .theme import DEFAULT, Layout, Theme

log = logging.getLogger(__name__)
PICTURE_SCREENS = 4  # fitted pictures kept: four full screens of 32-bit pixels


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
        # fitted pictures (SVGs rendered at their size): a few screens' worth of pixels, so a
        # station with many pictures, or shown at many sizes, does not keep them all
        self._images: BoundedCache[pygame.Surface | None] = BoundedCache(
            "pictures", PICTURE_SCREENS * size[0] * size[1] * 4, surface_bytes)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.t = Strings(lang)

    def text(self, value: dict[str, str] | None) -> str:
        """A lesson text in the kiosk's language."""
        return tr(value, self.lang)

    def image(self, rel: str, size: tuple[int, int]) -> pygame.Surface | None:
        """A content picture fitted into size (SVG rendered crisp at that size); None if unusable."""
        key = (rel, *size)
        if key in self._images:
            return self._images.get(key)
        return self._images.put(key, self._load_image(rel, size))

    def _load_image(self, rel: str, size: tuple[int, int]) -> pygame.Surface | None:
        path = self.content_root / rel
        try:
            data = path.read_bytes()
            if path.suffix.lower() == ".svg":
                image = pygame.image.load(io.BytesIO(_svg_sized(data, size)), "image.svg")
            else:
                image = pygame.image.load(io.BytesIO(data), path.name)
                scale = min(size[0] / image.get_width(), size[1] / image.get_height())
                image = pygame.transform.smoothscale(
                    image, (max(1, int(image.get_width() * scale)), max(1, int(image.get_height() * scale))))
        except (OSError, pygame.error, ValueError) as exc:
            log.warning("picture %s cannot be shown (%s); drawing without it", path, exc)
            return None
        return image.convert_alpha() if pygame.display.get_surface() else image


def _svg_sized(data: bytes, size: tuple[int, int]) -> bytes:
    """Rewrite the root width/height so the SVG renders sharp at size, keeping its aspect."""
    text = data.decode("utf-8")
    root = re.search(r"<svg\b[^>]*>", text)
    if not root:
        raise ValueError("not an SVG file")
    tag = root.group(0)
    box = re.search(r'viewBox="\s*[\d.+-]+[\s,]+[\d.+-]+[\s,]+([\d.]+)[\s,]+([\d.]+)', tag)
    if box:
        vw, vh = float(box.group(1)), float(box.group(2))
        scale = min(size[0] / vw, size[1] / vh)
        w, h = max(1, int(vw * scale)), max(1, int(vh * scale))
        new = re.sub(r'\s(width|height)="[^"]*"', "", tag).replace("<svg", f'<svg width="{w}" height="{h}"', 1)
        text = text.replace(tag, new, 1)
    return text.encode("utf-8")
