"""Faults a hall throws at a kiosk: each one survived, each with a test."""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pygame
import pytest
from sqlalchemy import select

from kiosk import heartbeat, logs
from kiosk.heartbeat import Heartbeat
from kiosk.records import RecordWriter, Store
from kiosk.records import schema as s

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Kind
from kiosk.ui.fonts import Fonts
from kiosk.ui.theme import Layout

from .conftest import FIXTURES, ROOT
from .full_disk import fill, small_disk
from .test_lesson_flow import start_tiny
from .test_records_support import ev
from .test_supervisor import wait_for as wait_until


def test_missing_font_falls_back_and_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    fonts = Fonts(Layout(1920, 1080), font_dir=tmp_path)
    surface = pygame.Surface((800, 200))
    fitted = fonts.draw(surface, "法律 law", (0, 0, 800, 200), "body", (0, 0, 0))
    assert fitted.lines and fonts.font_problem
    assert "falling back to the default font" in caplog.text


def test_missing_picture_draws_without_it(make_app: Callable[..., App], tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    app = make_app()
    assert app.ui.image("images/not-there.svg", (200, 100)) is None
    assert "cannot be shown" in caplog.text
    app.ui.content_root = tmp_path  # the shipped picture vanished after loading
    pilot = Pilot(app)
    start_tiny(pilot)                # the story with the picture still plays
    assert pilot.screen["step_id"] == "hello"


def test_the_clock_jumping_back_and_forward(make_app: Callable[..., App]) -> None:
    pilot = Pilot(make_app(idle_timeout=60))
    start_tiny(pilot)
    pilot.frames(1, dt=-3600.0)       # the system clock stepped back an hour
    assert pilot.screen["screen"] == "lesson" and pilot.app.now >= 0
    pilot.frames(1, dt=86400.0)       # ... and forward a day: treated as a long idle
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.sessions.finished[-1].end_reason == "idle"


def test_a_lesson_broken_while_running_is_skipped_on_reload(make_app: Callable[..., App], tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "lessons").mkdir(parents=True)
    (content / "images").mkdir()
    (content / "images" / "card.svg").write_bytes((FIXTURES / "images" / "card.svg").read_bytes())
    good = (FIXTURES / "lessons" / "tiny.yaml").read_text(encoding="utf-8")
    (content / "lessons" / "tiny.yaml").write_text(good, encoding="utf-8")
    (content / "lessons" / "other.yaml").write_text(good.replace("id: tiny", "id: other"), encoding="utf-8")
    app = make_app(content=content)
    assert sorted(app.library.lessons) == ["other", "tiny"]
    (content / "lessons" / "other.yaml").write_text(good.replace("id: tiny", "id: other") + "  - type: quizz\n",
                                                   encoding="utf-8")
    lessons, problems = app.reload_content()
    assert (lessons, problems) == (1, 1)
    assert list(app.library.lessons) == ["tiny"]
    assert "unknown step type 'quizz'" in app.library.errors[0].message
    pilot = Pilot(app)
    start_tiny(pilot)                 # the good lesson keeps playing
    assert pilot.screen["lesson"] == "tiny"


def test_hall_updates_are_validated_before_they_replace_the_lessons(make_app: Callable[..., App],
                                                                    tmp_path: Path) -> None:
    from kiosk.content_sync import ContentSync

    hall = tmp_path / "hall"
    (hall / "lessons").mkdir(parents=True)
    (hall / "images").mkdir()
    (hall / "images" / "card.svg").write_bytes((FIXTURES / "images" / "card.svg").read_bytes())
    good = (FIXTURES / "lessons" / "tiny.yaml").read_text(encoding="utf-8")
    (hall / "lessons" / "tiny.yaml").write_text(good, encoding="utf-8")
    sync = ContentSync(hall, tmp_path / "var" / "content-live", FIXTURES)
    app = make_app(content=sync.live, content_sync=sync)
    pilot = Pilot(app)
    (hall / "lessons" / "new.yaml").write_text(good.replace("id: tiny", "id: new").replace("answer: b", "answer: z"),
                                               encoding="utf-8")
    assert sync.check() == "rejected"             # broken: the kiosk keeps what it plays
    assert sync.check() == "unchanged"            # and says so only once
    pilot.frames(2)
    assert list(app.library.lessons) == ["tiny"]
    start_tiny(pilot)                             # a child is playing when the fixed update lands
    (hall / "lessons" / "new.yaml").write_text(good.replace("id: tiny", "id: new"), encoding="utf-8")
    assert sync.check() == "applied"
    pilot.frames(2)
    assert "new" not in app.library.lessons       # never swapped under a child's fingers
    pilot.key(Kind.BACK)
    pilot.key(Kind.BACK)
    pilot.frames(2)
    assert sorted(app.library.lessons) == ["new", "tiny"]
    assert (sync.live / "lessons" / "new.yaml").is_file()


# ----- the data disk fills up ----------------------------------------------------------------------

@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as where:
        yield where


def test_a_full_disk_holds_events_in_memory_drops_the_oldest_then_catches_up(
        disk: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{disk / 'kiosk.db'}"
    caplog.set_level(logging.INFO, logger="kiosk.records")
    writer = RecordWriter(url, interval=0.02, max_pending=100, retry_max_s=0.05)
    sid = str(uuid.uuid4())
    writer.emit(ev(sid, "s", time.time(), "session_start", n=-1))
    assert writer.flush(10)
    filler = fill(disk)
    total = 300
    for i in range(total):  # each ~2 KB, so the write-ahead log must grow
        writer.emit(ev(sid, "s", time.time(), "answer", n=i, note="满" * 700))
    assert not writer.flush(1.0)
    stats = writer.stats
    assert not stats.store_ok and "full" in (stats.last_error or "")
    assert stats.dropped > 0 and stats.queued <= 100 + writer.max_batch
    assert stats.written + stats.dropped + stats.queued == total + 1  # every event accounted for
    messages = [r.getMessage() for r in caplog.records]
    assert sum("keeping events in memory" in m for m in messages) == 1 and sum("dropping the oldest" in m for m in messages) == 1
    filler.unlink()
    assert writer.flush(10)
    assert writer.stats.store_ok and writer.stats.written + writer.stats.dropped == total + 1
    assert writer.close()
    store = Store(url)
    with store.read() as conn:
        kept = [r.data["n"] for r in conn.execute(select(s.events).order_by(s.events.c.id))]
    assert kept[0] == -1 and kept[-1] == total - 1 and kept == sorted(kept)  # the newest are kept
    assert len(kept) == writer.stats.written and store.integrity_ok()
    assert any("available again" in m for m in (r.getMessage() for r in caplog.records))
    store.close()


def test_a_full_disk_does_not_silence_the_heartbeat(disk: Path) -> None:
    path = disk / "heartbeat"
    beat = Heartbeat(path).start()
    try:
        assert wait_until(lambda: heartbeat.read(path) is not None)
        fill(disk)
        beat.last_frame = time.time() + 100  # a frame drawn after the disk filled
        assert wait_until(lambda: heartbeat.read(path) == (round(beat.last_frame, 3), os.getpid()))
    finally:
        beat.stop()


def test_a_full_disk_costs_log_lines_not_the_kiosk(disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        path = logs.setup(disk)
        assert path is not None
        log = logging.getLogger("kiosk.test")
        log.info("before")
        filler = fill(disk)
        for i in range(200):
            log.info("while full %d %s", i, "x" * 200)
        err = capsys.readouterr().err
        assert err.count("cannot write the log file") == 1 and "Traceback" not in err and "Logging error" not in err
        assert err.count("while full") == 200  # the console still has every line
        filler.unlink()
        log.info("after")
        for handler in root.handlers:
            handler.flush()
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
        assert [e["msg"] for e in lines if e["msg"] in ("before", "after")] == ["before", "after"]
    finally:
        for handler in root.handlers:
            if handler not in saved[0]:
                handler.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_the_kiosk_plays_on_when_its_data_disk_is_full(disk: Path) -> None:
    env = {**os.environ, "KIOSK_RECORDS_URL": "", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    Store(f"sqlite:///{disk / 'kiosk.db'}").close()
    fill(disk)
    out = subprocess.run([sys.executable, "main.py", "simulate", "--soak", "--sessions", "8", "--size", "1280x720",
                          "--no-narration", "--data", str(disk), "--seed", "5"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "Logging error" not in out.stderr
    emitted, written, dropped = map(int, re.search(r"^events: (\d+) emitted, (\d+) written, (\d+) dropped",
                                                   out.stdout, re.M).groups())
    assert emitted > 8 * 5 and dropped > 0 and written + dropped == emitted  # each event written or counted
    # a store opened on a full disk cannot even make its shared-memory file: SQLite says "disk I/O error"
    assert re.search(r"unavailable \(OperationalError: (database or disk is full|disk I/O error)\)", out.stderr)
    assert f"{dropped} events not written" in out.stderr
