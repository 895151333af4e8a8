"""A heartbeat file the supervisor watches: the frame loop marks each frame (a float store, no
I/O), a small thread writes the time of the last frame once a second. A kiosk that hangs stops
beating and is restarted."""
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
        while True:
            try:
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(f"{self.last_frame:.3f} {os.getpid()}\n", encoding="utf-8")
                os.replace(tmp, self.path)
            except OSError:
                pass  # a full or read-only disk: the supervisor then sees a stale beat and says so
            if self._stop.wait(INTERVAL_S):
                return


def read(path: Path) -> tuple[float, int] | None:
    """(time of the last frame, pid) from a heartbeat file, or None."""
    try:
        stamp, pid = Path(path).read_text(encoding="utf-8").split()
        return float(stamp), int(pid)
    except (OSError, ValueError):
        return None
