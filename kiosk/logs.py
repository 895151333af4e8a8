"""Structured, rotated logs for a kiosk that runs all day: one JSON object per line in
<data>/logs/kiosk.log (5 files of 2 MB), plus readable lines on the console.

No personal data goes in: the kiosk never logs names (it has none), camera frames, typed PIN
or passport numbers; session ids are random and carry nothing about a child.
"""
from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from pathlib import Path

MAX_BYTES = 2_000_000
BACKUPS = 5


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created)) + f".{int(record.msecs):03d}",
                 "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RotatingJsonFile(logging.handlers.RotatingFileHandler):
    """The log file. A full or failing disk costs log lines, never the kiosk: each outage is said
    once on the console (which still gets every line), not as a traceback per line."""

    failures = 0

    def emit(self, record: logging.LogRecord) -> None:
        before = self.failures
        super().emit(record)
        if self.failures == before:
            self.failures = 0  # written again: the next outage is said again

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failures += 1
        if self.failures == 1:
            error = sys.exc_info()[1]
            sys.stderr.write(f"kiosk: cannot write the log file {self.baseFilename} ({error}); "
                             "logging to the console only until it can\n")


def setup(data_dir: Path, verbose: bool = False, to_file: bool = True) -> Path | None:
    """Console logging always; the rotating JSON file when the data folder is writable."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers[:] = [console]
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # PDF font subsetting chatters at INFO
    if not to_file:
        return None
    path = Path(data_dir) / "logs" / "kiosk.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingJsonFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError as exc:  # a read-only data folder must not stop the kiosk
        logging.getLogger(__name__).warning("no log file in %s (%s); console only", path.parent, exc)
        return None
    handler.setFormatter(JsonLines())
    root.addHandler(handler)
    return path
