"""The camera is an input that may fail: the kiosk keeps running on touch and recovers by itself."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.engine.gestures import Gestures
from kiosk.engine.pilot import Pilot
from kiosk.input.camera import CameraInput
from kiosk.vision.faces import blur_faces
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.settings import VisionSettings
from kiosk.vision.sources import open_source

from .support.lesson import start_tiny
from .support.wait import wait_for


def write_clip(path: Path, frames: int = 40, size: tuple[int, int] = (320, 240)) -> None:
    """A plain synthetic clip: an empty, slightly noisy room (no person, no picture of anyone)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 20.0, size)
    rng = np.random.default_rng(1)
    for _ in range(frames):
        frame = np.full((size[1], size[0], 3), 120, np.uint8)
        writer.write(np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8))
    writer.release()


@pytest.fixture
def camera_on(tmp_path: Path):  # type: ignore[no-untyped-def]
    clip = tmp_path / "camera.mp4"
    camera = CameraInput(lambda: open_source(str(clip)), Pipeline, VisionSettings(), blur_faces,
                         realtime=False, retry_s=0.05).start()
    yield clip, camera
    camera.stop()


def test_missing_camera_then_plugged_in(make_app: Callable[..., App], camera_on) -> None:  # type: ignore[no-untyped-def]
    clip, camera = camera_on
    wait_for(lambda: camera.view.status == "retrying", what="the camera to retry")
    app = make_app(gestures=Gestures(camera, (1920, 1080)))
    pilot = Pilot(app)
    start_tiny(pilot)                                   # touch still plays everything
    assert pilot.screen["step_id"] == "hello"
    corner = app.camera_overlay.corner_rect()
    centre = (corner[0] + corner[2] // 2, corner[1] + corner[3] // 2)
    off_sign = app.surface.get_at(centre)
    write_clip(clip)                                    # the camera comes back
    wait_for(lambda: camera.view.status == "ok" and camera.view.preview is not None,
             what="the camera back with a preview")
    pilot.frames(2)
    assert app.surface.get_at(centre) != off_sign       # the corner now shows the picture
    assert camera.view.preview.shape[1] == 320


def test_preview_is_mirrored(camera_on) -> None:  # type: ignore[no-untyped-def]
    clip, camera = camera_on
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 20.0, (320, 240))
    for _ in range(20):
        frame = np.zeros((240, 320, 3), np.uint8)
        frame[:, :40] = (0, 0, 255)                     # red band on the camera's left
        writer.write(frame)
    writer.release()
    wait_for(lambda: camera.view.preview is not None, what="the camera's preview")
    preview = camera.view.preview                        # RGB, mirrored: the band is on the right
    assert preview[120, -10, 0] > 150 and preview[120, 10, 0] < 100


def test_calibration_draws_what_the_camera_sees(make_app: Callable[..., App], tmp_path: Path) -> None:
    """Staff see the player, their face and their hands as boxes on the blurred picture."""
    from kiosk.input.intents import Intent, Kind

    from .vision_clips import clip_raise

    clip = clip_raise().write(tmp_path / "raise.avi")
    camera = CameraInput(lambda: open_source(str(clip)), Pipeline, VisionSettings(), blur_faces,
                         realtime=True, retry_s=60.0).start()     # played at its pace: the view stays live
    try:
        app = make_app(gestures=Gestures(camera, (1920, 1080)), options=AppOptions(data_dir=tmp_path))
        pilot = Pilot(app)
        pilot.send(Intent(Kind.STAFF, value="calibrate"))
        assert pilot.screen["screen"] == "calibrate"
        seen: list[dict] = []
        wait_for(lambda: bool(camera.view.seen and camera.view.seen["hands"] and camera.view.seen["faces"]
                              and camera.view.seen["player"]) and not seen.append(dict(camera.view.seen)),
                 timeout=60.0, what="a player with hands and a face seen")
        px, py, pw, ph = seen[0]["player"]
        fx, fy, fw, fh = seen[0]["faces"][0]
        assert px <= fx + fw / 2 <= px + pw and py <= fy + fh / 2 <= py + ph   # the face is the player's
        orange = pygame.Color(*app.ui.theme.gentle)   # the hands' colour, used for nothing else there

        def hand_box_drawn() -> bool:   # hands are found in most frames, not all: draw until one is
            pilot.frames(1)
            shown = pygame.surfarray.pixels3d(app.surface)
            hits = ((shown[..., 0] == orange.r) & (shown[..., 1] == orange.g) & (shown[..., 2] == orange.b)).sum()
            del shown
            return bool(hits) and bool(app.gestures.view.seen["hands"])

        wait_for(hand_box_drawn, timeout=30.0, what="a hand's box drawn on the calibration screen")
    finally:
        camera.stop()


def test_the_camera_works_on_a_picture_only_in_the_gap_between_frames(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Its pipeline's work would otherwise hold the interpreter while a frame waits."""
    from kiosk import frame_gate

    clip = tmp_path / "camera.mp4"
    write_clip(clip, frames=400)
    waiting, wait = threading.Event(), frame_gate.wait_for_gap

    def waits(most_s: float = 60.0) -> bool:  # no frame is this long: the gap is the only way in
        waiting.set()
        return wait(most_s)

    monkeypatch.setattr(frame_gate, "wait_for_gap", waits)
    seen: list[float] = []

    class Counted(Pipeline):
        def process(self, frame, t):  # type: ignore[no-untyped-def]
            seen.append(t)
            return super().process(frame, t)

    camera = CameraInput(lambda: open_source(str(clip)), Counted, VisionSettings(), blur_faces, realtime=False)
    with frame_gate.drawing():          # a long frame: the camera may read the picture, not work on it
        camera.start()
        wait_for(waiting.is_set, what="the camera to read a picture and wait", timeout=20)
        assert seen == [] and camera.view.status == "starting"
    try:
        wait_for(lambda: len(seen) >= 5, what="the camera to work once the frame is over")
    finally:
        camera.stop()
