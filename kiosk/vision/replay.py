"""Replay a recorded clip through the recognisers (staff tuning, tests, the labelled set, the
bench) and write a face-blurred copy of a clip.

`python main.py vision replay VIDEO [--targets FILE.json] [--no-mirror]` prints one JSON object
per event (the lead wires the command; this module holds the logic).
"""
from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import cv2
import numpy as np

from kiosk.dwell import DwellTracker

from .faces import blur_faces, detect_faces, merge_boxes
from .pipeline import Pipeline
from .settings import VisionSettings
from .sources import open_source

Target = dict[str, Any]


def load_targets(path: str | Path) -> list[Target]:
    """A JSON list of {"id": "A", "rect": [x, y, w, h]} in fractions of the screen."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError("targets file must hold a JSON list")
    for item in data:
        if not isinstance(item, dict) or "id" not in item or len(item.get("rect", ())) != 4:
            raise ValueError(f"bad target {item!r}: expected {{'id': ..., 'rect': [x, y, w, h]}}")
    return data


def replay_frames(frames: Iterable[tuple[np.ndarray, float]], settings: VisionSettings | None = None,
                  targets: Sequence[Target] | None = None, timings: list[float] | None = None,
                  states: list | None = None) -> Iterator[dict[str, Any]]:
    """The replay loop: pipeline events plus dwell selects on targets, as event JSON dicts in time
    order. With targets, the pointer is fed to the same DwellTracker the engine uses, so `select`
    events match what the kiosk would do. timings gets each frame's pipeline ms, states its state."""
    s = settings or VisionSettings()
    pipe = Pipeline(s)
    rects = {str(tg["id"]): tuple(float(v) for v in tg["rect"]) for tg in (targets or [])}
    dwell = DwellTracker(s.dwell_s)
    for frame, t in frames:
        began = time.perf_counter()
        state, events = pipe.process(frame, t)
        if timings is not None:
            timings.append((time.perf_counter() - began) * 1000.0)
        if states is not None:
            states.append(state)
        for ev in events:
            yield ev.as_json()
        if rects:
            chosen = dwell.update(state.pointer, t, rects)   # type: ignore[arg-type]
            if chosen is not None:
                yield {"t": round(t, 3), "type": "select", "target": chosen}


def run_frames(frames: Iterable[tuple[np.ndarray, float]], settings: VisionSettings | None = None,
               targets: Sequence[Target] | None = None, timings: list[float] | None = None,
               states: list | None = None) -> list[dict[str, Any]]:
    """replay_frames over in-memory frames, all events at once."""
    return list(replay_frames(frames, settings, targets, timings, states))


def file_frames(path: Path) -> Iterator[tuple[np.ndarray, float]]:
    """(frame, t) of a clip; none when it cannot be read."""
    src = open_source(str(path))
    try:
        yield from iter(src.read, None)
    finally:
        src.close()


def replay(path: str | Path, targets: Sequence[Target] | None = None, mirror: bool = True,
           settings: VisionSettings | None = None) -> Iterator[dict[str, Any]]:
    """Run the pipeline over a clip as fast as possible; yield event JSON dicts in time order.

    t is in seconds of video time (the clip's own timestamps)."""
    src = open_source(str(path))
    if not src.opened:
        raise FileNotFoundError(f"cannot read video {path}")
    try:
        yield from replay_frames(iter(src.read, None), dataclasses.replace(settings or VisionSettings(), mirror=mirror),
                                 targets)
    finally:
        src.close()


def blur_video(path: str | Path, out_path: str | Path, mirror: bool = False,
               settings: VisionSettings | None = None) -> dict[str, Any]:
    """Write an MP4 copy of a clip with every face blurred (the whole picture where unsure).

    Faces come from the pipeline's tracker (which knows when someone is there but no face is
    found) joined with a thorough search of every frame. Same fps and size as the source.
    Returns a small summary (frames, frames blurred whole, faces blurred).
    """
    s = dataclasses.replace(settings or VisionSettings(), mirror=mirror)
    src = open_source(str(path))
    if not src.opened:
        raise FileNotFoundError(f"cannot read video {path}")
    pipe = Pipeline(s)
    writer = None
    frames = whole = faces_n = 0
    try:
        while (item := src.read()) is not None:
            frame, t = item
            if mirror:
                frame = cv2.flip(frame, 1)
            # The pipeline mirrors itself; give it the camera's frame so its boxes match ours.
            state, _ = pipe.process(cv2.flip(frame, 1) if mirror else frame, t)
            h, w = frame.shape[:2]
            boxes = [(int(x * w), int(y * h), int(bw * w), int(bh * h)) for x, y, bw, bh in
                     list(state.faces) + detect_faces(frame)]
            faces = [(x / w, y / h, bw / w, bh / h) for x, y, bw, bh in merge_boxes(boxes)]
            certain = state.faces_certain
            out = blur_faces(frame, faces, certain=certain)
            whole += int(not certain)
            faces_n += len(faces)
            if writer is None:
                fps = src.fps if src.fps > 0 else 25.0
                writer = cv2.VideoWriter(str(out_path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
                if not writer.isOpened():
                    raise OSError(f"cannot write {out_path}")
            writer.write(out)
            frames += 1
    finally:
        src.close()
        if writer is not None:
            writer.release()
    return {"frames": frames, "frames_blurred_whole": whole, "faces_blurred": faces_n}
