"""pygame.mixer set-up and turning WAV files / sample arrays into Sounds, without blocking the frame.

Everything here may run on a background thread: SDL_mixer locks its own audio device, and the
numpy path below converts a cached narration WAV (22.05 kHz mono from espeak-ng) to the mixer's
format in about a millisecond, ten times faster than `pygame.mixer.Sound(file)`.
"""
from __future__ import annotations

import logging
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FREQUENCY = 44100
CHANNELS = 2
BUFFER = 512            # samples: ~12 ms at 44.1 kHz, the latency from play() to the speaker


def init_mixer(frequency: int = FREQUENCY, channels: int = CHANNELS, buffer: int = BUFFER) -> bool:
    """Start pygame.mixer if it is not running; False (logged once) when there is no audio device."""
    import pygame

    if pygame.mixer.get_init():
        return True
    try:
        pygame.mixer.init(frequency=frequency, size=-16, channels=channels, buffer=buffer)
    except pygame.error as exc:
        log.warning("no audio output (%s): sound is off, captions still show", exc)
        return False
    return bool(pygame.mixer.get_init())


def mixer_format() -> tuple[int, int, int] | None:
    """(frequency, size, channels) of the running mixer, or None."""
    import pygame

    try:
        return pygame.mixer.get_init() or None
    except pygame.error:
        return None


@dataclass
class Clip:
    """A Sound ready to play, with what the captions and the memory budget need."""

    sound: object           # pygame.mixer.Sound
    duration: float         # seconds
    nbytes: int


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """(samples as int16 of shape (n, channels), rate) of a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: {8 * w.getsampwidth()}-bit WAV; expected 16-bit")
        rate, nch = w.getframerate(), w.getnchannels()
        data = w.readframes(w.getnframes())
    return np.frombuffer(data, dtype="<i2").reshape(-1, nch), rate


def to_mixer(samples: np.ndarray, rate: int, fmt: tuple[int, int, int]) -> np.ndarray:
    """int16 or float samples (n,) / (n, ch) at rate -> int16 (n', mixer channels) at the mixer's rate."""
    freq, size, nch = fmt
    if abs(size) == 8:
        raise ValueError("8-bit mixer not supported")
    x = np.asarray(samples)
    if x.ndim == 1:
        x = x[:, None]
    if x.dtype == np.int16 and x.shape[1] == 1 and len(x) > 1 and freq % rate == 0:
        return _upsample_int16(x[:, 0], freq // rate, nch)      # the cached-narration fast path
    x = x.astype(np.float32) if x.dtype.kind == "f" else x.astype(np.float32) / 32768.0
    if x.shape[1] != 1 and nch == 1:
        x = x.mean(axis=1, keepdims=True)
    if rate != freq and len(x):
        n_out = max(1, int(round(len(x) * freq / rate)))
        pos = np.arange(n_out, dtype=np.float64) * (rate / freq)
        idx = np.arange(len(x), dtype=np.float64)
        x = np.stack([np.interp(pos, idx, x[:, c]) for c in range(x.shape[1])], axis=1).astype(np.float32)
    if x.shape[1] == 1 and nch > 1:
        x = np.repeat(x, nch, axis=1)
    return np.ascontiguousarray(np.clip(x * 32767.0, -32768, 32767).astype(np.int16))


def _upsample_int16(x: np.ndarray, k: int, nch: int) -> np.ndarray:
    """Mono int16 up k times by linear interpolation, copied to nch channels, in integer maths."""
    n = len(x)
    a = x.astype(np.int32)
    b = np.empty_like(a)
    b[:-1], b[-1] = a[1:], a[-1]
    mono = np.empty((n, k), dtype=np.int16)
    mono[:, 0] = x
    for j in range(1, k):
        mono[:, j] = (a * (k - j) + b * j) // k
    mono = mono.reshape(-1)
    out = np.empty((n * k, nch), dtype=np.int16)
    for c in range(nch):
        out[:, c] = mono
    return out


def make_clip(samples: np.ndarray, rate: int) -> Clip:
    """A Clip from samples; the mixer must be running."""
    import pygame

    fmt = mixer_format()
    if fmt is None:
        raise RuntimeError("pygame.mixer is not initialised")
    data = to_mixer(samples, rate, fmt)
    sound = pygame.mixer.Sound(buffer=data.tobytes())
    return Clip(sound, len(data) / fmt[0], data.nbytes)


def load_clip(path: Path) -> Clip:
    """A Clip from a file: 16-bit WAV by numpy (fast), anything else pygame reads (OGG, MP3, ...)."""
    import pygame

    path = Path(path)
    if path.suffix.lower() == ".wav":
        try:
            samples, rate = read_wav(path)
            return make_clip(samples, rate)
        except (ValueError, wave.Error, EOFError):
            pass  # not plain 16-bit PCM: let SDL read it
    sound = pygame.mixer.Sound(str(path))
    fmt = mixer_format() or (FREQUENCY, -16, CHANNELS)
    length = float(sound.get_length())
    return Clip(sound, length, int(length * fmt[0] * fmt[2] * 2))
