"""Which lessons a child can take in a language: in Chinese every lesson, in another language only
the lessons whose every child-facing text (title, summary, each step's texts()) is translated, so a
child who chose English never lands in a lesson that switches to Chinese half-way. The teacher's
side (goals, discussion, presenter's notes) is not required: the kiosk never shows it."""
from __future__ import annotations

from typing import Iterable, Iterator

from .models import LessonBase, field_texts
from .text import DEFAULT_LANG


def child_texts(lesson: LessonBase) -> Iterator[dict[str, str]]:
    """Every text a child sees in the lesson, on the menu and in its steps."""
    for _, texts in field_texts((), lesson, "title", "summary"):
        yield texts
    for step in lesson.steps:  # type: ignore[attr-defined]
        for _, texts in step.texts():
            yield texts


def speaks(lesson: LessonBase, lang: str) -> bool:
    """The lesson can be played in lang without falling back to Chinese."""
    return lang == DEFAULT_LANG or all(texts.get(lang, "").strip() for texts in child_texts(lesson))


def lessons_in(lessons: Iterable[LessonBase], lang: str) -> list[LessonBase]:
    """The lessons, in their order, that a child can take in lang."""
    return [lesson for lesson in lessons if speaks(lesson, lang)]
