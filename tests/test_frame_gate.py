"""Workers take their next task in the gap after a frame (kiosk/frame_gate.py): one waiting while
a frame is drawn goes on as it ends, and none waits longer than its limit."""
from __future__ import annotations

import threading
import time
from typing import Callable

from kiosk import frame_gate
from kiosk.engine.app import App


def test_a_worker_waits_for_the_frame_to_end() -> None:
    began: list[float] = []
    with frame_gate.drawing():
        worker = threading.Thread(target=lambda: (frame_gate.wait_for_gap(5.0), began.append(time.monotonic())))
        worker.start()
        worker.join(0.2)
        assert worker.is_alive() and not began     # held back while the frame is drawn
        ended = time.monotonic()
    worker.join(5.0)
    assert began and began[0] >= ended


def test_no_worker_waits_longer_than_its_limit() -> None:
    with frame_gate.drawing():
        t = time.monotonic()
        assert frame_gate.wait_for_gap(0.05) is False
        assert time.monotonic() - t < 1.0
    assert frame_gate.wait_for_gap(0.0) is True     # no frame: the gate is open


def test_the_app_closes_the_gate_in_its_frames_only(make_app: Callable[..., App]) -> None:
    app = make_app()
    seen: list[bool] = []
    draw = app._draw

    def looking() -> None:
        seen.append(frame_gate.wait_for_gap(0.0))
        draw()

    app._draw = looking  # type: ignore[method-assign]
    app.frame(1 / 60)
    assert seen == [False]                          # inside the frame: closed
    assert frame_gate.wait_for_gap(0.0) is True     # after it: open
