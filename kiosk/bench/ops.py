"""Operations: seconds from kill -9 to the attract screen again under the supervisor, and a soak."""
from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable


def ops_figures(args: argparse.Namespace, kills: int = 3, soak_sessions: int = 1000) -> dict[str, Any]:
    """Seconds from kill -9 to the attract screen again under the supervisor, and a soak."""
    from kiosk import heartbeat

    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
        supervisor = subprocess.Popen(
            [sys.executable, "main.py", "supervise", "--data", data, "--", "run", "--headless", "--camera", "none",
             "--content", args.content], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        log = Path(data) / "logs" / "kiosk.log"
        times = []
        try:
            for _ in range(kills):
                pid = _wait(lambda: (heartbeat.read(Path(data) / "heartbeat") or (0, 0))[1], 60)
                killed_at = time.time()
                os.kill(pid, signal.SIGKILL)
                first = _wait(lambda: _first_frame_after(log, killed_at), 60)
                times.append(first - killed_at)
                _wait(lambda: (heartbeat.read(Path(data) / "heartbeat") or (0, 0))[1] not in (0, pid), 60)
        finally:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait()
        figures["kill9_to_attract_s"] = round(statistics.median(times), 2)
        figures["kill9_to_attract_s_max"] = round(max(times), 2)
        soak = subprocess.run([sys.executable, "main.py", "simulate", "--soak", "--sessions", str(soak_sessions),
                               "--size", "1280x720", "--no-narration", "--data", data, "--content", args.content],
                              env=env, capture_output=True, text=True, check=True)
    growth = re.search(r"\(([-+][\d.]+)%", soak.stdout)
    lost = re.search(r"(-?\d+) lost", soak.stdout)
    figures["soak_sessions"] = soak_sessions
    figures["soak_memory_growth_pct"] = float(growth.group(1)) if growth else None
    figures["soak_events_lost"] = int(lost.group(1)) if lost else None
    return figures


def _wait(probe: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError("timed out waiting for the kiosk")


def _first_frame_after(log: Path, after: float) -> float | None:
    try:
        stamps = [float(m) for m in re.findall(r"first frame at ([\d.]+)", log.read_text(encoding="utf-8"))]
    except OSError:
        return None
    later = [s for s in stamps if s > after]
    return min(later) if later else None
