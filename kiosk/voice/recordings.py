"""Narration recorded by staff: one WAV per narration line (lesson, step, moment, persona) under
<data>/voices/<lesson>/<step>/<moment>.<persona>.wav, and <data>/voices/states.json with each
line's state and the text it was recorded for.

A line is missing (nothing recorded), recorded (waiting for approval), approved (the kiosk plays
it instead of synthesis) or stale (recorded for a text the lesson no longer says: never played).
Uploads are decoded by ffmpeg into the format of the narration cache (16-bit mono PCM); what
ffmpeg cannot read is refused.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

RATE = 22050                 # the narration cache's rate: the mixer's 44100 is a whole multiple
MAX_SECONDS = 120            # longer than any line: a take left recording is cut there
DECODE_TIMEOUT_S = 30
STATES = ("approved", "recorded", "stale", "missing")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}")   # moments hold a colon: "right:dagger"


class RecordingRefused(ValueError):
    """An upload that is not audio ffmpeg can read, or holds under a tenth of a second of it."""


@dataclass(frozen=True)
class Line:
    """One narration line: what a step says at one moment, in one persona's voice."""

    lesson: str
    step: str
    moment: str
    persona: str
    text: str

    @property
    def key(self) -> str:
        return "/".join((self.lesson, self.step, self.moment, self.persona))


def valid_names(*names: str) -> bool:
    """Every part of a line's key is a plain name (no path can be climbed out of)."""
    return all(NAME.fullmatch(n) and ".." not in n for n in names)


def decode(data: bytes, ffmpeg: str = "ffmpeg") -> bytes:
    """The upload as a WAV of the kiosk's narration format; RecordingRefused if it is not audio."""
    if not data:
        raise RecordingRefused("empty")
    with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
        src, out = Path(tmp) / "upload", Path(tmp) / "line.wav"
        src.write_bytes(data)   # a file, not a pipe: a WebM from MediaRecorder has no seekable index
        try:
            done = subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(src),
                                   "-vn", "-ac", "1", "-ar", str(RATE), "-sample_fmt", "s16", "-t", str(MAX_SECONDS),
                                   "-f", "wav", str(out)], capture_output=True, timeout=DECODE_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RecordingRefused(str(exc)) from exc
        wav = out.read_bytes() if done.returncode == 0 and out.exists() else b""
    if len(wav) <= 44 + RATE // 10 * 2:     # a header and under a tenth of a second: nothing was said
        raise RecordingRefused(done.stderr.decode("utf-8", "replace")[-300:] or "no audio")
    return wav


class Recordings:
    """The recorded lines of one data folder (shared by the staff pages and the kiosk)."""

    def __init__(self, data_dir: Path | str):
        self.root = Path(data_dir) / "voices"
        self._lock = threading.Lock()
        self._read: tuple[tuple[int, int], dict[str, dict]] | None = None  # (mtime, size) and states read

    def wav(self, lesson: str, step: str, moment: str, persona: str) -> Path:
        if not valid_names(lesson, step, moment, persona):
            raise ValueError(f"not a line's name: {lesson}/{step}/{moment}/{persona}")
        return self.root / lesson / step / f"{moment}.{persona}.wav"

    def state(self, line: Line) -> str:
        entry = self._states().get(line.key)
        if entry is None or not self.wav(line.lesson, line.step, line.moment, line.persona).exists():
            return "missing"
        if entry.get("text") != line.text:
            return "stale"
        return "approved" if entry.get("approved") else "recorded"

    def save(self, line: Line, upload: bytes) -> Path:
        """Store a new take of the line. A redo replaces the last one and waits for approval again
        (the kiosk synthesises the line meanwhile)."""
        wav = decode(upload)
        path = self.wav(line.lesson, line.step, line.moment, line.persona)
        with self._lock:
            _write_atomic(path, wav)
            states = dict(self._states())  # the cached one stays as read
            states[line.key] = {"text": line.text, "approved": False}
            _write_atomic(self.root / "states.json", json.dumps(states, ensure_ascii=False, indent=1).encode())
        return path

    def approve(self, line: Line) -> bool:
        """Approve the current take; False when there is none for this text."""
        with self._lock:
            if self.state(line) not in ("recorded", "approved"):
                return False
            states = dict(self._states())  # the cached one stays as read
            states[line.key] = {"text": line.text, "approved": True}
            _write_atomic(self.root / "states.json", json.dumps(states, ensure_ascii=False, indent=1).encode())
        return True

    def approved(self, line: Line) -> Path | None:
        """The approved recording of the line as it reads now, or None (then the kiosk synthesises)."""
        if not valid_names(line.lesson, line.step, line.moment, line.persona) or self.state(line) != "approved":
            return None
        return self.wav(line.lesson, line.step, line.moment, line.persona)

    def summary(self, lines: Iterable[Line]) -> dict[str, Counter[str]]:
        """lesson -> how many of its lines are in each state."""
        out: dict[str, Counter[str]] = {}
        for line in lines:
            out.setdefault(line.lesson, Counter())[self.state(line)] += 1
        return out

    def _states(self) -> dict[str, dict]:
        """The states file, read again only when it changed: the kiosk asks on every line it narrates,
        in the frame that starts it, and the staff pages may write it meanwhile."""
        path = self.root / "states.json"
        try:
            stat = path.stat()
            seen = (stat.st_mtime_ns, stat.st_size)
            if self._read is not None and self._read[0] == seen:
                return self._read[1]
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        states = data if isinstance(data, dict) else {}
        self._read = (seen, states)
        return states


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
