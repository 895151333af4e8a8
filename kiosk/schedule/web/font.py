"""The pages' font: the shipped Chinese font cut down to the characters the pages print."""
from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Response

from ..calendar import WEEKDAY_NAMES, ZONE_NAMES
from ..service import STATUS_NAMES
from ..words import SITE_LANGS
from .site import GRADE_NAMES, TEMPLATES

router = APIRouter()


@lru_cache(maxsize=1)
def hall_font() -> bytes:
    """The shipped Chinese font cut down to the characters of the pages' templates (falls back to the
    phone's own fonts for anything else, e.g. a school's name)."""
    from kiosk.reports.common import FONT_REGULAR, subset_font
    from kiosk.ui.strings import catalogue

    text = "".join(p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.glob("*.html")))
    for names in (STATUS_NAMES, ZONE_NAMES, GRADE_NAMES, WEEKDAY_NAMES):
        text += names.every_language()
    text += "".join(texts.get(lang, "") for texts in catalogue()["web"].values() for lang in SITE_LANGS)
    return subset_font(FONT_REGULAR, "".join(sorted(set(text))))


@router.get("/font/hall-sans.otf", include_in_schema=False)
def font() -> Response:
    return Response(hall_font(), media_type="font/otf", headers={"cache-control": "public, max-age=86400"})
