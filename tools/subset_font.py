"""Rebuild the shipped Chinese fonts from Debian's fonts-noto-cjk package.

Why a subset: the full Noto Sans CJK collection is ~20 MB a weight; the kiosk teaches in
Simplified Chinese, so the GB2312 hanzi (6,763, which cover the Table of General Standard
Chinese Characters level 1) plus Latin, digits and punctuation are enough. `validate` reports
any character a lesson uses that the shipped font lacks, so an author is never surprised.

Usage (developer machine, once):
    apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb /tmp/noto
    python tools/subset_font.py /tmp/noto/usr/share/fonts/opentype/noto
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SC_INDEX = 2  # face order in NotoSansCJK-*.ttc: JP, KR, SC, TC, HK, then the Mono faces
OUT = Path(__file__).resolve().parent.parent / "assets" / "fonts"
EXTRA_RANGES = [
    (0x0020, 0x007E), (0x00A0, 0x00FF),  # ASCII, Latin-1
    (0x2010, 0x206F), (0x2190, 0x21FF),  # general punctuation, arrows
    (0x2460, 0x24FF), (0x25A0, 0x25FF),  # circled numbers, geometric shapes
    (0x2600, 0x26FF), (0x2700, 0x27BF),  # symbols (stars, ticks)
    (0x3000, 0x303F), (0xFF00, 0xFFEF),  # CJK punctuation, full-width forms
]


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def main(src_dir: str) -> None:
    chars = gb2312_chars()
    for lo, hi in EXTRA_RANGES:
        chars.update(chr(c) for c in range(lo, hi + 1))
    for weight in ("Regular", "Bold"):
        font = TTCollection(str(Path(src_dir) / f"NotoSansCJK-{weight}.ttc")).fonts[SC_INDEX]
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        out = OUT / f"NotoSansSC-{weight}.otf"
        font.save(str(out))
        print(f"{out}: {out.stat().st_size // 1024} KiB, {len(chars)} characters")


if __name__ == "__main__":
    main(sys.argv[1])
