"""A camera that reads hands (status "ok") and sees nobody: for the words a screen shows only while
gestures are on. Touch, keys and gesture intents sent by a test still play as usual."""
from __future__ import annotations

from typing import Any

from kiosk.engine.gestures import Gestures
from kiosk.input.camera import CameraView
from kiosk.input.intents import Intent


class ReadingCamera:
    def __init__(self, status: str = "ok"):
        self.view = CameraView(status=status)

    def poll(self) -> list[Intent]:
        return []

    def count_hands(self, on: bool) -> None:
        return None

    def want_pip(self, width: int | None, blur: bool = True) -> None:
        return None

    def stop(self) -> None:
        return None


def reading_camera(size: tuple[int, int] = (1920, 1080), status: str = "ok") -> Any:
    """Gestures over a camera in this state ("ok": reading hands; "retrying": fitted but unplugged)."""
    return Gestures(ReadingCamera(status), size)  # type: ignore[arg-type]
