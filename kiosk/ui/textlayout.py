"""Line breaking and font-size fitting for mixed Chinese/Latin text.

Pure layout logic: nothing here draws. Text is cut into unbreakable units
(:func:`tokens`): Chinese into dictionary words (jieba's dictionary, through rjieba), so a
line never splits 手机 or 拥抱; Latin into words. Units are filled greedily into lines
(:func:`break_lines`) following the usual Chinese rules (kinsoku): closing punctuation never
starts a line and opening punctuation never ends one; a full line ends at a clause end when
one is near; and a last line keeps at least
:data:`MIN_LAST_LINE` characters when the line above can give them. :func:`fit_text` picks the
largest font size at which a text fits a box whole, with no word split and no lost last word
(:func:`flaws`) when some size allows it. Nothing is cached here; callers cache.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import rjieba

if TYPE_CHECKING:
    import pygame

NO_LINE_START: frozenset[str] = frozenset(
    "，。！？、；：”’）》」』】〕〉〗〙〛〞〟…‥—·・％．］｝＞"
    "%,.!?;:)]}>"
)
NO_LINE_END: frozenset[str] = frozenset("“‘（《「『【〔〈〖〘〚〝［｛([{")

# Joiners kept inside a Latin run when a letter/digit follows them:
# 'v1.2', '3.5', '12:30', 'e-mail', 'and/or', "don't", 'don’t', '1,000'.
_INNER = frozenset(".,-'/%:’")

# A last line shorter than this (in letters, punctuation not counted) reads as a lost word:
# "危|险。" on a line of its own. Children who read little lose the sentence there.
MIN_LAST_LINE = 3
# A line may end early at a clause end when it is still this full: "好朋友，|要互相友爱。" reads
# better than "好朋友，要|互相友爱。", but a line half empty looks broken.
PHRASE_FILL = 0.6
CLAUSE_END = frozenset("，。！？；：,.!?;:")
# fit_text first looks for a size with no flaws (see flaws); off only to test what reports them
PREFER_CLEAN = True

# A label this short (a button's 大字, 继续, 朗读, "Read aloud"; a Chinese character is two
# cells) shrinks down to LABEL_SHRINK of its role's smallest size on one line rather than wrap
# to "大|字" or be cut to "大字…".
LABEL_CELLS = 16
LABEL_SHRINK = 0.75

_ELLIPSIS = "…"
# Dropped before an added ellipsis, so a cut reads '好…' rather than '好，…'.
_TRIM_BEFORE_ELLIPSIS = " ，。、；：,.;:"


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _is_word(ch: str) -> bool:
    return ch.isalnum() and not _is_wide(ch)


def _is_space(unit: str) -> bool:
    return unit.isspace() and "\n" not in unit


def _is_han(ch: str) -> bool:
    return _is_wide(ch) and ch.isalpha()


def _atoms(text: str, words: bool = True) -> list[str]:
    """Latin runs, Chinese words (single characters unless words), every other character alone."""
    atoms: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if _is_word(text[i]):
            while j < n and (
                _is_word(text[j])
                or (text[j] in _INNER and j + 1 < n and _is_word(text[j + 1]))
            ):
                j += 1
        elif _is_han(text[i]):
            while j < n and _is_han(text[j]):
                j += 1
            atoms.extend(rjieba.cut(text[i:j]) if words else text[i:j])
            i = j
            continue
        atoms.append(text[i:j])
        i = j
    return atoms


def tokens(text: str, words: bool = True) -> list[str]:
    """Split into unbreakable units: each Chinese word (dictionary segmentation) is one unit,
    each other wide character its own unit; a run of Latin letters/digits (with inner . , - ' / % : like 'v1.2', '3.5%', '12:30',
    'e-mail') is one unit; spaces are their own units; '\\n' is its own unit and nothing is glued
    across it. Punctuation from NO_LINE_START is glued to the unit before it, NO_LINE_END glued
    to the unit after it, so a break never separates them (e.g. '好。' one unit;
    '《民法典》' -> '《民法典》', '（你好）！' -> '（你好）！').
    As in UAX #14, the glue reaches across spaces ('好 。' is one unit), because a break at the
    space would still put the '。' at the start of a line.
    """
    units: list[str] = []
    pending = ""  # opening punctuation (plus spaces) waiting for the unit it belongs to
    for atom in _atoms(text, words):
        if atom == "\n":
            if pending:
                units.append(pending)
                pending = ""
            units.append(atom)
        elif pending:
            pending += atom
            if not (_is_space(atom) or atom in NO_LINE_END):
                units.append(pending)
                pending = ""
        elif atom in NO_LINE_START:
            k = len(units)
            while k and _is_space(units[k - 1]):
                k -= 1
            if k and units[k - 1] != "\n":
                units[k - 1 :] = ["".join(units[k - 1 :]) + atom]
            else:  # nothing before it on this line to hold on to
                units.append(atom)
        elif atom in NO_LINE_END:
            pending = atom
        else:
            units.append(atom)
    if pending:
        units.append(pending)
    return units


def _can_break(s: str, j: int) -> bool:
    left, right = s[:j].rstrip(), s[j:].lstrip()
    return bool(left and right) and left[-1] not in NO_LINE_END and right[0] not in NO_LINE_START


def _split_long(unit: str, measure: Callable[[str], int], max_width: int) -> list[str]:
    """Cut a unit wider than max_width by character, at a kinsoku-legal point when one fits."""
    pieces = []
    rest = unit.strip()
    while measure(rest) > max_width:
        fit = 1  # at least one character per piece, so this always terminates
        while fit < len(rest) and measure(rest[: fit + 1].rstrip()) <= max_width:
            fit += 1
        cut = next((j for j in range(fit, 0, -1) if _can_break(rest, j)), fit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def break_lines(text: str, measure: Callable[[str], int], max_width: int, phrases: bool = True,
                words: bool = True) -> list[str]:
    """Greedy line breaking: a full line ends early at a near clause end unless phrases is False;
    Chinese breaks between words, or between any two characters when words is False. `measure(s)` returns the pixel width of s. Explicit '\\n' forces a
    break; an empty paragraph ('a\\n\\nb') gives an empty line, but blank lines at the very start
    or end of the text are dropped (YAML block scalars end in '\\n'). Whitespace-only text gives [].
    Spaces at the start/end of a line are dropped. A single unit wider than max_width is split by
    character (never loops forever, never returns an empty line for a non-blank paragraph).
    Guarantee: no line starts with a NO_LINE_START char and no line ends with a NO_LINE_END char,
    except at the start/end of a paragraph (the text put it there) or where a unit had to be cut
    because it was wider than max_width. Lines fit max_width unless one character alone does not.
    """
    if not text.strip():
        return []
    lines: list[str] = []
    for para in text.strip().split("\n"):
        para_lines: list[list[str]] = []  # each line as its units, so the last can borrow
        line: list[str] = []
        for unit in tokens(para, words):
            if not line and _is_space(unit):
                continue
            if measure("".join(line + [unit]).rstrip()) <= max_width:
                line.append(unit)
                continue
            if line:
                head, line = _phrase_break(line, unit, measure, max_width) if phrases else (line, [])
                para_lines.append(head)
                if line:
                    line.append(unit)
                    continue
            if not _is_space(unit):
                *full, last = _split_long(unit, measure, max_width)
                para_lines.extend([piece] for piece in full)
                line = [last]
        if line or not para_lines:
            para_lines.append(line)
        _lengthen_last_line(para_lines, measure, max_width)
        lines.extend("".join(units).strip() for units in para_lines)
    return lines


def _phrase_break(line: list[str], unit: str, measure: Callable[[str], int],
                  max_width: int) -> tuple[list[str], list[str]]:
    """Split a full line at its last clause end (，。！？；：) when that keeps the line at least
    PHRASE_FILL full and the rest still fits beside the next unit: a child reads a clause at a time."""
    for k in range(len(line) - 2, -1, -1):
        if line[k].rstrip()[-1:] not in CLAUSE_END:
            continue
        head, tail = line[: k + 1], line[k + 1 :]
        while tail and _is_space(tail[0]):
            tail.pop(0)
        if (measure("".join(head).rstrip()) >= PHRASE_FILL * max_width
                and measure("".join(tail + [unit]).rstrip()) <= max_width):
            return head, tail
        break
    return line, []


def _letters(units: list[str]) -> int:
    return sum(ch.isalnum() for unit in units for ch in unit)


def _lengthen_last_line(lines: list[list[str]], measure: Callable[[str], int], max_width: int) -> None:
    """Move units from the end of the line above down to a last line shorter than MIN_LAST_LINE,
    while the moved text still fits and the line above keeps MIN_LAST_LINE letters itself (a short
    label then reads 骑电动 / 自行车上路 rather than 骑电动自行车 / 上路)."""
    if len(lines) < 2:
        return
    above, last = lines[-2], lines[-1]
    while _letters(last) < MIN_LAST_LINE and len(above) > 1:
        unit = above[-1]
        if _is_space(unit):
            above.pop()
            continue
        if measure("".join([unit] + last).strip()) > max_width or _letters(above) - _letters([unit]) < MIN_LAST_LINE:
            return
        last.insert(0, above.pop())
    while above and _is_space(above[-1]):
        above.pop()


def flaws(text: str, lines: tuple[str, ...]) -> tuple[str, str]:
    """(the last line, if it is a lost word of fewer than MIN_LAST_LINE letters; the dictionary
    word a line break falls inside), each '' when there is none. A layout with either reads badly:
    fit_text avoids them, and validate's layout pass reports them (kiosk/layout_check.py)."""
    orphan = lines[-1].strip() if len(lines) > 1 and 0 < _letters([lines[-1]]) < MIN_LAST_LINE else ""
    return orphan, _split_word(text, lines)


def _split_word(text: str, lines: tuple[str, ...]) -> str:
    starts, pos = [], 0
    for line in lines:
        found = text.find(line.strip(), pos)
        if found < 0:  # not a plain slice of the text: nothing to compare
            return ""
        starts.append(found)
        pos = found + len(line.strip())
    bounds, offset = {0}, 0
    spans = []
    for unit in tokens(text):
        spans.append((offset, offset + len(unit), unit))
        offset += len(unit)
        bounds.add(offset)
    for start in starts[1:]:
        if start not in bounds:
            return next((unit for a, b, unit in spans if a < start < b), "")
    return ""


@dataclass(frozen=True)
class FittedText:
    size: int  # font size chosen
    lines: tuple[str, ...]
    line_height: int  # pixels between baselines
    width: int  # widest line's width in px
    height: int  # total height in px
    overflow: bool  # True only if even min_size did not fit; lines then truncated, last ends '…'


def _sizes(size: int, min_size: int) -> list[int]:
    sizes = [max(size, min_size)]
    while sizes[-1] > min_size:
        sizes.append(max(min_size, min(sizes[-1] - 1, round(sizes[-1] * 0.92))))
    return sizes


def _is_label(text: str) -> bool:
    stripped = text.strip()
    cells = sum(2 if _is_wide(ch) else 1 for ch in stripped)
    words = [unit for unit in tokens(stripped) if not unit.isspace()]
    return 0 < cells <= LABEL_CELLS and "\n" not in stripped and len(words) <= 3


def _measurer(font: pygame.font.Font) -> Callable[[str], int]:
    return lambda t: font.size(t)[0]


def _height(n: int, line_height: int, font: pygame.font.Font) -> int:
    return line_height * (n - 1) + font.get_height() if n else 0


def fit_text(
    text: str,
    font_for_size: Callable[[int], pygame.font.Font],
    box_w: int,
    box_h: int,
    size: int,
    min_size: int,
    line_spacing: float = 1.3,
    max_lines: int | None = None,
) -> FittedText:
    """Largest font size <= size (stepping down ~8% at a time, never below min_size) at which
    the text, broken with break_lines using font.size(s)[0] as measure, fits box_w x box_h (and
    max_lines if given). If it never fits, min_size is used and the lines are truncated to those
    that fit, with '…' at the end of the last kept line (shortened so it still fits the width);
    at least one line is kept even if box_h is shorter than one line. A short label (up to
    LABEL_CELLS cells, at most three words) first tries one line at every size down to
    LABEL_SHRINK x min_size, so it wraps or is cut only where even that does not fit.

    line_height = round(size * line_spacing): line_spacing is a multiple of the font size, as in
    CSS, not of font.get_linesize(), which for Noto Sans SC is already ~1.45 em (scaling that by
    1.3 would leave ~1.9 em between lines). height = line_height * (n - 1) + font.get_height(),
    0 for no lines. Lines are never wider than box_w unless a single glyph (or '…') is.
    """
    if _is_label(text):
        # a label reads as one word: a smaller size on one line before a wrap or a cut
        for s in _sizes(size, max(8, round(min_size * LABEL_SHRINK))):
            font = font_for_size(s)
            measure = _measurer(font)
            if measure(text.strip()) <= box_w and font.get_height() <= box_h:
                return FittedText(s, (text.strip(),), max(1, round(s * line_spacing)), measure(text.strip()),
                                  font.get_height(), False)
    # first the largest size that reads well (no word split, no lost last word), then the
    # largest that fits at all: a few points smaller beats 刑事|责任 or a lone 管教
    for clean in (True, False) if PREFER_CLEAN else (False,):
        for s in _sizes(size, min_size):
            font = font_for_size(s)
            measure = _measurer(font)
            line_height = max(1, round(s * line_spacing))
            limit = max(1, (box_h - font.get_height()) // line_height + 1)
            if max_lines is not None:
                limit = max(1, min(limit, max_lines))
            # clause breaks cost a line now and then: a size is worth more; at the smallest size a
            # word split between two lines is still better than a text cut short
            tries = ((True, True), (False, True)) + (((False, False),) if s == min_size and not clean else ())
            for phrases, words in tries:
                lines = break_lines(text, measure, box_w, phrases, words)
                if len(lines) > limit or _height(len(lines), line_height, font) > box_h:
                    continue
                if clean and any(flaws(text, tuple(lines))):
                    continue
                widest = max(map(measure, lines), default=0)
                height = _height(len(lines), line_height, font)
                return FittedText(s, tuple(lines), line_height, widest, height, False)

    # Still too big at min_size (the last size tried): keep what fits and mark the cut.
    kept = lines[:limit]
    last = kept[-1].rstrip(_TRIM_BEFORE_ELLIPSIS)
    while last and measure(last + _ELLIPSIS) > box_w:
        last = last[:-1].rstrip(_TRIM_BEFORE_ELLIPSIS)
    kept[-1] = last + _ELLIPSIS
    widest = max(map(measure, kept))
    height = _height(len(kept), line_height, font)
    return FittedText(s, tuple(kept), line_height, widest, height, True)
