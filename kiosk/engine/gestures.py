"""Camera state -> intents in screen space: the hand pointer, dwell selection on the screen's
targets, and the gestures the camera thread recognised."""
from __future__ import annotations

from typing import Callable

from kiosk.input.camera import CameraInput, CameraView
from kiosk.input.intents import Intent, Kind
from kiosk.dwell import DwellTracker

Rect = tuple[int, int, int, int]


class Gestures:
    def __init__(self, camera: CameraInput, size: tuple[int, int], dwell_s: float = 1.0):
        self.camera = camera
        self.size = size
        self.dwell = DwellTracker(dwell_s)
        self.view = CameraView()
        self.pointer: tuple[int, int] | None = None

    def intents(self, now: float, targets: Callable[[], dict[str, Rect]]) -> list[Intent]:
        """Everything the camera means this frame; never waits."""
        self.view = self.camera.view
        out = self.camera.poll()
        w, h = self.size
        if self.view.pointer is None:
            if self.pointer is not None:
                self.dwell.reset()
            self.pointer = None
            return out
        pos = (int(self.view.pointer[0] * w), int(self.view.pointer[1] * h))
        if pos != self.pointer:
            out.append(Intent(Kind.POINT, pos, source="gesture"))
        self.pointer = pos
        rects = targets()
        chosen = self.dwell.update(pos, now, {k: (float(x), float(y), float(rw), float(rh))
                                              for k, (x, y, rw, rh) in rects.items()})
        if chosen is not None:
            x, y, rw, rh = rects[chosen]
            out.append(Intent(Kind.SELECT, (x + rw // 2, y + rh // 2), source="gesture"))
        return out

    def dwell_target(self, targets: dict[str, Rect]) -> tuple[Rect, float] | None:
        """The target being dwelt on and how full its ring is, for drawing."""
        state = self.dwell.state
        if state.target is None or state.target not in targets or state.progress <= 0:
            return None
        return targets[state.target], state.progress
