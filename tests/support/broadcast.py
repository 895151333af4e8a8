"""Helpers for the broadcast tests: probing and decoding recordings with the system's ffmpeg."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, TypeVar

import cv2
import numpy as np
import pytest

_have_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                  reason="the system's ffmpeg is needed (apt-get install ffmpeg)")
Test = TypeVar("Test", bound=Callable[..., Any])


def needs_ffmpeg(test: Test) -> Test:
    """A test that runs the system's ffmpeg: skipped without it, and slow (an encoder process per run)."""
    return pytest.mark.slow(_have_ffmpeg(test))


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's streams (with decoded frame counts) and format of a file."""
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json",
                          str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def video_stream(info: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in info["streams"] if s["codec_type"] == "video")


def decode(path: Path) -> list[np.ndarray]:
    """Every frame (BGR) OpenCV decodes from the file."""
    cap = cv2.VideoCapture(str(path))
    frames = []
    ok, frame = cap.read()
    while ok:
        frames.append(frame)
        ok, frame = cap.read()
    cap.release()
    return frames


def audio_rms(path: Path, rate: int = 8000) -> np.ndarray:
    """Mono RMS per 0.1 s of the file's audio track."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le",
                          "-"], capture_output=True, check=True).stdout
    x = np.frombuffer(raw, "<i2").astype(np.float64)
    step = rate // 10
    n = len(x) // step
    return np.sqrt((x[:n * step].reshape(n, step) ** 2).mean(axis=1))


def tone(seconds: float, rate: int = 44100, freq: float = 440.0) -> np.ndarray:
    """A stereo int16 tone, as pygame.sndarray.samples gives a mixer clip."""
    t = np.arange(int(seconds * rate)) / rate
    mono = (np.sin(2 * np.pi * freq * t) * 12000).astype(np.int16)
    return np.stack([mono, mono], axis=1)
