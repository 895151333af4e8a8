"""Vision figures for `bench`: speed of the whole pipeline and, per recogniser, hits / misses /
false alarms / latency on the synthetic suite (tests/vision_clips.py, with ground truth) and on
the real clips in ../shared/media (when that folder exists); then the render loop with a camera on.

`run_benchmark(media_dir)` returns one flat dict of JSON-able numbers (plus `media_available`),
with the labelled real-footage set in tests/fixtures/vision/real (kiosk/vision/labelled.py) as
<type>_labelled_<figure> where that folder exists; `figures(args)` adds the render loop.
Speed is measured with OpenCV limited to one thread (the target is 8 ms per 640x480 frame on
one core); the thread count is restored afterwards.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import statistics
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

import cv2
import numpy as np

from kiosk.vision.faces import blur_faces
from kiosk.vision.labelled import TYPES, flat_figures, score_set
from kiosk.vision.replay import file_frames, run_frames
from kiosk.vision.scoring import merge, score
from kiosk.vision.settings import VisionSettings
from kiosk.vision.sources import open_source

from .frames import paced_p99
from .paths import CAMERA_CLIP, MEDIA, ROOT

LABELLED = ROOT / "tests" / "fixtures" / "vision" / "real"
# A 3x3 grid over the whole screen: any pointer that rests anywhere for the dwell time selects.
GRID = [{"id": f"g{r}{c}", "rect": [c / 3, r / 3, 1 / 3, 1 / 3]} for r in range(3) for c in range(3)]
# people_walking_one_by_one.mp4: empty room per the media README (seconds).
WALK_EMPTY = [(0, 6), (20.5, 22.5), (45, 50), (70, 74), (87.5, 92), (120.5, 123.5), (137, 139)]
WALK_WINDOW = (-1.0, 3.0)   # an arrival/leave within -1..+3 s of the README's edge counts as a hit


def load_synthetic() -> ModuleType | None:
    """The synthetic suite lives with the tests; absent in an installed package."""
    path = ROOT / "tests" / "vision_clips.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("vision_clips", path)
    if spec is None or spec.loader is None:
        return None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("vision_clips", mod)
    spec.loader.exec_module(mod)
    return mod


def _flat(prefix: str, scored: dict[str, dict[str, Any]], types: Iterable[str] = TYPES) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tp in types:
        v = scored.get(tp, {"hits": 0, "misses": 0, "false_alarms": 0, "latencies": []})
        out[f"{tp}_{prefix}_hits"] = v["hits"]
        out[f"{tp}_{prefix}_misses"] = v["misses"]
        out[f"{tp}_{prefix}_false_alarms"] = v["false_alarms"]
        if v["latencies"]:
            out[f"{tp}_{prefix}_latency_s"] = round(statistics.mean(v["latencies"]), 3)
    return out


def synthetic_figures(vc: ModuleType, timings: list[float]) -> dict[str, Any]:
    total: dict[str, dict[str, Any]] = {}
    arrive, leave, dwell = [], [], []
    for clip in vc.suite():
        events = run_frames(clip.frames(), targets=clip.targets, timings=timings)
        scored = score(events, clip.truth)
        merge(total, scored)
        # presence latency per state, dwell latency (select time - time the hand entered)
        for st, bucket in (("arrived", arrive), ("left", leave)):
            sub = score([e for e in events if e.get("state") == st],
                        [tr for tr in clip.truth if tr.get("state") == st])
            bucket += sub.get("presence", {}).get("latencies", [])
        dwell += scored.get("select", {}).get("latencies", [])
    out = _flat("synthetic", total)
    out.pop("presence_synthetic_latency_s", None)   # arrived and left differ: reported apart below
    if arrive:
        out["presence_arrived_synthetic_latency_s"] = round(statistics.mean(arrive), 3)
    if leave:
        out["presence_left_synthetic_latency_s"] = round(statistics.mean(leave), 3)
    if dwell:
        out["dwell_latency_s"] = round(max(dwell), 3)           # worst case: target is dwell + 0.1
        out["dwell_latency_target_s"] = round(VisionSettings().dwell_s + 0.1, 3)
    # Mirror: the same raise clip without mirroring must report the other side.
    clip = vc.clip_raise()
    flipped = run_frames(clip.frames(), dataclasses.replace(VisionSettings(), mirror=False))
    sides = [e["side"] for e in flipped if e["type"] == "raise"]
    out["mirror_off_raise_sides"] = ",".join(sides)
    return out


def walking_truth() -> list[dict[str, Any]]:
    truth = []
    for (a0, a1), (b0, _) in zip(WALK_EMPTY, WALK_EMPTY[1:]):
        truth.append({"t": a1, "type": "presence", "state": "arrived", "window": list(WALK_WINDOW)})
        truth.append({"t": b0, "type": "presence", "state": "left", "window": list(WALK_WINDOW)})
    return truth


def real_figures(media: Path, timings: list[float]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    real: dict[str, dict[str, Any]] = {}

    park = media / "no_people_car_parking_lot.mp4"
    if park.is_file():
        ev = run_frames(file_frames(park), targets=GRID)
        for tp in TYPES:
            out[f"parking_{tp}_events"] = sum(e["type"] == tp for e in ev)
        merge(real, score(ev, []))

    walk = media / "people_walking_one_by_one.mp4"
    if walk.is_file():
        ev = run_frames(file_frames(walk), targets=GRID)
        truth = walking_truth()
        sc = score(ev, truth)
        merge(real, sc)
        for st in ("arrived", "left"):
            sub = score([e for e in ev if e.get("state") == st], [tr for tr in truth if tr["state"] == st])
            lat = sub.get("presence", {}).get("latencies", [])
            out[f"walking_{st}_hits"] = sub.get("presence", {}).get("hits", 0)
            out[f"walking_{st}_expected"] = sum(tr["state"] == st for tr in truth)
            if lat:
                out[f"walking_{st}_latency_s_mean"] = round(statistics.mean(lat), 2)
                out[f"walking_{st}_latency_s_max"] = round(max(lat, key=abs), 2)
        for tp in ("raise", "swipe", "select"):
            out[f"walking_{tp}_events"] = sum(e["type"] == tp for e in ev)

    asl = media / "gesture_asl_walk_two_hands.mkv"
    if asl.is_file():
        states: list = []
        asl_ms: list[float] = []
        ev = run_frames(file_frames(asl), targets=GRID, timings=asl_ms, states=states)
        timings += asl_ms
        out["vision_ms_per_frame_real_640x480"] = round(statistics.mean(asl_ms), 2)
        # README: one person there throughout, hands at chest height: presence yes, raise no.
        truth = [{"t": 0.0, "type": "presence", "state": "arrived", "window": [0.0, 1.0]}]
        merge(real, score(ev, truth))
        arrived = [e["t"] for e in ev if e.get("state") == "arrived"]
        out["asl_arrived_t"] = arrived[0] if arrived else -1
        for tp in ("raise", "swipe", "select", "checkin"):
            out[f"asl_{tp}_events"] = sum(e["type"] == tp for e in ev)
        out["asl_pointer_frames_fraction"] = round(sum(s.pointer is not None for s in states) / max(1, len(states)), 2)
        out["asl_face_frames_fraction"] = round(sum(bool(s.faces) for s in states) / max(1, len(states)), 2)

    gif = media / "face_head_pose_male.gif"
    if gif.is_file():
        src = open_source(str(gif))
        frames, times = 0, []
        before = after = 0
        while (item := src.read()) is not None:
            frame, t = item
            times.append(t)
            frames += 1
            before += bool(face_check(frame))
            after += bool(face_check(blur_faces(frame)))
        out["gif_frames"] = frames
        out["gif_timing"] = src.timing
        out["gif_duration_s"] = round(times[-1], 2) if times else 0
        out["gif_frames_with_face_before_blur"] = before
        out["gif_frames_with_face_after_blur"] = after
    out.update(_flat("real", real))
    out.pop("presence_real_latency_s", None)
    return out


def face_check(frame: np.ndarray) -> list:
    """An independent, eager face search (three cascades, both orientations, faces down to
    ~20 px, more lenient than detect_faces): what "no detectable face" is judged by after
    blurring. Searched at most 480 px wide."""
    from kiosk.vision.faces import cascade

    g = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if g.shape[1] > 480:
        g = cv2.resize(g, (480, int(g.shape[0] * 480 / g.shape[1])), interpolation=cv2.INTER_AREA)
    found = []
    for name in ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml",
                 "haarcascade_profileface.xml"):
        for img in (g, cv2.flip(g, 1)):
            found += list(cascade(name).detectMultiScale(img, scaleFactor=1.08, minNeighbors=3, minSize=(16, 16)))
    return found


def run_benchmark(media_dir: Path | None = MEDIA) -> dict[str, Any]:
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        out: dict[str, Any] = {}
        t640: list[float] = []
        vc = load_synthetic()
        if vc is not None:
            out.update(synthetic_figures(vc, t640))
        media = Path(media_dir) if media_dir is not None else None
        out["media_available"] = bool(media and media.is_dir())
        if media is not None and media.is_dir():
            out.update(real_figures(media, t640))
        if LABELLED.is_dir():
            out.update(flat_figures(score_set(LABELLED), "labelled"))
        if not t640:   # neither suite available: time plain 640x480 noise frames
            rng = np.random.default_rng(0)
            run_frames(((rng.integers(0, 255, (480, 640, 3), np.uint8), i / 30) for i in range(150)), timings=t640)
        out["vision_ms_per_frame"] = round(statistics.mean(t640), 2)
        out["vision_ms_p95"] = round(float(np.percentile(t640, 95)), 2)
        out["vision_ms_target"] = 8.0
        out["vision_frames_timed"] = len(t640)
        return out
    finally:
        cv2.setNumThreads(threads)


def figures(args: argparse.Namespace) -> dict[str, Any]:
    """The recognisers on the synthetic suite and the real clips, and the render loop with a camera on."""
    from kiosk.boot import offscreen_app

    out: dict[str, Any] = run_benchmark(MEDIA if MEDIA.is_dir() else None)
    if CAMERA_CLIP.is_file():
        app = offscreen_app(argparse.Namespace(**{**vars(args), "camera": str(CAMERA_CLIP)}), (1920, 1080))
        app.start_session()
        out["frame_ms_p99_camera_on"], out["frame_ms_worst_camera_on"] = paced_p99(app)
        app.shutdown()
    return out


if __name__ == "__main__":   # python -m kiosk.bench.vision
    import json

    print(json.dumps(run_benchmark(), indent=1))
