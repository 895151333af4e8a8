"""SIGTERM (systemd, `timeout`, the hall's PC shutting down) and SIGINT (Ctrl+C) stop every
long-running command cleanly (kiosk/stop_signals.py): it exits soon with 128 + the signal's number,
with every event it emitted written to the store. Real processes, signalled once they report
progress."""
from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk import heartbeat
from kiosk.records import Store
from kiosk.records import schema as s

from .support.net import free_port
from .support.paths import FIXTURES, ROOT
from .support.wait import wait_for

pytestmark = pytest.mark.slow
STOP_S = 30.0   # from the signal to the exit, on a busy 2-core machine (typically 2-5 s)


class Command:
    """`python main.py ARGS` with its output lines read as they come, so a test can wait for one."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None):
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "KIOSK_RECORDS_URL": "",
               **(env or {})}
        env.pop("DISPLAY", None)
        self.proc = subprocess.Popen([sys.executable, "main.py", *args], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(stream, kept), daemon=True)
                         for stream, kept in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, kept: list[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            kept.append(line)
            self.lines.put(line)

    def wait_for_line(self, pattern: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, f"ended before '{pattern}': {''.join(self.err)[-2000:]}"
                continue
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching '{pattern}' within {timeout} s: {''.join(self.err)[-2000:]}")

    def stop(self, signum: int) -> tuple[int, float]:
        """Send the signal; (exit code, seconds until the exit)."""
        sent = time.monotonic()
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=STOP_S)
        took = time.monotonic() - sent
        for reader in self._readers:
            reader.join(10)
        return code, took

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        return "".join(self.err)


SIGNALS = [signal.SIGTERM, signal.SIGINT]


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_simulate_stops_between_children_with_every_event_written(store_url: str, tmp_path: Path,
                                                                  signum: int) -> None:
    sessions = 400
    cmd = Command(["simulate", "--soak", "--sessions", str(sessions), "--size", "1280x720", "--no-narration",
                   "--content", str(FIXTURES), "--data", str(tmp_path / "data"), "--seed", "3"],
                  env={"KIOSK_RECORDS_URL": store_url})
    try:
        cmd.wait_for_line(rf"^  \d+/{sessions} sessions")  # progress: children are playing
        code, took = cmd.stop(signum)
    finally:
        cmd.kill()
    assert code == 128 + signum and took < STOP_S, cmd.stderr[-2000:]
    assert "Traceback" not in cmd.stderr and f"stopped by {signal.Signals(signum).name}" in cmd.stderr
    played = int(re.search(r"^sessions: (\d+)", cmd.stdout, re.M).group(1))
    emitted, written, dropped, lost = map(int, re.search(
        r"^events: (\d+) emitted, (\d+) written, (\d+) dropped, (-?\d+) lost", cmd.stdout, re.M).groups())
    assert 0 < played < sessions                      # it stopped early, and said what was played
    assert (written, dropped, lost) == (emitted, 0, 0) and emitted > played * 5
    store = Store(store_url)
    with store.read() as conn:
        stored = conn.execute(select(func.count()).select_from(s.events)).scalar()
    store.close()
    assert stored == emitted


def test_supervise_stops_its_kiosk_and_does_not_restart_it(tmp_path: Path) -> None:
    cmd = Command(["supervise", "--data", str(tmp_path), "--", "run", "--headless", "--camera", "none",
                   "--no-narration", "--content", str(FIXTURES)])
    try:
        wait_for(lambda: (heartbeat.read(tmp_path / "heartbeat") or (0, 0))[1] != 0, 120,
                 what="the supervised kiosk's heartbeat")
        kiosk = heartbeat.read(tmp_path / "heartbeat")[1]
        code, took = cmd.stop(signal.SIGTERM)       # only the supervisor: it passes the signal on
    finally:
        cmd.kill()
    assert code == 128 + signal.SIGTERM and took < STOP_S, cmd.stderr[-2000:]
    assert not Path(f"/proc/{kiosk}").exists()       # the kiosk is gone (and reaped) ...
    assert cmd.stderr.count("kiosk started") == 1    # ... and was not started again
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "stopping: SIGTERM" in log and "kiosk stopped cleanly" in log and "Traceback" not in cmd.stderr


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_serve_stops_on_a_signal(tmp_path: Path, signum: int) -> None:
    port = free_port()
    cmd = Command(["serve", "--port", str(port), "--data", str(tmp_path), "--content", str(FIXTURES)])
    try:
        wait_for(lambda: listening(port) or cmd.proc.poll() is not None, 120, what=f"the server on port {port}")
        assert cmd.proc.poll() is None, cmd.stderr[-2000:]
        code, took = cmd.stop(signum)
    finally:
        cmd.kill()
    assert code == 128 + signum and took < STOP_S, cmd.stderr[-2000:]
    assert "Traceback" not in cmd.stderr and not listening(port)


def test_a_command_without_a_loop_of_its_own_stops_where_it_is(tmp_path: Path) -> None:
    """narrate --prebuild: the signal lands wherever the main thread is (waiting for the speech
    engine's thread); the command unwinds through its `finally` blocks and exits 143."""
    cmd = Command(["narrate", "--prebuild", "--data", str(tmp_path)])
    try:
        cmd.wait_for_line(r"^narration [1-9]\d*/\d+")   # a narration made, many to go
        code, took = cmd.stop(signal.SIGTERM)
    finally:
        cmd.kill()
    assert code == 128 + signal.SIGTERM and took < STOP_S, cmd.stderr[-2000:]
    assert "Traceback" not in cmd.stderr and "stopped by SIGTERM" in cmd.stderr
    assert "narration(s):" not in cmd.stdout       # it did not run to the end
