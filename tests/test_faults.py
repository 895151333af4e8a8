"""Faults a hall throws at a kiosk: each one survived, each with a test."""
from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pygame
import pytest

from kiosk import heartbeat, logs
from kiosk.heartbeat import Heartbeat
from kiosk.records import RecordWriter, Store

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Kind
from kiosk.ui.fonts import Fonts
from kiosk.ui.theme import Layout

from .full_disk import fill, small_disk
from .support.lesson import start_tiny
from .support.paths import FIXTURES, ROOT
from .support.records import ev, stored_ns
from .support.wait import wait_for


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
    pilot = Pilot(make_app(options=AppOptions(idle_timeout=60)))
    start_tiny(pilot)
    before = pilot.app.now
    pilot.frames(1, dt=-3600.0)       # the system clock stepped back an hour: the kiosk's clock stands still
    assert pilot.screen["screen"] == "lesson" and pilot.app.now == before
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
    app = make_app(content=sync.live, options=AppOptions(content_sync=sync))
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
# SQLite words a full disk two ways: "disk I/O error" when the store's shared-memory file (-shm)
# cannot be made or grown (the disk filled before the store was opened), "database or disk is full"
# when the write-ahead log cannot grow (the disk filled while the store was open). Which one a
# machine shows also depends on the SQLite build, so the tests below make both happen and expect
# the same of the kiosk either way, whatever the text.
WHEN_FULL = ["full-before-the-store-opens", "full-while-the-store-is-open"]


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as where:
        yield where


def held_open(db: Path) -> sqlite3.Connection:
    """A reader keeping the store's -shm and -wal files in place (closing the last connection removes them)."""
    conn = sqlite3.connect(db)
    conn.execute("SELECT count(*) FROM events").fetchall()
    assert db.with_name(db.name + "-shm").is_file()
    return conn


@pytest.mark.parametrize("when", WHEN_FULL)
def test_a_full_disk_holds_events_in_memory_drops_the_oldest_then_catches_up(
        disk: Path, when: str, caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{disk / 'kiosk.db'}"
    caplog.set_level(logging.INFO, logger="kiosk.records")
    sid = str(uuid.uuid4())
    if when == "full-before-the-store-opens":
        Store(url).close()
        filler = fill(disk)
    writer = RecordWriter(url, interval=0.02, max_pending=100, retry_max_s=0.05)
    writer.emit(ev(sid, "s", time.time(), "session_start", n=-1))
    if when == "full-while-the-store-is-open":
        assert writer.flush(10)
        filler = fill(disk)
    total = 300
    for i in range(total):  # each ~2 KB, so the write-ahead log must grow
        writer.emit(ev(sid, "s", time.time(), "answer", n=i, note="满" * 700))
    assert not writer.flush(1.0)
    stats = writer.stats
    before = [-1] if when == "full-while-the-store-is-open" else []  # written before the disk filled
    assert not stats.store_ok and stats.last_error and stats.written == len(before)
    assert stats.dropped > 0 and stats.queued <= 100 + writer.max_batch
    messages = [r.getMessage() for r in caplog.records]
    assert sum("keeping events in memory" in m for m in messages) == 1 and sum("dropping the oldest" in m for m in messages) == 1
    filler.unlink()
    assert writer.flush(10)
    assert writer.stats.store_ok and writer.close()
    stored = stored_ns(url)
    store = Store(url)
    assert store.integrity_ok()
    store.close()
    waited = [n for n in range(-1, total) if n not in before]
    assert stored == before + waited[len(waited) - len(stored) + len(before):]  # the newest are kept, in order, once
    assert len(stored) == writer.stats.written and total + 1 - len(stored) == writer.stats.dropped
    assert any("available again" in m for m in (r.getMessage() for r in caplog.records))


def test_a_store_on_a_full_disk_leaves_its_events_in_the_journal_for_the_next_start(
        disk: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url, journal = f"sqlite:///{disk / 'kiosk.db'}", tmp_path / "journal"  # the journal's disk has room
    Store(url).close()
    filler = fill(disk)
    writer = RecordWriter(url, interval=0.02, retry_max_s=30.0, journal=journal)
    sid = str(uuid.uuid4())
    for i in range(50):
        writer.emit(ev(sid, "s", time.time(), "answer", n=i))
    wait_for(lambda: writer.stats.last_error is not None, timeout=30, what="the writer to see the store fail")
    began = time.monotonic()
    assert not writer.close(timeout=0.5)           # close keeps to its timeout, whatever the back-off
    assert time.monotonic() - began < 1.5
    assert (writer.stats.written, writer.stats.kept, writer.stats.dropped, writer.stats.queued) == (0, 50, 0, 0)
    assert sum("50 events not written: 50 kept in the journal" in r.getMessage() for r in caplog.records) == 1
    filler.unlink()
    again = RecordWriter(url, interval=0.02, journal=journal)   # the next start, with room on the disk
    assert again.flush(10)
    wait_for(lambda: again.stats.recovered == 50, timeout=30, what="the 50 journalled events stored")
    assert again.close()
    assert sorted(stored_ns(url)) == list(range(50)) and not list(journal.glob("*.jsonl"))


def test_a_store_hanging_at_close_costs_the_close_timeout_not_the_events(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url, journal = f"sqlite:///{tmp_path / 'kiosk.db'}", tmp_path / "journal"
    Store(url).close()
    other = sqlite3.connect(tmp_path / "kiosk.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")              # another station holds the lock longer than we wait
    try:
        for name, folder in (("journaled", journal), ("no journal", None)):
            writer = RecordWriter(url, interval=0.02, journal=folder)
            writer.emit(ev(str(uuid.uuid4()), "s", time.time(), "session_start", n=1))
            began = time.monotonic()
            assert not writer.close(timeout=0.2), name  # its thread waits on the lock meanwhile
            assert time.monotonic() - began < 2.0, name
            stats = writer.stats
            assert (stats.written, stats.queued, stats.kept + stats.dropped) == (0, 0, 1), name
            assert stats.kept == (folder is not None), name
            writer.emit(ev(str(uuid.uuid4()), "s", time.time(), "tick"))  # after close: counted, and said once
            writer.emit(ev(str(uuid.uuid4()), "s", time.time(), "tick"))
            assert writer.stats.dropped == stats.dropped + 2, name
    finally:
        other.execute("COMMIT")
        other.close()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("1 events not written: 1 kept in the journal" in m for m in messages) == 1
    assert sum("1 events not written: 0 kept in the journal for the next start, 1 dropped" in m for m in messages) == 1
    assert sum("emitted after the writer closed are dropped" in m for m in messages) == 2


def test_a_full_disk_does_not_silence_the_heartbeat(disk: Path) -> None:
    path = disk / "heartbeat"
    beat = Heartbeat(path).start()
    try:
        wait_for(lambda: heartbeat.read(path) is not None, timeout=30, what="the first heartbeat")
        fill(disk)
        beat.last_frame = time.time() + 100  # a frame drawn after the disk filled
        wait_for(lambda: heartbeat.read(path) == (round(beat.last_frame, 3), os.getpid()), timeout=30,
                 what="a heartbeat naming the last frame and this process")
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


@pytest.mark.slow
@pytest.mark.parametrize("when", WHEN_FULL)
def test_the_kiosk_plays_on_when_its_data_disk_is_full(disk: Path, when: str) -> None:
    env = {**os.environ, "KIOSK_RECORDS_URL": "", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    Store(f"sqlite:///{disk / 'kiosk.db'}").close()
    reader = held_open(disk / "kiosk.db") if when == "full-while-the-store-is-open" else None
    fill(disk)
    try:
        out = subprocess.run([sys.executable, "main.py", "simulate", "--soak", "--sessions", "8", "--size", "1280x720",
                              "--no-narration", "--data", str(disk), "--seed", "5"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        if reader is not None:
            reader.close()
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "Logging error" not in out.stderr
    emitted, written, dropped, lost, rejected, kept = map(int, re.search(
        r"^events: (\d+) emitted, (\d+) written, (\d+) dropped, (-?\d+) lost \((\d+) rejected, (\d+) kept",
        out.stdout, re.M).groups())
    # not a byte free: neither the store nor the journal takes an event, and each one is counted
    assert emitted > 8 * 5 and (written, dropped, lost, rejected, kept) == (0, emitted, 0, 0, 0)
    assert re.search(r"store \S+ unavailable \(OperationalError: ", out.stderr)
    assert out.stderr.count(f"{emitted} events not written: 0 kept in the journal for the next start, "
                            f"{emitted} dropped") == 1
