"""Never down for long: killed with SIGKILL, the kiosk is back on its attract screen by itself."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk import heartbeat

from .conftest import FIXTURES, ROOT


def wait_for(condition, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_kill_9_brings_the_kiosk_back(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    supervisor = subprocess.Popen(
        [sys.executable, "main.py", "supervise", "--data", str(tmp_path), "--max-restarts", "3", "--",
         "run", "--headless", "--camera", "none", "--no-narration", "--content", str(FIXTURES)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    beat = tmp_path / "heartbeat"
    try:
        assert wait_for(lambda: heartbeat.read(beat) is not None)
        first_pid = heartbeat.read(beat)[1]
        os.kill(first_pid, signal.SIGKILL)
        assert wait_for(lambda: (b := heartbeat.read(beat)) is not None and b[1] != first_pid
                        and time.time() - b[0] < 3)
        assert supervisor.poll() is None  # the supervisor itself keeps going
        log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
        assert "exited with -9" in log
    finally:
        os.killpg(supervisor.pid, signal.SIGKILL)
        supervisor.wait()


def watchdog_command(beat: Path) -> str:
    """The shell line of deploy/law-kiosk-watchdog.service, as systemd runs it, on our heartbeat file."""
    unit = (ROOT / "deploy" / "law-kiosk-watchdog.service").read_text(encoding="utf-8")
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart=/bin/sh -c '"))
    script = line.removeprefix("ExecStart=/bin/sh -c '").removesuffix("'").replace("%%", "%")
    return script.replace("/var/lib/law-kiosk/heartbeat", str(beat))


def test_the_systemd_watchdog_kills_a_kiosk_whose_beat_is_stale_and_spares_a_fresh_one(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    kiosk = subprocess.Popen(["sleep", "60"])
    try:
        beat.write_bytes(heartbeat.record(time.time() - 1, kiosk.pid))
        subprocess.run(["/bin/sh", "-c", watchdog_command(beat)], check=True, timeout=10)
        assert kiosk.poll() is None
        beat.write_bytes(heartbeat.record(time.time() - 30, kiosk.pid))
        subprocess.run(["/bin/sh", "-c", watchdog_command(beat)], check=True, timeout=10)
        assert kiosk.wait(timeout=10) == -signal.SIGKILL
    finally:
        kiosk.kill()
        kiosk.wait()


def test_sigterm_stops_the_kiosk_cleanly_and_a_supervisor_would_restart_it(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    kiosk = subprocess.Popen([sys.executable, "main.py", "run", "--headless", "--camera", "none", "--no-narration",
                              "--content", str(FIXTURES), "--data", str(tmp_path)],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: (b := heartbeat.read(tmp_path / "heartbeat")) is not None and b[1] == kiosk.pid)
        kiosk.terminate()
        assert kiosk.wait(timeout=30) == 128 + signal.SIGTERM  # not 0: "quit from the staff menu" is 0
    finally:
        kiosk.kill()
        kiosk.wait()
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "stopping: SIGTERM" in log and log.rstrip().endswith('"msg": "kiosk stopped cleanly"}')
    assert "Traceback" not in kiosk.stderr.read()
