"""Text that does not fit its box on real screens, for `validate` on a whole content folder: every
step is laid out at 1280x720 and portrait 1080x1920 by playing it in an App (not by counting
characters). It lives above the engine, apart from kiosk.content, because it runs the engine."""
from __future__ import annotations

from pathlib import Path

import pygame

from kiosk.boot import build_app
from kiosk.content import lint
from kiosk.content.errors import ContentError, display_path
from kiosk.content.library import Library
from kiosk.engine.options import AppOptions
from kiosk.input.intents import Intent, Kind
from kiosk.ui.toolkit import UI

LAYOUT_SIZES = ((1280, 720), (1080, 1920))


def layout_problems(root: Path, library: Library, sizes: tuple[tuple[int, int], ...] = LAYOUT_SIZES) -> list[ContentError]:
    """Lay out every step (and every quiz's feedback) on each screen size; any text that had to be
    cut is an error at its step."""
    errors: dict[tuple[str, int, int, str], ContentError] = {}
    pygame.display.init()
    for size in sizes:
        pygame.display.set_mode(size)
        app = build_app(library, UI(size, "zh", root), AppOptions(idle_timeout=1e9))
        for lesson_id, lesson in list(library.lessons.items()):
            path = library.sources[lesson_id]
            positions = None
            for i, _ in enumerate(lesson.steps):  # type: ignore[attr-defined]
                app.play(lesson_id, start=i)
                cut = _cut_texts(app, [])
                if "options" in app.describe():
                    cut += _cut_texts(app, [Intent(Kind.CHOOSE, value=1)])
                for text in cut:
                    positions = positions or lint.positions(path)
                    line, col = positions.of(("steps", i))
                    key = (str(path), line, col, text)
                    errors.setdefault(key, ContentError(
                        display_path(path), line, col,
                        f"text does not fit its box at {size[0]}x{size[1]} even at the smallest size: "
                        f"'{text[:18]}…'; shorten it"))
                app.home("back")
    return list(errors.values())


def _cut_texts(app: App, intents: list[Intent]) -> list[str]:
    laid_out = app.ui.fonts.layouts_of(lambda: app.frame(1.0, intents))
    return [box.text for box in laid_out if box.fitted.overflow]
