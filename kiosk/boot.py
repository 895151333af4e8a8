"""Setting the engine up the same way for every command: headless when asked, content loaded."""
from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.content.library import Library, load_library

if TYPE_CHECKING:
    import pygame

    from kiosk.engine.app import App


def headless() -> None:
    """No window, no sound card: SDL's dummy drivers (screenshots, simulation, CI)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


def has_display() -> bool:
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return False
    if os.name == "nt" or os.uname().sysname == "Darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def load_content(content_root: Path, log: logging.Logger | None = None) -> Library:
    """Every good lesson; every broken one reported in the log and skipped."""
    from kiosk.ui.fonts import missing_glyphs

    library = load_library(content_root, missing_glyphs=missing_glyphs)
    for error in library.errors:
        (log or logging.getLogger("kiosk.content")).warning("content: %s", error)
    return library


def make_app(args: argparse.Namespace, size: tuple[int, int], surface: "pygame.Surface | None" = None,
             **kwargs: Any) -> "App":
    """An App on the content and language the command line named."""
    import pygame

    from kiosk.engine.app import App
    from kiosk.engine.context import UI

    if not pygame.font.get_init():
        pygame.font.init()
    library = load_content(Path(args.content))
    ui = UI(size, args.lang, Path(args.content))
    return App(library, ui, surface=surface, **kwargs)
