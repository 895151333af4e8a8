"""A real disk to fill up: a small tmpfs mounted for one test. Mounting needs root, which CI has;
elsewhere the disk-full tests are skipped with that reason."""
from __future__ import annotations

import errno
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHUNK = 65536


@contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("filling a real disk needs a tmpfs mount, so root (CI runs as root)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "kiosk-test-disk", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> Path:
    """Write a filler file until not one more byte fits: 64 KiB writes, then, once one fails,
    halving the size down to a single byte. Delete the file to free the space again."""
    filler = disk / "filler"
    size = CHUNK
    with filler.open("ab", buffering=0) as fh:
        while size:
            try:
                fh.write(b"\0" * size)  # may write part of it: the next write says the disk is full
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                size //= 2
    assert os.statvfs(disk).f_bavail == 0
    return filler
