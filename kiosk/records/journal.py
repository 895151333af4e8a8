"""The writer's journal: every emitted event is appended to a local file before it is queued, and
the writer stores, in the same transaction as each batch, how far into that file it has written
(table journal_marks; records/journal_marks.py). A kiosk killed between two batches (kill -9, a crash in native code, a
power cut after the OS wrote the page) leaves a journal behind; the next writer on the same data
folder stores what lies past the mark and deletes the file. So a crash loses nothing a child did,
and nothing is stored twice.

One file per writer, locked while it lives (flock), so a journal still being written is never
taken for one left behind. Cost on the render thread: one JSON line and one write(2) into the page
cache per event (no fsync). A failing disk only turns the journal off for that event: the event
still goes to the store the usual way."""
from __future__ import annotations

import json
import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any, Callable, Iterator

try:
    import fcntl
except ImportError:  # Windows: no flock; the journal is off there (events go to the store as before)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("kiosk.records")
SUFFIX = ".jsonl"
ROTATE_BYTES = 8 * 1024 * 1024   # a new file once this much is written and all of it is stored


def supported() -> bool:
    return fcntl is not None


class Journal:
    """This writer's own journal file. `append` runs under the writer's emit lock."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.offset = 0
        self.failures = 0
        self._fd, self.name = _create(self.folder)

    def start_new(self) -> tuple[int, str]:
        """Switch to a new file (the writer rotates one whose events are all stored); returns the old
        one's fd, still open and locked, and name: the caller deletes it, then closes the fd."""
        old = self._fd, self.name
        self._fd, self.name = _create(self.folder)
        self.offset = 0
        return old

    def append(self, event: dict[str, Any]) -> int:
        """Append one event; returns the file's length after it (unchanged when it could not be written)."""
        try:
            line = (json.dumps(event, ensure_ascii=False, default=str) + "\n").encode("utf-8")
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(f"short write ({written} of {len(line)} bytes)")
            self.offset += written
        except Exception as exc:  # noqa: BLE001 - never the render loop's problem; the store path still has it
            self.failures += 1
            if self.failures == 1:
                log.warning("records: journal %s not written (%s); events still go to the store", self.name, exc)
            try:
                os.ftruncate(self._fd, self.offset)  # no torn line left behind
            except OSError:
                pass
        return self.offset

    def sync(self) -> bool:
        """fsync the file; False when it cannot be (closed, or the disk refuses)."""
        try:
            os.fsync(self._fd)
            return True
        except OSError as exc:
            log.warning("records: journal %s not synced to disk (%s)", self.name, exc)
            return False

    def remove(self) -> bool:
        """Delete this file (everything in it is stored): while still locked, so no other writer
        can take it for one left behind and store it again. True when it is gone."""
        return _delete_while_locked(self.folder / self.name, self.close)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # also releases the lock
            self._fd = -1


def _create(folder: Path) -> tuple[int, str]:
    """A new journal file, locked before it has its journal name (so no replay can take it first)."""
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
    making = folder / (name + ".new")
    fd = os.open(making, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(making, folder / name)
    except OSError:
        os.close(fd)
        making.unlink(missing_ok=True)
        raise
    return fd, name


class LeftBehind:
    """A journal no live writer holds (we hold its lock now): read past its mark, then delete it."""

    def __init__(self, path: Path, fd: int):
        self.path, self.name, self._fd = path, path.name, fd

    def events(self, mark: int) -> Iterator[tuple[dict[str, Any], int]]:
        """(event, offset after it) for each whole line past mark; a torn last line is skipped."""
        with open(self.path, "rb") as fh:
            fh.seek(mark)
            offset = mark
            for line in fh:
                if not line.endswith(b"\n"):
                    break  # cut off by the crash: never stored, never seen by a child's report
                offset += len(line)
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    yield event, offset

    def remove(self) -> bool:
        """Delete it while still holding its lock, then let go. True when it is gone."""
        return _delete_while_locked(self.path, self.release)

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _delete_while_locked(path: Path, let_go: Callable[[], None]) -> bool:
    try:
        path.unlink()
        gone = True
    except OSError:
        gone = False
    let_go()  # only now may another writer look at the name (and find nothing there)
    return gone


def left_behind(folder: Path, own: str) -> Iterator[LeftBehind]:
    """Journals in folder that are not `own` and that no live writer holds, oldest first, one at a
    time (each locked until the caller removes or releases it)."""
    for path in sorted(Path(folder).glob(f"*{SUFFIX}")):
        if path.name == own:
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # a running writer's
            continue
        yield LeftBehind(path, fd)
