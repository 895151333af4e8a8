"""Validation speed: loading and checking a thousand lessons."""
from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from pathlib import Path


def validate_1000(args: argparse.Namespace) -> float:
    """Time to load and check 1000 lessons (copies of the demo lessons under new ids)."""
    from kiosk.lessons import load_content

    sources = sorted((Path(args.content) / "lessons").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "lessons").mkdir()
        if (Path(args.content) / "images").is_dir():
            shutil.copytree(Path(args.content) / "images", root / "images")
        for i in range(1000):
            src = sources[i % len(sources)]
            text = src.read_text(encoding="utf-8")
            text = re.sub(r"^id: (.+)$", rf"id: bench-{i:04d}", text, count=1, flags=re.M)
            (root / "lessons" / f"l{i:04d}.yaml").write_text(text, encoding="utf-8")
        began = time.perf_counter()
        library = load_content(root, log_errors=False)
        elapsed = time.perf_counter() - began
    if len(library.lessons) != 1000:
        raise RuntimeError(f"only {len(library.lessons)} of 1000 lessons loaded: {library.errors[:3]}")
    return round(elapsed, 3)
