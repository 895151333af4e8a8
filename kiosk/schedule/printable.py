"""Which characters of a text the printed passports and reports cannot show: the PDFs embed the
shipped Noto Sans SC, and a character outside it (a rare name character such as 堃, an emoji) would
print as nothing, so the teacher is told at booking time."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _printable() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    from kiosk.reports.common import FONT_BOLD, FONT_REGULAR

    codes: set[int] | None = None
    for path in (FONT_REGULAR, FONT_BOLD):  # both faces print the school and class
        cmap = set(TTFont(str(path), lazy=True).getBestCmap())
        codes = cmap if codes is None else codes & cmap
    return frozenset(codes or ())


def unprintable(*texts: str | None) -> str:
    """The characters of the texts the PDFs cannot print, each once, in order ('' when all print)."""
    have = _printable()
    seen: dict[str, None] = {}
    for text in texts:
        for ch in text or "":
            if not ch.isspace() and ord(ch) not in have:
                seen.setdefault(ch, None)
    return "".join(seen)
