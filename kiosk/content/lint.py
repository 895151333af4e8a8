"""Content lint beyond the schema, for `validate` on a whole content folder: pictures nobody uses,
long sentences and hard words for the youngest. (Text that does not fit its box on real screens is
kiosk/layout_check.py: it plays every step in an App, so it sits above the engine.)"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from .errors import ContentError, display_path
from .library import Library
from .yaml_source import Positions, decode, parse

ASSET_FOLDERS = ("images", "audio")
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


def positions(path: Path) -> Positions:
    """Where every key and value of a content file is (line, col), for messages at the right place."""
    return parse(decode(path.read_bytes()))[1]


def _young_texts(library: Library) -> Iterator[tuple[str, int, int, str]]:
    """(file, line, col, Chinese text) of every text a child sees in the lessons for ages 6-8."""
    for lesson_id, lesson in library.lessons.items():
        if YOUNG_BAND not in lesson.bands:
            continue
        path = library.sources[lesson_id]
        where = positions(path)
        for i, step in enumerate(lesson.steps):  # type: ignore[attr-defined]
            for loc, text in step.texts():
                line, col = where.of(("steps", i) + loc)
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



PICTURE_USES_MAX = 2  # one picture for more statements than this cannot show what each one says


def young_pictures(library: Library) -> list[ContentError]:
    """Warnings for the lessons for ages 6-8, at the step: a story or quiz step without a picture,
    and each use of a picture past its second in one lesson."""
    errors = []
    for lesson_id, lesson in library.lessons.items():
        if YOUNG_BAND not in lesson.bands:
            continue
        path = library.sources[lesson_id]
        where = positions(path)
        uses: dict[str, list[int]] = {}
        for i, step in enumerate(lesson.steps):  # type: ignore[attr-defined]
            picture = getattr(step, "picture", None)
            if picture:
                uses.setdefault(picture, []).append(i)
                if len(uses[picture]) > PICTURE_USES_MAX:
                    earlier = ", ".join(str(n + 1) for n in uses[picture][:-1])
                    errors.append(ContentError(
                        display_path(path), *where.of(("steps", i, "picture")),
                        f"'{picture}' is already the picture of steps {earlier}: for ages 6-8 each statement "
                        f"needs a picture that shows it (one picture at most {PICTURE_USES_MAX} times a lesson)",
                        "warning"))
            elif step.tells_in_words:
                errors.append(ContentError(
                    display_path(path), *where.of(("steps", i)),
                    f"this {step.type} step has no picture: for ages 6-8 add one that shows what it says",
                    "warning"))
    return errors
