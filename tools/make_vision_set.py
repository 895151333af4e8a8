"""Build the labelled real-footage set in tests/fixtures/vision/real/ from the ASL sample clips of
intel-iot-devkit/sample-videos (CC BY 4.0): five adults signing before a low webcam, about 2 m
away, arms at rest before and after each sign.

Each clip is written small (320x240, H.264) with a truth.json. Some are composed: a black face
mask painted over the nose and mouth, or a cap over the forehead, following the face found in
the original frame, so that the pipeline must find the person without a face. Faces are located
here with the kiosk's own thorough search on the unmodified frame, held through misses.

    python tools/make_vision_set.py SAMPLE_VIDEOS_DIR   # the repository's asl_gestures/ folder

Nothing here runs in the kiosk; the clips it writes are the ones the tests replay.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.vision.faces import detect_faces  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "vision" / "real"
ARRIVE = {"t": 0.0, "type": "presence", "state": "arrived", "window": [0.0, 1.5]}

# name -> (source sign, cover painted on the face, raise truth: [(t of the hand at head height, side)])
# Sides are the signer's own (their right hand is on the left of the unmirrored picture).
CLIPS: dict[str, tuple[str, str | None, list[tuple[float, str]]]] = {
    "no_raise_right": ("no", None, [(0.75, "right")]),
    "no_raise_right_masked": ("no", "mask", [(0.75, "right")]),
    "yes_wave_right_cap": ("yes", "cap", [(0.55, "right")]),
    "yes_wave_right": ("yes", None, [(0.55, "right")]),
    "eat_hand_at_mouth": ("eat", None, []),
    "hungry_hand_at_chin_masked": ("hungry", "mask", []),
    "thanks_hand_at_chin": ("thanks", None, []),
    "please_hand_at_chest_masked": ("please", "mask", []),
    "sorry_hand_at_chest_cap": ("sorry", "cap", []),
    "help_hands_at_chest": ("help", None, []),
    "school_clap_at_chest_masked": ("school", "mask", []),
}


def face_track(frames: list[np.ndarray]) -> list[tuple[float, float, float, float]]:
    """The biggest face per frame, held through misses and smoothed so a painted cover does not jump."""
    boxes: list[tuple[float, float, float, float] | None] = []
    for f in frames:
        found = detect_faces(f, thorough=True)
        boxes.append(max(found, key=lambda b: b[2] * b[3]) if found else None)
    first = next((b for b in boxes if b is not None), None)
    if first is None:
        raise SystemExit("no face found in the source clip")
    out, last = [], first
    for b in boxes:
        if b is not None:
            last = tuple(0.6 * np.array(last) + 0.4 * np.array(b))
        out.append(last)
    return out


def paint(frame: np.ndarray, box: tuple[float, float, float, float], cover: str) -> np.ndarray:
    h, w = frame.shape[:2]
    x, y, bw, bh = box[0] * w, box[1] * h, box[2] * w, box[3] * h
    out = frame.copy()
    cx = x + bw / 2
    if cover == "mask":   # a black cloth mask from the bridge of the nose to under the chin
        cv2.ellipse(out, (int(cx), int(y + 0.78 * bh)), (int(0.52 * bw), int(0.4 * bh)), 0, 0, 360, (25, 25, 28), -1)
        cv2.rectangle(out, (int(cx - 0.5 * bw), int(y + 0.5 * bh)), (int(cx + 0.5 * bw), int(y + 0.8 * bh)),
                      (25, 25, 28), -1)
    else:                 # a red cap: crown over the hair and a brim down to the eyebrows
        cv2.ellipse(out, (int(cx), int(y + 0.2 * bh)), (int(0.62 * bw), int(0.45 * bh)), 0, 180, 360,
                    (40, 30, 170), -1)
        cv2.rectangle(out, (int(cx - 0.62 * bw), int(y + 0.05 * bh)), (int(cx + 0.62 * bw), int(y + 0.3 * bh)),
                      (35, 25, 150), -1)
    return out


def build(src_dir: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (sign, cover, raises) in CLIPS.items():
        cap = cv2.VideoCapture(str(src_dir / f"{sign}.mkv"))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        frames = []
        while True:
            ok, f = cap.read()
            if not ok:
                break
            frames.append(f)
        cap.release()
        if cover:
            frames = [paint(f, b, cover) for f, b in zip(frames, face_track(frames))]
        folder = OUT / name
        folder.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw.avi"
            wr = cv2.VideoWriter(str(raw), cv2.VideoWriter_fourcc(*"MJPG"), fps, (320, 240))
            for f in frames:
                wr.write(cv2.resize(f, (320, 240), interpolation=cv2.INTER_AREA))
            wr.release()
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(raw), "-c:v", "libx264", "-crf", "26",
                            "-preset", "slow", "-pix_fmt", "yuv420p", "-an", str(folder / "clip.mp4")], check=True)
        truth = [ARRIVE] + [{"t": t, "type": "raise", "side": side, "window": [0.0, 1.0]} for t, side in raises]
        # A hand held up beside the head may rest on a top target for the dwell time: that select
        # is the raised hand's, not a resting hand's, so raise clips do not score selects.
        meta = {"source": f"intel-iot-devkit/sample-videos asl_gestures/{sign}.mkv", "cover": cover,
                "duration_s": round(len(frames) / fps, 2), "events": truth,
                "ignore": ["select"] if raises else []}
        (folder / "truth.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        print(name, len(frames), "frames")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
