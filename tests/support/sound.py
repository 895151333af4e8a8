"""Sound files made in code for the narration tests: a recording that is only a tone."""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def tone_wav(path: Path, seconds: float, rate: int = 22050) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    x = (np.sin(np.arange(int(seconds * rate)) * 2 * np.pi * 440 / rate) * 6000).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(x.tobytes())
    return path
