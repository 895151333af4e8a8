"""Content updates pulled from the hall's shared folder: validated in full before they replace
the running lessons, so a half-copied or broken update never reaches a child.

The kiosk plays from <data>/content-live. A thread looks at the hall folder every few seconds;
when anything changed it loads the whole folder (lessons, pictures, stations) exactly as
`validate` does; with no errors it copies it to a fresh folder and swaps it in with a rename, and
the frame loop reloads the lessons between two frames. With errors it keeps what it has and logs
them once.
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

log = logging.getLogger("kiosk.content_sync")
POLL_S = 10.0
Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def problems_in(folder: Path) -> list[str]:
    """Every error `validate` would report for this content folder."""
    from kiosk.content.kiosk_profile import load_profiles
    from kiosk.lessons import load_content

    library = load_content(folder, log_errors=False)
    _, station_errors = load_profiles(folder, set(library.lessons))
    return [str(e) for e in [*library.errors, *station_errors] if e.severity == "error"]


class ContentSync:
    def __init__(self, hall: Path, live: Path, seed: Path):
        self.hall, self.live = Path(hall), Path(live)
        if not self.live.exists():  # first start: play what this machine shipped with
            shutil.copytree(seed, self.live)
        self.ready = threading.Event()      # set when a new version is live; the frame loop reloads
        self.applied: Snapshot | None = None
        self.rejected: Snapshot | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="content-sync", daemon=True)

    def start(self) -> "ContentSync":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        while not self._stop.wait(POLL_S):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - a bad share or a vanished folder must not stop the kiosk
                log.exception("content update check failed; keeping the running lessons")

    def check(self) -> str:
        """One look at the hall folder: 'unchanged', 'rejected' or 'applied'."""
        if not self.hall.is_dir():
            return "unchanged"
        current = snapshot(self.hall)
        if current in (self.applied, self.rejected):
            return "unchanged"
        errors = problems_in(self.hall)
        if errors or snapshot(self.hall) != current:  # broken, or still being copied
            if current != self.rejected:
                log.warning("content update in %s rejected (%d problems); keeping the running lessons:\n%s",
                            self.hall, len(errors), "\n".join(errors[:20]))
            self.rejected = current
            return "rejected"
        fresh = self.live.with_name(self.live.name + ".new")
        old = self.live.with_name(self.live.name + ".old")
        for leftover in (fresh, old):
            shutil.rmtree(leftover, ignore_errors=True)
        shutil.copytree(self.hall, fresh)
        os.replace(self.live, old)
        os.replace(fresh, self.live)
        shutil.rmtree(old, ignore_errors=True)
        self.applied = current
        log.info("content update from %s is live (%d files)", self.hall, len(current))
        self.ready.set()
        return "applied"
