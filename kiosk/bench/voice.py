"""Narration figures for `bench`: start latency from the cache, synthesis speed, prebuild time.

- narration_start_ms: cached narration (WAV in the disk cache, not yet decoded in memory: the
  case of a step that opens after `prebuild`), from the narrate() call to the first audio
  queued on the mixer (the narration Channel is playing our Sound), median over the items.
  Target: at most 50 ms. `narration_start_ms_max` is the worst, `narration_start_ms_memory` the
  median when the clip is already decoded (prefetched for the current lesson).
  The mixer then needs one buffer (512 samples, ~12 ms at 44.1 kHz) to reach the speaker.
- narration_synth_ms_per_char: synthesis time per character of text, from a cold cache.
- prebuild_s: rendering all the given items into a cold cache in a temporary folder.
- frame_ms_worst_while_synth: the render loop's worst frame while a cold cache synthesises.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable

from .frames import paced_p99


def figures(args: argparse.Namespace) -> dict[str, Any]:
    """Narration start, synthesis speed, prebuild, and the render loop while narrations synthesise."""
    from kiosk.boot import offscreen_app
    from kiosk.narration_prebuild import content_items

    items, _ = content_items(Path(args.content), lang=args.lang)
    out: dict[str, Any] = run_benchmark(Path(args.data), items)
    with tempfile.TemporaryDirectory() as cold:  # a cold cache: everything synthesises meanwhile
        app = offscreen_app(argparse.Namespace(**{**vars(args), "data": cold, "narration": True}), (1920, 1080))
        app.start_session()
        _, out["frame_ms_worst_while_synth"] = paced_p99(app, frames=300)
        app.shutdown()
    return out


def run_benchmark(data_dir: Path | str, items: Iterable[Any], *, starts: int = 20) -> dict[str, float]:
    """Figures for items ((text, persona) pairs or prebuild Items) in a scratch folder under data_dir."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from kiosk.narration_prebuild import prebuild
    from kiosk.voice.narrator import Narrator
    from kiosk.voice.synth import get_worker

    items = [(it[0], it[1] if len(it) > 1 else None) for it in items]
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-narration-", dir=data_dir))
    results: dict[str, float] = {}
    try:
        worker = get_worker()
        if not worker.wait_ready(10):
            return {"narration_unavailable": 1.0}
        chars, synth_s = 0, 0.0

        def count(done: int, total: int, job: Any) -> None:
            nonlocal chars, synth_s
            if job is not None and job.status == "synthesised":
                chars += len(job.text)
                synth_s += job.synth_s

        result = prebuild(items, scratch, count)
        results["prebuild_s"] = round(result.seconds, 3)
        results["narration_synth_ms_per_char"] = round(1000 * synth_s / chars, 3) if chars else 0.0
        results["narration_items"] = float(len(items))

        narrator = Narrator(scratch)
        try:
            if not narrator.audio_out:
                results["narration_no_audio_device"] = 1.0
                return results
            sample = items[:starts]
            cold = [_start_ms(narrator, text, persona) for text, persona in sample]
            warm = [_start_ms(narrator, text, persona) for text, persona in sample]   # decoded by now
            cold = [c for c in cold if c is not None]
            warm = [w for w in warm if w is not None]
            if cold:
                results["narration_start_ms"] = round(statistics.median(cold), 3)
                results["narration_start_ms_max"] = round(max(cold), 3)
            if warm:
                results["narration_start_ms_memory"] = round(statistics.median(warm), 3)
        finally:
            narrator.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def _start_ms(narrator: Any, text: str, persona: str | None, timeout: float = 2.0) -> float | None:
    """narrate() -> the narration Channel playing (measured from the narrator's own timestamps)."""
    narrator.narrate(text, persona)
    cur = narrator._current
    deadline = time.perf_counter() + timeout
    while cur.t_first_audio is None and time.perf_counter() < deadline:
        time.sleep(0.0005)
    narrator.stop()
    if cur.t_first_audio is None:
        return None
    return (cur.t_first_audio - cur.t_called) * 1000
