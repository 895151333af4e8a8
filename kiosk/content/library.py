"""All lessons of a content folder: the good ones to play, and a report of the broken ones."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import ContentError, UnknownLesson, display_path
from .loader import GlyphCheck, load_lesson
from .models import LessonBase
from .schema import StepModels


@dataclass
class Library:
    lessons: dict[str, LessonBase] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    files: int = 0
    sources: dict[str, Path] = field(default_factory=dict)  # lesson id -> its file

    @property
    def error_count(self) -> int:
        return sum(1 for e in self.errors if e.severity == "error")

    def lesson(self, lesson_id: str | None) -> LessonBase:
        """The lesson with this id; UnknownLesson (naming the ids there are) when there is none."""
        lesson = self.lessons.get(lesson_id or "")
        if lesson is None:
            raise UnknownLesson(lesson_id, list(self.lessons))
        return lesson

    def keep_only(self, lesson_ids: Iterable[str]) -> None:
        """Play only these lessons, in this order (a kiosk profile's); ids not loaded are left out."""
        self.lessons = {lid: self.lessons[lid] for lid in lesson_ids if lid in self.lessons}

    def for_band(self, band: str | None) -> list[LessonBase]:
        return [lesson for lesson in self.lessons.values() if band is None or band in lesson.bands]


def lesson_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named directly, and every *.yaml/*.yml under lessons/ in folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            base = path / "lessons" if (path / "lessons").is_dir() else path
            found += sorted(p for p in base.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            found.append(path)
    return found


def load_library(content_root: Path, models: StepModels, paths: Iterable[Path] | None = None,
                 missing_glyphs: GlyphCheck | None = None) -> Library:
    """Load every lesson against the step types' models; a broken file is skipped and reported,
    never fatal. (Callers above the registry use kiosk.lessons.load_content, which passes them.)"""
    library = Library()
    for path in lesson_files(paths if paths is not None else [content_root]):
        library.files += 1
        if not path.exists():
            library.errors.append(ContentError(display_path(path), 1, 1, "no such file or folder"))
            continue
        lesson, errors = load_lesson(path, content_root, models, missing_glyphs)
        library.errors += errors
        if lesson is None:
            continue
        if lesson.id in library.lessons:
            library.errors.append(ContentError(display_path(path), 1, 1,
                                               f"lesson id '{lesson.id}' is already used by "
                                               f"{display_path(library.sources[lesson.id])}"))
            continue
        library.lessons[lesson.id] = lesson
        library.sources[lesson.id] = path
    return library
