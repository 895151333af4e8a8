"""What a child means, whatever device said it. Scenes see only these, never raw events."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    POINT = "point"      # the pointer (mouse, finger, hand) is at pos
    PRESS = "press"      # pointer went down at pos: show the pressed state now
    SELECT = "select"    # activate what is at pos, or the focused target when pos is None
    BACK = "back"
    NEXT = "next"
    FOCUS = "focus"      # move keyboard focus: value "left" / "right" / "up" / "down"
    CHOOSE = "choose"    # pick option number value (1-based), keys 1-4
    SWIPE = "swipe"      # value "left" / "right"
    RAISE = "raise"      # value "left" / "right" / "both" (camera)
    ARRIVED = "arrived"  # someone stepped up to the kiosk (camera)
    LEFT = "left"        # nobody in front any more (camera)
    CHECKIN = "checkin"  # a passport card's code was read (camera); value is the code
    STAFF = "staff"      # a staff key chord; value names the staff screen ("calibrate")
    HOST = "host"        # a presenter's remote in host mode: value "next" / "prev" / "black" / "poll"


@dataclass(frozen=True, slots=True)
class Intent:
    kind: Kind
    pos: tuple[int, int] | None = None
    value: str | int | None = None
    source: str = "key"  # touch / mouse / key / gesture: kept for the records

    @property
    def is_input(self) -> bool:
        """Counts as a child doing something (resets the idle timer)."""
        return self.kind not in (Kind.LEFT,)


def point(x: int, y: int, source: str = "mouse") -> Intent:
    return Intent(Kind.POINT, (x, y), source=source)


def press(x: int, y: int, source: str = "mouse") -> Intent:
    return Intent(Kind.PRESS, (x, y), source=source)


def select(pos: tuple[int, int] | None = None, source: str = "key") -> Intent:
    return Intent(Kind.SELECT, pos, source=source)


def tap(x: int, y: int, source: str = "touch") -> list[Intent]:
    """What a finger tap produces: down then up at the same place."""
    return [press(x, y, source), Intent(Kind.SELECT, (x, y), source=source)]
