"""The studio: kiosk snapshots in, program frames out to every sink. Runs in the broadcast worker
process (worker.py) or, with Broadcaster(process=False), on a thread of the kiosk's own process.

`frame()` composes one program frame (compositor.py), converts it to I420 once and puts it into
every sink's queue (sinks.py); it is called by one thread only. Narration reaches the studio as
clips already placed on the media timeline (`clip()`, `cut()`).
"""
from __future__ import annotations

import logging
import os
import time
from collections import deque
from typing import Any, Iterable

import numpy as np

from .audio import NarrationTrack
from .compositor import Compositor, to_i420
from .overlay import OverlayState
from .sinks import ProgramFrame, Sink, make_sink

log = logging.getLogger(__name__)
FFMPEG_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv")


def is_ffmpeg_output(spec: str) -> bool:
    low = spec.strip().lower()
    return low.startswith(("rtmp://", "rtmps://")) or low.endswith(FFMPEG_SUFFIXES)


class Studio:
    def __init__(self, outputs: Iterable[str], size: tuple[int, int], fps: float, *, layout: str = "squeeze",
                 realtime: bool = True, preset: str = "ultrafast", crf: int = 23, bitrate: str = "4500k",
                 threads: int = 0, backoff: tuple[float, float] = (1.0, 30.0), lang: str = "zh",
                 pip_mirror: bool = False, audio: bool = True, sink_queue: int = 3):
        self.size, self.fps = size, fps
        self.compositor = Compositor(size, layout, lang=lang, pip_mirror=pip_mirror)
        self.compositor.overlay.warm()
        self.track = NarrationTrack(lambda t: t) if audio else None
        self.sinks: list[Sink] = []
        for spec in outputs:
            extra = dict(preset=preset, crf=crf, bitrate=bitrate, threads=threads) if is_ffmpeg_output(spec) else {}
            self.sinks.append(make_sink(spec, size, fps, self.track, realtime=realtime, backoff=backoff,
                                        queue_size=sink_queue, **extra))
        self.want_clean = any(getattr(s, "clean", False) for s in self.sinks)
        self.composed = 0
        self.errors = 0
        self.compose_ms: deque[float] = deque(maxlen=4096)
        self.started = time.monotonic()
        for sink in self.sinks:
            sink.start()

    def frame(self, index: int, kiosk: np.ndarray, state: OverlayState | None, key: Any, pip: Any) -> None:
        """Compose program frame `index` and hand it to every sink (never raises)."""
        began = time.perf_counter()
        try:
            frame = self.compositor.compose(kiosk, state, key, pip)
            i420 = to_i420(frame)
            clean = to_i420(self.compositor.clean(kiosk)) if self.want_clean else None
        except Exception:  # noqa: BLE001 - one bad frame must not end the broadcast
            self.errors += 1
            if self.errors <= 3:
                log.exception("broadcast: composing frame %d failed", index)
            return
        program = ProgramFrame(index, i420, self.size, clean)
        for sink in self.sinks:
            sink.put(program)
        self.composed += 1
        self.compose_ms.append((time.perf_counter() - began) * 1000)

    def clip(self, samples: Any, rate: int, media_start: float) -> None:
        if self.track is not None:
            self.track.on_clip(samples, rate, media_start)

    def cut(self, media_t: float) -> None:
        if self.track is not None:
            self.track.on_clip(None, 0, media_t)

    def check_stalls(self) -> None:
        now = time.monotonic()
        for sink in self.sinks:
            sink.check_stall(now)

    def stop(self) -> None:
        for sink in self.sinks:
            sink.stop()

    def stats(self) -> dict[str, Any]:
        sinks = [s.stats() for s in self.sinks]
        wall = max(1e-6, time.monotonic() - self.started)
        cpu = sum(s.get("cpu_s", 0.0) for s in sinks)
        return {
            "composed": self.composed, "compose_errors": self.errors,
            "encoded": max((s["frames"] for s in sinks if s["kind"] in ("file", "stream")), default=0),
            "restarts": sum(s["restarts"] for s in sinks),
            "narration_clips": self.track.clips if self.track is not None else 0,
            "compose_ms_p50": _pct(self.compose_ms, 0.5), "compose_ms_p99": _pct(self.compose_ms, 0.99),
            "encoder_cpu_s": round(cpu, 3),
            "encoder_cpu_share": round(cpu / wall / (os.cpu_count() or 1), 4),   # of the whole machine
            "sinks": sinks,
        }


def _pct(values: Iterable[float], q: float) -> float:
    v = sorted(values)
    return round(v[min(len(v) - 1, int(len(v) * q))], 3) if v else 0.0
