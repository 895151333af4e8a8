"""Moments when the whole machine stood still, seen from outside the kiosk, so that frame figures
can tell the kiosk's own slowness from the machine's.

Why: on a virtual machine the host can take every CPU away at once. Measured on the 2-CPU
development VM (2026-12-03): a C loop of 0.7 ms steps, with no system call and no allocation,
had single steps of 33-89 ms one to three times a minute, on both CPUs at the same instant and
for the same length, and the kernel charged them to the looping thread as its own CPU time. No
clock inside the kiosk can tell such a pause from work, and a 17-minute run meets a dozen.

How: a watcher process (`python -m kiosk.machine_pauses`) keeps one sleeping thread on each CPU
(up to MAX_CPUS), each waking every PERIOD_S at real-time priority where the system allows it,
so that it runs the moment it wakes, ahead of any kiosk thread. A thread that wakes LATE_MS or
more after it should have was kept from running by something above the scheduler; when every
CPU's thread was late over the same span, the machine was paused then. A kiosk thread, however
busy, holds up no watcher, and a CPU taken from the VM alone is not counted. With one CPU
nothing can be told apart and no pause is reported. Checked against the C loop on both CPUs
over 150 s: its three stalls over 8 ms on both CPUs were the watcher's three longest pauses.

Times are time.perf_counter() seconds, which on Linux is CLOCK_MONOTONIC in every process, so
the kiosk's frame times and the watcher's spans are on one clock.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

PERIOD_S = 0.001
LATE_MS = 4.0       # a sleeper the system runs first when it wakes (real-time priority) is late by
                    # under 0.1 ms; a halted idle CPU's wake-up can take 3-6 ms on this VM
LATE_MS_SHARED = 8.0  # without it a woken sleeper may wait for a busy thread's time slice
MAX_CPUS = 4

Span = tuple[float, float]  # (from, to), perf_counter seconds


def _late_spans(cpu: int, stop: threading.Event, out: list[Span]) -> None:
    """Sleep PERIOD_S at a time on one CPU; note each span it woke too late after it should have."""
    os.sched_setaffinity(0, {cpu})  # 0: this thread (Linux)
    try:  # run the moment it wakes, ahead of any kiosk thread, where the system allows it
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
        late_s = LATE_MS / 1000
    except (PermissionError, AttributeError):
        late_s = LATE_MS_SHARED / 1000
    while not stop.is_set():
        due = time.perf_counter() + PERIOD_S
        time.sleep(PERIOD_S)
        woke = time.perf_counter()
        if woke - due > late_s:
            out.append((due, woke))


def watch_until_stdin_closes() -> None:
    """The watcher process: a thread per CPU until its stdin closes, then the late spans of each CPU as JSON."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the run it watches; it ends with that run
    cpus = sorted(os.sched_getaffinity(0))[:MAX_CPUS]
    stop = threading.Event()
    spans: list[list[Span]] = [[] for _ in cpus]
    threads = [threading.Thread(target=_late_spans, args=(cpu, stop, out), daemon=True)
               for cpu, out in zip(cpus, spans)]
    for thread in threads:
        thread.start()
    print("watching", len(cpus), flush=True)
    sys.stdin.read()
    stop.set()
    for thread in threads:
        thread.join()
    json.dump(spans, sys.stdout)


def common_spans(per_cpu: Sequence[Sequence[Span]]) -> list[Span]:
    """The spans in which every CPU was late: the machine paused. Fewer than two CPUs: none."""
    if len(per_cpu) < 2:
        return []
    common = sorted(per_cpu[0])
    for spans in per_cpu[1:]:
        common = _intersect(common, sorted(spans))
    return common


def _intersect(a: list[Span], b: list[Span]) -> list[Span]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def net_ms(frames: Iterable[tuple[float, float]], pauses: Sequence[Span]) -> list[float]:
    """Each frame's (start s, ms) less the time the machine was paused in it, in ms."""
    pauses = sorted(pauses)
    out = []
    for start, ms in frames:
        end = start + ms / 1000
        paused = sum(max(0.0, min(end, hi) - max(start, lo)) for lo, hi in pauses if lo < end and hi > start)
        out.append(max(0.0, ms - paused * 1000))
    return out


def discounted(frame_at: Iterable[float], raw_ms: Sequence[float], pauses: Sequence[Span]) -> tuple[list[float], dict[str, float]]:
    """Frames (their start times and ms as timed) less the pauses in them, and figures() of the run."""
    net = net_ms(zip(frame_at, raw_ms), pauses)
    return net, figures(raw_ms, net, pauses)


def figures(raw_ms: Sequence[float], net: Sequence[float], pauses: Sequence[Span]) -> dict[str, float]:
    """What the pauses did to a run's frames: how many, how long, how many frames they fell in, and
    the frames' p99 and worst as timed, pauses included."""
    ordered = sorted(raw_ms)
    return {"pauses": len(pauses), "paused_ms": round(sum(hi - lo for lo, hi in pauses) * 1000, 1),
            "frames_paused": sum(r - n > 0.05 for r, n in zip(raw_ms, net)),
            "p99_as_timed": round(ordered[int(len(ordered) * 0.99)], 2) if ordered else 0.0,
            "worst_as_timed": round(ordered[-1], 2) if ordered else 0.0}


def describe(fig: dict[str, float]) -> str:
    """figures() in a line."""
    return (f"the machine paused {fig['pauses']:g} times ({fig['paused_ms']:.0f} ms in all, in {fig['frames_paused']:g} "
            f"frames); as timed, pauses included: worst {fig['worst_as_timed']:.1f} ms, p99 {fig['p99_as_timed']:.1f} ms")


class PauseWatch:
    """The watcher process around a run: `with PauseWatch() as watch: ...`, then `watch.pauses`."""

    def __init__(self) -> None:
        self.pauses: list[Span] = []
        self.late_by_cpu: list[list[Span]] = []  # each CPU's own late spans, for a closer look
        self.cpus = 0
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> PauseWatch:
        if not hasattr(os, "sched_getaffinity"):  # not Linux: no CPU to pin a watcher on, no pauses told
            return self
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        self._proc = subprocess.Popen([sys.executable, "-m", "kiosk.machine_pauses"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, env=env)
        assert self._proc.stdout is not None
        ready = self._proc.stdout.readline().split()  # "watching N": its threads run from here on
        self.cpus = int(ready[1]) if len(ready) == 2 and ready[1].isdigit() else 0
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is None:
            return
        out, _ = self._proc.communicate(timeout=30)
        self.late_by_cpu = json.loads(out) if self._proc.returncode == 0 and out else []
        self.pauses = common_spans(self.late_by_cpu)

    @property
    def pid(self) -> int:
        return self._proc.pid if self._proc is not None else 0

    @property
    def paused_ms(self) -> float:
        return sum(hi - lo for lo, hi in self.pauses) * 1000


if __name__ == "__main__":
    watch_until_stdin_closes()
