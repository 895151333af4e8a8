"""A heartbeat file the supervisor watches: the frame loop marks each frame (a float store, no
I/O), a small thread writes the time of the last frame once a second. A kiosk that hangs stops
beating and is restarted.

The beat is a fixed-width record written over itself in place: once the file exists that needs no
new disk block, so a full disk does not silence a healthy kiosk (the supervisor would otherwise
restart it every GRACE_S seconds, children mid-lesson)."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

INTERVAL_S = 1.0


class Heartbeat:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.last_frame = time.time()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def beat(self) -> None:
        self.last_frame = time.time()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        fd: int | None = None
        try:
            while True:
                try:
                    if fd is None:
                        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
                    _write_at_start(fd, record(self.last_frame, os.getpid()))
                except OSError:
                    pass  # a read-only data folder: the supervisor then sees no beat and says so
                if self._stop.wait(INTERVAL_S):
                    break
            if fd is not None:  # stopped cleanly: no pid, so no watchdog ever kills whatever reuses ours
                try:
                    _write_at_start(fd, record(self.last_frame, 0))
                except OSError:
                    pass
        finally:
            if fd is not None:
                os.close(fd)


def _write_at_start(fd: int, data: bytes) -> None:
    if hasattr(os, "pwrite"):
        os.pwrite(fd, data, 0)
    else:  # Windows has no pwrite; only this thread uses the fd
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)


def record(stamp: float, pid: int) -> bytes:
    """Always RECORD_BYTES long, so each beat covers the last one exactly."""
    return f"{stamp:>17.3f} {pid:>10d}\n".encode("ascii")


RECORD_BYTES = len(record(0.0, 0))


def read(path: Path) -> tuple[float, int] | None:
    """(time of the last frame, pid) from a heartbeat file, or None."""
    try:
        stamp, pid = Path(path).read_bytes()[:RECORD_BYTES].split()
        return float(stamp), int(pid)
    except (OSError, ValueError):
        return None
