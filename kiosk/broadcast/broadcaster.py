"""The Broadcaster: the render loop offers its finished frame; a worker makes the program feed.

    broadcaster = Broadcaster(["class.mp4", "rtmp://live.example/app/key"], camera=camera, narrator=narrator,
                              kiosk_size=app.surface.get_size())
    ... every frame, after App.frame():  broadcaster.offer(app.surface, None, overlay_state)
    ... at exit:                          broadcaster.stop()

What the render loop pays: at the output frame rate (30 of its 60 frames a second) one blit of the
screen into a free snapshot slot, an `OverlayState.key()`, a read of the camera's latest view,
and one small non-blocking pipe write. No slot free, or the pipe full: the frame is dropped and
counted. A live broadcast never waits. `realtime=False` (simulate, tests) waits instead, so no
frame is lost.

Where the work happens (`process=True`, the default on Linux): a worker process
(`python -m kiosk.broadcast.worker`, worker.py) shares the snapshot slots with the kiosk through a
memfd (memory, never a file), composes the program frames (studio.py, compositor.py), converts
them to I420 once and feeds every sink (sinks.py), each on its own thread with its own restart
back-off. Nothing of that competes with the kiosk's loop for the GIL, and it runs as SCHED_BATCH
(ffmpeg under it too): woken by a frame, it never preempts the loop (optionally also `nice`). If
the worker itself dies, the kiosk keeps running and the
worker is started again with back-off. `process=False`: the same studio on a thread of this
process (other platforms; measured worse for the loop's p99, see kiosk/bench/broadcast.py).

Timeline: output frame k is media time k / fps. `now` (seconds on any steady clock:
time.monotonic in the live kiosk, App.now in simulate) decides which frame slot an offer fills; a
sink repeats the last frame over slots nobody filled, so a file lasts exactly as long as the
broadcast, and its sound (audio.py: the narration clips the Narrator started, placed at their
start times) stays in step.

Privacy: the only camera pictures used are CameraView.pip / CameraView.preview, blurred by
kiosk.vision.faces.blur_faces on the camera thread. Unblurred PiP happens only after staff call
`set_pip_blur(False, ...)` for an adults-only shot: logged at WARNING, shown in stats, and reset
to blurred by every new Broadcaster. The snapshot slots live in memory only; the only files are
the sinks' outputs.
"""
from __future__ import annotations

import collections
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pygame

from .compositor import is_bgrx
from .overlay import OverlayState, geometry
from .studio import Studio, _pct
from .protocol import frame_message

log = logging.getLogger(__name__)
PIP_MAX = (960, 720)                          # the largest camera picture a slot holds (w, h)
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def parse_outputs(specs: str | Iterable[str]) -> list[str]:
    """`--broadcast` values (repeatable, or comma-separated) -> output specs."""
    items = [specs] if isinstance(specs, str) else list(specs)
    out = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
    if not out:
        raise ValueError("--broadcast: no output given")
    return out


def process_supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "memfd_create")


class Broadcaster:
    """See the module doc. outputs: OUT.mp4 (.mkv/.mov) / rtmp://... / window / window:clean / vcam."""

    def __init__(self, outputs: str | Iterable[str], size: tuple[int, int] = (1920, 1080), fps: float = 30, *,
                 camera: Any = None, narrator: Any = None, kiosk_size: tuple[int, int] | None = None,
                 layout: str = "squeeze", realtime: bool = True, process: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, audio_clock: Callable[[], float] = time.monotonic,
                 preset: str = "ultrafast", crf: int = 23, bitrate: str = "4500k", threads: int = 0,
                 backoff: tuple[float, float] = (1.0, 30.0), lang: str = "zh", pip_mirror: bool = False,
                 audio: bool = True, nice: int = 0, slots: int = 3, sink_queue: int = 3):
        from .sinks import make_sink

        self.outputs = parse_outputs(outputs)
        size = (int(size[0]), int(size[1]))
        if size[0] % 2 or size[1] % 2:
            raise ValueError(f"broadcast size {size}: width and height must be even")
        for spec in self.outputs:                  # a wrong --broadcast value fails here, at start-up
            make_sink(spec, size, fps, None)
        self.size, self.fps = size, float(fps)
        self.kiosk_size = tuple(kiosk_size or size)
        self.camera, self.narrator = camera, narrator
        self.realtime = realtime
        self.clock, self.audio_clock = clock, audio_clock
        self.pip_width = min(PIP_MAX[0], geometry(size, self.kiosk_size, layout).pip[2])
        self.pip_blur = True
        self.process = process_supported() if process is None else bool(process and process_supported())
        studio = dict(layout=layout, realtime=realtime, preset=preset, crf=crf, bitrate=bitrate, threads=threads,
                      backoff=list(backoff), lang=lang, pip_mirror=pip_mirror, audio=audio, sink_queue=sink_queue)
        backend_cls = _ProcessBackend if self.process else _ThreadBackend
        self._backend = backend_cls(self, studio, slots=max(2, slots), nice=nice, backoff=backoff)
        self._t0: float | None = None
        self._last_index = -1
        self._anchor: tuple[float, float] = (0.0, audio_clock())   # (media time, audio clock) at the last offer
        self._pip_on = False
        self._stopped = False
        self.offered = 0          # offers that were due (an output frame slot to fill)
        self.snapshots = 0        # ... that were taken and handed to the worker
        self.dropped = 0          # ... that were not (no free slot, the worker behind or down)
        self.offer_ms: deque[float] = deque(maxlen=4096)
        self._listening = False
        if narrator is not None and audio and hasattr(narrator, "listeners"):
            narrator.listeners.append(self._on_narration)
            self._listening = True
        log.info("broadcasting %dx%d at %g fps to %s (layout %s, %s, %s)", *size, self.fps, ", ".join(self.outputs),
                 layout, "worker process" if self.process else "thread", "live" if realtime else "offline")

    @classmethod
    def from_args(cls, specs: str | Iterable[str], app: Any = None, **kwargs: Any) -> "Broadcaster":
        """From `--broadcast` values, with the App's camera, narrator and screen size."""
        if app is not None:
            gestures = getattr(app, "gestures", None)
            kwargs.setdefault("camera", getattr(gestures, "camera", None))
            kwargs.setdefault("narrator", getattr(app, "narrator", None))
            kwargs.setdefault("kiosk_size", app.surface.get_size())
        return cls(parse_outputs(specs), **kwargs)

    # ----- the render loop's side ----------------------------------------------------------------
    def offer(self, surface: pygame.Surface, now: float | None = None, state: OverlayState | None = None) -> bool:
        """Call after every drawn frame. Takes a snapshot when an output frame is due; never waits
        (live). now: seconds on a steady clock (None: this broadcaster's clock). True if taken."""
        if self._stopped:
            return False
        t = self.clock() if now is None else now
        if self._t0 is None:
            self._t0 = t
        index = int((t - self._t0) * self.fps + 1e-6)
        if index <= self._last_index:
            return False
        began = time.perf_counter()
        self._last_index = index
        self._anchor = (t - self._t0, self.audio_clock())
        self.offered += 1
        taken = self._backend.submit(index, surface, state, self._pip(state))
        if taken:
            self.snapshots += 1
        else:
            self.dropped += 1
        self.offer_ms.append((time.perf_counter() - began) * 1000)
        return taken

    def _pip(self, state: OverlayState | None) -> Any:
        """The camera's latest face-blurred picture (or None); asks the camera for it while shown."""
        on = bool(state is not None and state.pip and self.camera is not None)
        if on != self._pip_on:
            self._pip_on = on
            want = getattr(self.camera, "want_pip", None)
            if want is not None:
                if on:
                    want(self.pip_width, blur=self.pip_blur)
                else:
                    want(None)
        if not on:
            return None
        view = self.camera.view
        if getattr(view, "status", "ok") != "ok":
            return None
        pip = getattr(view, "pip", None)
        return pip if pip is not None else getattr(view, "preview", None)

    def set_pip_blur(self, blur: bool, by: str = "staff") -> None:
        """Staff only: False shows the camera unblurred, for an adults-only shot. Logged; stays until
        switched back on or the broadcaster ends."""
        blur = bool(blur)
        if blur == self.pip_blur:
            return
        self.pip_blur = blur
        if blur:
            log.info("broadcast picture-in-picture: face blur back ON (%s)", by)
        else:
            log.warning("broadcast picture-in-picture: face blur switched OFF by %s for an adults-only shot; "
                        "every face on camera is now broadcast", by)
        want = getattr(self.camera, "want_pip", None)
        if want is not None and self._pip_on:
            want(self.pip_width, blur=blur)

    # ----- narration -----------------------------------------------------------------------------
    def _media_time(self, audio_t: float) -> float:
        """A time on the narrator's clock -> seconds on the broadcast's timeline."""
        media, at = self._anchor
        return media + (audio_t - at)

    def _on_narration(self, samples: Any, rate: int, start: float) -> None:
        """Narrator listener (render or loader thread): hand the clip on, never wait."""
        t = self._media_time(start)
        if samples is None:
            self._backend.cut(t)
        else:
            self._backend.clip(samples, int(rate), t)

    # ----- the end -------------------------------------------------------------------------------
    def stop(self) -> dict[str, Any]:
        """Compose what was offered, let every sink write what it holds, close files properly."""
        if self._stopped:
            return self.stats
        self._stopped = True
        if self._listening:
            try:
                self.narrator.listeners.remove(self._on_narration)
            except (ValueError, AttributeError):
                pass
        if self._pip_on and getattr(self.camera, "want_pip", None) is not None:
            self.camera.want_pip(None)
        self._backend.stop()
        stats = self.stats
        log.info("broadcast stopped: %s", {k: v for k, v in stats.items() if k != "sinks"})
        return stats

    close = stop

    def __enter__(self) -> "Broadcaster":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def stats(self) -> dict[str, Any]:
        remote = self._backend.stats()
        return {"offered": self.offered, "snapshots": self.snapshots, "dropped": self.dropped,
                "offer_ms_p99": _pct(self.offer_ms, 0.99), "pip_blur": self.pip_blur,
                "backend": "process" if self.process else "thread", **remote}


# ----- backends -----------------------------------------------------------------------------------

class _ThreadBackend:
    """The studio on a thread of this process; snapshots in a small pool of same-format surfaces."""

    def __init__(self, owner: Broadcaster, studio: dict[str, Any], slots: int, **_: Any):
        self.owner = owner
        studio = {**studio, "backoff": tuple(studio["backoff"])}
        self.studio = Studio(owner.outputs, owner.size, owner.fps, **studio)
        self._cond = threading.Condition()
        self._n = slots
        self._free: list[pygame.Surface] = []
        self._made = 0
        self._pending: tuple[int, pygame.Surface, Any, Any, Any] | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="broadcast-compose", daemon=True)
        self._thread.start()

    def _take(self, surface: pygame.Surface) -> pygame.Surface | None:
        size, bits = surface.get_size(), surface.get_bitsize()
        with self._cond:
            while True:
                while self._free and (self._free[-1].get_size() != size or self._free[-1].get_bitsize() != bits):
                    self._free.pop()
                    self._made -= 1
                if self._free:
                    return self._free.pop()
                if self._made < self._n:
                    self._made += 1
                    break
                if self.owner.realtime or self._stopping:
                    return None
                self._cond.wait(0.5)
        return pygame.Surface(size, 0, surface)            # the display's own format: blits are copies

    def submit(self, index: int, surface: pygame.Surface, state: OverlayState | None, pip: Any) -> bool:
        buf = self._take(surface)
        if buf is None:
            return False
        buf.blit(surface, (0, 0))
        key = state.key() if state is not None else None
        with self._cond:
            if self._pending is not None:
                if self.owner.realtime:
                    self._free.append(self._pending[1])     # the compose thread is behind: drop the older
                    self.owner.dropped += 1
                else:
                    while self._pending is not None and not self._stopping:
                        self._cond.wait(0.5)
            self._pending = (index, buf, state, key, pip)
            self._cond.notify_all()
        return True

    def _loop(self) -> None:
        from .compositor import bgrx_view
        from .sinks import background

        background()
        last = time.monotonic()
        while True:
            with self._cond:
                while self._pending is None and not self._stopping and time.monotonic() - last < 1.0:
                    self._cond.wait(0.5)
                packet, self._pending = self._pending, None
                self._cond.notify_all()
            if time.monotonic() - last >= 1.0:
                last = time.monotonic()
                self.studio.check_stalls()
            if packet is None:
                if self._stopping:
                    return
                continue
            index, buf, state, key, pip = packet
            try:
                view, _copy = bgrx_view(buf)
                try:
                    self.studio.frame(index, view, state, key, pip)
                finally:
                    del view, _copy
            finally:
                with self._cond:
                    self._free.append(buf)
                    self._cond.notify_all()

    def clip(self, samples: Any, rate: int, t: float) -> None:
        self.studio.clip(samples, rate, t)

    def cut(self, t: float) -> None:
        self.studio.cut(t)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(30.0)
        self.studio.stop()

    def stats(self) -> dict[str, Any]:
        return self.studio.stats()


class _ProcessBackend:
    """The studio in a worker process; snapshot slots in a memfd both processes map (see worker.py)."""

    def __init__(self, owner: Broadcaster, studio: dict[str, Any], slots: int, nice: int = 0,
                 backoff: tuple[float, float] = (1.0, 30.0)):
        import mmap

        self.owner = owner
        self.studio_cfg = studio
        self.nice = nice
        self.backoff = backoff
        kw, kh = owner.kiosk_size
        self.kiosk_bytes = kw * kh * 4
        self.pip_bytes = PIP_MAX[0] * PIP_MAX[1] * 3
        self.slot_bytes = self.kiosk_bytes + self.pip_bytes
        self.n = slots
        self.memfd = os.memfd_create("kiosk-broadcast-slots")
        os.ftruncate(self.memfd, self.slot_bytes * slots)
        self.mem = mmap.mmap(self.memfd, self.slot_bytes * slots)
        self._view = memoryview(self.mem)
        self.surfaces = [pygame.image.frombuffer(self._view[i * self.slot_bytes:i * self.slot_bytes + self.kiosk_bytes],
                                                 (kw, kh), "BGRA") for i in range(slots)]
        self.pips = [np.frombuffer(self.mem, np.uint8, count=self.pip_bytes, offset=i * self.slot_bytes + self.kiosk_bytes)
                     for i in range(slots)]
        self.free: set[int] = set()
        self.proc: subprocess.Popen[bytes] | None = None
        self.ctrl_w = self.status_r = self.audio_w = -1
        self._status_buf = b""
        self._remote: dict[str, Any] = {}
        self._composed_before = 0
        self._sid = 0
        self._sent_key: Any = object()
        self.restarts = 0
        self._delay = backoff[0]
        self._restart_at = 0.0
        self._started_at = 0.0
        self._audio_q: collections.deque[tuple[Any, ...]] = collections.deque(maxlen=64)
        self._audio_cond = threading.Condition()
        self._stopping = False
        self._worker_cpu = 0.0
        self._start_worker()
        self._audio_thread = threading.Thread(target=self._audio_loop, name="broadcast-audio-out", daemon=True)
        self._audio_thread.start()

    # ----- the worker ----------------------------------------------------------------------------
    def _start_worker(self) -> None:
        ctrl_r, ctrl_w = os.pipe()
        status_r, status_w = os.pipe()
        audio_r, audio_w = os.pipe()
        o = self.owner
        cfg = {"outputs": o.outputs, "size": list(o.size), "fps": o.fps, "kiosk_size": list(o.kiosk_size),
               "slots": self.n, "slot_bytes": self.slot_bytes, "memfd": self.memfd, "ctrl_fd": ctrl_r,
               "status_fd": status_w, "audio_fd": audio_r, "nice": self.nice, "studio": self.studio_cfg,
               "log_level": logging.getLogger("kiosk.broadcast").getEffectiveLevel() or logging.INFO}
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", ""))
                                                           if p)}
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "kiosk.broadcast.worker", json.dumps(cfg)],
                                         pass_fds=(self.memfd, ctrl_r, status_w, audio_r), env=env,
                                         stdin=subprocess.DEVNULL)
        finally:
            for fd in (ctrl_r, status_w, audio_r):
                os.close(fd)
        os.set_blocking(ctrl_w, False)
        os.set_blocking(status_r, False)
        self.ctrl_w, self.status_r, self.audio_w = ctrl_w, status_r, audio_w
        self.free = set(range(self.n))
        self._sent_key = object()
        self._status_buf = b""
        self._started_at = time.monotonic()
        self._composed_before += int(self._remote.get("composed", 0))   # totals go on across worker restarts
        self._remote = {}

    def _close_pipes(self) -> None:
        for fd in (self.ctrl_w, self.status_r, self.audio_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self.ctrl_w = self.status_r = self.audio_w = -1

    def _worker_down(self, why: str) -> None:
        """The worker died (or its pipe broke): the kiosk goes on; start it again after a back-off."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait(5.0)
        self._close_pipes()
        if time.monotonic() - self._started_at > 60.0:
            self._delay = self.backoff[0]
        self.restarts += 1
        self._restart_at = time.monotonic() + self._delay
        log.warning("broadcast worker stopped (%s); restart %d in %.1f s", why, self.restarts, self._delay)
        self._delay = min(self.backoff[1], self._delay * 2)

    def _alive(self) -> bool:
        if self.proc is None:
            if time.monotonic() >= self._restart_at and not self._stopping:
                try:
                    self._start_worker()
                except OSError as exc:
                    self._worker_down(f"cannot start: {exc}")
                    return False
            else:
                return False
        assert self.proc is not None
        if self.proc.poll() is not None:
            self._worker_down(f"exited with {self.proc.returncode}")
            return False
        return True

    def _read_status(self, wait: float = 0.0) -> None:
        if self.status_r < 0:
            return
        if wait > 0:
            select.select([self.status_r], [], [], wait)
        try:
            while True:
                data = os.read(self.status_r, 65536)
                if not data:
                    break
                self._status_buf += data
                if len(data) < 65536:
                    break
        except BlockingIOError:
            pass
        except OSError:
            return
        *lines, self._status_buf = self._status_buf.split(b"\n")
        for line in lines:
            if line.startswith(b"F "):
                self.free.add(int(line[2:]))
            elif line.startswith(b"S "):
                try:
                    self._remote = json.loads(line[2:])
                except ValueError:
                    pass

    # ----- the render loop's side ----------------------------------------------------------------
    def submit(self, index: int, surface: pygame.Surface, state: OverlayState | None, pip: Any) -> bool:
        if not self._alive():
            return False
        self._read_status()
        while not self.free:
            if self.owner.realtime:
                return False
            self._read_status(wait=0.5)
            if not self._alive():
                return False
        slot = min(self.free)
        target = self.surfaces[slot]
        if surface.get_size() == target.get_size() and surface.get_pitch() == self.kiosk_bytes // surface.get_height() \
                and is_bgrx(surface):
            base = slot * self.slot_bytes                      # the display's own bytes: one memcpy (0.15 ms)
            self._view[base:base + self.kiosk_bytes] = surface.get_buffer()
        elif surface.get_size() == target.get_size():
            target.blit(surface, (0, 0))                       # another pixel format: converted by SDL
        else:
            pygame.transform.scale(surface, target.get_size(), target)
        pip_shape = None
        if pip is not None and getattr(pip, "ndim", 0) == 3 and pip.shape[2] == 3 and pip.dtype == np.uint8:
            if pip.shape[0] * pip.shape[1] * 3 > self.pip_bytes:
                import cv2

                pip = cv2.resize(pip, (PIP_MAX[0], int(PIP_MAX[0] * pip.shape[0] / pip.shape[1])))
            n = pip.size
            self.pips[slot][:n].reshape(pip.shape)[...] = pip
            pip_shape = list(pip.shape)
        msgs = b""
        key = state.key() if state is not None else None
        if state is not None and key != self._sent_key:
            self._sid += 1
            msgs += frame_message(("state", self._sid, dict(state.__dict__)))
            self._sent_key = key
        kw, kh = target.get_size()
        msgs += frame_message(("frame", index, slot, kw, kh, self._sid if state is not None else -1, pip_shape))
        if not self._send(msgs):
            return False
        self.free.discard(slot)
        return True

    def _send(self, data: bytes) -> bool:
        """Write a message the worker reads; live: never wait (a full pipe drops the frame)."""
        try:
            if len(data) <= select.PIPE_BUF:
                os.write(self.ctrl_w, data)                 # atomic: all or nothing
                return True
            if not self.owner.realtime:
                os.set_blocking(self.ctrl_w, True)
                try:
                    os.write(self.ctrl_w, data)
                finally:
                    os.set_blocking(self.ctrl_w, False)
                return True
            log.warning("broadcast: overlay state too large for the pipe (%d bytes); frame dropped", len(data))
            self._sent_key = object()
            return False
        except BlockingIOError:
            self._sent_key = object()
            return False
        except OSError as exc:
            self._worker_down(f"pipe: {exc}")
            return False

    # ----- narration (a thread of its own: clips can be megabytes) -------------------------------
    def clip(self, samples: Any, rate: int, t: float) -> None:
        with self._audio_cond:
            self._audio_q.append(("clip", samples, rate, t))
            self._audio_cond.notify()

    def cut(self, t: float) -> None:
        with self._audio_cond:
            self._audio_q.append(("cut", t))
            self._audio_cond.notify()

    def _audio_loop(self) -> None:
        while True:
            with self._audio_cond:
                while not self._audio_q and not self._stopping:
                    self._audio_cond.wait()
                if not self._audio_q:
                    return
                item = self._audio_q.popleft()
            fd = self.audio_w
            if fd < 0:
                continue
            try:
                if item[0] == "cut":
                    os.write(fd, frame_message(("cut", item[1])))
                else:
                    _, samples, rate, t = item
                    data = np.ascontiguousarray(samples)
                    head = frame_message(("clip", t, rate, list(data.shape), data.dtype.str, data.nbytes))
                    for chunk in (head, memoryview(data).cast("B")):
                        view = memoryview(chunk)
                        while view:
                            view = view[os.write(fd, view):]
            except OSError:
                pass                                           # the worker is down: this clip is lost

    # ----- the end -------------------------------------------------------------------------------
    def stop(self) -> None:
        self._stopping = True
        with self._audio_cond:
            self._audio_cond.notify_all()
        self._audio_thread.join(5.0)
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                os.set_blocking(self.ctrl_w, True)
                os.write(self.ctrl_w, frame_message(("stop",)))
            except OSError:
                pass
            deadline = time.monotonic() + 60.0
            while proc.poll() is None and time.monotonic() < deadline:
                self.stats()                                 # the worker's CPU time, read while it lives
                self._read_status(wait=0.2)
            if proc.poll() is None:
                log.warning("broadcast worker did not finish in time; killed")
                proc.kill()
            self._read_status()
        if proc is not None:
            proc.wait(5.0)
        self._close_pipes()
        self.proc = None
        self.surfaces.clear()
        self.pips.clear()
        try:
            self._view.release()
            self.mem.close()
        except BufferError:            # a view still alive somewhere: the mapping goes with the process
            pass
        os.close(self.memfd)

    def stats(self) -> dict[str, Any]:
        from .sinks import _cpu_seconds

        if self.proc is not None and self.proc.poll() is None:
            self._read_status()
            cpu = _cpu_seconds(self.proc.pid)
            if cpu is not None:
                self._worker_cpu = cpu
        remote = {"composed": 0, "encoded": 0, "restarts": 0, **self._remote}
        remote["composed"] += self._composed_before
        return {**remote, "worker_restarts": self.restarts, "worker_cpu_s": round(self._worker_cpu, 3)}
