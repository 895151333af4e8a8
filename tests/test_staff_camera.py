"""Staff tune the camera on the calibration screen; check-in cards reach the records."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.engine.gestures import Gestures
from kiosk.engine.pilot import Pilot
from kiosk.input.camera import CameraInput
from kiosk.input.intents import Intent, Kind
from kiosk.vision.faces import blur_faces
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.settings import VisionSettings
from kiosk.vision.sources import open_source


def absent_camera(folder: Path) -> CameraInput:
    """A started camera whose device is missing: the kiosk has gestures, the camera-off sign shows."""
    return CameraInput(lambda: open_source(str(folder / "none.mp4")), Pipeline, VisionSettings(), blur_faces,
                       retry_s=60.0).start()


def test_calibration_changes_are_applied_and_saved(make_app: Callable[..., App], tmp_path: Path) -> None:
    camera = absent_camera(tmp_path)
    try:
        pilot = Pilot(make_app(gestures=Gestures(camera, (1920, 1080)), options=AppOptions(data_dir=tmp_path)))
        pilot.send(Intent(Kind.STAFF, value="calibrate"))
        assert pilot.screen["screen"] == "calibrate"
        pilot.tap("sensitivity:+")
        pilot.tap("dwell_s:-")
        pilot.tap("dwell_s:-")
        pilot.tap("roi")
        assert (pilot.screen["sensitivity"], pilot.screen["dwell_s"], pilot.screen["roi"]) == (
            0.6, 0.8, (0.15, 0.0, 0.7, 1.0))
        assert camera.settings.sensitivity == 0.6            # the live pipeline gets them at once
        assert pilot.app.gestures.dwell.dwell_s == 0.8
        pilot.tap("save")
        saved = json.loads((tmp_path / "station-local.json").read_text(encoding="utf-8"))["vision"]
        assert (saved["sensitivity"], saved["dwell_s"], saved["roi"]) == (0.6, 0.8, [0.15, 0.0, 0.7, 1.0])
        assert VisionSettings.from_dict(saved) == camera.settings
        pilot.tap("back")
        assert pilot.screen["screen"] == "attract"
    finally:
        camera.stop()


def test_calibration_needs_a_camera(make_app: Callable[..., App], tmp_path: Path) -> None:
    without = Pilot(make_app(options=AppOptions(data_dir=tmp_path)))
    without.send(Intent(Kind.STAFF, value="calibrate"))
    assert without.screen["screen"] == "attract"
    camera = absent_camera(tmp_path)
    try:                                              # the same chord where there is a camera
        with_camera = Pilot(make_app(gestures=Gestures(camera, (1920, 1080)), options=AppOptions(data_dir=tmp_path)))
        with_camera.send(Intent(Kind.STAFF, value="calibrate"))
        assert with_camera.screen["screen"] == "calibrate"
    finally:
        camera.stop()


def test_a_passport_card_checks_in(pilot: Pilot) -> None:
    pilot.send(Intent(Kind.CHECKIN, value="HALL-7F3K-29QD", source="gesture"))
    assert pilot.screen["screen"] == "menu"
    checkins = [e for e in pilot.app.recorder.events if e["kind"] == "checkin"]
    assert [(e["code"], e["session"]) for e in checkins] == [("HALL-7F3K-29QD", pilot.app.sessions.current.id)]


def test_a_passport_number_typed_on_the_keypad_checks_in(pilot: Pilot) -> None:
    pilot.tap("passport")
    assert pilot.screen == {"screen": "keypad", "title": "输入护照上的8位号码", "typed": "", "idle_warning": False}
    for key in "1234567":
        pilot.tap(key)
    pilot.tap("del")
    pilot.tap("7")
    assert pilot.screen["typed"] == "1234567"
    pilot.tap("8")
    assert pilot.screen["screen"] == "menu"
    checkins = [e for e in pilot.app.recorder.events if e["kind"] == "checkin"]
    assert [(e["code"], e["input"]) for e in checkins] == [("12345678", "touch")]
    assert pilot.app.notice is not None and pilot.app.notice[0] == pilot.app.ui.t("passport_ok")
