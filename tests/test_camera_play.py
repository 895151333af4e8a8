"""End to end: a synthetic child in front of the camera plays the kiosk with no touch at all."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from kiosk.engine.app import App
from kiosk.engine.gestures import Gestures
from kiosk.engine.pilot import Pilot
from kiosk.input.camera import CameraInput
from kiosk.vision.faces import blur_faces
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.settings import VisionSettings
from kiosk.vision.sources import open_source

from .support.wait import wait_for
from .vision_clips import clip_raise


def run_until(pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Render frames while the camera thread works through the clip, until condition holds."""
    def rendered() -> bool:
        pilot.frames(1)
        return condition()

    # the pause between frames lets the camera thread have the interpreter
    wait_for(rendered, timeout, what=what, every=0.005)


@pytest.mark.slow
def test_a_child_arrives_raises_a_hand_and_walks_away(make_app: Callable[..., App], tmp_path: Path) -> None:
    clip = clip_raise().write(tmp_path / "raise.avi")
    camera = CameraInput(lambda: open_source(str(clip)), Pipeline, VisionSettings(), blur_faces,
                         realtime=True, retry_s=60.0)  # realtime: the clip plays at its own pace
    app = make_app(gestures=Gestures(camera.start(), (1920, 1080)))
    pilot = Pilot(app)
    try:
        run_until(pilot, lambda: pilot.screen.get("prompt") == "举起手，开始吧！", "the raise-a-hand prompt")  # ~1 s
        run_until(pilot, lambda: pilot.screen["screen"] == "menu", "the menu after a raised hand")       # ~3 s
        starts = [e for e in app.recorder.events if e["kind"] == "start"]
        assert [e["input"] for e in starts] == ["gesture"]
        run_until(pilot, lambda: pilot.screen["screen"] == "attract", "the attract screen once the child left")  # ~12 s
        assert app.sessions.finished[-1].end_reason == "walked_away"
    finally:
        camera.stop()
