"""Machine pauses: spans in which every CPU's watcher was late are the machine's, one CPU late is
not; frames are counted less the pause time inside them; a watcher held still is seen as a pause."""
from __future__ import annotations

import os
import signal
import time

import pytest

from kiosk import machine_pauses
from kiosk.machine_pauses import PauseWatch, common_spans, net_ms


def test_a_pause_is_when_every_cpu_was_late_together() -> None:
    cpu0 = [(1.000, 1.030), (2.000, 2.010), (5.0, 5.004)]
    cpu1 = [(1.005, 1.031), (3.000, 3.020), (5.002, 5.006)]
    assert common_spans([cpu0, cpu1]) == [(1.005, 1.030), (5.002, 5.004)]
    assert common_spans([cpu0, cpu1, [(1.010, 1.020)]]) == [(1.010, 1.020)]
    assert common_spans([cpu0, []]) == []          # one CPU late: a busy thread, not the machine
    assert common_spans([cpu0]) == []              # one CPU: nothing can be told apart


def test_frames_are_counted_less_the_pause_inside_them() -> None:
    pauses = [(10.005, 10.045), (20.0, 20.001)]
    frames = [(10.000, 50.0),   # a 40 ms pause inside a 50 ms frame: 10 ms were the kiosk's
              (10.040, 8.0),    # the pause's last 5 ms
              (11.000, 9.0),    # no pause
              (19.9995, 2.0)]   # a 1 ms pause inside
    assert [round(ms, 3) for ms in net_ms(frames, pauses)] == [10.0, 3.0, 9.0, 1.0]
    fig = machine_pauses.figures([50.0, 8.0, 9.0, 2.0], net_ms(frames, pauses), pauses)
    assert fig["pauses"] == 2 and fig["paused_ms"] == 41.0 and fig["frames_paused"] == 3
    assert fig["worst_as_timed"] == 50.0


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="a pause is told apart on two CPUs or more")
def test_a_watcher_held_still_reports_the_span_as_a_pause() -> None:
    """SIGSTOP holds every watcher thread at once, as a host pausing the machine does."""
    with PauseWatch() as watch:
        assert watch.cpus >= 2
        held_from = time.perf_counter()
        os.kill(watch.pid, signal.SIGSTOP)
        time.sleep(0.08)  # the length of the pause under test, not a wait for something to happen
        os.kill(watch.pid, signal.SIGCONT)
        held_to = time.perf_counter()
    inside = sum(max(0.0, min(hi, held_to) - max(lo, held_from)) for lo, hi in watch.pauses)
    assert inside >= 0.8 * (held_to - held_from)
    assert watch.paused_ms >= inside * 1000
