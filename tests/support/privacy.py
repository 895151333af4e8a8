"""Catching a write: an audit hook sees every file the Python side opens for writing (and file
creation, renames, removals), and OpenCV's own writers are replaced by ones that fail."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import cv2
import pytest

_WRITES: list[tuple] = []
_ARMED = [False]
_WRITE_EVENTS = {"os.mkdir", "os.rename", "os.remove", "os.truncate", "shutil.copyfile", "shutil.move",
                 "os.link", "os.symlink", "os.chmod"}


def _hook(event: str, args: tuple) -> None:
    if not _ARMED[0]:
        return
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (1 | 2 | 64 | 512 | 1024))   # O_WRONLY O_RDWR O_CREAT O_TRUNC O_APPEND
        if writing:
            _WRITES.append((event, str(path), mode))
    elif event in _WRITE_EVENTS:
        _WRITES.append((event, str(args[0]) if args else ""))


sys.addaudithook(_hook)   # cannot be removed; idle unless armed


@contextmanager
def no_writes(monkeypatch: pytest.MonkeyPatch):
    def refuse(*a, **k):
        raise AssertionError("vision code tried to write a picture")

    for name in ("imwrite", "imencode", "VideoWriter", "imwritemulti"):
        if hasattr(cv2, name):
            monkeypatch.setattr(cv2, name, refuse)
    _WRITES.clear()
    _ARMED[0] = True
    try:
        yield _WRITES
    finally:
        _ARMED[0] = False
