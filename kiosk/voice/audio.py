"""pygame.mixer set-up and turning sound files / sample arrays into Sounds, without blocking the frame.

Everything here may run on a background thread: SDL_mixer locks its own audio device. Files are
read and converted by SDL with the interpreter released (pygame.mixer.Sound(path)), so a frame
drawn meanwhile does not wait. Converting a cached narration WAV with numpy is 3-5 times quicker,
but then pygame copies the samples into a fresh buffer while holding the interpreter: measured
with a 1920x1080 frame drawn beside the loader (glibc's mmap threshold pinned, as in the kiosk),
frames of 4-7 ms took up to 17 ms (300 simulated children: up to 26 ms); with SDL's loader, 8 ms
at most. SDL takes ~1 ms per second of 22.05 kHz speech, on the narration loader, and keeps its
conversion buffer: a Clip's nbytes counts that (SDL_FOOTPRINT), so memory budgets hold.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FREQUENCY = 44100
CHANNELS = 2
BUFFER = 512            # samples: ~12 ms at 44.1 kHz, the latency from play() to the speaker
SDL_FOOTPRINT = 3       # resident bytes per byte of samples of a Sound SDL loaded from a file: it keeps
                        # its conversion buffer (measured 3.00 for 16-bit mono 22.05 kHz narration, 0.2-3 MB)


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


def to_mixer(samples: np.ndarray, rate: int, fmt: tuple[int, int, int]) -> np.ndarray:
    """int16 or float samples (n,) / (n, ch) at rate -> int16 (n', mixer channels) at the mixer's rate."""
    freq, size, nch = fmt
    if abs(size) == 8:
        raise ValueError("8-bit mixer not supported")
    x = np.asarray(samples)
    if x.ndim == 1:
        x = x[:, None]
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
    """A Clip from a sound file SDL reads (WAV, OGG, MP3, ...), read and converted with the interpreter released."""
    import pygame

    sound = pygame.mixer.Sound(str(path))
    fmt = mixer_format() or (FREQUENCY, -16, CHANNELS)
    length = float(sound.get_length())
    return Clip(sound, length, int(length * fmt[0] * fmt[2] * 2) * SDL_FOOTPRINT)
