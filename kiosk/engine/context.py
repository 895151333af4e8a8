"""The small object scenes get from the engine: the step context (the UI toolkit is kiosk.ui.toolkit)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from kiosk.content.models import BANDS, Item
from kiosk.ui.toolkit import UI


class Narrator(Protocol):
    """Speech and captions (kiosk.voice.narrator.Narrator); every call returns at once."""

    enabled: bool   # narration on/off (captions stay)
    slower: bool    # slower speech (accessibility)

    def narrate(self, text: str, persona: str | None = None, recorded: Path | None = None) -> None: ...

    def recording(self, lesson: str, step: str, moment: str, persona: str, text: str) -> Path | None: ...

    def replay(self) -> None: ...

    def stop(self) -> None: ...

    def caption(self, now: float | None = None) -> str: ...


class SilentNarrator:
    """No speech and no captions: for tests and tools that do not exercise narration."""

    enabled = True
    slower = False

    def narrate(self, text: str, persona: str | None = None, recorded: Path | None = None) -> None:
        return None

    def recording(self, lesson: str, step: str, moment: str, persona: str, text: str) -> Path | None:
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
    sound: Callable[[str], None] = lambda name: None      # a short effect: select, dwell, right, wrong, retry, reward
    stars: Callable[[], int] = lambda: 0        # right answers so far in this lesson: the running star count
    guide: Callable[[], str] = lambda: "neutral"  # the guide's face this frame, for a step that draws its own
    gestures_on: bool = False   # the camera reads hands now: hints may say wave or raise a hand
    band: str | None = None     # the child's age band ("6-8" ...): chosen on the menu, else the lesson's youngest

    def say(self, moment: str) -> None:
        """Narrate what the step says at this moment (see StepBase.spoken): the staff's approved
        recording of the line if there is one, else the step's `voice:` file for "open", else synthesis."""
        text = self.step.spoken(self.ui.t, self.ui.lang).get(moment)
        if text:
            step, persona = self.step, self.step.speaker
            # a narrator twin of a test may know no recordings: it then has none
            staff_take = getattr(self.narrator, "recording", None)
            recorded = staff_take(self.lesson.id, step.id, moment, persona, text) if staff_take else None
            if recorded is None and step.voice and moment == "open":
                recorded = self.ui.content_root / step.voice
            self.narrator.narrate(text, persona, recorded)

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

    @property
    def youngest(self) -> bool:
        """A child of the youngest band (6-8): no counters to race, a glowing hint instead."""
        return self.band == BANDS[0]
