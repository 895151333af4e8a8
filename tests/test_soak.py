"""A short soak in CI (the 10,000-session one is `python main.py simulate --soak --sessions 10000`):
many children through the real engine and the real store (a SQLite file, and the hall's PostgreSQL
server named in the station's settings), nothing lost, nothing crashed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.records import Store

from .support.paths import ROOT

pytestmark = pytest.mark.slow  # a soak: many sessions through main.py in a process


def test_short_soak_loses_no_event(store_url: str, tmp_path: Path) -> None:
    (tmp_path / "station-local.json").write_text(json.dumps({"records": {"url": store_url}}))
    env = {**os.environ, "KIOSK_RECORDS_URL": "", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    out = subprocess.run([sys.executable, "main.py", "simulate", "--soak", "--sessions", "60", "--size", "1280x720",
                          "--no-narration", "--data", str(tmp_path), "--seed", "11"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    sessions = int(re.search(r"^sessions: (\d+)", out.stdout, re.M).group(1))
    emitted, written, dropped, lost = map(int, re.search(
        r"^events: (\d+) emitted, (\d+) written, (\d+) dropped, (-?\d+) lost", out.stdout, re.M).groups())
    assert sessions >= 60
    assert (written, dropped, lost) == (emitted, 0, 0) and emitted > sessions * 5
    assert "Traceback" not in out.stderr
    store = Store(store_url)  # the events are where the settings sent them
    assert store.stats()["events"] == written
    store.close()
