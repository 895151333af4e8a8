"""The hall's retention, run by `serve` once a day and by `purge --older-than DAYS`: everything older
than the period goes, bookings with their teachers' names and phone numbers included (Store.purge,
which overwrites what it deletes on SQLite), and then the files of visits no longer in the store
(their passport PDFs and reports in the data folder, which name the school and class)."""
from __future__ import annotations

import logging
import re
import shutil
import threading
from pathlib import Path
from typing import Callable

from sqlalchemy import select

from kiosk.records import schema as s
from kiosk.records.store import Store

from .calendar import CalendarFile

log = logging.getLogger(__name__)

DAY_S = 86400.0


def drop_visit_files(store: Store, data_dir: Path) -> int:
    """Delete the passport PDFs and report folders of visits the store no longer has; returns how many."""
    with store.read() as conn:
        visits = set(conn.execute(select(s.visits.c.id)).scalars())
    gone = 0
    for path in sorted((data_dir / "passports").glob("visit-*.pdf")):
        found = re.match(r"visit-(\d+)[-.]", path.name)
        if found and int(found.group(1)) not in visits:
            path.unlink(missing_ok=True)
            gone += 1
    reports = data_dir / "reports"
    for folder in sorted(reports.iterdir()) if reports.is_dir() else []:
        if folder.is_dir() and folder.name.isdigit() and int(folder.name) not in visits:
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
    return gone


def purge_old(store: Store, calendar_file: CalendarFile, now: float) -> dict[str, int]:
    """One purge of what is older than the calendar's retention period; returns what it deleted."""
    days = calendar_file.load().retention_days
    counts = store.purge(now - days * DAY_S)
    counts["files"] = drop_visit_files(store, calendar_file.path.parent)
    if any(counts.values()):
        log.info("retention: deleted %s (older than %d days)",
                 ", ".join(f"{n} {name}" for name, n in counts.items() if n), days)
    return counts


class DailyPurge:
    """A daemon thread running purge_old at once and then every `every_s` seconds until stop()."""

    def __init__(self, store: Store, calendar_file: CalendarFile, clock: Callable[[], float],
                 every_s: float = DAY_S):
        self.store, self.calendar_file, self.clock, self.every_s = store, calendar_file, clock, every_s
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)

    def start(self) -> "DailyPurge":
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                purge_old(self.store, self.calendar_file, self.clock())
            except Exception:  # noqa: BLE001 - a failed purge (a locked or unreachable store) waits a day
                log.exception("retention: the purge failed; trying again in %.0f s", self.every_s)
            self.runs += 1
            self._stop.wait(self.every_s)
