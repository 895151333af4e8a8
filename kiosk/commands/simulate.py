"""simulate: children playing headlessly through the real engine on an accelerated clock; prints a
summary with memory growth after warm-up and events lost. The first child comes once the kiosk
has rehearsed its lessons on the attract screen, as in the hall, which boots before it opens
(sim.open_hall). --soak: one frame per child action, so 10,000 children take minutes, with
progress on stderr. Frame figures are given less the moments the whole machine stood still
(kiosk/machine_pauses.py), and as timed."""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
from pathlib import Path
from typing import Any

from kiosk import machine_pauses, stop_signals
from kiosk.boot import engine_options

WARM_UP = 0.1  # memory is compared from the end of the first tenth of the sessions
# Resident memory swings by tens of MB from one moment to the next (frames, surfaces and decoder
# buffers in flight), so growth compares the median of a tenth of the run just after warm-up
# with the median of the last tenth, one reading per child, not two single readings.


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("simulate", parents=[common], help="play N child sessions headlessly")
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--size", default="1920x1080", metavar="WxH")
    p.add_argument("--soak", action="store_true",
                   help="a long run: one frame per child action, memory growth and lost events reported")
    engine_options(p, camera="none")
    p.set_defaults(func=simulate)


def rss_mb() -> float:
    """Resident memory now (Linux /proc), else the peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def simulate(args: argparse.Namespace) -> int:
    from kiosk import sim
    from kiosk.boot import offscreen_app
    from kiosk.commands.screenshot import parse_size
    from kiosk.engine.pilot import Pilot

    app = offscreen_app(args, parse_size(args.size))
    if not app.library.lessons:
        print(f"no playable lessons in {args.content}: run 'python main.py validate' to see why")
        return 1
    app.after_start_up()  # as `run` does: garbage collected and steps rehearsed between frames
    opened_after = sim.open_hall(app)
    readings: list[float] = []
    warm_at = max(1, int(args.sessions * WARM_UP))

    recorder = app.recorder if hasattr(app.recorder, "flush") else None

    def progress(done: int) -> None:
        if recorder is not None and recorder.stats.store_ok:
            # the clock runs ~1000x fast here and the frame loop never sleeps, so the writer thread
            # gets little of the interpreter; between two children real time passes: let it write
            recorder.flush(5.0)
        readings.append(rss_mb())
        if (args.soak or args.sessions >= 200) and done % max(1, args.sessions // 20) == 0:
            print(f"  {done}/{args.sessions} sessions, {readings[-1]:.0f} MB", file=sys.stderr, flush=True)

    pilot = Pilot(app)
    with stop_signals.polled():  # SIGTERM/SIGINT: the children stop, the store is flushed, the summary says so
        try:
            with machine_pauses.PauseWatch() as watch:
                summary = sim.simulate(app, args.sessions, args.seed, fast=args.soak, on_progress=progress,
                                       pilot=pilot)
        finally:
            app.shutdown()
    memory = memory_growth(readings, warm_at)
    opened = f"opened after {opened_after:.0f} s of attract screen (every step rehearsed first)"
    for line in [*summary.lines(), *pause_lines(pilot, watch), opened, *soak_lines(summary, memory, app.recorder)]:
        print(line)
    return 0


def pause_lines(pilot: Any, watch: machine_pauses.PauseWatch) -> list[str]:
    """The frames less the machine's pauses, and what the pauses were (the summary's frame line is as timed)."""
    raw = list(pilot.frame_ms)
    net, fig = machine_pauses.discounted(pilot.frame_at, raw, watch.pauses)
    if not net:
        return []
    net.sort()
    last = "" if len(raw) == pilot.frame_count else f" (the last {len(raw)} frames)"
    return [f"frames less machine pauses{last}: worst frame {net[-1]:.1f} ms, p99 {net[int(len(net) * 0.99)]:.1f} ms",
            machine_pauses.describe(fig)]


def memory_growth(readings: list[float], warm_at: int) -> dict[str, float]:
    """Median resident MB of the tenth of the run after warm-up ("warm") and of the last tenth ("end")."""
    if not readings:
        return {"warm": 0.0, "end": rss_mb()}
    span = max(1, warm_at)
    after_warm_up = readings[warm_at:warm_at + span] or readings[-span:]
    return {"warm": statistics.median(after_warm_up), "end": statistics.median(readings[-span:])}


def soak_lines(summary: Any, memory: dict[str, float], recorder: Any) -> list[str]:
    growth = (memory["end"] - memory["warm"]) / memory["warm"] * 100 if memory.get("warm") else 0.0
    lines = [f"memory: {memory.get('warm', 0):.1f} MB after warm-up, {memory['end']:.1f} MB at the end "
             f"({growth:+.1f}%; medians of a tenth of the run each)"]
    stats = getattr(recorder, "stats", None)
    if stats is not None:
        # lost: neither written, nor kept in the journal for the next start, nor counted as dropped or rejected
        lost = summary.events - stats.written - stats.dropped - stats.rejected - stats.kept
        lines.append(f"events: {summary.events} emitted, {stats.written} written, {stats.dropped} dropped, "
                     f"{lost} lost ({stats.rejected} rejected, {stats.kept} kept in the journal for the next start)")
    return lines
