"""The small objects scenes get from the engine: the UI toolkit and the step context."""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import pygame

from kiosk.bounded_cache import BoundedCache, surface_bytes
from kiosk.content.models import Item
from kiosk.content.text import tr
from kiosk.ui.fonts import Fonts
from kiosk.ui.strings import Strings
from kiosk.ui.theme import DEFAULT, Layout, Theme

log = logging.getLogger(__name__)
PICTURE_SCREENS = 4  # fitted pictures kept: four full screens of 32-bit pixels


class UI:
    """Everything a screen needs to draw: layout, fonts, theme, words, pictures."""

    def __init__(self, size: tuple[int, int], lang: str = "zh", content_root: Path | None = None,
                 theme: Theme = DEFAULT, text_scale: float = 1.0):
        self.layout = Layout(*size)
        self.fonts = Fonts(self.layout, text_scale)
        self.theme = theme
        self.lang = lang
        self.t = Strings(lang)
        self.content_root = content_root or Path("content")
        # fitted pictures (SVGs rendered at their size): a few screens' worth of pixels, so a
        # station with many pictures, or shown at many sizes, does not keep them all
        self._images: BoundedCache[pygame.Surface | None] = BoundedCache(
            "pictures", PICTURE_SCREENS * size[0] * size[1] * 4, surface_bytes)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.t = Strings(lang)

    def text(self, value: dict[str, str] | None) -> str:
        """A lesson text in the kiosk's language."""
        return tr(value, self.lang)

    def image(self, rel: str, size: tuple[int, int]) -> pygame.Surface | None:
        """A content picture fitted into size (SVG rendered crisp at that size); None if unusable."""
        key = (rel, *size)
        if key in self._images:
            return self._images.get(key)
        return self._images.put(key, self._load_image(rel, size))

    def _load_image(self, rel: str, size: tuple[int, int]) -> pygame.Surface | None:
        path = self.content_root / rel
        try:
            data = path.read_bytes()
            if path.suffix.lower() == ".svg":
                image = pygame.image.load(io.BytesIO(_svg_sized(data, size)), "image.svg")
            else:
                image = pygame.image.load(io.BytesIO(data), path.name)
                scale = min(size[0] / image.get_width(), size[1] / image.get_height())
                image = pygame.transform.smoothscale(
                    image, (max(1, int(image.get_width() * scale)), max(1, int(image.get_height() * scale))))
        except (OSError, pygame.error, ValueError) as exc:
            log.warning("picture %s cannot be shown (%s); drawing without it", path, exc)
            return None
        return image.convert_alpha() if pygame.display.get_surface() else image


def _svg_sized(data: bytes, size: tuple[int, int]) -> bytes:
    """Rewrite the root width/height so the SVG renders sharp at size, keeping its aspect."""
    text = data.decode("utf-8")
    root = re.search(r"<svg\b[^>]*>", text)
    if not root:
        raise ValueError("not an SVG file")
    tag = root.group(0)
    box = re.search(r'viewBox="\s*[\d.+-]+[\s,]+[\d.+-]+[\s,]+([\d.]+)[\s,]+([\d.]+)', tag)
    if box:
        vw, vh = float(box.group(1)), float(box.group(2))
        scale = min(size[0] / vw, size[1] / vh)
        w, h = max(1, int(vw * scale)), max(1, int(vh * scale))
        new = re.sub(r'\s(width|height)="[^"]*"', "", tag).replace("<svg", f'<svg width="{w}" height="{h}"', 1)
        text = text.replace(tag, new, 1)
    return text.encode("utf-8")


class Narrator(Protocol):
    """Speech and captions (kiosk.voice.narrator.Narrator); every call returns at once."""

    enabled: bool   # narration on/off (captions stay)
    slower: bool    # slower speech (accessibility)

    def narrate(self, text: str, persona: str | None = None, recorded: Path | None = None) -> None: ...

    def replay(self) -> None: ...

    def stop(self) -> None: ...

    def caption(self, now: float | None = None) -> str: ...


class SilentNarrator:
    """No speech and no captions: for tests and tools that do not exercise narration."""

    enabled = True
    slower = False

    def narrate(self, text: str, persona: str | None = None, recorded: Path | None = None) -> None:
        return None

    def replay(self) -> None:
        return None

    def stop(self) -> None:
        return None

    def caption(self, now: float | None = None) -> str:
        return ""


@dataclass
class StepContext:
    """What a step scene may do. It never touches vision, records or schedules itself."""

    ui: UI
    lesson: Any
    index: int
    count: int
    record: Callable[..., None]                 # record(kind, **data): an event for the records
    finish: Callable[[], None]                  # this step is done: go on
    back: Callable[[], None]                    # leave the step backwards
    tally: Callable[[bool], None]               # counts a scored answer for the session (answer() only)
    narrator: Narrator = field(default_factory=SilentNarrator)
    memory: dict[str, Any] = field(default_factory=dict)  # kept for this step if the child comes back to it
    sound: Callable[[str], None] = lambda name: None      # a short effect: select, dwell, right, wrong

    def say(self, moment: str) -> None:
        """Narrate what the step says at this moment (see StepBase.spoken), with its recorded file."""
        text = self.step.spoken(self.ui.t, self.ui.lang).get(moment)
        if text:
            recorded = self.ui.content_root / self.step.voice if self.step.voice and moment == "open" else None
            self.narrator.narrate(text, self.step.speaker, recorded)

    def answer(self, item: Item | str, response: str, correct: bool | None, input: str | None = None,
               response_ms: int | None = None, **extra: Any) -> None:
        """A child answered one item of this step: the one `answer` event (with the item's id and
        interaction type), counted for the session when the item is scored and correct is not
        None (None: recorded for the reports, not scored, e.g. a story's second ending)."""
        found = item if isinstance(item, Item) else self.step.answer_item(item)
        if found is None:
            raise KeyError(f"step '{self.step.id}' has no item '{item}'")
        scored = correct if found.scored and correct is not None else None
        known = {k: v for k, v in (("input", input), ("response_ms", response_ms)) if v is not None}
        self.record("answer", item=found.id, option=response, correct=scored, interaction=found.interaction,
                    **known, **extra)
        if scored is not None:
            self.tally(scored)

    @property
    def step(self) -> Any:
        return self.lesson.steps[self.index]
