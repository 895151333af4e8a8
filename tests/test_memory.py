"""Memory for a kiosk that runs all day: camera-sized arrays made and freed on a thread go back to
the system once glibc's mmap threshold is pinned (kiosk/memory.py), and stay resident without it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

FRAMES_ON_A_THREAD = r"""
import sys, threading
sys.path.insert(0, {root!r})
import numpy as np
from kiosk import memory
from kiosk.commands.simulate import rss_mb
if sys.argv[1] == "pin":
    assert memory.pin_mmap_threshold()
big = np.ones(4 << 20, np.uint8)
del big                     # glibc would now raise its mmap threshold to 4 MB
base = rss_mb()
small = []

def camera():
    frames = []
    for _ in range(60):     # 60 frames of 640x480, with small arrays that live on between them
        frames.append(np.ones(921_600, np.uint8))
        small.append(np.ones(2048, np.uint8))
    frames.clear()

thread = threading.Thread(target=camera)
thread.start()
thread.join()
print(rss_mb() - base)
"""


def resident_after_frames(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", FRAMES_ON_A_THREAD.format(root=str(ROOT)), mode],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return float(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator is Linux's")
def test_freed_frames_go_back_to_the_system_once_the_threshold_is_pinned() -> None:
    assert resident_after_frames("pin") < 5            # MB of the 55 MB of frames still resident
    assert resident_after_frames("moving") > 30        # what the kiosk grew by before
