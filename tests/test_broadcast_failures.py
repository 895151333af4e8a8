"""A sink that fails does not stop the kiosk or the other sinks: ffmpeg killed mid-recording, an RTMP
server that is not there, the broadcast worker itself killed. Each restarts with back-off."""
from __future__ import annotations

import os
import re
import signal
import socket
import time
from pathlib import Path
from typing import Any, Callable

import pygame

from kiosk.broadcast import Broadcaster, OverlayState
from kiosk.engine.app import App

from .support.broadcast import decode, needs_ffmpeg

STATE = OverlayState(title="法治第一课 成长守护者", host="王法官", lesson="认识法律", poll={"left": 3, "right": 5})


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sink(stats: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in stats.get("sinks", []) if s["kind"] == kind) if stats.get("sinks") else {}


def run_loop(app: App, b: Broadcaster, until: Callable[[dict[str, Any]], bool], act: Callable[[dict[str, Any]], None],
             timeout: float = 25.0) -> tuple[list[float], int]:
    """A paced 60 Hz render loop that offers every frame until `until(stats)`; returns offer times (ms)."""
    clock = pygame.time.Clock()
    offer_ms: list[float] = []
    frames = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.frame(1 / 60)
        began = time.perf_counter()
        b.offer(app.surface, None, STATE)
        offer_ms.append((time.perf_counter() - began) * 1000)
        frames += 1
        if frames % 6 == 0:
            stats = b.stats
            act(stats)
            if until(stats):
                break
        clock.tick(60)
    return offer_ms, frames


@needs_ffmpeg
def test_killed_ffmpeg_and_missing_rtmp_server(make_app: Callable[..., App], tmp_path: Path) -> None:
    app = make_app((1280, 720))
    out = tmp_path / "live.mp4"
    url = f"rtmp://127.0.0.1:{closed_port()}/live/class"
    b = Broadcaster([str(out), url], (640, 360), 30, kiosk_size=(1280, 720), backoff=(0.25, 1.0))
    killed: list[int] = []

    def act(stats: dict[str, Any]) -> None:
        f = sink(stats, "file")
        written = out.stat().st_size if out.exists() else 0           # ffmpeg may lag behind the pipe
        if not killed and f.get("state") == "running" and f.get("frames", 0) >= 75 and written > 40_000 \
                and f.get("pid"):
            os.kill(f["pid"], signal.SIGKILL)                       # ffmpeg dies mid-recording
            killed.append(f["frames"])

    def done(stats: dict[str, Any]) -> bool:
        f, r = sink(stats, "file"), sink(stats, "stream")
        return (bool(killed) and f.get("restarts") == 1 and f.get("state") == "running"
                and f.get("frames", 0) >= killed[0] + 45 and r.get("restarts", 0) >= 3)

    offer_ms, frames = run_loop(app, b, done, act)
    stats = b.stop()
    f, r = sink(stats, "file"), sink(stats, "stream")
    assert killed, f"ffmpeg was never killed: {stats}"
    assert f["restarts"] == 1 and r["restarts"] >= 3, stats
    # the render loop never waited on a sink: no offer near the back-off (>= 250 ms) or a blocked pipe
    assert max(offer_ms) < 200, sorted(offer_ms)[-5:]
    assert stats["offered"] >= frames // 3  # 30 fps out of a ~60 Hz loop, with slack for a busy machine
    # the stream's restarts back off: each wait at least as long as the one before (the waits, not the
    # gaps between failures: how soon ffmpeg notices a refused connection varies with the load)
    waits = r["waits"]
    assert len(waits) >= 2 and waits == sorted(waits) and waits[-1] > waits[0], waits
    assert len(r["failures"]) >= 2
    # ffmpeg gives up on the refused connection and exits: the sink sees either its write fail on the
    # closed pipe or the process gone, whichever comes first
    assert re.fullmatch(r"\[Errno 32\] Broken pipe|process exited with \d+: .*", r["last_error"]), r["last_error"]
    # the recording went on in a second part; the killed part is playable up to its last fragment
    assert f["files"] == [str(out), str(tmp_path / "live.part2.mp4")]
    first, second = decode(out), decode(tmp_path / "live.part2.mp4")
    assert len(first) >= 20 and len(second) >= 45


@needs_ffmpeg
def test_killed_worker_process_restarts(make_app: Callable[..., App], tmp_path: Path) -> None:
    app = make_app((1280, 720))
    out = tmp_path / "rec.mp4"
    b = Broadcaster([str(out)], (640, 360), 30, kiosk_size=(1280, 720), backoff=(0.25, 1.0))
    assert b.process
    killed: list[int] = []

    def act(stats: dict[str, Any]) -> None:
        proc = b._backend.proc
        if not killed and stats.get("composed", 0) >= 30 and proc is not None:
            os.kill(proc.pid, signal.SIGKILL)
            killed.append(stats["composed"])

    def done(stats: dict[str, Any]) -> bool:
        return bool(killed) and stats.get("worker_restarts") == 1 and stats.get("composed", 0) >= killed[0] + 30

    offer_ms, _ = run_loop(app, b, done, act)
    stats = b.stop()
    assert killed and stats["worker_restarts"] == 1, stats
    assert max(offer_ms) < 200
    assert stats["dropped"] > 0                                     # while the worker was down
    # ffmpeg saw the end of its input when the worker died and closed the first file itself
    assert len(decode(out)) >= 25 and len(decode(tmp_path / "rec.part2.mp4")) >= 25
