"""Startup: process start to the first attract frame on screen."""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time


def startup_s(args: argparse.Namespace, runs: int = 3) -> float:
    """Process start to the first attract frame on screen (median of a few runs)."""
    times = []
    for _ in range(runs):
        began = time.time()
        proc = subprocess.run([sys.executable, "main.py", "run", "--windowed", "--size", "1920x1080", "--frames", "1",
                               "--content", args.content, "--data", args.data],
                              capture_output=True, text=True, env={**os.environ}, check=True)
        found = re.search(r"first frame at ([\d.]+)", proc.stderr)
        if not found:
            raise RuntimeError(f"no first frame reported: {proc.stderr[-500:]}")
        times.append(float(found.group(1)) - began)
    return round(statistics.median(times), 3)
