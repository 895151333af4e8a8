"""Render every narration ahead of time, and gather the texts a lesson will narrate: a tool over
the voice (synthesis, cache) and the content and UI words it speaks, so it sits above all three.

The texts are exactly the strings the scenes pass to `narrate()` (a cache key is a hash of the
text, so a text that differs by one character is a miss):

each step's `spoken()` texts (story: its text; quiz: the question with its options, then the
explanation after each possible headline).

A step with a recorded file (`voice: audio/xxx.wav`) has it used for its first narration.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from kiosk.voice.personas import DEFAULT_PERSONA, Personas
from kiosk.voice.recordings import Line
from kiosk.voice.synth import NarrationCache, SynthWorker, get_worker, speakable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One narration: the text, who says it, and a recorded file that replaces synthesis."""

    text: str
    persona: str = DEFAULT_PERSONA
    recorded: str | None = None
    lesson: str = ""

    def __iter__(self):                     # so an Item is also a (text, persona, recorded) tuple
        return iter((self.text, self.persona, self.recorded))

    def __len__(self) -> int:
        return 3

    def __getitem__(self, i: int) -> Any:
        return (self.text, self.persona, self.recorded)[i]


@dataclass
class PrebuildResult:
    synthesised: int = 0
    cached: int = 0
    failed: int = 0
    skipped: int = 0            # nothing to say, or a recorded file is used instead
    seconds: float = 0.0
    unavailable: bool = False   # no speech engine: nothing could be made

    @property
    def total(self) -> int:
        return self.synthesised + self.cached + self.failed + self.skipped

    def as_dict(self) -> dict[str, Any]:
        return {"synthesised": self.synthesised, "cached": self.cached, "failed": self.failed,
                "skipped": self.skipped, "seconds": round(self.seconds, 3), "unavailable": self.unavailable}


def step_narrations(step: Any, lang: str) -> list[tuple[str, str]]:
    """(text, persona) of everything a step narrates, in the order a child meets it: exactly
    what its scene says (StepBase.spoken), so the cache always hits."""
    from kiosk.ui.strings import Strings

    return [(text, step.speaker) for text in step.spoken(Strings(lang), lang).values() if text.strip()]


def voice_lines(lessons: Iterable[Any], lang: str = "zh") -> list[Line]:
    """Every narration line staff may record: each step's spoken() texts by moment, in its speaker's voice."""
    from kiosk.ui.strings import Strings

    words = Strings(lang)
    return [Line(lesson.id, step.id, moment, step.speaker, text)
            for lesson in lessons for step in getattr(lesson, "steps", [])
            for moment, text in step.spoken(words, lang).items() if text.strip()]


def lesson_items(lessons: Iterable[Any], lang: str = "zh") -> list[Item]:
    """Every narration of the lessons, lesson by lesson, step by step, without duplicates."""
    items: list[Item] = []
    seen: set[tuple[str, str]] = set()
    for lesson in lessons:
        for step in getattr(lesson, "steps", []):
            recorded = getattr(step, "voice", None)
            for i, (text, persona) in enumerate(step_narrations(step, lang)):
                if (text, persona) in seen:
                    continue
                seen.add((text, persona))
                items.append(Item(text, persona, recorded if i == 0 and isinstance(recorded, str) else None,
                                  getattr(lesson, "id", "")))
    return items


def content_items(content: Path, paths: Iterable[Path] | None = None, lang: str = "zh") -> tuple[list[Item], Any]:
    """(items, library) for the lessons under content (or the files/folders given)."""
    from kiosk.lessons import load_content

    library = load_content(content, list(paths) if paths else None, check_glyphs=False, log_errors=False)
    return lesson_items(library.lessons.values(), lang), library


def prebuild(items: Iterable[Any], data_dir: Path | str, progress: Callable[[int, int, Any], None] | None = None,
             *, personas: Personas | Mapping[str, Mapping[str, Any]] | None = None, lang: str = "zh",
             speech_factors: Iterable[float] = (1.0,), worker: SynthWorker | None = None,
             ready_timeout: float = 10.0) -> PrebuildResult:
    """Synthesise every item not yet in <data_dir>/narration/; progress(done, total, job) after each.

    items: Item, or (text, persona[, recorded]) tuples. speech_factors: also build the slower
    speech versions, e.g. (1.0, SLOWER). Never raises for a text that cannot be made: it counts.
    """
    started = time.perf_counter()
    personas = personas if isinstance(personas, Personas) else Personas(personas)
    worker = worker or get_worker()
    cache = NarrationCache(data_dir)
    result = PrebuildResult()
    if not worker.wait_ready(ready_timeout):
        result.unavailable = True
    items = list(items)
    specs = []
    seen: set[str] = set()
    for factor in speech_factors:
        for item in items:
            text, persona = item[0], (item[1] if len(item) > 1 else None) or DEFAULT_PERSONA
            recorded = item[2] if len(item) > 2 else None
            if recorded or not speakable(text):
                result.skipped += 1
                continue
            settings = worker.resolve(personas.get(persona), lang, factor)
            if settings is None:
                result.failed += 1
                continue
            key = worker.key(text, settings)
            if key in seen:
                continue
            seen.add(key)
            if cache.has(key):
                result.cached += 1
                continue
            specs.append((text, settings, cache.path(key)))
    total = result.total + len(specs)
    done = result.total
    if progress:
        progress(done, total, None)
    jobs = worker.submit_many(specs, front=True)
    for job in jobs:
        job.wait(worker._attempt_timeout(job.text) * (worker.attempts + 1) + 5)
        if job.status == "synthesised":
            result.synthesised += 1
        elif job.status == "cached":
            result.cached += 1
        else:
            result.failed += 1
        done += 1
        if progress:
            progress(done, total, job)
    result.seconds = time.perf_counter() - started
    return result
