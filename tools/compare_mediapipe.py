"""Offline developer tool: our OpenCV vision pipeline vs MediaPipe (Hands, face detection).

MediaPipe is NOT a dependency of the project and must not become one: this script runs it from
a separate virtual environment (mediapipe 0.10.21 pins numpy<2 and brings its own
opencv-contrib-python, which clash with the project's numpy 2 / opencv-python-headless). Our
pipeline runs in the project's own environment. Each side runs in its own subprocess, pinned to
one core with OpenCV at one thread, and hands back per-frame results as JSON; this parent process
lines them up and prints the figures (docs/mediapipe-comparison.md has them and what they mean).

Set up once (the legacy `mp.solutions` models ship inside the wheel; nothing is downloaded at
run time):

    python3 -m venv /tmp/mpvenv && /tmp/mpvenv/bin/pip install mediapipe==0.10.21

Run from the repository root:

    /tmp/mpvenv/bin/python tools/compare_mediapipe.py [--media ../shared/media] [--synthetic]
        [--ours-python .venv/bin/python] [--mp-python /tmp/mpvenv/bin/python] [--json out.json]
        [--clip gesture_asl_walk_two_hands.mkv]   (only that clip; repeatable)

Per-frame cost is process CPU time (all threads) per call, first frame of each clip left out as
warm-up; MediaPipe's figure includes the BGR->RGB conversion it needs.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ["gesture_asl_walk_two_hands.mkv", "people_walking_one_by_one.mp4",
         "face_head_pose_male.gif", "no_people_car_parking_lot.mp4"]
SYNTHETIC = ["clip_raise", "clip_swipe"]   # from tests/vision_clips.py
# Time windows (seconds) from ../shared/media/README.md and the synthetic clips' keyframes.
WINDOWS: dict[str, dict[str, list[tuple[float, float]]]] = {
    "gesture_asl_walk_two_hands.mkv": {"hands up": [(0.4, 2.2)], "at rest": [(0.0, 0.4), (2.6, 99.0)]},
    "people_walking_one_by_one.mp4": {"empty room": [(0, 6), (20.5, 22.5), (45, 50), (70, 74), (87.5, 92),
                                                     (120.5, 123.5), (137, 139)]},
    "clip_raise": {"hands up": [(2.85, 4.2), (5.85, 7.2), (8.85, 10.2)]},
}
HIGH_Y = 0.8   # see run_mediapipe: hand_high
BOX_MARGIN = 0.25   # see on_hand: a palm this far (of the hand's size) outside MediaPipe's box is still on it
Frames = Iterator[tuple[np.ndarray, float]]


def pin_one_core() -> None:
    """Run this process on one core only, OpenCV on one thread (the kiosk's budget is per core)."""
    import cv2

    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)


def synthetic_frames(name: str) -> Frames:
    spec = importlib.util.spec_from_file_location("vision_clips", ROOT / "tests" / "vision_clips.py")
    assert spec and spec.loader
    vc = importlib.util.module_from_spec(spec)
    sys.modules["vision_clips"] = vc
    spec.loader.exec_module(vc)
    return getattr(vc, name)().frames()


def timed(frames: Frames, step: Callable[[np.ndarray, float], dict[str, Any]]) -> dict[str, Any]:
    """Call step on every frame; per-frame CPU and wall ms and what it found. A step's list values
    (hand positions) are kept per frame under "where", its other values as flags under "found"."""
    out: dict[str, Any] = {"t": [], "cpu_ms": [], "wall_ms": [], "found": {}, "where": {}}
    for frame, t in frames:
        c0, w0 = time.process_time(), time.perf_counter()
        found = step(frame, t)
        out["cpu_ms"].append((time.process_time() - c0) * 1000.0)
        out["wall_ms"].append((time.perf_counter() - w0) * 1000.0)
        out["t"].append(t)
        for k, v in found.items():
            if isinstance(v, list):
                out["where"].setdefault(k, []).append(v)
            else:
                out["found"].setdefault(k, []).append(bool(v))
    return out


# --- side "ours": the project's environment --------------------------------------------------

def run_ours(source: str) -> dict[str, Any]:
    """Pipeline.process per frame as kiosk/vision/replay.py feeds it, plus detect_faces alone."""
    from kiosk.vision.replay import file_frames
    from kiosk.vision.faces import detect_faces
    from kiosk.vision.pipeline import Pipeline
    from kiosk.vision.settings import VisionSettings

    def frames() -> Frames:
        return synthetic_frames(source) if source in SYNTHETIC else file_frames(Path(source))

    pipe = Pipeline(VisionSettings())

    def step(frame: np.ndarray, t: float) -> dict[str, Any]:
        state, _ = pipe.process(frame, t)
        fd = pipe.last_frame
        sh, sw = fd.small.shape[:2]
        palms = []   # in fractions of the camera's (unmirrored) frame, to line up with MediaPipe's
        for h in pipe.hands:
            x, y = (h.x + fd.roi[0]) / sw, (h.y + fd.roi[1]) / sh
            palms.append([round(1.0 - x if fd.mirrored else x, 4), round(y, 4)])
        return {"hand": bool(pipe.hands), "pointer": state.pointer is not None, "face": bool(state.faces),
                # hands found while the child is present: what the gesture recognisers read
                "hand_present": bool(pipe.hands) and state.present,
                # the corner view blurs the whole picture when faces_certain is False
                "face_or_whole_blur": bool(state.faces) or not state.faces_certain,
                "palms": palms}

    return {"ours pipeline": timed(frames(), step),
            "ours detect_faces": timed(frames(), lambda f, t: {"face": bool(detect_faces(f))})}


# --- side "mediapipe": the separate environment ----------------------------------------------

def run_mediapipe(source: str) -> dict[str, Any]:
    import cv2
    import mediapipe as mp

    def frames() -> Frames:
        if source in SYNTHETIC:
            yield from synthetic_frames(source)
            return
        cap = cv2.VideoCapture(source)
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if frame.ndim == 2:
                frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
            elif frame.shape[2] == 4:
                frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
            yield frame, 0.0   # times come from our side; the parent checks both saw as many frames
        cap.release()

    out: dict[str, Any] = {}
    for c in (0, 1):
        with mp.solutions.hands.Hands(static_image_mode=False, max_num_hands=4, model_complexity=c) as hands:
            def step(f: np.ndarray, t: float) -> dict[str, Any]:
                found = hands.process(cv2.cvtColor(f, cv2.COLOR_BGR2RGB)).multi_hand_landmarks or []
                # a crude "hand up": the landmarks' mean height above 80 % of the picture height
                return {"hand": bool(found),
                        "hand_high": any(np.mean([p.y for p in h.landmark]) < HIGH_Y for h in found),
                        # each hand's landmark box (x0, y0, x1, y1), fractions of the frame
                        "boxes": [[round(min(p.x for p in h.landmark), 4), round(min(p.y for p in h.landmark), 4),
                                   round(max(p.x for p in h.landmark), 4), round(max(p.y for p in h.landmark), 4)]
                                  for h in found]}
            out[f"MP hands c{c}"] = timed(frames(), step)
    for m, label in ((0, "short"), (1, "full")):
        with mp.solutions.face_detection.FaceDetection(model_selection=m) as fd:
            out[f"MP face {label}"] = timed(frames(), lambda f, t: {
                "face": bool(fd.process(cv2.cvtColor(f, cv2.COLOR_BGR2RGB)).detections)})
    return out


# --- parent: run both sides, line up, summarise ----------------------------------------------

def run_side(python: str, side: str, source: str) -> dict[str, Any]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONPATH": str(ROOT)}
    res = subprocess.run([python, __file__, "--side", side, source], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"{side} side failed on {source}:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.splitlines()[-1])


def on_hand(palm: list[float], box: list[float], margin: float = BOX_MARGIN) -> bool:
    """Is one of our palms on a hand MediaPipe found (its landmark box, widened by margin of its size)?"""
    x0, y0, x1, y1 = box
    m = margin * max(x1 - x0, y1 - y0)
    return x0 - m <= palm[0] <= x1 + m and y0 - m <= palm[1] <= y1 + m


def agreement(name: str, ours: dict[str, Any], theirs: dict[str, Any], times: list[float]) -> dict[str, Any]:
    """Of the frames where MediaPipe found a hand: the share where one of our palms is on one of
    its hands (the hand found is that hand, not an orange sleeve or a neck), over the whole
    clip and per time window."""
    palms, boxes = ours["where"]["palms"], theirs["where"]["boxes"]
    n = min(len(times), len(palms), len(boxes))
    hit = [bool(boxes[i]) and any(on_hand(p, b) for p in palms[i] for b in boxes[i]) for i in range(n)]
    seen = [bool(boxes[i]) for i in range(n)]
    # and of our palms in those frames, the share on one of its hands (the rest: sleeves, necks,
    # or a hand MediaPipe missed)
    ours_n = sum(len(palms[i]) for i in range(n) if seen[i])
    ours_on = sum(any(on_hand(p, b) for b in boxes[i]) for i in range(n) if seen[i] for p in palms[i])
    out = {"on_mp_hand_frac": round(sum(hit) / max(1, sum(seen)), 3), "mp_hand_frames": sum(seen),
           "palms_on_mp_hand_frac": round(ours_on / max(1, ours_n), 3)}
    for wname, spans in WINDOWS.get(name, {}).items():
        idx = [i for i in range(n) if seen[i] and any(a <= times[i] < b for a, b in spans)]
        out[f"on_mp_hand_frac_{wname.replace(' ', '_')}"] = round(sum(hit[i] for i in idx) / max(1, len(idx)), 3)
    return out


def summarise(name: str, dets: dict[str, Any], times: list[float]) -> list[dict[str, Any]]:
    rows = []
    for det, r in dets.items():
        n = min(len(times), len(r["cpu_ms"]))
        cpu = np.array(r["cpu_ms"][1:n])
        row: dict[str, Any] = {"clip": name, "detector": det, "frames": n,
                               "cpu_ms_mean": round(float(cpu.mean()), 2),
                               "cpu_ms_p95": round(float(np.percentile(cpu, 95)), 2),
                               "wall_ms_mean": round(float(np.mean(r["wall_ms"][1:n])), 2)}
        for kind, flags in r["found"].items():
            row[f"{kind}_frac"] = round(sum(flags[:n]) / max(n, 1), 3)
            row[f"{kind}_frames"] = int(sum(flags[:n]))
            for wname, spans in WINDOWS.get(name, {}).items():
                idx = [i for i in range(n) if any(a <= times[i] < b for a, b in spans)]
                row[f"{kind}_frac_{wname.replace(' ', '_')}"] = round(sum(flags[i] for i in idx) / max(1, len(idx)), 3)
        if len(r["cpu_ms"]) != len(times):
            row["note"] = f"frame count {len(r['cpu_ms'])} vs ours {len(times)}"
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    ap.add_argument("--synthetic", action="store_true", help="also run tests/vision_clips.py raise and swipe")
    venv = ROOT / ".venv" / "bin" / "python"
    ap.add_argument("--ours-python", default=str(venv if venv.exists() else sys.executable))
    ap.add_argument("--mp-python", default=sys.executable)
    ap.add_argument("--json", type=Path, help="write all summary rows here")
    ap.add_argument("--clip", action="append", default=[], metavar="NAME",
                    help="measure only this clip (a file name in --media, or clip_raise / clip_swipe); repeatable")
    ap.add_argument("--side", choices=["ours", "mediapipe"], help=argparse.SUPPRESS)
    ap.add_argument("source", nargs="?", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.side:   # a child process: one side, one clip, JSON on the last line of stdout
        pin_one_core()
        print(json.dumps((run_ours if a.side == "ours" else run_mediapipe)(a.source)))
        return 0

    sources: list[tuple[str, str]] = []
    if a.media.is_dir():
        sources += [(c, str(a.media / c)) for c in CLIPS if (a.media / c).is_file()]
        print(f"media: {a.media.resolve()} ({len(sources)} of {len(CLIPS)} clips)")
    else:
        print(f"media folder {a.media} is absent: no real clips measured (pass --media DIR)")
    if a.synthetic or any(c in SYNTHETIC for c in a.clip):
        sources += [(s, s) for s in SYNTHETIC]
    if a.clip:
        sources = [(n, src) for n, src in sources if n in a.clip]
    if not sources:
        print("nothing to measure")
        return 1
    for python, module, hint in ((a.mp_python, "mediapipe", "python3 -m venv /tmp/mpvenv && "
                                  "/tmp/mpvenv/bin/pip install mediapipe==0.10.21, then --mp-python"),
                                 (a.ours_python, "kiosk.vision", "make setup, or --ours-python")):
        if subprocess.run([python, "-c", f"import {module}"], capture_output=True, cwd=ROOT).returncode != 0:
            print(f"{python} cannot import {module}: {hint}")
            return 2
    rows: list[dict[str, Any]] = []
    for name, src in sources:
        ours = run_side(a.ours_python, "ours", src)
        theirs = run_side(a.mp_python, "mediapipe", src)
        times = ours["ours pipeline"]["t"]
        for row in summarise(name, {**ours, **theirs}, times):
            if row["detector"] == "ours pipeline":   # privacy: a face MediaPipe sees that we leave sharp
                covered = ours["ours pipeline"]["found"]["face_or_whole_blur"]
                for det in ("MP face short", "MP face full"):
                    seen = theirs[det]["found"]["face"]
                    row[f"uncovered_{det.split()[-1]}_mp_faces"] = sum(m and not c for m, c in zip(seen, covered))
                for c in (0, 1):   # where our hands are: on MediaPipe's hands?
                    for k, v in agreement(name, ours["ours pipeline"], theirs[f"MP hands c{c}"], times).items():
                        row[f"c{c}_{k}"] = v
            rows.append(row)
    print(table(rows))
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
        print(f"all figures (windows, pointer, hand_high, uncovered faces): {a.json}")
    return 0


def table(rows: list[dict[str, Any]]) -> str:
    """The headline figures as a Markdown table."""
    def pct(r: dict[str, Any], kind: str) -> str:
        return "-" if f"{kind}_frac" not in r else f"{100 * r[f'{kind}_frac']:.0f} % ({r[f'{kind}_frames']})"
    lines = ["| clip | detector | frames | CPU ms mean | CPU ms p95 | hand | face |", "|---|---|--:|--:|--:|--:|--:|"]
    lines += [f"| {r['clip']} | {r['detector']} | {r['frames']} | {r['cpu_ms_mean']} | {r['cpu_ms_p95']} | "
              f"{pct(r, 'hand')} | {pct(r, 'face')} |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
