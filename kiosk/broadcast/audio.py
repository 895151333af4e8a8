"""The program's sound: the narration clips the kiosk played, placed on the broadcast's timeline.

Design: the Narrator calls `NarrationTrack.on_clip(samples, rate, start)` when a clip starts on
its mixer channel (and with samples None when narration is cut off: stop, a new text, narration
off). `on_clip` only appends to a list (it runs on the render or narration-loader thread).
Each ffmpeg sink asks `render(first_sample, n)` for exactly the samples that belong to the video
frames it has just written (frame k covers [k/fps, (k+1)/fps) of media time), and writes them to
ffmpeg's second input (s16le, 44.1 kHz stereo, through a pipe). Audio and video therefore stay
in step by construction, through dropped frames, duplicated frames and sink restarts, and the
sound goes out live (RTMP) as well as into files; no audio file is ever written alongside.

Times: `to_media(start)` maps the narrator's clock (time.monotonic by default) onto media seconds
(see Broadcaster._media_time). Clips are converted to the track's format lazily, on the sink
thread that first needs them.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

RATE = 44100
CHANNELS = 2


@dataclass
class _Clip:
    start: int                       # first sample on the track
    source: Any                      # the narrator's samples (int16 (n,) or (n, ch)); converted lazily
    rate: int
    data: np.ndarray | None = None   # int16 (n, CHANNELS) at the track's rate
    end: int | None = None           # cut here (a stop or the next clip); None: plays to its end


class NarrationTrack:
    """Narration clips on the media timeline; renders any span as interleaved s16le PCM."""

    def __init__(self, to_media: Callable[[float], float], rate: int = RATE, channels: int = CHANNELS,
                 keep_s: float = 120.0):
        self.to_media = to_media
        self.rate = rate
        self.channels = channels
        self.keep = int(keep_s * rate)
        self._clips: list[_Clip] = []
        self._lock = threading.Lock()
        self.clips = 0                   # clips heard (stats, tests)

    # ----- the narrator's listener (any thread; cheap) ------------------------------------------
    def on_clip(self, samples: Any, rate: int, start: float) -> None:
        at = int(round(self.to_media(start) * self.rate))
        with self._lock:
            for clip in self._clips:     # one narration channel: whatever played is cut here
                if clip.end is None or clip.end > at:
                    clip.end = max(clip.start, at)
            if samples is not None and rate > 0:
                self._clips.append(_Clip(at, samples, int(rate)))
                self.clips += 1

    # ----- the sinks (their own threads) ----------------------------------------------------------
    def render(self, first: int, n: int) -> bytes:
        """n samples from track sample `first` on, interleaved int16 little-endian."""
        out = np.zeros((n, self.channels), np.int32)
        last = first + n
        with self._lock:
            clips = list(self._clips)
        for clip in clips:
            data = self._data(clip)
            end = clip.start + len(data) if clip.end is None else min(clip.end, clip.start + len(data))
            a, b = max(first, clip.start), min(last, end)
            if a < b:
                out[a - first:b - first] += data[a - clip.start:b - clip.start]
        self._forget(first)
        return np.clip(out, -32768, 32767).astype("<i2").tobytes()

    def _data(self, clip: _Clip) -> np.ndarray:
        if clip.data is None:
            clip.data = convert(clip.source, clip.rate, self.rate, self.channels)
            clip.source = None
        return clip.data

    def _forget(self, first: int) -> None:
        """Drop clips that ended long before what the sinks are writing now."""
        with self._lock:
            self._clips = [c for c in self._clips
                           if (c.end if c.end is not None else c.start + (len(c.data) if c.data is not None
                                                                         else 1 << 40)) > first - self.keep]


def convert(samples: Any, rate: int, to_rate: int, channels: int) -> np.ndarray:
    """int16 / float samples (n,) or (n, ch) at rate -> int16 (n', channels) at to_rate."""
    import cv2

    x = np.asarray(samples)
    if x.ndim == 1:
        x = x[:, None]
    if x.dtype.kind == "f":
        x = np.clip(x * 32767.0, -32768, 32767)
    x = x.astype(np.float32)
    if x.shape[1] != channels:
        x = x.mean(axis=1, keepdims=True)
        x = np.repeat(x, channels, axis=1) if channels > 1 else x
    if rate != to_rate and len(x) > 1:
        n = max(1, int(round(len(x) * to_rate / rate)))
        x = cv2.resize(x, (channels, n), interpolation=cv2.INTER_LINEAR)   # linear resampling, GIL-free
        x = x.reshape(n, channels)
    return np.ascontiguousarray(np.clip(np.rint(x), -32768, 32767).astype(np.int16))


def samples_for_frame(k: int, fps: float, rate: int = RATE) -> tuple[int, int]:
    """(first sample, count) of the audio that belongs to video frame k."""
    a = int(round(k * rate / fps))
    b = int(round((k + 1) * rate / fps))
    return a, b - a
