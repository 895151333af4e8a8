"""The passport cards' PDF of a visit for the booking pages, built once and kept: its file name holds a
hash of everything printed on it (the visit's school, class, date and times, the cards' codes), so a
change to any of them makes a new file and a download of an unchanged visit is a file read. The build
runs outside any write transaction (the cards are issued first, which writes only when some are
missing), one at a time per visit, so a class's teachers downloading at once build it once."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

from kiosk.records.store import Store

FOLDER = "passports"
LAYOUT = "cards-2x5-v1"   # change when the cards' layout changes: every cached file is then rebuilt


class PassportCache:
    def __init__(self, store: Store, data_dir: Path, lang: str = "zh"):
        self.store = store
        self.folder = Path(data_dir) / FOLDER
        self.lang = lang
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def pdf(self, visit_id: int) -> Path:
        """The visit's cards as a PDF file (KeyError: no such visit)."""
        from kiosk.reports.pdf import passports_pdf

        visit = self.store.visit(visit_id)
        if visit is None:
            raise KeyError(visit_id)
        cards = self.store.issue_passports(visit_id)
        printed = [visit.school, visit.class_name, visit.date, visit.start_time, visit.end_time,
                   [c["code"] for c in cards], self.lang, LAYOUT]
        key = hashlib.sha256(json.dumps(printed, ensure_ascii=False).encode()).hexdigest()[:20]
        final = self.folder / f"visit-{int(visit_id)}-{key}.pdf"
        with self._lock(visit_id):
            if final.is_file():
                return final
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".cards-", suffix=".pdf")
            os.close(fd)
            try:
                passports_pdf(visit, cards, Path(tmp), self.lang)
                os.replace(tmp, final)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            for old in self.folder.glob(f"visit-{int(visit_id)}-*.pdf"):
                if old != final:
                    old.unlink(missing_ok=True)
        return final

    def _lock(self, visit_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(int(visit_id), threading.Lock())
