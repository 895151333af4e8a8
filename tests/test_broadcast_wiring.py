"""simulate --broadcast: a simulated session recorded as the program feed, from the command line."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from .support.paths import FIXTURES, ROOT

pytestmark = [pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed"), pytest.mark.slow]


def test_simulate_records_the_program_feed(tmp_path: Path) -> None:
    out = tmp_path / "class.mp4"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    run = subprocess.run([sys.executable, "main.py", "simulate", "--sessions", "1", "--seed", "2", "--no-records",
                          "--content", str(FIXTURES), "--data", str(tmp_path / "var"), "--broadcast", str(out),
                          "--size", "1280x720"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    cap = cv2.VideoCapture(str(out))
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    frames = 0
    while cap.read()[0]:
        frames += 1
    assert size == (1920, 1080) and frames > 30 * 5   # the session's whole length, at 30 fps
    bad = subprocess.run([sys.executable, "main.py", "simulate", "--sessions", "1", "--no-records",
                          "--content", str(FIXTURES), "--data", str(tmp_path / "var"), "--broadcast", "ftp://nope"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "--broadcast" in bad.stderr + bad.stdout and "Traceback" not in bad.stderr
