"""Never down for long: killed with SIGKILL, the kiosk is back on its attract screen by itself."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk import heartbeat

from .support.paths import FIXTURES, ROOT
from .support.wait import wait_for

pytestmark = pytest.mark.slow  # every test starts and kills kiosk processes


def test_kill_9_brings_the_kiosk_back(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    supervisor = subprocess.Popen(
        [sys.executable, "main.py", "supervise", "--data", str(tmp_path), "--max-restarts", "3", "--",
         "run", "--headless", "--camera", "none", "--no-narration", "--content", str(FIXTURES)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    beat = tmp_path / "heartbeat"
    try:
        wait_for(lambda: heartbeat.read(beat) is not None, timeout=30, what="the kiosk's first heartbeat")
        first_pid = heartbeat.read(beat)[1]
        os.kill(first_pid, signal.SIGKILL)
        wait_for(lambda: (b := heartbeat.read(beat)) is not None and b[1] != first_pid
                 and time.time() - b[0] < 3, timeout=30, what="a fresh heartbeat from a new kiosk process")
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


def test_the_systemd_watchdog_kills_a_kiosk_whose_beat_is_stale_and_nothing_else(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    kiosk = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "main.py"])  # looks like one
    other = subprocess.Popen(["sleep", "60"])                        # a program that got a dead kiosk's pid
    try:
        for pid, age, killed in ((kiosk.pid, 1, False), (other.pid, 30, False), (0, 30, False), (kiosk.pid, 30, True)):
            beat.write_bytes(heartbeat.record(time.time() - age, pid))
            subprocess.run(["/bin/sh", "-c", watchdog_command(beat)], check=True, timeout=10)
            if killed:
                assert kiosk.wait(timeout=10) == -signal.SIGKILL
            else:
                assert kiosk.poll() is None and other.poll() is None
    finally:
        for proc in (kiosk, other):
            proc.kill()
            proc.wait()


def test_a_clean_stop_leaves_no_pid_in_the_heartbeat(tmp_path: Path) -> None:
    beat = heartbeat.Heartbeat(tmp_path / "heartbeat").start()
    wait_for(lambda: heartbeat.read(tmp_path / "heartbeat") is not None, timeout=30, what="the kiosk's first heartbeat")
    assert heartbeat.read(tmp_path / "heartbeat")[1] == os.getpid()
    beat.stop()
    assert heartbeat.read(tmp_path / "heartbeat")[1] == 0

def test_sigterm_stops_the_kiosk_cleanly_and_a_supervisor_would_restart_it(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    kiosk = subprocess.Popen([sys.executable, "main.py", "run", "--headless", "--camera", "none", "--no-narration",
                              "--content", str(FIXTURES), "--data", str(tmp_path)],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (b := heartbeat.read(tmp_path / "heartbeat")) is not None and b[1] == kiosk.pid, timeout=30,
                 what="a heartbeat from the kiosk started here")
        log_file = tmp_path / "logs" / "kiosk.log"  # the loop is running (start-up has its own test below)
        wait_for(lambda: log_file.exists() and "first frame" in log_file.read_text(encoding="utf-8"), timeout=60,
                 what="the kiosk's first frame")
        kiosk.terminate()
        assert kiosk.wait(timeout=30) == 128 + signal.SIGTERM  # not 0: "quit from the staff menu" is 0
    finally:
        kiosk.kill()
        kiosk.wait()
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "stopping: SIGTERM" in log and log.index("stopping: SIGTERM") < log.index("kiosk stopped cleanly")
    assert log.rstrip().endswith('"msg": "stopped by SIGTERM"}')  # kiosk/cli.py, once the command has returned
    assert "Traceback" not in kiosk.stderr.read()


def test_sigterm_while_the_kiosk_is_still_starting_stops_it_too(tmp_path: Path) -> None:
    """Wherever start-up is (imports, SDL's display, loading the lessons), SIGTERM ends it: systemd
    must never wait out its stop timeout. (SDL's own handler, installed with the display, only posts
    a quit event that full screen ignores.) Before the kiosk has anything to save it may simply die."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("DISPLAY", None)
    for after_s in (0.2, 0.3, 0.4, 0.5, 0.7):  # a moment later in start-up each time
        kiosk = subprocess.Popen([sys.executable, "main.py", "run", "--headless", "--camera", "none", "--no-narration",
                                  "--data", str(tmp_path / str(after_s))],
                                 cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(after_s)
            kiosk.terminate()
            assert kiosk.wait(timeout=15) in (-signal.SIGTERM, 128 + signal.SIGTERM), after_s
        finally:
            kiosk.kill()
            kiosk.wait()
