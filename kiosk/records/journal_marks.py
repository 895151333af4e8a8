"""The writer's journal in the store: how far each journal file is stored (table journal_marks,
written in the same transaction as each batch), storing what journals left behind by a killed
kiosk hold past their marks, and WriterJournal, a RecordWriter's side of all this.
See records/journal.py for the files themselves."""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from . import journal as files

log = logging.getLogger("kiosk.records")
RETRY_REPLAY_S = 60.0


class WriterJournal:
    """One RecordWriter's journal file and its bookkeeping; every method but `append` runs on the
    writer thread."""

    def __init__(self, folder: Path):
        self.file = files.Journal(folder)
        self.recovered = 0                # events stored from journals earlier runs left behind
        self._replayed = False
        self._replay_after = 0.0

    def append(self, event: dict[str, Any]) -> tuple[int, bool]:
        """(the file's length after the event, whether the event is in the file)"""
        before = self.file.offset
        after = self.file.append(event)
        return after, after > before

    def sync(self) -> bool:
        """At a close that leaves events unstored: on disk, so a power cut cannot take them. True when it is."""
        return self.file.sync()

    def mark(self, conn: Any, reached: int) -> None:
        """In a batch's transaction: this journal is stored up to `reached`."""
        store_mark(conn, self.file.name, reached)

    def mark_alone(self, store: Any, reached: int) -> None:
        """Past an event the store refused (it can never be stored): a crash's replay must not stop at it."""
        try:
            with store.write() as conn:
                self.mark(conn, reached)
        except Exception:  # noqa: BLE001 - the next stored event moves the mark past it anyway
            pass

    def stored_to(self, store: Any) -> int | None:
        """How far the store has this journal; None when offsets cannot be trusted (a failed append)."""
        if self.file.failures:
            return None
        with store.read() as conn:
            return mark_of(conn, self.file.name)

    def replay(self, store: Any, max_batch: int, pause: Any = None) -> None:
        """Store what earlier runs' journals hold past their marks; a failure is retried a minute later."""
        if self._replayed or time.monotonic() < self._replay_after:
            return
        stored, failed = replay(store, self.file.folder, self.file.name, max_batch, pause)
        self.recovered += stored
        self._replayed = not failed
        self._replay_after = time.monotonic() + (RETRY_REPLAY_S if failed else 0.0)

    def rotate(self, store: Any, lock: threading.Lock, all_stored: Callable[[], bool]) -> None:
        """A new file once this one is long and everything in it is stored (checked under the
        writer's emit lock, so no event slips in between)."""
        if self.file.offset < files.ROTATE_BYTES:
            return
        with lock:
            if not all_stored():
                return
            old_fd, old = self.file.start_new()
        try:
            (self.file.folder / old).unlink()  # while its lock is still held: never replayed
        finally:
            os.close(old_fd)
        forget_mark(store, old)

    def end(self, store: Any) -> None:
        """Everything stored at close: the file goes first (while locked), then its mark; a mark
        without its file is harmless, a file without its mark would be stored again."""
        name = self.file.name
        if self.file.remove():
            try:
                forget_mark(store, name)
            except Exception:  # noqa: BLE001
                pass

    def close(self) -> None:
        self.file.close()


def open_writer_journal(folder: Path | None) -> WriterJournal | None:
    if folder is None:
        return None
    if not files.supported():
        log.info("records: no journal on this platform (no flock); events go to the store as before")
        return None
    try:
        return WriterJournal(folder)
    except OSError as exc:  # a read-only or full data folder: the store path works without it
        log.warning("records: no journal in %s (%s)", folder, exc)
        return None


def store_mark(conn: Any, name: str, offset: int) -> None:
    """In the batch's own transaction: the events of journal `name` up to `offset` are stored."""
    from sqlalchemy import insert, update

    from .schema import journal_marks as jm

    now = time.time()
    if not conn.execute(update(jm).where(jm.c.journal == name).values(stored_to=offset, updated_at=now)).rowcount:
        conn.execute(insert(jm).values(journal=name, stored_to=offset, updated_at=now))


def mark_of(conn: Any, name: str) -> int:
    """How far journal `name` is stored (0 when it has no mark)."""
    from sqlalchemy import select

    from .schema import journal_marks as jm

    return conn.execute(select(jm.c.stored_to).where(jm.c.journal == name)).scalar() or 0


def forget_mark(store: Any, name: str) -> None:
    from sqlalchemy import delete

    from .schema import journal_marks as jm

    with store.write() as conn:
        conn.execute(delete(jm).where(jm.c.journal == name))


def replay(store: Any, folder: Path, own: str, max_batch: int, pause: Any = None) -> tuple[int, int]:
    """Store what journals left behind in folder hold past their marks, then delete them. Returns
    (events stored, journals that could not be stored now and stay for a later try)."""
    stored = failed = 0
    for old in files.left_behind(folder, own):
        try:
            with store.read() as conn:
                mark = mark_of(conn, old.name)
            events = old.events(mark)
            count = 0
            while batch := [item for _, item in zip(range(max_batch), events)]:
                count += store_batch(store, old.name, batch, pause)
            if old.remove():        # first the file, while locked; a mark left without a file is harmless
                forget_mark(store, old.name)
            stored += count
            log.info("records: stored %d events from %s, a journal an earlier run left behind", count, old.name)
        except Exception as exc:  # noqa: BLE001 - the kiosk plays on; the file waits for a later try
            old.release()
            failed += 1
            log.warning("records: journal %s left for a later try (%s)", old.name, exc)
    return stored, failed


def store_batch(store: Any, name: str, batch: list[tuple[dict[str, Any], int]], pause: Any = None) -> int:
    """Store (event, offset) pairs of journal `name` with its mark, in one transaction; when the
    database refuses the batch, one by one, each refused event skipped and marked past (it can
    never be stored). Returns how many were stored."""
    from sqlalchemy.exc import DataError, IntegrityError

    from .ingest import Ingest, event_row

    rows = []
    for event, _ in batch:
        try:
            rows.append(event_row(event))
        except Exception:  # noqa: BLE001 - a line the store never took either
            continue
    ingest = Ingest()
    try:
        with store.write() as conn:
            ingest.write(conn, rows, pause)
            store_mark(conn, name, batch[-1][1])
        return len(rows)
    except (IntegrityError, DataError):
        pass
    count = 0
    for event, offset in batch:
        ingest = Ingest()
        try:
            with store.write() as conn:
                ingest.write(conn, [event_row(event)])
                store_mark(conn, name, offset)
            count += 1
        except (IntegrityError, DataError, ValueError) as exc:
            log.error("records: journal event not stored (%s): %s", type(exc).__name__, str(event)[:200])
            with store.write() as conn:
                store_mark(conn, name, offset)
    return count
