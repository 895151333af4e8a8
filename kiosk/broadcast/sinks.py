"""Where program frames go: an MP4 file or an RTMP stream (the system's ffmpeg, frames through a
pipe), a window for OBS (a small separate process), a virtual camera (pyvirtualcam, optional).

Every sink has its own thread and a short queue. `put()` never blocks a live broadcast: when a
sink falls behind, its oldest queued frame is dropped (and counted). A sink that fails (ffmpeg
killed, the network gone, the window closed) is closed, logged, and opened again after a back-off
that doubles from `backoff[0]` to `backoff[1]` seconds (reset after a healthy minute); frames that
arrive meanwhile are discarded (counted). Nothing stops the kiosk or the other sinks.

Only program frames (already composed, faces already blurred) ever reach a sink.
"""
from __future__ import annotations

import collections
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.ui.strings import Strings

from .audio import RATE, NarrationTrack, samples_for_frame

log = logging.getLogger(__name__)

HEALTHY_S = 60.0          # a sink that ran this long starts its back-off from the beginning again
STALL_S = 15.0            # a write blocked this long (a hung ffmpeg, a network that swallows) is a failure
STOP_TIMEOUT_S = 30.0     # waiting for ffmpeg to finish a file on stop()


def background(nice: int = 0) -> None:
    """Make the calling thread (and the processes it starts) yield to the kiosk's render loop:
    SCHED_BATCH on Linux - a batch thread never preempts the loop when it wakes up (measured: a
    woken worker otherwise held the loop up to 20 ms at a pipe write) - plus an optional nice."""
    try:
        if hasattr(os, "sched_setscheduler"):
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
        if nice:
            os.setpriority(os.PRIO_PROCESS, 0, min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice))
    except (OSError, AttributeError):
        pass


class SinkUnavailable(Exception):
    """This sink cannot exist on this machine (pyvirtualcam not installed): off, no retries."""


class ProgramFrame:
    """One composed program frame, shared read-only by every sink."""

    __slots__ = ("index", "i420", "clean", "size", "_rgb", "_lock")

    def __init__(self, index: int, i420: np.ndarray, size: tuple[int, int], clean: np.ndarray | None = None):
        self.index = index                 # position on the media timeline: index / fps seconds
        self.i420 = i420                   # planar yuv420p, (h * 3 / 2, w) uint8
        self.clean = clean                 # the kiosk screen alone (only when a sink wants it)
        self.size = size
        self._rgb: np.ndarray | None = None
        self._lock = threading.Lock()

    def rgb(self) -> np.ndarray:
        with self._lock:
            if self._rgb is None:
                from .compositor import i420_to_rgb

                self._rgb = i420_to_rgb(self.i420)
            return self._rgb


class Sink:
    kind = "sink"

    def __init__(self, target: str, size: tuple[int, int], fps: float, *, realtime: bool = True,
                 backoff: tuple[float, float] = (1.0, 30.0), queue_size: int = 3, stall_s: float = STALL_S):
        self.target = target
        self.size = size
        self.fps = fps
        self.realtime = realtime
        self.backoff = backoff
        self.queue_size = queue_size
        self.stall_s = stall_s
        self.state = "starting"         # starting / running / backoff / off / stopped
        self.frames = 0                 # frames written (duplicates included)
        self.duplicated = 0             # frames repeated to keep a constant frame rate
        self.dropped = 0                # dropped because this sink was behind
        self.discarded = 0              # arrived while the sink was down
        self.restarts = 0
        self.failures: list[tuple[float, str]] = []   # (monotonic time, why)
        self.waits: list[float] = []                    # each back-off before a restart, in seconds
        self.last_error = ""
        self._q: collections.deque[ProgramFrame] = collections.deque()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._busy_since: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"broadcast-{self.kind}", daemon=True)

    # ----- the compose thread's side -----------------------------------------------------------
    def start(self) -> "Sink":
        self._thread.start()
        return self

    def put(self, frame: ProgramFrame) -> bool:
        with self._cond:
            if self.state not in ("starting", "running") or self._stop.is_set():
                self.discarded += 1
                return False
            while len(self._q) >= self.queue_size:
                if self.realtime:
                    self._q.popleft()
                    self.dropped += 1
                    break
                self._cond.wait(0.5)   # offline (simulate, tests): wait for the sink, lose nothing
                if self.state not in ("starting", "running"):
                    self.discarded += 1
                    return False
            self._q.append(frame)
            self._cond.notify_all()
            return True

    def check_stall(self, now: float) -> None:
        """Called now and then from the broadcaster: a write blocked too long kills the sink's process."""
        since = self._busy_since
        if since is not None and now - since > self.stall_s:
            self.last_error = f"write blocked for {now - since:.0f} s"
            log.warning("broadcast %s %s: %s; restarting it", self.kind, self.target, self.last_error)
            self._busy_since = None
            self._kill()

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Write what is queued, finish (files closed properly), end the thread."""
        with self._cond:
            self._stop.set()
            self._cond.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("broadcast %s %s did not finish in %.0f s; killed", self.kind, self.target, timeout)
            self._kill()
            self._thread.join(2.0)

    # ----- the sink's thread -------------------------------------------------------------------
    def _run(self) -> None:
        background()
        delay = self.backoff[0]
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                self._open()
            except SinkUnavailable as exc:
                self.state, self.last_error = "off", str(exc)
                log.info("broadcast %s off: %s", self.kind, exc)
                return
            except Exception as exc:  # noqa: BLE001 - a sink must never take the kiosk down
                self._failed(f"cannot start: {exc}")
            else:
                with self._cond:
                    self.state = "running"
                log.info("broadcast %s started: %s", self.kind, self.describe())
                try:
                    self._pump()
                    self._close(clean=True)
                    self.state = "stopped"
                    return
                except Exception as exc:  # noqa: BLE001
                    self._failed(str(exc) or type(exc).__name__)
            if time.monotonic() - began >= HEALTHY_S:
                delay = self.backoff[0]
            with self._cond:
                self.state = "backoff"
                self._q.clear()
                self._cond.notify_all()
            if self._stop.is_set():
                break
            self.restarts += 1
            log.warning("broadcast %s %s failed (%s); restart %d in %.1f s", self.kind, self.target,
                        self.last_error, self.restarts, delay)
            self.waits.append(delay)
            self._stop.wait(delay)
            delay = min(self.backoff[1], delay * 2)
            with self._cond:
                if not self._stop.is_set():
                    self.state = "starting"
        self.state = "stopped"

    def _failed(self, why: str) -> None:
        self.last_error = why
        self.failures.append((time.monotonic(), why))
        try:
            self._close(clean=False)
        except Exception:  # noqa: BLE001
            log.debug("closing a failed sink", exc_info=True)

    def _pump(self) -> None:
        while True:
            with self._cond:
                while not self._q and not self._stop.is_set():
                    self._cond.wait(0.25)
                    self._check_alive()
                if not self._q:
                    return                      # stopping, everything written
                frame = self._q.popleft()
                self._cond.notify_all()
            self._busy_since = time.monotonic()
            try:
                self._write(frame)
            finally:
                self._busy_since = None

    # ----- per kind ------------------------------------------------------------------------------
    def describe(self) -> str:
        return self.target

    def _open(self) -> None:
        raise NotImplementedError

    def _write(self, frame: ProgramFrame) -> None:
        raise NotImplementedError

    def _close(self, clean: bool) -> None:
        pass

    def _check_alive(self) -> None:
        pass

    def _kill(self) -> None:
        pass

    def stats(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": self.target, "state": self.state, "frames": self.frames,
                "duplicated": self.duplicated, "dropped": self.dropped, "discarded": self.discarded,
                "restarts": self.restarts, "last_error": self.last_error, "waits": list(self.waits)}


def _write_all(fd: int, data: Any) -> None:
    view = memoryview(data).cast("B")
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process from /proc (None elsewhere or once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class _Process(Sink):
    """A sink that is a child process fed through its stdin (ffmpeg, the window viewer)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.proc: subprocess.Popen[bytes] | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=30)
        self.cpu_s = 0.0                  # CPU seconds of the processes that finished
        self._cpu_now = 0.0               # ... and of the one running, as last read
        self._wall_s = 0.0
        self._opened_at: float | None = None
        self.pids: list[int] = []

    def _spawn(self, cmd: list[str], pass_fds: tuple[int, ...] = ()) -> None:
        self._stderr.clear()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     pass_fds=pass_fds, close_fds=True)
        self.pids.append(self.proc.pid)
        self._opened_at = time.monotonic()
        self._cpu_now = 0.0
        threading.Thread(target=self._read_stderr, args=(self.proc,), name=f"broadcast-{self.kind}-log",
                         daemon=True).start()

    def _read_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        try:
            for raw in proc.stderr:
                line = raw.decode("utf-8", "replace").rstrip()
                if line:
                    self._stderr.append(line)
                    log.debug("%s %s: %s", self.kind, self.target, line)
        except (OSError, ValueError):
            pass
        finally:
            proc.stderr.close()

    def _stdin_fd(self) -> int:
        if self.proc is None or self.proc.stdin is None:
            raise BrokenPipeError("not running")
        return self.proc.stdin.fileno()

    def _check_alive(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is not None:
            raise BrokenPipeError(f"process exited with {proc.returncode}: {self.tail()}")
        if proc is not None:
            cpu = _cpu_seconds(proc.pid)
            if cpu is not None:
                self._cpu_now = cpu

    def tail(self) -> str:
        return " | ".join(list(self._stderr)[-3:])

    def _kill(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass

    def _finish_process(self, clean: bool) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        cpu = _cpu_seconds(proc.pid)
        if cpu is not None:
            self._cpu_now = cpu
        try:
            if proc.stdin is not None:
                proc.stdin.close()
        except OSError:
            pass
        if not clean:
            self._kill_proc(proc)
        rusage_cpu = None
        try:
            if proc.returncode is None:
                deadline = time.monotonic() + (STOP_TIMEOUT_S if clean else 5.0)
                while time.monotonic() < deadline:
                    pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
                    if pid:
                        proc.returncode = os.waitstatus_to_exitcode(status)
                        rusage_cpu = ru.ru_utime + ru.ru_stime
                        break
                    cpu = _cpu_seconds(proc.pid)
                    if cpu is not None:
                        self._cpu_now = cpu
                    time.sleep(0.02)
                else:
                    log.warning("broadcast %s %s: process did not exit; killed", self.kind, self.target)
                    self._kill_proc(proc)
                    proc.wait(5.0)
        except (ChildProcessError, AttributeError, OSError):   # reaped elsewhere, or no wait4 here
            proc.wait(5.0)
        self.cpu_s += rusage_cpu if rusage_cpu is not None else self._cpu_now
        self._cpu_now = 0.0
        if self._opened_at is not None:
            self._wall_s += time.monotonic() - self._opened_at
            self._opened_at = None
        if clean and proc.returncode not in (0, None):
            self.last_error = f"exited with {proc.returncode}: {self.tail()}"
            log.warning("broadcast %s %s %s", self.kind, self.target, self.last_error)

    @staticmethod
    def _kill_proc(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass

    def cpu(self) -> tuple[float, float]:
        """(CPU seconds, wall seconds) of this sink's processes so far."""
        wall = self._wall_s + (time.monotonic() - self._opened_at if self._opened_at is not None else 0.0)
        proc = self.proc
        if proc is not None:
            cpu = _cpu_seconds(proc.pid)
            if cpu is not None:
                self._cpu_now = cpu
        return self.cpu_s + self._cpu_now, wall

    def stats(self) -> dict[str, Any]:
        cpu, wall = self.cpu()
        proc = self.proc
        return {**super().stats(), "cpu_s": round(cpu, 3), "cores": round(cpu / wall, 3) if wall > 0 else 0.0,
                "pid": proc.pid if proc is not None else None,
                "failures": [round(t, 3) for t, _ in self.failures]}


class FfmpegSink(_Process):
    """H.264 through the system ffmpeg: raw yuv420p frames on stdin, the narration as s16le on a
    second pipe. kind "file" (MP4 in fragments of <= 1 s, so a crash still leaves a playable file; a restart
    continues in OUT.part2.mp4, ...) or "stream" (RTMP: FLV, zerolatency, a keyframe every 2 s)."""

    def __init__(self, target: str, size: tuple[int, int], fps: float, *, kind: str = "file",
                 track: NarrationTrack | None = None, preset: str = "ultrafast", crf: int = 23,
                 bitrate: str = "4500k", audio_bitrate: str = "128k", threads: int = 0,
                 ffmpeg: str | None = None, max_fill_s: float = 10.0, **kwargs: Any):
        self.kind = kind
        super().__init__(target, size, fps, **kwargs)
        self.track = track
        self.preset, self.crf, self.bitrate, self.audio_bitrate = preset, crf, bitrate, audio_bitrate
        self.threads = threads
        self.ffmpeg = ffmpeg or shutil.which("ffmpeg") or "ffmpeg"
        self.max_fill = max(1, int(max_fill_s * fps))
        self.files: list[str] = []
        self._afd: int | None = None
        self._last: ProgramFrame | None = None
        self._silence: bytes = b""
        self.command: list[str] = []

    def describe(self) -> str:
        return self.files[-1] if self.kind == "file" and self.files else self.target

    def _next_file(self) -> str:
        """OUT.mp4 for the first part, OUT.part2.mp4 ... after a restart; never over an existing file."""
        path = Path(self.target)
        n = len(self.files) + 1
        while True:
            candidate = path if n == 1 else path.with_name(f"{path.stem}.part{n}{path.suffix}")
            if not candidate.exists():
                return str(candidate)
            n += 1

    def _open(self) -> None:
        if not shutil.which(self.ffmpeg) and not Path(self.ffmpeg).is_file():
            raise FileNotFoundError(f"ffmpeg not found ({self.ffmpeg}); install it: apt-get install ffmpeg")
        out = self._next_file() if self.kind == "file" else self.target
        r, w = os.pipe()
        try:
            self.command = ffmpeg_command(self.ffmpeg, self.kind, out, self.size, self.fps, audio_fd=r,
                                          preset=self.preset, crf=self.crf, bitrate=self.bitrate,
                                          audio_bitrate=self.audio_bitrate, threads=self.threads)
            self._spawn(self.command, pass_fds=(r,))
        except Exception:
            os.close(w)
            raise
        finally:
            os.close(r)
        self._afd = w
        self._last = None
        if self.kind == "file":
            self.files.append(out)

    def _write(self, frame: ProgramFrame) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self._check_alive()
        last = self._last
        if last is not None:
            if frame.index <= last.index:
                return
            gap = frame.index - last.index - 1
            for k in range(last.index + 1, last.index + 1 + min(gap, self.max_fill)):
                self._one(last.i420, k)          # the screen did not change: hold the last frame
                self.duplicated += 1
        self._one(frame.i420, frame.index)
        self._last = frame

    def _one(self, i420: np.ndarray, k: int) -> None:
        _write_all(self._stdin_fd(), i420)
        first, n = samples_for_frame(k, self.fps, RATE)
        if self.track is not None:
            pcm = self.track.render(first, n)
        else:
            if len(self._silence) != 4 * n:
                self._silence = bytes(4 * n)
            pcm = self._silence
        if self._afd is None:
            raise BrokenPipeError("audio pipe closed")
        _write_all(self._afd, pcm)
        self.frames += 1

    def _close(self, clean: bool) -> None:
        if self._afd is not None:
            try:
                os.close(self._afd)
            except OSError:
                pass
            self._afd = None
        self._finish_process(clean)

    def stats(self) -> dict[str, Any]:
        out = super().stats()
        if self.kind == "file":
            out["files"] = list(self.files)
        return out


def ffmpeg_command(ffmpeg: str, kind: str, out: str, size: tuple[int, int], fps: float, *, audio_fd: int | None,
                   preset: str = "ultrafast", crf: int = 23, bitrate: str = "4500k", audio_bitrate: str = "128k",
                   threads: int = 0) -> list[str]:
    """The ffmpeg command line of a file or stream sink (documented in docs/broadcast.md)."""
    w, h = size
    gop = str(max(1, int(round(2 * fps))))           # a keyframe every 2 s
    cmd = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning",
           # raw inputs need no probing; with the default probe ffmpeg would wait for more sound than
           # the sink writes ahead of the pictures (frame k's sound follows frame k) and both would stall
           "-probesize", "32", "-analyzeduration", "0",
           "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-framerate", f"{fps:g}",
           "-thread_queue_size", "16", "-i", "pipe:0"]
    if audio_fd is not None:
        cmd += ["-probesize", "32", "-analyzeduration", "0", "-f", "s16le", "-ar", str(RATE), "-ac", "2",
                "-thread_queue_size", "1024", "-i", f"pipe:{audio_fd}",
                "-map", "0:v:0", "-map", "1:a:0"]
    cmd += ["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p", "-g", gop, "-keyint_min", gop,
            "-sc_threshold", "0"]
    if threads:
        cmd += ["-threads", str(threads)]
    if audio_fd is not None:
        cmd += ["-c:a", "aac", "-b:a", audio_bitrate, "-ar", str(RATE)]
    if kind == "stream":
        kbps = int(bitrate.rstrip("kK")) if bitrate.rstrip("kK").isdigit() else 4500
        cmd += ["-tune", "zerolatency", "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", f"{kbps * 2}k",
                "-rw_timeout", "10000000", "-flvflags", "no_duration_filesize", "-f", "flv", out]
    else:
        suffix = Path(out).suffix.lower()
        cmd += ["-crf", str(crf)]
        if suffix in (".mp4", ".mov", ".m4v"):
            # fragmented (at most 1 s each, flushed): a killed ffmpeg or a power cut loses at most a second
            cmd += ["-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "1000000",
                    "-flush_packets", "1", "-f", "mp4"]
        elif suffix == ".mkv":
            cmd += ["-f", "matroska"]
        cmd += ["-y", out]     # -y only after _next_file() made sure nothing is there
    return cmd


class WindowSink(_Process):
    """The program (or clean) feed in a window of its own, for OBS window capture: a second window
    is not possible from pygame 2 in one process, so a small viewer process
    (python -m kiosk.broadcast.window) shows the frames it reads from its stdin."""

    kind = "window"

    def __init__(self, target: str, size: tuple[int, int], fps: float, *, clean: bool = False,
                 title: str | None = None, **kwargs: Any):
        super().__init__(target, size, fps, **kwargs)
        self.clean = clean
        self.title = title or Strings(namespace="broadcast")("window_clean" if clean else "window_program")

    def _open(self) -> None:
        w, h = self.size
        self._spawn([sys.executable, "-m", "kiosk.broadcast.window", "--size", f"{w}x{h}", "--fps", f"{self.fps:g}",
                     "--title", self.title])

    def _write(self, frame: ProgramFrame) -> None:
        data = frame.clean if self.clean and frame.clean is not None else frame.i420
        _write_all(self._stdin_fd(), data)
        self.frames += 1

    def _close(self, clean: bool) -> None:
        self._finish_process(clean)


class VirtualCamSink(Sink):
    """A virtual camera (pyvirtualcam: v4l2loopback, OBS Virtual Camera, ...) when it is installed."""

    kind = "vcam"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.cam: Any = None

    def _open(self) -> None:
        try:
            import pyvirtualcam
        except ImportError:
            raise SinkUnavailable("pyvirtualcam is not installed (pip install pyvirtualcam)") from None
        w, h = self.size
        self.cam = pyvirtualcam.Camera(width=w, height=h, fps=self.fps, fmt=pyvirtualcam.PixelFormat.RGB)

    def describe(self) -> str:
        return str(getattr(self.cam, "device", self.target))

    def _write(self, frame: ProgramFrame) -> None:
        self.cam.send(frame.rgb())
        self.frames += 1

    def _close(self, clean: bool) -> None:
        cam, self.cam = self.cam, None
        if cam is not None:
            try:
                cam.close()
            except Exception:  # noqa: BLE001
                pass


def make_sink(spec: str, size: tuple[int, int], fps: float, track: NarrationTrack | None, **options: Any) -> Sink:
    """A sink from one --broadcast value: OUT.mp4 (or .mkv/.mov), rtmp://..., window, window:clean, vcam."""
    realtime = options.pop("realtime", True)
    backoff = options.pop("backoff", (1.0, 30.0))
    common = {"realtime": realtime, "backoff": backoff}
    s = spec.strip()
    low = s.lower()
    if low.startswith(("rtmp://", "rtmps://")):
        return FfmpegSink(s, size, fps, kind="stream", track=track, **options, **common)
    if low in ("window", "window:program", "window:clean"):
        return WindowSink(s, size, fps, clean=low.endswith(":clean"), **common)
    if low in ("vcam", "virtualcam", "virtual-camera"):
        return VirtualCamSink(s, size, fps, **common)
    if Path(low).suffix in (".mp4", ".mov", ".m4v", ".mkv"):
        return FfmpegSink(s, size, fps, kind="file", track=track, **options, **common)
    raise ValueError(f"--broadcast {spec!r}: expected OUT.mp4, rtmp://..., window, window:clean or vcam")
