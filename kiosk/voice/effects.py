"""Short, gentle sound effects made in code: select, dwell, right, wrong, retry, reward.

No files, no licences: each effect is a few sine partials under a soft envelope. "wrong" is two
soft falling notes, quieter than "right" and with no harsh harmonics: a child who got it wrong
hears "not quite", never a buzzer. A master volume and mute apply to all of them, and while the
narration speaks the effects are ducked (played and held at `duck_to` of their volume).
"""
from __future__ import annotations

import io
import logging
import wave
from typing import Callable

import numpy as np

from . import audio

log = logging.getLogger(__name__)

RATE = 44100
EFFECTS = ("select", "dwell", "right", "wrong", "retry", "reward")


def _note(freq: float, dur: float, rate: int, attack: float = 0.005, decay: float = 6.0,
          partials: tuple[tuple[float, float], ...] = ((1.0, 1.0),)) -> np.ndarray:
    t = np.arange(int(dur * rate), dtype=np.float32) / rate
    wave_ = sum(amp * np.sin(2 * np.pi * freq * mult * t) for mult, amp in partials)
    env = np.exp(-decay * t) * np.clip(t / max(attack, 1e-4), 0.0, 1.0)
    tail = min(len(t), int(0.01 * rate))               # 10 ms fade: no click at the end
    if tail:
        env[-tail:] *= np.linspace(1.0, 0.0, tail, dtype=np.float32)
    return (wave_ * env).astype(np.float32)


def _mix(parts: list[tuple[float, np.ndarray]], rate: int) -> np.ndarray:
    end = max(int(start * rate) + len(x) for start, x in parts)
    out = np.zeros(end, dtype=np.float32)
    for start, x in parts:
        i = int(start * rate)
        out[i:i + len(x)] += x
    return out


def synth_effect(name: str, rate: int = RATE) -> np.ndarray:
    """The effect's samples, mono float32 in [-1, 1]."""
    bell = ((1.0, 1.0), (2.0, 0.25), (3.0, 0.06))
    if name == "select":                     # a soft tap
        x = _note(1046.5, 0.09, rate, attack=0.003, decay=40.0, partials=((1.0, 1.0), (2.0, 0.15)))
        peak = 0.35
    elif name == "dwell":                    # a gentle rising pair: "chosen by holding"
        x = _mix([(0.0, _note(659.3, 0.12, rate, decay=18.0, partials=bell)),
                  (0.07, _note(987.8, 0.16, rate, decay=16.0, partials=bell))], rate)
        peak = 0.32
    elif name == "right":                    # a bright rising arpeggio, C5 E5 G5 C6
        x = _mix([(0.00, _note(523.3, 0.35, rate, decay=7.0, partials=bell)),
                  (0.09, _note(659.3, 0.35, rate, decay=7.0, partials=bell)),
                  (0.18, _note(784.0, 0.40, rate, decay=6.0, partials=bell)),
                  (0.27, _note(1046.5, 0.45, rate, decay=5.0, partials=bell))], rate)
        peak = 0.40
    elif name == "wrong":                    # soft, low, falling: "not quite" (pure sines, slow attack)
        soft = ((1.0, 1.0), (2.0, 0.08))
        x = _mix([(0.00, _note(392.0, 0.22, rate, attack=0.02, decay=7.0, partials=soft)),
                  (0.16, _note(329.6, 0.30, rate, attack=0.02, decay=6.0, partials=soft))], rate)
        peak = 0.20
    elif name == "retry":                    # an open, rising question: "have another go" (G4 then C5)
        soft = ((1.0, 1.0), (2.0, 0.1))
        x = _mix([(0.00, _note(392.0, 0.18, rate, attack=0.015, decay=9.0, partials=soft)),
                  (0.12, _note(523.3, 0.26, rate, attack=0.015, decay=7.0, partials=soft))], rate)
        peak = 0.25
    elif name == "reward":                   # a star lands: a quick high sparkle, E6 G6 C7
        x = _mix([(0.00, _note(1318.5, 0.16, rate, decay=18.0, partials=bell)),
                  (0.05, _note(1568.0, 0.16, rate, decay=18.0, partials=bell)),
                  (0.10, _note(2093.0, 0.30, rate, decay=10.0, partials=bell))], rate)
        peak = 0.30
    else:
        raise KeyError(f"unknown effect {name!r}; known: {', '.join(EFFECTS)}")
    top = float(np.max(np.abs(x))) or 1.0
    return (x * (peak / top)).astype(np.float32)


def effect_wav_bytes(name: str, rate: int = 22050) -> bytes:
    """The effect as a 16-bit mono WAV file in memory (for checks, or to ship as a file)."""
    samples = np.clip(synth_effect(name, rate) * 32767, -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


class Effects:
    """Plays the effects on free mixer channels (never the narrator's reserved one).

    volume: master volume 0..1; muted: silence them all. ducking: a callable that says whether
    narration is playing now (Narrator.playing); while it is, effects play at duck_to of volume.
    Without an audio device every call is a quiet no-op.
    """

    def __init__(self, volume: float = 0.7, muted: bool = False, duck_to: float = 0.3,
                 ducking: Callable[[], bool] | None = None):
        self.volume = volume
        self.muted = muted
        self.duck_to = duck_to
        self.ducking = ducking
        self._sounds: dict[str, object] = {}
        self._playing: list[object] = []             # channels with an effect, for duck_now()
        self.played = 0
        self._build()

    def _build(self) -> bool:
        if self._sounds:
            return True
        if audio.mixer_format() is None:
            return False
        try:
            for name in EFFECTS:
                self._sounds[name] = audio.make_clip(synth_effect(name, RATE), RATE).sound
        except Exception as exc:  # noqa: BLE001 - a sound problem must never reach the child's screen
            log.warning("sound effects unavailable (%s)", exc)
            self._sounds = {}
            return False
        return True

    @property
    def ducked(self) -> bool:
        try:
            return bool(self.ducking and self.ducking())
        except Exception:  # noqa: BLE001
            return False

    def level(self) -> float:
        if self.muted:
            return 0.0
        return max(0.0, min(1.0, self.volume)) * (self.duck_to if self.ducked else 1.0)

    def play(self, name: str) -> bool:
        """Play an effect now; False when muted, unknown, or there is no audio."""
        if self.muted or name not in EFFECTS or not self._build():
            return False
        import pygame

        try:
            channel = pygame.mixer.find_channel(True)
            if channel is None:
                return False
            channel.set_volume(self.level())
            channel.play(self._sounds[name])
        except pygame.error:
            return False
        self._playing = [c for c in self._playing if c.get_busy()][-7:] + [channel]
        self.played += 1
        return True

    def duck_now(self) -> None:
        """Narration starts: turn down the effects already playing."""
        level = self.level()
        for channel in self._playing:
            try:
                if channel.get_busy():
                    channel.set_volume(level)
            except Exception:  # noqa: BLE001
                pass

    def stop(self) -> None:
        for channel in self._playing:
            try:
                channel.stop()
            except Exception:  # noqa: BLE001
                pass
        self._playing = []
