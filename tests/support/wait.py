"""Waiting for what another thread or process will make true."""
from __future__ import annotations

import time
from typing import Callable


def wait_for(predicate: Callable[[], object], timeout: float = 10.0, *, what: str, every: float = 0.01) -> None:
    """Poll predicate until it is true; past timeout, fail saying what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    if not predicate():   # one last look: the deadline may have passed while the machine was busy
        raise AssertionError(f"waited {timeout:g} s for {what}")
