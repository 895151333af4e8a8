"""Build the labelled real-footage set in tests/fixtures/vision/real/ from the ASL sample clips of
intel-iot-devkit/sample-videos (CC BY 4.0): five adults signing before a low webcam, about 2 m
away, arms at rest before and after each sign.

Each clip is written small (320x240, H.264) with a truth.json. Some are composed: a black face
mask painted over the nose and mouth, a cap over the forehead, or hair over the whole face (the
head turned away: the back of a head), following the face found in the original frame, so that
the pipeline must find the person without a face; or a small person
from the same repository's one-by-one-person-detection.mp4 walking across behind the signer, who
must keep the turn. Faces are located here with the kiosk's own thorough search on the
unmodified frame, followed from frame to frame and held through misses.

    python tools/make_vision_set.py SAMPLE_VIDEOS_DIR/asl_gestures [NAME ...]   # the repository's
                                    # folder; NAMEs: only those clips (default: all)

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
    # the head turned away (hair painted over the face), hands at the chest: arrives, no gesture
    "help_hands_at_chest_turned": ("help", "turned", []),
    "sorry_hand_at_chest_turned": ("sorry", "turned", []),
    "student_hands_at_chest_turned": ("student", "turned", []),
}


def face_track(frames: list[np.ndarray]) -> list[tuple[float, float, float, float]]:
    """The signer's face per frame, held through misses and smoothed so a painted cover does not
    jump. Followed from the highest face of the first frame with one, to the face found nearest
    to where it was: a face printed on a shirt, or a hand at the chest, is found too, lower down."""
    found = [detect_faces(f, thorough=True) for f in frames]
    first = next((min(fs, key=lambda b: b[1]) for fs in found if fs), None)
    if first is None:
        raise SystemExit("no face found in the source clip")
    out, last = [], first
    for fs in found:
        near = [b for b in fs if abs(b[0] + b[2] / 2 - last[0] - last[2] / 2) < 0.5 * last[2]
                and abs(b[1] + b[3] / 2 - last[1] - last[3] / 2) < 0.5 * last[3] and 0.7 <= b[2] / last[2] <= 1.4]
        if near:
            b = min(near, key=lambda b: abs(b[0] - last[0]) + abs(b[1] - last[1]))
            last = tuple(0.6 * np.array(last) + 0.4 * np.array(b))
        out.append(last)
    return out


# Composed clips: a small person from the repository's one-by-one-person-detection.mp4 (a man
# walking from the door to a table, away from the camera) walks across behind the player, further
# back: their head is a third of the player's width. name -> the clip above it is composed on.
BEHIND = {
    "no_raise_right_walker_behind": "no_raise_right",
    "hungry_hand_at_chin_masked_walker_behind": "hungry_hand_at_chin_masked",
}
WALKER_CLIP = "one-by-one-person-detection.mp4"
WALKER_S = (23.5, 25.5)   # seconds of that clip the man walks in
EMPTY_S = (20.6, 22.4)    # the empty room just before: its background
WALKER_H = 0.42           # the walker's height, of the picture's
WALKER_X = (0.02, 0.72)   # the walker's middle at the clip's start and end, of the picture's width


def walker(root: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The walking man, frame by frame: his picture and mask (against the empty room), cropped."""
    cap = cv2.VideoCapture(str(root / WALKER_CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
    frames = []
    while len(frames) < int(WALKER_S[1] * fps):
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    cap.release()
    bg = np.median(np.stack(frames[int(EMPTY_S[0] * fps):int(EMPTY_S[1] * fps)]), axis=0).astype(np.uint8)
    out = []
    for f in frames[int(WALKER_S[0] * fps):]:
        m = (cv2.absdiff(f, bg).max(axis=2) > 40).astype(np.uint8)
        m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
        n, lab, st, _ = cv2.connectedComponentsWithStats(m)
        i = 1 + int(np.argmax(st[1:, cv2.CC_STAT_AREA]))
        x, y, w, h = (int(v) for v in st[i, :4])
        out.append((f[y:y + h, x:x + w], lab[y:y + h, x:x + w] == i))
    return out


def player_mask(frame: np.ndarray, face: tuple[float, float, float, float]) -> np.ndarray:
    """Where the player is (GrabCut from a box around the face down to the picture's bottom), so
    the walker passes behind them."""
    h, w = frame.shape[:2]
    s = 0.5
    small = cv2.resize(frame, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    fx, fy, fw = face[0] * w * s, face[1] * h * s, face[2] * w * s
    x0, y0 = int(max(0, fx + fw / 2 - 2.6 * fw)), int(max(0, fy - 0.6 * fw))
    rect = (x0, y0, int(min(small.shape[1] - 1, fx + fw / 2 + 2.6 * fw)) - x0, small.shape[0] - 1 - y0)
    mask = np.zeros(small.shape[:2], np.uint8)
    cv2.grabCut(small, mask, rect, np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64), 3,
                cv2.GC_INIT_WITH_RECT)
    fg = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    return cv2.resize(fg, (w, h), interpolation=cv2.INTER_NEAREST) > 0


def walk_behind(frames: list[np.ndarray], faces: list[tuple[float, float, float, float]],
                man: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """The walking man pasted into each frame: his head at 0.3 of the picture's height (further
    back than the signer, seen by a low camera), moving along WALKER_X, hidden by the signer."""
    out = []
    for i, (f, face) in enumerate(zip(frames, faces)):
        h, w = f.shape[:2]
        pic, m = man[i % len(man)]
        k = WALKER_H * h / pic.shape[0]
        pic = cv2.resize(pic, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        m = cv2.resize(m.astype(np.uint8), (pic.shape[1], pic.shape[0]), interpolation=cv2.INTER_NEAREST) > 0
        a = i / max(1, len(frames) - 1)
        cx, top = (WALKER_X[0] + a * (WALKER_X[1] - WALKER_X[0])) * w, int(0.3 * h)
        x0 = int(cx - pic.shape[1] / 2)
        xs0, xs1 = max(0, x0), min(w, x0 + pic.shape[1])
        ys1 = min(h, top + pic.shape[0])
        region = m[:ys1 - top, xs0 - x0:xs1 - x0] & ~player_mask(f, face)[top:ys1, xs0:xs1]
        g = f.copy()
        g[top:ys1, xs0:xs1][region] = pic[:ys1 - top, xs0 - x0:xs1 - x0][region]
        out.append(g)
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
    elif cover == "turned":   # the back of a head: black hair from above the brow to under the chin
        cv2.ellipse(out, (int(cx), int(y + 0.5 * bh)), (int(0.6 * bw), int(0.68 * bh)), 0, 0, 360, (22, 22, 25), -1)
        # a little texture, so the hair is not one flat colour (strands, a sheen on the crown)
        for k in range(-3, 4):
            x0 = int(cx + 0.14 * k * bw)
            cv2.line(out, (x0, int(y + 0.0 * bh)), (int(x0 + 0.05 * k * bw), int(y + 1.05 * bh)), (34, 34, 36), 1)
        cv2.ellipse(out, (int(cx), int(y + 0.12 * bh)), (int(0.3 * bw), int(0.12 * bh)), 0, 180, 360, (48, 48, 48), -1)
    else:                 # a red cap: crown over the hair and a brim down to the eyebrows
        cv2.ellipse(out, (int(cx), int(y + 0.2 * bh)), (int(0.62 * bw), int(0.45 * bh)), 0, 180, 360,
                    (40, 30, 170), -1)
        cv2.rectangle(out, (int(cx - 0.62 * bw), int(y + 0.05 * bh)), (int(cx + 0.62 * bw), int(y + 0.3 * bh)),
                      (35, 25, 150), -1)
    return out


def build(src_dir: Path, only: list[str] | None = None) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    plan = [(name, name, False) for name in CLIPS] + [(name, base, True) for name, base in BEHIND.items()]
    if only:
        unknown = set(only) - {name for name, _, _ in plan}
        if unknown:
            raise SystemExit(f"unknown clips: {', '.join(sorted(unknown))}")
        plan = [p for p in plan if p[0] in only]
    man = walker(src_dir.parent) if any(behind for _, _, behind in plan) else []
    for name, base, behind in plan:
        sign, cover, raises = CLIPS[base]
        cap = cv2.VideoCapture(str(src_dir / f"{sign}.mkv"))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        frames = []
        while True:
            ok, f = cap.read()
            if not ok:
                break
            frames.append(f)
        cap.release()
        faces = face_track(frames) if cover or behind else []
        if behind:
            frames = walk_behind(frames, faces, man)
        if cover:
            frames = [paint(f, b, cover) for f, b in zip(frames, faces)]
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
        source = f"intel-iot-devkit/sample-videos asl_gestures/{sign}.mkv"
        if behind:
            source += f" + {WALKER_CLIP} {WALKER_S[0]}-{WALKER_S[1]} s (walker behind)"
        meta = {"source": source, "cover": cover,
                "duration_s": round(len(frames) / fps, 2), "events": truth,
                "ignore": ["select"] if raises else []}
        (folder / "truth.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        print(name, len(frames), "frames")


if __name__ == "__main__":
    build(Path(sys.argv[1]), sys.argv[2:])
