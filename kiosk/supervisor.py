"""Keeps the kiosk running without an engineer: starts it, restarts it within a second when it
exits or crashes, and kills and restarts it when its heartbeat goes stale (a hang).

On Linux halls the systemd unit in deploy/ does the same job (Restart=always); this supervisor is
for machines without systemd (Windows: see deploy/WINDOWS.md) and for measuring restart times.
"""
from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

from . import heartbeat, stop_signals

log = logging.getLogger("kiosk.supervisor")
RESTART_DELAY_S = 0.5
STALE_S = 10.0     # no frame for this long: hung
GRACE_S = 20.0     # a fresh start may take this long before its first beat
STOP_S = 15.0      # a kiosk told to stop has this long to write its records before it is killed


def supervise(kiosk_args: list[str], data_dir: Path, max_restarts: int | None = None) -> int:
    """Run `python main.py <kiosk_args>` forever (or until max_restarts), restarting on exit or hang."""
    beat = Path(data_dir) / "heartbeat"
    restarts = 0
    while True:
        started = time.time()
        child = subprocess.Popen([sys.executable, str(Path(__file__).resolve().parents[1] / "main.py"), *kiosk_args])
        log.info("kiosk started (pid %d)", child.pid)
        code = _watch(child, beat, started)
        if stop_signals.requested():  # under stop_signals.polled() (supervise_cmd): stopped with the kiosk
            return code
        if code == 0:
            log.info("kiosk quit normally (from the staff menu); not restarting")
            return 0
        restarts += 1
        log.warning("kiosk exited with %s; restart %d in %.1f s", code, restarts, RESTART_DELAY_S)
        if max_restarts is not None and restarts > max_restarts:
            return 1
        time.sleep(RESTART_DELAY_S)


def _watch(child: subprocess.Popen, beat: Path, started: float) -> int | None:
    last = None
    while True:
        code = child.poll()
        if code is not None:
            return code
        if (signum := stop_signals.requested()) is not None:
            return _stop(child, signum)
        last = heartbeat.read(beat) or last  # a read racing a beat written in place counts as the one before
        fresh = last is not None and last[1] == child.pid
        if (fresh and time.time() - last[0] > STALE_S) or (not fresh and time.time() - started > GRACE_S):
            log.error("kiosk (pid %d) stopped beating; killing it", child.pid)
            child.kill()
            child.wait()
            return -9
        time.sleep(0.2)


def _stop(child: subprocess.Popen, signum: int) -> int:
    """Pass the stop signal on (the kiosk writes its records and exits); kill it if it takes too long."""
    log.info("stopping the kiosk (pid %d)", child.pid)
    child.send_signal(signum)
    try:
        return child.wait(STOP_S)
    except subprocess.TimeoutExpired:
        log.error("kiosk (pid %d) did not stop within %.0f s; killing it", child.pid, STOP_S)
        child.kill()
        return child.wait()
