"""The writer's journal: a kiosk killed with SIGKILL mid-stream loses nothing (the next writer on
its data folder stores what the journal holds past the stored mark) and stores nothing twice, on
SQLite and PostgreSQL; torn last lines, rotation, and a live writer's journal left alone."""
from __future__ import annotations

import json
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Callable

import pytest

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.records import RecordWriter, Store
from kiosk.records import journal as journals
from kiosk.records import journal_marks

from .support.records import Child, ev, stored_ns


def test_with_a_journal_a_sigkill_loses_nothing_and_stores_nothing_twice(store_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    child = Child(store_url, "learning-1", "forever", folder)
    try:
        assert child.line() == "ready"
        emitted, began = 0, time.monotonic()
        while time.monotonic() - began < 1.5 or emitted < 5000:
            emitted = int(child.line().split()[0])   # the child has emitted this many (and goes on)
        os.kill(child.proc.pid, signal.SIGKILL)
        assert child.proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        child.stop()
    assert len(list(folder.glob("*.jsonl"))) == 1     # left behind by the killed kiosk
    before = stored_ns(store_url)
    assert len(before) < emitted                      # the kill cut the writer short
    again = RecordWriter(store_url, interval=0.05, journal=folder)  # the kiosk starting again
    again.emit(ev(str(uuid.uuid4()), "learning-1", time.time(), "session_start"))
    assert again.flush(60) and again.stats.recovered > 0
    assert again.close()
    after = stored_ns(store_url)
    assert set(range(emitted)) <= set(after)          # nothing the child emitted is lost
    assert len(after) == len(set(after))              # and nothing is stored twice
    assert not list(folder.glob("*.jsonl"))           # every journal stored and removed


def test_a_torn_last_line_is_skipped_and_offsets_count_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "20260101T000000-1-abcd.jsonl"
    path.write_bytes(b'{"n": 0}\n{"n": 1}\nnot json\n{"n": 2')
    old = journals.LeftBehind(path, -1)
    assert list(old.events(0)) == [({"n": 0}, 9), ({"n": 1}, 18)]
    assert list(old.events(9)) == [({"n": 1}, 18)]


def test_the_journal_rotates_once_everything_in_it_is_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journals, "ROTATE_BYTES", 4000)
    folder = tmp_path / "journal"
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    writer = RecordWriter(url, interval=0.02, journal=folder)
    sid = str(uuid.uuid4())
    names = set()
    for round_ in range(6):
        for i in range(40):
            writer.emit(ev(sid, "s", time.time(), "answer", n=round_ * 40 + i))
        assert writer.flush(10)
        writer.emit(ev(sid, "s", time.time(), "tick"))  # written only after the last batch's upkeep is done
        assert writer.flush(10)
        files = list(folder.glob("*.jsonl"))
        assert len(files) == 1 and files[0].stat().st_size < 2 * 4000 + 200 * 40
        names.add(files[0].name)
    assert len(names) > 1                              # it did rotate
    assert writer.close() and not list(folder.glob("*.jsonl"))
    assert sorted(stored_ns(url)) == list(range(240))


def test_a_live_writer_s_journal_is_never_taken_for_one_left_behind(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the first kiosk's store is unreachable: its events wait in memory and its journal")
    first = RecordWriter(f"sqlite:///{blocked / 'kiosk.db'}", interval=0.02, retry_max_s=0.05, journal=folder)
    first.emit(ev(str(uuid.uuid4()), "s", time.time(), "session_start", n=1))
    assert not first.flush(0.3)
    second = RecordWriter(f"sqlite:///{tmp_path / 'kiosk.db'}", interval=0.02, journal=folder)
    second.emit(ev(str(uuid.uuid4()), "s", time.time(), "session_start", n=2))
    assert second.flush(10)
    assert second.stats.recovered == 0 and stored_ns(f"sqlite:///{tmp_path / 'kiosk.db'}") == [2]
    assert len(list(folder.glob("*.jsonl"))) == 2      # each its own
    assert second.close()
    assert len(list(folder.glob("*.jsonl"))) == 1      # the second's is stored and gone; the first's stays
    assert not first.close(timeout=0.2)
    assert len(list(folder.glob("*.jsonl"))) == 1      # unstored: kept for the next start to store


def test_staff_diagnostics_say_whether_the_store_takes_writes_and_what_was_recovered(
        make_app: Callable[..., App], tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    folder.mkdir()
    sid = str(uuid.uuid4())
    left = [ev(sid, "learning-1", time.time(), "session_start", n=0), ev(sid, "learning-1", time.time(), "answer", n=1)]
    (folder / "20260101T000000-1-dead.jsonl").write_text("".join(json.dumps(e) + "\n" for e in left))
    writer = RecordWriter(f"sqlite:///{tmp_path / 'kiosk.db'}", interval=0.02, journal=folder)
    writer.emit(ev(sid, "learning-1", time.time(), "session_end", n=2))
    assert writer.flush(10)
    app = make_app(recorder=writer, options=AppOptions(data_dir=tmp_path))
    assert "记录（正常）：已写 1，排队 0，丢弃 0，崩溃后补存 2" in app.diagnostics()
    writer.close()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    down = RecordWriter(f"sqlite:///{blocked / 'kiosk.db'}", interval=0.02, retry_max_s=0.05)
    down.emit(ev(sid, "learning-1", time.time(), "tick"))
    assert not down.flush(0.3)
    app = make_app(recorder=down, options=AppOptions(data_dir=tmp_path))
    assert any(line.startswith("记录（暂时写不进）：已写 0，排队 1") for line in app.diagnostics())
    down.close(timeout=0.1)


def test_a_mark_is_only_forgotten_once_its_journal_is_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the two steps must never leave a journal without its mark: that journal would
    be stored again, whole. So the file goes first (at close, at rotation, after a replay)."""
    folder, url = tmp_path / "journal", f"sqlite:///{tmp_path / 'kiosk.db'}"
    file_there_when_forgotten: list[bool] = []
    forget = journal_marks.forget_mark

    def spy(store: object, name: str) -> None:
        file_there_when_forgotten.append((folder / name).exists())
        forget(store, name)

    monkeypatch.setattr(journal_marks, "forget_mark", spy)
    monkeypatch.setattr(journals, "ROTATE_BYTES", 2000)
    sid = str(uuid.uuid4())
    writer = RecordWriter(url, interval=0.02, journal=folder)
    for i in range(50):
        writer.emit(ev(sid, "s", time.time(), "answer", n=i))
        if i % 10 == 9:
            assert writer.flush(10)                      # batches big enough to rotate
    assert writer.close()
    left = folder / "20260101T000000-1-cafe.jsonl"       # and one an earlier run left behind
    left.write_text(json.dumps(ev(sid, "s", time.time(), "answer", n=50)) + "\n")
    again = RecordWriter(url, interval=0.02, journal=folder)
    again.emit(ev(sid, "s", time.time(), "tick"))
    assert again.flush(10) and again.stats.recovered == 1
    assert again.close()
    assert len(file_there_when_forgotten) >= 4 and not any(file_there_when_forgotten)
    assert sorted(stored_ns(url)) == list(range(51))


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for this")


def test_an_event_the_journal_cannot_write_still_reaches_the_writer(tmp_path: Path) -> None:
    writer = RecordWriter(f"sqlite:///{tmp_path / 'kiosk.db'}", interval=0.02, journal=tmp_path / "journal")
    sid = str(uuid.uuid4())
    writer.emit(ev(sid, "s", time.time(), "odd", thing=Unprintable()))  # never raises on the render thread
    writer.emit(ev(sid, "s", time.time(), "answer", n=1))
    assert writer.flush(5)                                 # nothing lost on the way, so flush does not stall
    stats = writer.stats                                   # the odd one cannot be stored either: rejected, and said
    assert (stats.written, stats.rejected, stats.dropped, stats.queued) == (1, 1, 0, 0)
    assert writer.close() and stored_ns(f"sqlite:///{tmp_path / 'kiosk.db'}") == [1]


def test_an_event_the_database_refuses_does_not_stop_a_journal_being_stored(store_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    folder.mkdir()
    sid = str(uuid.uuid4())
    lines = [ev(sid, "s", time.time(), "answer", n=i) for i in range(10)]
    lines.append(ev(sid, "s", time.time(), "answer", n=-1, note="nul \x00 byte"))  # PostgreSQL's JSONB refuses it
    lines += [ev(sid, "s", time.time(), "answer", n=i) for i in range(10, 20)]
    (folder / "20260101T000000-1-beef.jsonl").write_text("".join(json.dumps(e) + "\n" for e in lines))
    for start in range(2):  # and a second start finds nothing left to store
        writer = RecordWriter(store_url, interval=0.02, journal=folder)
        writer.emit(ev(sid, "s", time.time(), "tick"))
        assert writer.flush(20)
        assert writer.stats.recovered == (20 if "postgresql" in store_url else 21) * (start == 0)
        writer.close()
        assert not list(folder.glob("*.jsonl"))
    assert set(range(20)) <= set(stored_ns(store_url))


def test_a_write_that_seemed_to_fail_but_committed_is_not_written_again(
        store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kiosk on the hall's server loses its connection just as COMMIT succeeds: the writer sees an
    error, but the batch is in. Its journal mark, committed with it, tells the retry to skip it."""
    from contextlib import contextmanager

    from sqlalchemy.exc import OperationalError

    real_write = Store.write
    writes = {"n": 0}

    @contextmanager
    def lost_after_commit(self: Store):  # type: ignore[no-untyped-def]
        with real_write(self) as conn:
            yield conn
        writes["n"] += 1
        if writes["n"] == 2:  # the second batch: committed, and then the connection drops
            raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))

    writer = RecordWriter(store_url, interval=0.02, retry_max_s=0.05, journal=tmp_path / "journal")
    sid = str(uuid.uuid4())
    for i in range(10):
        writer.emit(ev(sid, "s", time.time(), "answer", n=i))
    assert writer.flush(10)
    monkeypatch.setattr(Store, "write", lost_after_commit)
    writes["n"] = 1
    for i in range(10, 20):
        writer.emit(ev(sid, "s", time.time(), "answer", n=i))
    assert writer.flush(10)
    assert writes["n"] >= 2 and writer.stats.written == 20 and writer.stats.store_ok
    monkeypatch.undo()
    writer.close()
    assert sorted(stored_ns(store_url)) == list(range(20))     # each once
