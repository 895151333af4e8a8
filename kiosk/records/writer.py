"""RecordWriter: the engine's Recorder for the durable store.

`emit(event)` appends to an in-memory queue and returns (a deque append under a tiny lock: no I/O,
no waiting on the database, never an exception). A writer thread takes the queue every
`interval` seconds (sooner when `batch` events are waiting) and writes up to `max_batch` events in
one transaction; SQLite runs WAL with synchronous=FULL, so a committed batch survives `kill -9`
and power cuts and an interrupted one leaves no trace. With a `journal` folder (the kiosk gives
<data>/journal) each event is also appended to a local file as it is emitted, and each batch
stores how far into that file it reached: what a killed kiosk had not yet written is stored by
the next writer on that folder (records/journal.py), so a crash loses nothing.

When the store cannot be written (locked, disk full, read-only, unreachable, too new: whatever
error text the database gives) the batch stays in memory and is retried with back-off (0.1 s
doubling to `retry_max_s`); once more than `max_pending` events are waiting, the oldest are dropped
and counted in `stats.dropped`. The log gets one warning when the store becomes unavailable, one
when dropping starts, and one line when the store is back. Events that can never be stored (no
session or kind, or refused by the database on their own) are counted in `stats.rejected`.

No event is lost silently: at close, what could not be written by the deadline is either in the
journal file (synced to disk: the next start stores it, `stats.kept`) or counted in
`stats.dropped`, with one log line saying how many of each; events emitted after close are
dropped, counted and logged once too. So written + dropped + rejected + kept == emitted.

    writer = RecordWriter(store_url(data_dir))   # nothing connects yet: the thread does
    app = build_app(library, ui, AppOptions(station="learning-1"), recorder=writer)   # kiosk.boot
    ...
    writer.close(timeout=5)                       # at shutdown (also registered with atexit)
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from kiosk import frame_gate

from .ingest import PAUSE_EVERY, BadEvent, Ingest, event_row
from .journal_marks import open_writer_journal
from .store import Store, safe_url

log = logging.getLogger("kiosk.records")
PAUSE_S = 0.00005


@dataclass(frozen=True)
class WriterStats:
    queued: int           # emitted, not yet written (in the queue or in the batch being retried)
    written: int          # committed to the store
    dropped: int          # dropped: memory bound reached while the store was unavailable, or emitted after close
    rejected: int         # could never be stored (malformed, or refused by the database)
    last_error: str | None
    store_ok: bool        # the last attempt to write succeeded
    recovered: int = 0    # stored from journals an earlier run left behind (not counted above)
    kept: int = 0         # not written by close, but synced in the journal file: the next start stores them

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pause() -> None:
    time.sleep(PAUSE_S)  # a real (tiny) sleep hands the GIL to a waiting render thread; sleep(0) may not


class RecordWriter:
    def __init__(self, url: str, *, interval: float = 0.2, batch: int = 500, max_batch: int = 5000,
                 max_pending: int = 50_000, retry_max_s: float = 30.0, name: str = "records-writer",
                 journal: Path | None = None):
        self.url = url
        self.interval = interval
        self.batch = batch
        self.max_batch = max_batch
        self.max_pending = max_pending
        self.retry_max_s = retry_max_s
        self.store: Store | None = None
        # (event, the journal's length after it, whether it is in the journal): the batch's last
        # length is stored with the batch
        self._queue: deque[tuple[dict[str, Any], int, bool]] = deque()
        self._pending: list[tuple[dict[str, Any], int, bool]] = []  # the batch being written or retried (writer thread)
        self._journal = open_writer_journal(journal)
        self._unsure = False                              # the last write failed: it may have committed
        self._lock = threading.Lock()                    # emit's counters
        self._done = threading.Condition()               # written/dropped/rejected changed
        self._wake = threading.Event()
        self._emitted = 0
        self._dropped_emit = 0
        self._written = 0
        self._dropped = 0
        self._rejected = 0
        self._kept = 0
        self._left_at_close = 0
        self._last_error: str | None = None
        self._ok = True
        self._outage = False
        self._warned_drop = False
        self._outage_dropped = 0
        self._closing = False
        self._closed = False                             # settled: nothing more is written or journaled
        self._warned_late = False
        self._deadline = float("inf")
        self._ingest = Ingest()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        atexit.register(self.close, 2.0)

    # ----- the render loop's side --------------------------------------------------------------
    def emit(self, event: dict[str, Any]) -> None:
        """Queue one event; returns at once and never raises."""
        try:
            with self._lock:
                self._emitted += 1
                if self._closed:
                    self._dropped_emit += 1
                    late, self._warned_late = not self._warned_late, True
                    if late:
                        log.warning("records: events emitted after the writer closed are dropped (see stats.dropped)")
                    return
                if len(self._queue) >= self.max_pending:  # the store has been unavailable for long
                    try:
                        self._queue.popleft()
                        self._dropped_emit += 1
                        self._outage_dropped += 1
                    except IndexError:  # the writer took them all meanwhile
                        pass
                self._queue.append((event, *self._journal.append(event)) if self._journal else (event, 0, False))
            if len(self._queue) >= self.batch:
                self._wake.set()
        except Exception:  # noqa: BLE001 - a child's screen never fails because of the records
            pass

    @property
    def stats(self) -> WriterStats:
        with self._lock:
            dropped = self._dropped + self._dropped_emit
            queued = self._emitted - self._written - dropped - self._rejected - self._kept
        return WriterStats(queued=max(0, queued), written=self._written, dropped=dropped,
                           rejected=self._rejected, last_error=self._last_error, store_ok=self._ok,
                           recovered=self._journal.recovered if self._journal else 0, kept=self._kept)

    def _processed(self) -> int:
        return self._written + self._dropped + self._dropped_emit + self._rejected + self._kept

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every event emitted before this call is written (or dropped/rejected); False on timeout."""
        with self._lock:
            target = self._emitted
        deadline = time.monotonic() + timeout
        with self._done:
            while self._processed() < target:
                self._wake.set()
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return self._processed() >= target
                self._done.wait(min(left, 0.05))
        return True

    def close(self, timeout: float = 5.0) -> bool:
        """Write what is queued (waiting up to timeout for an unavailable store), stop the thread.
        Returns True when everything emitted was written (or rejected); what was not is kept in the
        journal or counted as dropped, and logged."""
        if not self._closing:
            self._deadline = time.monotonic() + timeout
            self._closing = True
            self._wake.set()
        # again from atexit when a stop signal cut the first call short: the same deadline
        self._thread.join(max(0.0, self._deadline - time.monotonic()) + 1.0)
        self._settle()  # a no-op when the thread did it; else it hangs in a write (a dead server): settle here
        try:
            atexit.unregister(self.close)
        except Exception:  # noqa: BLE001
            pass
        return self._left_at_close == 0 and self.stats.queued == 0

    # ----- the writer thread -------------------------------------------------------------------
    def _run(self) -> None:
        frame_gate.lower_this_thread()
        backoff = 0.0
        try:
            try:
                store = self._open()  # create/upgrade the store now: a problem shows in the log and stats at once
                if self._journal is not None:
                    self._journal.replay(store, self.max_batch, _pause)
            except Exception as exc:  # noqa: BLE001 - retried when the first batch is written
                self._failed(exc)
            while True:
                if not self._pending and not self._queue:
                    if self._closing:
                        break
                    self._wake.wait(self.interval)
                    self._wake.clear()
                elif backoff:
                    self._wake.wait(min(backoff, max(0.0, self._deadline - time.monotonic())))
                    self._wake.clear()
                elif len(self._queue) < self.batch and not self._closing:
                    self._wake.wait(self.interval)
                    self._wake.clear()
                while len(self._pending) < self.max_batch and self._queue:
                    self._pending.append(self._queue.popleft())
                if not self._pending:
                    continue
                frame_gate.wait_for_gap()
                if self._write_pending():
                    backoff = 0.0
                    self._after_write()
                else:
                    backoff = min(max(backoff * 2, 0.1), self.retry_max_s)
                    self._trim()
                    if self._closing and time.monotonic() >= self._deadline:
                        break
            self._settle()
            self._end_journal()
        except Exception:  # noqa: BLE001 - the thread must not die silently
            log.exception("records: writer thread failed")
        finally:
            self._settle()  # after a crash: what is left is kept in the journal or counted as dropped
            if self._journal is not None:
                self._journal.close()
            if self.store is not None:
                try:
                    self.store.close()
                except Exception:  # noqa: BLE001
                    pass
            with self._done:
                self._done.notify_all()

    def _open(self) -> Store:
        if self.store is None:
            self.store = Store(self.url)
        return self.store

    def _rows(self) -> list[dict[str, Any]]:
        rows, good, bad = [], [], 0
        for i, item in enumerate(self._pending):
            try:
                rows.append(event_row(item[0]))
                good.append(item)
            except Exception as exc:  # noqa: BLE001 - not a dict, no session, no kind...
                bad += 1
                log.error("records: event not stored: %s", _short(exc))
            if i % PAUSE_EVERY == PAUSE_EVERY - 1:
                _pause()
        if bad:
            self._pending = good
            self._count(rejected=bad)
        return rows

    def _write_pending(self) -> bool:
        try:
            store = self._open()
            if self._unsure and not self._drop_stored(store):
                self._recovered()
                return True
            reached = self._pending[-1][1]  # past the rejected ones too: they can never be stored
            rows = self._rows()
            if rows or self._journal is not None:
                with store.write() as conn:
                    self._ingest.write(conn, rows, _pause)
                    if self._journal is not None:
                        self._journal.mark(conn, reached)
            self._ingest.committed()
            self._count(written=len(rows))
            self._pending = []
            self._recovered()
            return True
        except (IntegrityError, DataError) as exc:
            self._ingest.forget()
            return self._one_by_one(exc)
        except Exception as exc:  # noqa: BLE001 - locked, full, read-only, unreachable, too new...
            self._ingest.forget()
            self._failed(exc)
            self._unsure = True
            return False

    def _drop_stored(self, store: Store) -> bool:
        """After a failed write: a connection lost at COMMIT may have committed it after all. The
        journal mark, stored in the same transaction, says how far: drop what is in, count it as
        written (only while every event got its own journal offset). False when nothing is left."""
        self._unsure = False
        stored_to = self._journal.stored_to(store) if self._journal is not None else None
        if stored_to is None:
            return True
        done = sum(1 for _, offset, _ in self._pending if offset <= stored_to)
        if done:
            log.info("records: %d events were stored by a write that seemed to fail; not writing them again", done)
            self._pending = self._pending[done:]
            self._count(written=done)
        return bool(self._pending)

    def _one_by_one(self, first: Exception) -> bool:
        """A batch the database refused: write its events one at a time and reject only the bad ones."""
        log.error("records: a batch was refused (%s); writing its events one by one", _short(first))
        store = self._open()
        while self._pending:
            event, reached, _ = self._pending[0]
            try:
                row = event_row(event)
                with store.write() as conn:
                    self._ingest.write(conn, [row])
                    if self._journal is not None:
                        self._journal.mark(conn, reached)
                self._ingest.committed()
                self._count(written=1)
            except (IntegrityError, DataError, BadEvent) as exc:
                self._ingest.forget()
                log.error("records: event not stored (%s): %s", _short(exc), str(event)[:200])
                self._count(rejected=1)
                if self._journal is not None:
                    self._journal.mark_alone(store, reached)
            except Exception as exc:  # noqa: BLE001 - the store itself went away: back to retrying
                self._ingest.forget()
                self._failed(exc)
                return False
            self._pending.pop(0)
        return True

    def _count(self, written: int = 0, dropped: int = 0, rejected: int = 0) -> None:
        with self._done:
            with self._lock:
                if self._closed:  # settled by close while this thread hung in a write: its counts stand
                    return
                self._written += written
                self._dropped += dropped
                self._rejected += rejected
            self._done.notify_all()

    def _failed(self, exc: Exception) -> None:
        self._ok = False
        self._last_error = _short(exc)
        if not self._outage:
            self._outage = True
            log.warning("records: store %s unavailable (%s); keeping events in memory and retrying",
                        safe_url(self.url), self._last_error)
        if self.store is not None:
            try:
                self.store.engine.dispose()  # reconnect from scratch next time (file moved, server restarted)
            except Exception:  # noqa: BLE001
                pass

    def _recovered(self) -> None:
        self._ok = True
        if self._outage:
            with self._lock:
                lost, self._outage_dropped = self._outage_dropped, 0
            log.info("records: store available again; %d events were dropped meanwhile", lost)
            self._outage = False
            self._warned_drop = False

    def _trim(self) -> None:
        """Keep at most max_pending events in memory: drop the oldest (emit drops too when its queue is full)."""
        excess = len(self._pending) + len(self._queue) - self.max_pending
        if excess > 0:
            from_pending = min(excess, len(self._pending))
            del self._pending[:from_pending]
            dropped = from_pending
            for _ in range(excess - from_pending):
                try:
                    self._queue.popleft()
                    dropped += 1
                except IndexError:
                    break
            with self._lock:
                self._outage_dropped += dropped
            self._count(dropped=dropped)
        if self._outage_dropped and not self._warned_drop:
            self._warned_drop = True
            log.warning("records: store still unavailable (%s); more than %d events waiting, dropping the oldest "
                        "(see stats.dropped)", self._last_error, self.max_pending)

    def _settle(self) -> None:
        """At close (once): what is still waiting is kept in the journal, synced to disk for the
        next start, or, not being in it, counted as dropped; one log line says which."""
        with self._done:
            with self._lock:
                if self._closed:
                    return
                self._closed = True  # from now on emit counts what comes as dropped
                left = [*self._pending, *self._queue]
                self._pending = []
                self._queue.clear()
                self._left_at_close = len(left)
            self._done.notify_all()
        if not left:
            return
        in_journal = sum(journaled for _, _, journaled in left)
        if in_journal and not (self._journal is not None and self._journal.sync()):
            in_journal = 0
        with self._done:
            with self._lock:
                self._kept += in_journal
                self._dropped += len(left) - in_journal
            self._done.notify_all()
        where = f" ({self._journal.file.name})" if in_journal and self._journal is not None else ""
        log.warning("records: closing with the store unavailable (%s); %d events not written: %d kept in the "
                    "journal%s for the next start, %d dropped", self._last_error, len(left), in_journal, where,
                    len(left) - in_journal)


    # ----- the journal (records/journal_marks.py) -----------------------------------------------
    def _after_write(self) -> None:
        """With the store writable again: earlier runs' journals, then maybe a fresh journal file."""
        if self._journal is None:
            return
        try:
            store = self._open()
            self._journal.replay(store, self.max_batch, _pause)
            if not self._pending:
                self._journal.rotate(store, self._lock, lambda: not self._queue)
        except Exception as exc:  # noqa: BLE001 - the batch is stored; this is tried again after the next
            log.warning("records: journal upkeep failed (%s)", _short(exc))

    def _end_journal(self) -> None:
        """At close: with everything stored the journal goes; otherwise it stays for the next start."""
        if self._journal is not None and not self._left_at_close:
            self._journal.end(self._open())


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]
