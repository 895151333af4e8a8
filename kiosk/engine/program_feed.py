"""What the program feed's graphics show each frame: the broadcast's titles, the lesson on screen
and a live poll. The hall decides what it is made into (`make`: kiosk.broadcast.OverlayState)."""
from __future__ import annotations

from typing import Any, Callable

from .context import UI
from .scene import Screen


class ProgramFeed:
    def __init__(self, program: dict[str, str] | None, make: Callable[..., Any]) -> None:
        self.program = program or {}  # {"title", "host"}
        self.make = make

    def state(self, top: Screen, ui: UI, pip: bool) -> Any:
        """pip: the camera picture goes in a corner of the feed."""
        lesson = getattr(top, "lesson", None)
        poll = getattr(top, "poll", None)
        return self.make(title=self.program.get("title", ""), host=self.program.get("host", ""),
                         lesson=ui.text(lesson.title) if lesson is not None else "",
                         poll={label: poll.counts[oid] for oid, label in poll.options} if poll else None,
                         poll_open=bool(poll and poll.open), pip=pip)
