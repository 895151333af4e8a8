"""Content lint beyond the schema, for `validate` on a whole content folder: pictures nobody uses,
long sentences and hard words for the youngest, and text that does not fit its box on real screens
(checked by laying every step out at 1280x720 and portrait 1080x1920, not by counting characters)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from .errors import ContentError, display_path
from .library import Library
from .yaml_source import Positions, decode, parse

ASSET_FOLDERS = ("images", "audio")
LAYOUT_SIZES = ((1280, 720), (1080, 1920))
YOUNG_BAND = "6-8"
YOUNG_SENTENCE_MAX = 24  # characters: a 6-year-old reads a few words at a time
SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
YOUNG_WORDS = Path(__file__).with_name("reading_6_8.yaml")


def unused_assets(root: Path, library: Library, stations_text: str = "") -> list[ContentError]:
    used: set[str] = set()
    for lesson in library.lessons.values():
        for step in lesson.steps:  # type: ignore[attr-defined]
            used.update(rel for _, rel in step.asset_paths())
    errors = []
    for folder in ASSET_FOLDERS:
        for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in used and rel not in stations_text:
                errors.append(ContentError(display_path(path), 1, 1, f"'{rel}' is shipped but no lesson uses it",
                                           "warning"))
    return errors


def _positions(path: Path) -> Positions:
    return parse(decode(path.read_bytes()))[1]


def _young_texts(library: Library) -> Iterator[tuple[str, int, int, str]]:
    """(file, line, col, Chinese text) of every text a child sees in the lessons for ages 6-8."""
    for lesson_id, lesson in library.lessons.items():
        if YOUNG_BAND not in lesson.bands:
            continue
        path = library.sources[lesson_id]
        positions = _positions(path)
        for i, step in enumerate(lesson.steps):  # type: ignore[attr-defined]
            for loc, text in step.texts():
                line, col = positions.of(("steps", i) + loc)
                yield display_path(path), line, col, text["zh"]


def long_sentences(library: Library) -> list[ContentError]:
    """Warnings for sentences too long for the 6-8 band, at the text's place in its file."""
    errors = []
    for path, line, col, text in _young_texts(library):
        long = [s.strip() for s in SENTENCE.findall(text) if len(s.strip()) > YOUNG_SENTENCE_MAX]
        if long:
            errors.append(ContentError(path, line, col,
                                       f"a sentence of {len(long[0])} characters is long for ages "
                                       f"6-8 (at most {YOUNG_SENTENCE_MAX}): '{long[0][:16]}…'", "warning"))
    return errors


@dataclass(frozen=True)
class WordList:
    """Words (each with a plainer way to say it) and single characters a 6-8 reader does not know."""

    words: dict[str, str]
    characters: str

    @classmethod
    def load(cls, path: Path = YOUNG_WORDS) -> "WordList":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls({str(k): str(v) for k, v in data["words"].items()}, str(data["characters"]))

    def found_in(self, text: str) -> list[str]:
        """The listed words and characters in text, longest word first; a word or character inside
        a longer word already found is not named again (敏感个人信息, not also 个人信息)."""
        found: list[str] = []
        for word in sorted(self.words, key=len, reverse=True) + list(self.characters):
            if word in text and not any(word in longer for longer in found):
                found.append(word)
        return found

    def advice(self, word: str) -> str:
        plain = self.words.get(word)
        return f"'{word}' (say: {plain})" if plain else f"'{word}'"


def hard_words(library: Library, words: WordList | None = None) -> list[ContentError]:
    """Warnings for words and characters beyond the 6-8 band (reading_6_8.yaml), one per text."""
    words = words or WordList.load()
    errors = []
    for path, line, col, text in _young_texts(library):
        found = words.found_in(text)
        if found:
            errors.append(ContentError(path, line, col, "beyond ages 6-8: " +
                                       ", ".join(words.advice(w) for w in found), "warning"))
    return errors


def layout_problems(root: Path, library: Library, sizes: tuple[tuple[int, int], ...] = LAYOUT_SIZES) -> list[ContentError]:
    """Lay out every step (and every quiz's feedback) on each screen size; any text that had to be
    cut is an error at its step."""
    import pygame

    from kiosk.engine.app import App
    from kiosk.engine.context import UI
    from kiosk.input.intents import Intent, Kind

    errors: dict[tuple[str, int, int, str], ContentError] = {}
    pygame.display.init()
    for size in sizes:
        pygame.display.set_mode(size)
        app = App(library, UI(size, "zh", root), idle_timeout=1e9)
        for lesson_id, lesson in list(library.lessons.items()):
            path = library.sources[lesson_id]
            positions = None
            for i, _ in enumerate(lesson.steps):  # type: ignore[attr-defined]
                app.play(lesson_id, start=i)
                cut = _cut_texts(app, [])
                if "options" in app.describe():
                    cut += _cut_texts(app, [Intent(Kind.CHOOSE, value=1)])
                for text in cut:
                    positions = positions or _positions(path)
                    line, col = positions.of(("steps", i))
                    key = (str(path), line, col, text)
                    errors.setdefault(key, ContentError(
                        display_path(path), line, col,
                        f"text does not fit its box at {size[0]}x{size[1]} even at the smallest size: "
                        f"'{text[:18]}…'; shorten it"))
                app.home("back")
    return list(errors.values())


def _cut_texts(app: Any, intents: list[Any]) -> list[str]:
    fits = app.ui.fonts._fits
    fits.clear()
    app.frame(1.0, intents)
    return [key[0] for key, fitted in fits.items() if fitted.overflow]
