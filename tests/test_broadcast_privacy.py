"""Children's faces never reach the program feed, and nothing but the program feed is written.

A camera clip with a face plays through the real CameraInput (pipeline + blur_faces) into a
recorded broadcast; OpenCV's face detector must find the face in the clip (the control) and no
face in the picture-in-picture of any recorded frame. A file-write audit (sys.addaudithook) over
a whole broadcast run with the camera on allows only the requested output file."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np
import pytest

from kiosk.broadcast import Broadcaster, OverlayState
from kiosk.broadcast.overlay import fit_inside, geometry
from kiosk.engine.app import App
from kiosk.input.camera import CameraInput
from kiosk.vision.faces import blur_faces, detect_faces
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.settings import VisionSettings
from kiosk.vision.sources import open_source

from .support.broadcast import decode, needs_ffmpeg
from .support.media import needs_media
from .support.wait import wait_for
from .vision_clips import MEDIA, draw_face, room

GIF = MEDIA / "face_head_pose_male.gif"
SIZE = (1920, 1080)
STATE = OverlayState(title="法治第一课 成长守护者", host="王法官", lesson="认识法律", pip=True)


def face_clip(path: Path, seconds: float = 3.0, fps: float = 15.0) -> Path:
    """A child-sized cartoon face (one Haar finds), swaying a little, in the synthetic room."""
    rng = np.random.default_rng(5)
    bg = room(rng)
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (640, 480))
    for i in range(int(seconds * fps)):
        img = bg.copy()
        cx = 300 + int(20 * np.sin(i / 6))
        cv2.rectangle(img, (cx - 110, 330), (cx + 110, 480), (160, 80, 40), -1)
        draw_face(img, cx, 220, 150)
        noise = rng.normal(0, 3, img.shape)
        out.write(np.clip(img + noise, 0, 255).astype(np.uint8))
    out.release()
    return path


def faces_in(picture: np.ndarray) -> list:
    """Faces OpenCV finds, searching the picture at twice its size (more sensitive, not less)."""
    big = cv2.resize(picture, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)
    return detect_faces(big, max_width=big.shape[1], min_size=0.05)


def pip_box(camera_size: tuple[int, int]) -> tuple[int, int, int, int]:
    return fit_inside(camera_size, geometry(SIZE, SIZE).pip)


def record_camera(app: App, clip: Path, out: Path, frames: int, fps: float = 15.0) -> tuple[dict, list[np.ndarray]]:
    """Record `frames` program frames, each offered once the camera has published a new picture."""
    camera = CameraInput(lambda: open_source(str(clip)), Pipeline, VisionSettings(), blur_faces,
                         realtime=True, retry_s=0.05).start()
    pips: list[np.ndarray] = []
    try:
        b = Broadcaster([str(out)], SIZE, fps, camera=camera, kiosk_size=SIZE, realtime=False)
        camera.want_pip(b.pip_width)              # as the broadcaster asks on its first PiP frame
        seen = -1
        for k in range(frames):
            wait_for(lambda: camera.view.preview_id != seen and camera.view.pip is not None, 5.0,
                     what="a new preview with its picture-in-picture")
            view = camera.view
            seen = view.preview_id
            pips.append(view.pip)
            app.frame(1 / fps)
            b.offer(app.surface, k / fps, STATE)
        stats = b.stop()
    finally:
        camera.stop()
    return stats, pips


def assert_no_face_in_pip(out: Path, camera_size: tuple[int, int], frames: int) -> list[np.ndarray]:
    x, y, w, h = pip_box(camera_size)
    decoded = decode(out)
    assert len(decoded) == frames
    crops = [f[y:y + h, x:x + w] for f in decoded]
    for i, crop in enumerate(crops):
        assert crop.mean() > 60, f"frame {i}: the picture-in-picture shows no camera picture"
        assert faces_in(crop) == [], f"frame {i}: a face is visible in the recorded picture-in-picture"
    return crops


def control_faces(frame_bgr: np.ndarray, camera_size: tuple[int, int]) -> list:
    """The same clip frame, unblurred, at the picture-in-picture's size: the detector finds the face."""
    _, _, w, h = pip_box(camera_size)
    return faces_in(cv2.resize(frame_bgr, (w, h), interpolation=cv2.INTER_AREA))


@needs_ffmpeg
def test_no_face_in_recorded_pip_synthetic(make_app: Callable[..., App], tmp_path: Path) -> None:
    clip = face_clip(tmp_path / "face.avi")
    raw = decode(clip)
    assert control_faces(raw[20], (640, 480)), "control: the clip's face must be detectable at PiP size"
    out = tmp_path / "pip.mp4"
    stats, pips = record_camera(make_app(SIZE), clip, out, frames=20)
    assert stats["composed"] == 20
    assert_no_face_in_pip(out, (640, 480), 20)
    # the camera thread blurred only the face once it was sure of it (not always the whole picture):
    sharp = [p for p in pips if cv2.Laplacian(cv2.cvtColor(p, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var() > 20]
    assert sharp, "the face-box blur path was never exercised"
    assert all(faces_in(cv2.cvtColor(p, cv2.COLOR_RGB2BGR)) == [] for p in pips)


@needs_ffmpeg
@needs_media
def test_no_face_in_recorded_pip_real_clip(make_app: Callable[..., App], tmp_path: Path) -> None:
    raw = decode(GIF)
    assert any(control_faces(f, (480, 270)) for f in raw[::10]), "control: the GIF's face must be detectable"
    out = tmp_path / "pip_real.mp4"
    stats, _ = record_camera(make_app(SIZE), GIF, out, frames=24, fps=12.0)
    assert stats["composed"] == 24
    assert_no_face_in_pip(out, (480, 270), 24)


def test_camera_publishes_pip_only_when_asked_and_blurred(tmp_path: Path) -> None:
    clip = face_clip(tmp_path / "face.avi", seconds=2.0)
    camera = CameraInput(lambda: open_source(str(clip)), Pipeline, VisionSettings(), blur_faces,
                         realtime=True, retry_s=0.05).start()
    try:
        wait_for(lambda: camera.view.preview is not None, what="the camera's preview")
        assert camera.view.pip is None                               # nobody asked: nothing extra
        camera.want_pip(480)
        wait_for(lambda: camera.view.pip is not None, what="the picture-in-picture")
        pip = camera.view.pip
        assert pip.shape == (360, 480, 3) and pip.dtype == np.uint8
        camera.want_pip(None)
        wait_for(lambda: camera.view.pip is None, what="the picture-in-picture to go")
    finally:
        camera.stop()
    # looked for once the camera thread has stopped: OpenCV's cascades (one per process) are not
    # safe to run from two threads at once
    assert faces_in(cv2.cvtColor(pip, cv2.COLOR_RGB2BGR)) == []


# ----- the write audit ------------------------------------------------------------------------------

_AUDIT: dict[str, Any] = {"on": False, "events": []}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
FILE_EVENTS = {"os.rename", "os.replace", "os.link", "os.symlink", "os.truncate", "os.mkdir", "shutil.copyfile",
               "shutil.copymode", "shutil.move", "shutil.make_archive"}


def _hook(event: str, args: tuple) -> None:
    if not _AUDIT["on"]:
        return
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None))[:3]
        if isinstance(path, int):
            return                                                  # an fd already open (pipes)
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & WRITE_FLAGS)
        if writing:
            _AUDIT["events"].append(("write", str(path)))
    elif event in FILE_EVENTS:
        _AUDIT["events"].append((event, repr(args)))
    elif event == "subprocess.Popen":
        _AUDIT["events"].append(("popen", [str(a) for a in args[1]]))


@pytest.fixture
def audit() -> dict[str, Any]:
    """Set audit["on"] = True to start recording file events of this process (the hook stays
    installed for the session, so it is switched off after the test)."""
    if not _AUDIT.get("installed"):
        sys.addaudithook(_hook)
        _AUDIT["installed"] = True
    _AUDIT["events"] = []
    yield _AUDIT
    _AUDIT["on"] = False


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@needs_ffmpeg
@pytest.mark.parametrize("process", [True, False], ids=["worker-process", "thread"])
def test_only_the_program_feed_is_written(make_app: Callable[..., App], tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                          audit: dict[str, Any], process: bool) -> None:
    import kiosk.broadcast.window  # noqa: F401 - every module imported before the audit starts

    work = tmp_path / "work"
    work.mkdir()
    clip = face_clip(tmp_path / "face.avi", seconds=2.0)
    out = work / "class.mp4"
    monkeypatch.chdir(work)
    monkeypatch.setenv("TMPDIR", str(work))
    app = make_app(SIZE)
    before = all_files(tmp_path)
    audit["on"] = True                                              # from here on: the broadcast run
    camera = CameraInput(lambda: open_source(str(clip)), Pipeline, VisionSettings(), blur_faces,
                         realtime=True, retry_s=0.05).start()
    try:
        b = Broadcaster([str(out)], (1280, 720), 15, camera=camera, kiosk_size=SIZE, realtime=False,
                        process=process)
        wait_for(lambda: camera.view.preview is not None, what="the camera's preview")
        for k in range(20):
            app.frame(1 / 15)
            b.offer(app.surface, k / 15, STATE)
        stats = b.stop()
    finally:
        camera.stop()
        audit["on"] = False
    events = list(audit["events"])
    assert stats["composed"] == 20
    assert all_files(tmp_path) - before == {out}                   # the one new file: the recording
    memfd = getattr(b._backend, "memfd", None)                      # the snapshot slots: memory, no file
    allowed = {("write", os.devnull), ("os.truncate", repr((memfd, b._backend.slot_bytes * b._backend.n)))
               if process else None}
    writes = [e for e in events if e[0] != "popen" and e not in allowed]
    assert writes == [], f"files written or moved from the kiosk process: {writes}"
    popens = [e[1] for e in events if e[0] == "popen"]
    assert len(popens) == 1
    cmd = popens[0]
    if process:                                                     # the worker, told of this one output
        assert cmd[1:3] == ["-m", "kiosk.broadcast.worker"]
        assert json.loads(cmd[3])["outputs"] == [str(out)]
    else:                                                           # ffmpeg: pipes in, this one file out
        assert Path(cmd[0]).name == "ffmpeg" and cmd[-1] == str(out)
        inputs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "-i"]
        assert inputs and all(i.startswith("pipe:") for i in inputs)
        assert not {"-report", "-passlogfile", "-vstats_file", "tee"} & set(cmd)
        assert [a for a in cmd if "/" in a or a.endswith((".mp4", ".png", ".jpg", ".yuv", ".raw"))] == [cmd[0], str(out)]
