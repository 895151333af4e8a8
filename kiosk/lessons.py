"""Loading a content folder's lessons, the one way every command, the kiosk (start and reload), the
simulator, the reports, the booking site and the tests do it: against the registered step types,
which content (below them) is handed rather than asking for. Find one lesson with Library.lesson(id)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable

from kiosk.content.library import Library, load_library
from kiosk.content.loader import GlyphCheck
from kiosk.registry import step_models

log = logging.getLogger("kiosk.content")


def load_content(content_root: Path | str, paths: Iterable[Path] | None = None, *, check_glyphs: bool = True,
                 log_errors: bool = True) -> Library:
    """Every good lesson under content_root (or in the files and folders of paths, checked against
    content_root's assets); every broken one skipped and listed in library.errors.

    check_glyphs: also report any character the kiosk's font cannot draw (this loads pygame's fonts;
    the booking site and reports, which draw nothing, leave it off).
    log_errors: also log each problem as a warning, as the kiosk does (commands that print the
    problems themselves, such as validate, leave it off)."""
    library = load_library(Path(content_root), step_models(), paths, _font_check() if check_glyphs else None)
    if log_errors:
        for error in library.errors:
            log.warning("content: %s", error)
    return library


def _font_check() -> GlyphCheck:
    from kiosk.ui.fonts import missing_glyphs  # pygame's fonts, only for those that draw

    return missing_glyphs
