"""What the report formats share: their words, the fonts, CSV writing."""
from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from kiosk.ui.strings import Strings

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT_REGULAR = FONT_DIR / "NotoSansSC-Regular.otf"
FONT_BOLD = FONT_DIR / "NotoSansSC-Bold.otf"

def word(key: str, lang: str, **values: object) -> str:
    """A report's word: strings.yaml's `reports` namespace, shared words from `ui`."""
    return Strings(lang, namespace="reports")(key, **values)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UTF-8 with a BOM (so spreadsheet programs open Chinese text right); returns the rows written."""
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


@lru_cache(maxsize=4)
def _font_bytes(path: Path) -> bytes:
    return path.read_bytes()


def subset_font(path: Path, text: str) -> bytes:
    """The font cut down to the characters of text (OpenType/CFF), for embedding in the HTML."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_font_bytes(path)), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []     # browsers need no OpenType features for Chinese text
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "0123456789%·—–-:：、，。（）()")
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
