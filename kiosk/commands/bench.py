"""bench: the figures the issues set targets for, measured on this machine."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from kiosk.bench import memory, sessions

TARGETS = {"startup_s": 1.0, "frame_ms_p99": 16.7, "validate_s_1000_lessons": 2.0, "vision_ms_per_frame": 8.0,
           "narration_start_ms": 50.0, "frame_ms_p99_camera_on": 16.7, "frame_ms_worst_while_synth": 33.0,
           "records_frame_stall_ms": 2.0, "report_s_visit_200": 1.0, "report_s_period_1m_events": 10.0,
           "kill9_to_attract_s": 3.0, "soak_memory_growth_pct": 10.0, "soak_events_lost": 0,
           "memory_rss_mb_warm": memory.CEILING_MB, "memory_rss_mb_end": memory.CEILING_MB,
           "memory_growth_pct": memory.GROWTH_PCT}
SECTIONS = ("engine", "sessions", "vision", "voice", "records", "booking", "broadcast", "ops", "memory")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("bench", parents=[common], help="measure startup, frame times, validation speed")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--only", action="append", choices=SECTIONS, help="measure only this part (repeatable)")
    p.add_argument("--profile-frames", type=float, metavar="MS",
                   help="instead: play whole sessions at 1920x1080 and print where the frames slower than MS "
                        "spent their time (cProfile slows every frame: its figures are not the bench's)")
    p.set_defaults(func=bench)


def bench(args: argparse.Namespace) -> int:
    from kiosk.boot import headless

    headless()
    if args.profile_frames is not None:
        print(sessions.slow_frame_profile(args, args.profile_frames))
        return 0
    sections = args.only or list(SECTIONS)
    results: dict[str, Any] = {}
    if "engine" in sections:
        from kiosk.bench import frames, startup, validation

        results["startup_s"] = startup.startup_s(args)
        results.update(frames.frame_times(args))
        results["validate_s_1000_lessons"] = validation.validate_1000(args)
    if "sessions" in sections:
        results.update(sessions.run_benchmark(args))
    if "vision" in sections:
        from kiosk.bench import vision

        results.update(vision.figures(args))
    if "voice" in sections:
        from kiosk.bench import voice

        results.update(voice.figures(args))
    if "records" in sections:
        from kiosk.bench import records

        results.update(records.run_benchmark())
    if "booking" in sections:
        from kiosk.bench import booking

        with tempfile.TemporaryDirectory() as scratch:
            results.update(booking.run_benchmark(Path(scratch)))
    if "broadcast" in sections:
        from kiosk.bench import broadcast

        results.update(broadcast.run_benchmark(Path(args.content)))
    if "ops" in sections:
        from kiosk.bench import ops

        results.update(ops.ops_figures(args))
    if "memory" in sections:
        results.update(memory.run_benchmark(Path(args.content), Path(args.data)))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return verdict(results)
    for key, value in results.items():
        if key == "sessions":
            print("\n".join(sessions.table(results)))
            continue
        target = TARGETS.get(key) or (TARGETS["frame_ms_p99"] if key.startswith("frame_ms_p99_") else None)
        mark = "" if target is None or not isinstance(value, (int, float)) else (
            "  ok" if value <= target else f"  OVER target {target}")
        shown = f"{value:>9.3f}" if isinstance(value, float) else f"{value!s:>9}"
        if key in ("records_events_per_s", "broadcast_fps_1080p"):  # higher is better
            floor = 20_000 if key == "records_events_per_s" else 30
            mark = "  ok" if value >= floor else f"  UNDER target {floor}"
        print(f"{key:<40} {shown}{mark}")
    return verdict(results)


def verdict(results: dict[str, Any]) -> int:
    """Over the memory ceiling or the whole-session frame budget is a failed bench, not just a
    figure: a line on stderr, exit 1."""
    failed = [*sessions.failures(results), *memory.failures(results)]
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0
