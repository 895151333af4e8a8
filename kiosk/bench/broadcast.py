"""Broadcast figures for `bench`: run_benchmark() -> dict.

broadcast_fps_1080p          program frames per second that composition (kiosk screen scaled into
                             the layout, face-blurred picture-in-picture, graphics) + I420 + libx264
                             sustain at 1920x1080, offline (nothing dropped), 300 frames to an MP4
                             in a temporary folder. Target >= 30.
broadcast_loop_p99_ms        p99 work time (App.frame + Broadcaster.offer + flip) of a paced 60 Hz
                             render loop at 1080p while broadcasting live to an MP4 at 30 fps with
                             picture-in-picture from a running camera thread (synthetic room clip,
                             real pipeline and blur). Target <= 16.7.
broadcast_loop_p99_ms_off    the same loop, same camera, without broadcasting (the baseline).
broadcast_offer_ms_p99       what offer() itself costs the loop when a frame is due.
broadcast_encoder_cpu_share  ffmpeg's CPU time / wall time / CPU count during the live run (share
                             of the whole machine; broadcast_encoder_cores is the same in cores).
broadcast_dropped_share      frames the live broadcast dropped (compose thread behind) / offered.

The temporary MP4s are deleted with their folder. The camera clip is generated in memory.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from .paths import ROOT


class _SyntheticRoom:
    """A frame source (read()/close()) for CameraInput: a room with a face-like head moving about."""

    def __init__(self, fps: float = 30.0, seconds: float = 3600.0):
        import numpy as np

        self.fps, self.n, self.i = fps, int(seconds * fps), 0
        rng = np.random.default_rng(3)
        self.bg = np.full((480, 640, 3), (200, 210, 215), np.uint8)
        self.bg[390:] = (60, 100, 160)
        self.noise = [rng.normal(0, 3, (480, 640, 3)).astype(np.int16) for _ in range(4)]

    def read(self) -> Any:
        import cv2
        import numpy as np

        if self.i >= self.n:
            return None
        t = self.i / self.fps
        img = self.bg.copy()
        cx = int(320 + 120 * np.sin(t * 0.8))
        cv2.rectangle(img, (cx - 90, 300), (cx + 90, 480), (160, 80, 40), -1)
        cv2.ellipse(img, (cx, 220), (45, 58), 0, 0, 360, (150, 175, 215), -1)
        for s in (-1, 1):
            cv2.ellipse(img, (cx + s * 17, 212), (9, 5), 0, 0, 360, (80, 95, 118), -1)
        cv2.ellipse(img, (cx, 250), (12, 4), 0, 0, 360, (60, 60, 120), -1)
        img = np.clip(img.astype(np.int16) + self.noise[self.i % 4], 0, 255).astype(np.uint8)
        self.i += 1
        return img, t

    def close(self) -> None:
        pass


def _app(size: tuple[int, int], content: Path, camera: Any = None) -> Any:
    import pygame

    from kiosk.boot import build_app, load_content
    from kiosk.engine.gestures import Gestures
    from kiosk.ui.toolkit import UI

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(size)
    gestures = Gestures(camera, size) if camera is not None else None
    return build_app(load_content(content), UI(size, "zh", content), surface=screen, gestures=gestures)


def _camera() -> Any:
    from kiosk.input.camera import CameraInput
    from kiosk.vision.faces import blur_faces
    from kiosk.vision.pipeline import Pipeline
    from kiosk.vision.settings import VisionSettings

    return CameraInput(_SyntheticRoom, Pipeline, VisionSettings(), blur_faces, realtime=True).start()


def _state(pip: bool = True) -> Any:
    from kiosk.broadcast.overlay import OverlayState

    return OverlayState(title="法治第一课 成长守护者", host="王法官", lesson="网络安全闯关",
                        qr_text="https://example.org/law-hall", poll={"left": 14, "right": 9}, pip=pip)


def _kiosk_frames(app: Any, n: int = 24) -> list[Any]:
    """Copies of real kiosk screens (attract, menu, a lesson's steps) to cycle through."""
    from kiosk.engine.pilot import Pilot

    pilot = Pilot(app)
    frames = []
    lesson = next(iter(app.library.lessons.values()))
    setups = [lambda: app.home("back"), lambda: app.start_session()] + [
        (lambda i=i: app.play(lesson.id, start=i)) for i in range(min(6, len(lesson.steps)))]
    for setup in setups:
        setup()
        for _ in range(max(1, n // len(setups))):
            pilot.frames(5)
            frames.append(app.surface.copy())
    return frames


def fps_1080p(content: Path, frames: int = 300, preset: str = "ultrafast") -> dict[str, float]:
    import cv2

    from kiosk.vision.faces import blur_faces

    from kiosk.broadcast.broadcaster import Broadcaster

    app = _app((1920, 1080), content)
    screens = _kiosk_frames(app)
    room = _SyntheticRoom()
    pips = []
    for _ in range(30):                       # blurred like the camera thread does (whole picture: unsure)
        img, _t = room.read()
        small = cv2.cvtColor(cv2.resize(cv2.flip(img, 1), (336, 252), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        pips.append(blur_faces(small, [], certain=False))
    state = _state()

    class _Cam:
        def __init__(self) -> None:
            self.i = 0

        @property
        def view(self) -> Any:
            from types import SimpleNamespace

            self.i += 1
            return SimpleNamespace(status="ok", pip=pips[self.i % len(pips)], preview=None)

    with tempfile.TemporaryDirectory() as tmp:
        b = Broadcaster([str(Path(tmp) / "fps.mp4")], (1920, 1080), 30, camera=_Cam(), realtime=False, preset=preset)
        began = time.perf_counter()
        for k in range(frames):
            b.offer(screens[k % len(screens)], k / 30, state)
        stats = b.stop()
        wall = time.perf_counter() - began
    return {"broadcast_fps_1080p": round(stats["sinks"][0]["frames"] / wall, 1),
            "broadcast_compose_ms_p50": stats["compose_ms_p50"]}


def paced_loop(content: Path, seconds: float = 10.0, broadcast: bool = True, preset: str = "ultrafast",
               camera: bool = True, process: bool | None = None) -> dict[str, float]:
    """The kiosk's 60 Hz loop (work time per frame, sleeping between frames) with or without broadcasting."""
    import pygame

    from kiosk.broadcast.broadcaster import Broadcaster

    cam = _camera() if camera else None
    app = _app((1920, 1080), content, cam)
    state = _state(pip=camera)
    with tempfile.TemporaryDirectory() as tmp:
        b = (Broadcaster([str(Path(tmp) / "live.mp4")], (1920, 1080), 30, camera=cam, preset=preset, process=process)
             if broadcast else None)
        clock = pygame.time.Clock()
        ms: list[float] = []
        n = int(seconds * 60)
        wall0 = time.perf_counter()
        for i in range(n):
            began = time.perf_counter()
            if i % 120 == 60:                 # a tap now and then: screens and transitions change
                targets = sorted(app.targets())
                if targets:
                    from kiosk.input.intents import tap

                    rect = app.targets()[targets[(i // 120) % len(targets)]]
                    app.frame(1 / 60, tap(rect[0] + rect[2] // 2, rect[1] + rect[3] // 2, "touch"))
                else:
                    app.frame(1 / 60)
            else:
                app.frame(1 / 60)
            if b is not None:
                b.offer(app.surface, None, state)
            pygame.display.flip()
            ms.append((time.perf_counter() - began) * 1000)
            clock.tick(60)
        wall = time.perf_counter() - wall0
        stats = b.stop() if b is not None else None
    app.shutdown()
    ms.sort()
    out = {"p99": round(ms[int(len(ms) * 0.99)], 2), "worst": round(ms[-1], 2), "wall": wall}
    if stats is not None:
        sink = stats["sinks"][0]
        out.update(offer_ms_p99=stats["offer_ms_p99"], cores=sink["cores"],
                   share=round(sink["cores"] / (os.cpu_count() or 1), 3),
                   dropped=round(stats["dropped"] / max(1, stats["offered"]), 3),
                   duplicated=sink["duplicated"], frames=sink["frames"])
    return out


def run_benchmark(content: Path | None = None, seconds: float = 10.0, preset: str = "ultrafast",
                  thread_too: bool = False) -> dict[str, Any]:
    from kiosk.boot import headless

    headless()
    content = content or ROOT / "content"
    figures: dict[str, Any] = {"broadcast_load_before": round(os.getloadavg()[0], 2)}
    figures.update(fps_1080p(content, preset=preset))
    off = paced_loop(content, seconds, broadcast=False, preset=preset)
    on = paced_loop(content, seconds, broadcast=True, preset=preset)
    figures.update({
        "broadcast_loop_p99_ms": on["p99"], "broadcast_loop_worst_ms": on["worst"],
        "broadcast_loop_p99_ms_off": off["p99"], "broadcast_offer_ms_p99": on["offer_ms_p99"],
        "broadcast_encoder_cpu_share": on["share"], "broadcast_encoder_cores": on["cores"],
        "broadcast_dropped_share": on["dropped"], "broadcast_preset": preset, "cpus": os.cpu_count() or 1,
    })
    if thread_too:                       # the in-process fallback, for comparison
        th = paced_loop(content, seconds, broadcast=True, preset=preset, process=False)
        figures.update({"broadcast_loop_p99_ms_thread": th["p99"], "broadcast_dropped_share_thread": th["dropped"]})
    figures["broadcast_load_after"] = round(os.getloadavg()[0], 2)   # other work on the machine skews all this
    return figures


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run_benchmark(preset=sys.argv[1] if len(sys.argv) > 1 else "ultrafast", thread_too=True),
                     ensure_ascii=False))
