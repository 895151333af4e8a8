"""Content problems with the place they were found, so an author can jump straight to it."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in a content file: `path:line:col: message` (line and column from 1)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"  # "error" stops a lesson loading; "warning" is advice only

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}:{self.col}: {tag}{self.message}"


class ContentLoadError(Exception):
    """A lesson could not be loaded; carries every problem found, not just the first."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class UnknownLesson(LookupError):
    """A lesson id the content does not have; says which ids it does have."""

    def __init__(self, lesson_id: str | None, known: list[str]):
        self.lesson_id, self.known = lesson_id, sorted(known)
        super().__init__(f"no lesson '{lesson_id}' (lessons: {', '.join(self.known) or 'none'})")


def display_path(path: Path) -> str:
    """Paths relative to the working directory read shorter in terminals and editors."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(os.getcwd()))
    except ValueError:
        return str(path)
