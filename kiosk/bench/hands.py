"""Raised hands counted across a group during a live poll (kiosk/vision/poll_count.py, fed by the
one vision Pipeline): accuracy and speed, for the live poll's report. Run as
`python -m kiosk.bench.hands`; `bench` does not include it."""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any, Iterable

import cv2
import numpy as np

from kiosk.vision.pipeline import Pipeline
from kiosk.vision.poll_count import HandCount
from kiosk.vision.replay import file_frames

from .paths import MEDIA, ROOT
from .vision import load_synthetic

LABELLED = ROOT / "tests" / "fixtures" / "vision" / "real"


def run(frames: Iterable[tuple[np.ndarray, float]]) -> tuple[list[HandCount], list[float], list[float]]:
    """Counts per frame, and CPU ms per frame of a poll frame (the pipeline counting) and of the
    same pipeline without a poll, interleaved so both see the same machine load."""
    poll, plain = Pipeline(), Pipeline()
    poll.count_hands(True)
    counts, ms_poll, ms_plain = [], [], []
    for frame, t in frames:
        c0 = time.thread_time()
        poll.process(frame, t)
        c1 = time.thread_time()
        plain.process(frame, t)
        ms_poll.append((c1 - c0) * 1000.0)
        ms_plain.append((time.thread_time() - c1) * 1000.0)
        assert poll.hand_count is not None
        counts.append(poll.hand_count)
    return counts, ms_poll, ms_plain


def figures(media_dir: Path | None = None) -> dict[str, Any]:
    """Accuracy and speed on the synthetic group clips (tests/vision_clips.py), the labelled real
    clips (tests/fixtures/vision/real) and the real clips in ../shared/media, each when present.

    Synthetic accuracy is over frames at least 1 s after the true counts last changed
    ("settled"): the share with both counts exact, within +-1, the mean error per side, the
    share with `people` right. On real clips: the most hands counted per side, and the error
    against the raises labelled (a clip with none should count none). Speed is CPU ms per
    frame, OpenCV on one thread: `ms_poll` a poll frame, `ms_plain` the pipeline alone."""
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    out: dict[str, Any] = {}

    def speed(key: str, ms_poll: list[float], ms_plain: list[float]) -> None:
        out[f"{key}_ms_poll"] = round(statistics.mean(ms_poll), 2)
        out[f"{key}_ms_poll_p95"] = round(float(np.percentile(ms_poll, 95)), 2)
        out[f"{key}_ms_plain"] = round(statistics.mean(ms_plain), 2)

    try:
        vc = load_synthetic()
        for clip in ([] if vc is None else [*vc.group_suite(), vc.clip_group_big_class()]):
            counts, ms_poll, ms_plain = run(clip.frames())
            changes = clip.changes()
            rows = [(c, clip.truth(c.t)) for c in counts if c.t >= 2.0 and all(not 0 <= c.t - tc < 1.0 for tc in changes)]
            n, key = max(1, len(rows)), clip.name
            out[f"{key}_exact"] = round(sum(c.left == L and c.right == R for c, (L, R, _) in rows) / n, 3)
            out[f"{key}_within1"] = round(sum(abs(c.left - L) <= 1 and abs(c.right - R) <= 1
                                              for c, (L, R, _) in rows) / n, 3)
            out[f"{key}_error_per_side"] = round(sum(abs(c.left - L) + abs(c.right - R)
                                                     for c, (L, R, _) in rows) / (2 * n), 3)
            out[f"{key}_people_right"] = round(sum(c.people == P for c, (_, _, P) in rows) / n, 3)
            speed(key, ms_poll, ms_plain)
        media = Path(media_dir) if media_dir is not None else MEDIA
        real = [(d.name, d / "clip.mp4", json.loads((d / "truth.json").read_text()))
                for d in sorted(LABELLED.glob("*")) if (d / "truth.json").is_file()]
        real += [(p.stem, p, {"events": []}) for p in sorted(media.glob("*")) if p.suffix in (".mkv", ".mp4", ".gif")]
        for key, path, truth in real:
            counts, ms_poll, ms_plain = run(file_frames(path))
            raised = {e["side"] for e in truth["events"] if e["type"] == "raise"}
            got = (max(c.left for c in counts), max(c.right for c in counts))
            out[f"{key}_max_raised"] = list(got)
            out[f"{key}_count_error"] = abs(got[0] - ("left" in raised)) + abs(got[1] - ("right" in raised))
            out[f"{key}_max_people"] = max(c.people for c in counts)
            speed(key, ms_poll, ms_plain)
        return out
    finally:
        cv2.setNumThreads(threads)


if __name__ == "__main__":   # python -m kiosk.bench.hands
    print(json.dumps(figures(), indent=1))
