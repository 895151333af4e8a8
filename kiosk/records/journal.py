"""The writer's journal: every emitted event is appended to a local file before it is queued, and
the writer stores, in the same transaction as each batch, how far into that file it has written
(table journal_marks). A kiosk killed between two batches (kill -9, a crash in native code, a
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
from typing import Any, Iterator

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
        self.name = ""
        self.offset = 0
        self.failures = 0
        self._fd = -1
        self.open_new()

    def open_new(self) -> None:
        """Start a new file (at start, and when the writer rotates an all-stored one)."""
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
        fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.close()
        self._fd, self.name, self.offset = fd, name, 0

    def append(self, event: dict[str, Any]) -> int:
        """Append one event; returns the file's length after it (unchanged when it could not be written)."""
        try:
            line = (json.dumps(event, ensure_ascii=False, default=str) + "\n").encode("utf-8")
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(f"short write ({written} of {len(line)} bytes)")
            self.offset += written
        except (OSError, TypeError, ValueError) as exc:
            self.failures += 1
            if self.failures == 1:
                log.warning("records: journal %s not written (%s); events still go to the store", self.name, exc)
            try:
                os.ftruncate(self._fd, self.offset)  # no torn line left behind
            except OSError:
                pass
        return self.offset

    def remove(self) -> None:
        """Delete this file (everything in it is stored)."""
        path = self.folder / self.name
        self.close()
        try:
            path.unlink()
        except OSError:
            pass

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # also releases the lock
            self._fd = -1


class LeftBehind:
    """A journal no live writer holds: read past its mark, then delete it."""

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

    def remove(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass
        self.release()

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def left_behind(folder: Path, own: str) -> list[LeftBehind]:
    """Journals in folder that are not `own` and that no live writer holds, oldest first."""
    found = []
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
        found.append(LeftBehind(path, fd))
    return found


# ----- marks and replay (the writer thread) ---------------------------------------------------------
def store_mark(conn: Any, name: str, offset: int) -> None:
    """In the batch's own transaction: the events of journal `name` up to `offset` are stored."""
    from sqlalchemy import insert, update

    from .schema import journal_marks as jm

    now = time.time()
    if not conn.execute(update(jm).where(jm.c.journal == name).values(stored_to=offset, updated_at=now)).rowcount:
        conn.execute(insert(jm).values(journal=name, stored_to=offset, updated_at=now))


def forget_mark(store: Any, name: str) -> None:
    from sqlalchemy import delete

    from .schema import journal_marks as jm

    with store.write() as conn:
        conn.execute(delete(jm).where(jm.c.journal == name))


def replay(store: Any, folder: Path, own: str, max_batch: int, pause: Any = None) -> int:
    """Store what journals left behind in folder hold past their marks, then delete them; returns
    how many events were stored. A journal that cannot be stored now stays for the next start."""
    from sqlalchemy import select

    from .ingest import Ingest, event_row
    from .schema import journal_marks as jm

    stored = 0
    for old in left_behind(folder, own):
        try:
            with store.read() as conn:
                mark = conn.execute(select(jm.c.stored_to).where(jm.c.journal == old.name)).scalar() or 0
            ingest = Ingest()
            events = old.events(mark)
            count = 0
            while True:
                batch = [item for _, item in zip(range(max_batch), events)]
                if not batch:
                    break
                rows = []
                for event, _ in batch:
                    try:
                        rows.append(event_row(event))
                    except Exception:  # noqa: BLE001 - a line the store never took either
                        continue
                try:
                    with store.write() as conn:
                        ingest.write(conn, rows, pause)
                        store_mark(conn, old.name, batch[-1][1])
                    ingest.committed()
                except Exception:
                    ingest.forget()
                    raise
                count += len(rows)
            forget_mark(store, old.name)
            old.remove()
            stored += count
            log.info("records: stored %d events from %s, a journal an earlier run left behind", count, old.name)
        except Exception as exc:  # noqa: BLE001 - the kiosk plays on; the file waits for the next start
            old.release()
            log.warning("records: journal %s left for the next start (%s)", old.name, exc)
    return stored
