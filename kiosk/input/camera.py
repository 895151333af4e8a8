"""The camera as an input device: a thread captures and recognises; the frame loop only polls.

The render loop never waits on the camera: the thread publishes the latest state (pointer,
raising progress, a small face-blurred preview) in one slot and events in a queue. A camera that
fails or is unplugged leaves the kiosk on touch and mouse; the thread retries every few seconds.
Frames never leave memory: nothing here writes a picture anywhere.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from kiosk import frame_gate

from .intents import Intent, Kind

log = logging.getLogger(__name__)
RETRY_S = 3.0
PREVIEW_WIDTH = 320


@dataclass
class CameraView:
    """What the UI shows of the camera this frame."""

    status: str = "off"                       # off / starting / ok / retrying
    pointer: tuple[float, float] | None = None  # 0..1 of the mirrored picture
    raising: dict[str, float] | None = None   # side -> 0..1 before a raise counts
    present: bool = False
    preview: Any = None                       # small RGB array, faces already blurred
    preview_id: int = 0                       # changes when preview changes
    fps: float = 0.0
    hands: Any = None                         # HandCount across the room while a poll counts
    pip: Any = None                           # larger RGB array for the broadcast (want_pip), faces blurred
    seen: dict[str, Any] | None = None        # boxes for staff: "player", "faces", "hands" (fractions)


class CameraInput:
    """Owns the capture thread. `poll()` from the frame loop returns intents; `view` the latest state."""

    def __init__(self, open_source: Callable[[], Any], make_pipeline: Callable[[Any], Any], settings: Any,
                 blur: Callable[..., Any], realtime: bool = True, retry_s: float = RETRY_S):
        self._open_source = open_source
        self._make_pipeline = make_pipeline
        self.settings = settings
        self._reconfigured = threading.Event()
        self._counting = threading.Event()
        self._pip: tuple[int, bool] | None = None   # (width, blur) while the broadcast shows the camera
        self._blur = blur
        self._realtime = realtime          # a file plays at its own pace, as a camera would
        self._retry_s = retry_s
        self._events: queue.Queue[Any] = queue.Queue(maxsize=256)
        self._view = CameraView(status="starting")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera", daemon=True)

    def start(self) -> "CameraInput":
        self._thread.start()
        return self

    def reconfigure(self, settings: Any) -> None:
        """New settings (from calibration) take effect on the next frame the thread reads."""
        self.settings = settings
        self._reconfigured.set()

    def want_pip(self, width: int | None, blur: bool = True) -> None:
        """Also publish `view.pip`, a `width`-px mirrored RGB picture blurred like the preview (the
        pipeline's faces, whole picture when unsure), for the broadcast's picture-in-picture; None
        stops it. blur=False (staff, adults-only shot) publishes it unblurred: logged."""
        if width and not blur:
            log.warning("camera: picture-in-picture published WITHOUT face blur (staff setting)")
        self._pip = (max(16, int(width)), bool(blur)) if width else None

    def count_hands(self, on: bool) -> None:
        """Count raised hands across the whole room too (live polls in the classroom zone)."""
        (self._counting.set if on else self._counting.clear)()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    @property
    def view(self) -> CameraView:
        with self._lock:
            return self._view

    def poll(self) -> list[Intent]:
        """Events recognised since the last call, as intents (never blocks)."""
        out: list[Intent] = []
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return out
            intent = to_intent(event)
            if intent is not None:
                out.append(intent)

    # ----- the thread ----------------------------------------------------------------------
    def _run(self) -> None:
        frame_gate.lower_this_thread()
        while not self._stop.is_set():
            source = self._try_open()
            if source is None:
                self._publish(status="retrying")
                self._stop.wait(self._retry_s)
                continue
            try:
                self._capture(source)
            except Exception:  # noqa: BLE001 - a camera fault must never reach the kiosk
                log.exception("camera failed; retrying in %.0f s", self._retry_s)
            finally:
                source.close()
            if not self._stop.is_set():
                self._publish(status="retrying", pointer=None, raising=None, present=False, preview=None, pip=None,
                              seen=None)
                self._stop.wait(self._retry_s)

    def _try_open(self) -> Any:
        try:
            return self._open_source()
        except Exception as exc:  # noqa: BLE001
            log.warning("camera cannot be opened: %s", exc)
            return None

    def _capture(self, source: Any) -> None:
        pipeline = self._make_pipeline(self.settings)
        started, first_t = time.monotonic(), None
        frames, window_start = 0, time.monotonic()
        while not self._stop.is_set():
            got = source.read()
            if got is None:
                return  # unplugged or end of file: the caller retries / reopens
            frame, t = got
            if self._reconfigured.is_set():
                self._reconfigured.clear()
                pipeline = self._make_pipeline(self.settings)
            if self._realtime:
                first_t = t if first_t is None else first_t
                ahead = (t - first_t) - (time.monotonic() - started)
                if ahead > 0:
                    self._stop.wait(ahead)
            # The poll's count comes from the same pipeline's work on the frame (no second pass);
            # turning it off forgets the count, so a new poll starts fresh.
            pipeline.count_hands(self._counting.is_set())
            frame_gate.wait_for_gap()  # the picture's few milliseconds of work go between frames, not into one
            state, events = pipeline.process(frame, t)
            for event in events:
                try:
                    self._events.put_nowait(event)
                except queue.Full:
                    pass  # the loop is not polling (e.g. paused); old gestures are worthless anyway
            frames += 1
            now = time.monotonic()
            fps = frames / max(1e-6, now - window_start)
            if now - window_start > 2.0:
                frames, window_start = 0, now
            preview = self._blur(_small(frame, pipeline), state.faces, certain=state.faces_certain)
            pip, want = None, self._pip
            if want is not None:
                w = min(want[0], frame.shape[1])
                if want[1] and not state.faces_certain:  # unsure: the preview's whole-picture blur, enlarged
                    # (blur_whole's blocks are w // 24 px: run on a larger picture it would keep more detail)
                    pip = _enlarged(preview, (max(1, round(frame.shape[0] * w / frame.shape[1])), w))
                else:
                    pip = _small(frame, pipeline, w)
                    pip = self._blur(pip, state.faces, certain=True) if want[1] else pip
            self._publish(status="ok", pointer=state.pointer, raising=dict(state.raising or {}),
                          present=state.present, preview=preview, fps=fps, hands=pipeline.hand_count, pip=pip,
                          seen={"player": state.player, "faces": list(state.faces), "hands": list(state.hands)})

    def _publish(self, **fields: Any) -> None:
        with self._lock:
            view = CameraView(**{**self._view.__dict__, **fields})
            if "preview" in fields:
                view.preview_id = self._view.preview_id + 1
            self._view = view


def _small(frame: Any, pipeline: Any, width: int = PREVIEW_WIDTH) -> Any:
    """A small mirrored RGB copy for the corner view (the child sees themselves as in a mirror)."""
    import cv2

    h, w = frame.shape[:2]
    small = cv2.resize(frame, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    if getattr(getattr(pipeline, "settings", None), "mirror", True):
        small = cv2.flip(small, 1)
    return cv2.cvtColor(small, cv2.COLOR_BGR2RGB)


def _enlarged(picture: Any, shape: tuple[int, ...]) -> Any:
    import cv2

    return cv2.resize(picture, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


def to_intent(event: Any) -> Intent | None:
    """A recognised gesture -> the engine's intent (select from dwell is made by the engine)."""
    kind = event.type
    if kind == "presence":
        return Intent(Kind.ARRIVED if event.fields.get("state") == "arrived" else Kind.LEFT, source="gesture")
    if kind == "raise":
        return Intent(Kind.RAISE, value=event.fields["side"], source="gesture")
    if kind == "swipe":
        return Intent(Kind.SWIPE, value=event.fields["direction"], source="gesture")
    if kind == "checkin":
        return Intent(Kind.CHECKIN, value=event.fields["code"], source="gesture")
    return None
