"""What the vision pipeline says: discrete events (replay JSON, intents) and a per-frame state.

Coordinates: `pointer` is in 0..1 over the region of interest of the mirrored picture (the
whole picture by default), which is what maps onto the screen. Boxes (`faces`, `people`, `player`, `hands`) are
(x, y, w, h) fractions of the whole mirrored picture, ready to draw on the corner view.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Box = tuple[float, float, float, float]

EVENT_TYPES = ("presence", "raise", "swipe", "select", "checkin")


class VisionEvent:
    """One thing that happened at video time `t`, with the fields of its replay JSON shape."""

    __slots__ = ("t", "type", "fields")

    def __init__(self, t: float, type: str, **fields: Any):
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown vision event type {type!r}")
        self.t = float(t)
        self.type = type
        self.fields = fields

    def as_json(self) -> dict[str, Any]:
        """{"t": 1.23, "type": ..., <fields>}; t to the millisecond, in the clip's own time."""
        return {"t": round(self.t, 3), "type": self.type, **self.fields}

    def __getattr__(self, name: str) -> Any:
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisionEvent) and self.as_json() == other.as_json()

    def __repr__(self) -> str:
        return f"VisionEvent({self.as_json()})"


@dataclass
class VisionState:
    """Published every processed frame; the render loop reads the latest one and never waits."""

    t: float = 0.0
    present: bool = False
    pointer: tuple[float, float] | None = None
    raising: dict[str, float] = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    faces: list[Box] = field(default_factory=list)
    faces_certain: bool = True        # False: blur the whole corner view (see faces.blur_faces)
    people: list[Box] = field(default_factory=list)
    player: Box | None = None         # the person whose gestures count (found with or without a face)
    hands: list[Box] = field(default_factory=list)   # the player's hands found in this frame
    fps: float = 0.0                  # processed frames per second of video time
    latency_ms: float = 0.0           # wall time spent in Pipeline.process for this frame
