"""Every user-facing text with a key a translator's tool can hold on to: the word catalogue
(kiosk/ui/strings.yaml: ui, games, reports, guide) and each lesson's texts (lesson fields, then
each step's texts() and presenter's notes).

A key names the place, not the position: `ui:right`, `lesson:help-hotlines/title`,
`lesson:help-hotlines/step:q-call/options:b/text`. A list piece with an id is named by it, one
without by its index (`goals#0`), so reordering options or steps keeps their keys.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .errors import display_path
from .library import Library
from .models import LessonBase, Loc, field_texts
from .text import DEFAULT_LANG, LANGS
from .yaml_source import YamlProblem, decode, parse

LESSON_FIELDS = ("title", "summary")
LESSON_LISTS = ("goals", "discussion")
LESSON = "lesson:"


@dataclass(frozen=True)
class Text:
    """One translatable text: where it lives (file and path inside the YAML) and its languages."""

    key: str
    file: Path
    loc: Loc
    texts: dict[str, str]
    line: int = 0

    @property
    def source(self) -> str:
        return self.texts[DEFAULT_LANG]

    @property
    def is_catalogue(self) -> bool:
        return not self.key.startswith(LESSON)


class TranslationError(Exception):
    """A problem that stops an export or import; `problems` lists each one, already worded."""

    def __init__(self, headline: str, problems: list[str]):
        self.problems = problems
        super().__init__(headline)


def target_langs() -> tuple[str, ...]:
    return tuple(lang for lang in LANGS if lang != DEFAULT_LANG)


def catalogue_texts(path: Path) -> list[Text]:
    """The catalogue's words: namespace -> key -> {zh, en}, keyed `namespace:key`."""
    data, positions = _read_yaml(path)
    shown = display_path(path)
    if not isinstance(data, dict) or not all(isinstance(words, dict) for words in data.values()):
        raise TranslationError(f"{shown} is not a word catalogue",
                               [f"{shown}:1:1: expected namespaces of key -> {{zh: ..., en: ...}}"])
    out, bad = [], []
    for namespace, words in data.items():
        for key, value in words.items():
            line, col = positions.of((namespace, key))
            if not isinstance(value, dict) or not isinstance(value.get(DEFAULT_LANG), str):
                bad.append(f"{shown}:{line}:{col}: '{namespace}.{key}' needs its Chinese text under 'zh'")
                continue
            texts = {k: str(v) for k, v in value.items()}
            out.append(Text(f"{namespace}:{key}", path, (namespace, key), texts, line))
    if bad:
        raise TranslationError(f"{shown} has broken entries", bad)
    return out


def lesson_texts(library: Library) -> list[Text]:
    """Every lesson's texts, in file order, refusing a library that has broken lessons (their
    texts would silently go missing from the export)."""
    if library.error_count:
        raise TranslationError("fix the lessons first (python main.py validate)",
                               [str(e) for e in library.errors if e.severity == "error"])
    out: list[Text] = []
    for lesson_id, lesson in library.lessons.items():
        path = library.sources[lesson_id]
        _, positions = _read_yaml(path)
        for loc, key, texts in _walk_lesson(lesson):
            out.append(Text(f"{LESSON}{lesson_id}/{key}", path, loc, texts, positions.of(loc)[0]))
    duplicates = _duplicate_keys(out)
    if duplicates:
        raise TranslationError("two texts would share a key; give the pieces distinct ids", duplicates)
    return out


def _walk_lesson(lesson: LessonBase) -> Iterator[tuple[Loc, str, dict[str, str]]]:
    """(YAML path, key, texts) of one lesson."""
    for loc, texts in field_texts((), lesson, *LESSON_FIELDS):
        yield loc, _key(lesson, loc), texts
    for name in LESSON_LISTS:
        for i, texts in enumerate(getattr(lesson, name)):
            yield (name, i), f"{name}#{i}", texts
    for i, step in enumerate(lesson.steps):  # type: ignore[attr-defined]
        # presenter's notes are not in texts() (lint and narration skip them) but a judge reads them
        for loc, texts in [*step.texts(), *field_texts((), step, "notes")]:
            yield ("steps", i, *loc), f"step:{step.id}/{_key(step, loc)}", texts


def _key(obj: Any, loc: Loc) -> str:
    """loc as a key: a list's piece by its id where it has one (`options:b`), else `name#index`."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            obj = obj[part]
            piece_id = getattr(obj, "id", None)
            parts[-1] += f":{piece_id}" if piece_id else f"#{part}"
        else:
            obj = getattr(obj, part, None)
            parts.append(part)
    return "/".join(parts)


def _duplicate_keys(texts: list[Text]) -> list[str]:
    seen: dict[str, Text] = {}
    out = []
    for text in texts:
        if text.key in seen:
            out.append(f"{display_path(text.file)}:{text.line}: key {text.key} also at line {seen[text.key].line}")
        seen.setdefault(text.key, text)
    return out


def _read_yaml(path: Path) -> tuple[Any, Any]:
    try:
        return parse(decode(path.read_bytes()))
    except YamlProblem as problem:
        raise TranslationError(f"cannot read {display_path(path)}",
                               [f"{display_path(path)}:{problem.line}:{problem.col}: {problem.message}"]) from None
    except OSError as exc:
        raise TranslationError(f"cannot read {display_path(path)}", [f"{display_path(path)}: {exc.strerror}"]) from None


def placeholders(text: str) -> set[str]:
    """The {names} a catalogue word is formatted with; a translation must keep the same ones."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def missing(texts: list[Text], lang: str) -> list[Text]:
    return [t for t in texts if not t.texts.get(lang, "").strip()]


def group_of(text: Text) -> str:
    """What `texts status` counts by: a namespace of the catalogue ("games:"), or one lesson."""
    if text.is_catalogue:
        return text.key.split(":", 1)[0] + ":"
    return text.key.split("/", 1)[0].removeprefix(LESSON)
