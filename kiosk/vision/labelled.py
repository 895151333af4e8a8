"""Score the recognisers on a labelled set of clips: a folder with one sub-folder per clip, each
holding the clip (clip.mp4, or any one video file) and a truth.json:

    {"events": [{"t": 0.75, "type": "raise", "side": "right", "window": [0.0, 1.0]}, ...],
     "ignore": ["select"]}

Every recognised event that matches no truth event is a false event, so a clip whose truth has
no "select" checks that nothing is selected; event types listed in "ignore" are not scored on
that clip. Targets: a 2x2 grid over the whole screen, where a
hand resting low in the picture lies on the bottom targets (truth.json may give its own
"targets"). `vision score DIR` prints the result; `bench` reports it for the shipped set.
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from .replay import file_frames, run_frames
from .scoring import merge, score

GRID_2X2 = [{"id": f"q{r}{c}", "rect": [c / 2, r / 2, 1 / 2, 1 / 2]} for r in range(2) for c in range(2)]
VIDEO_SUFFIXES = (".mp4", ".mkv", ".avi", ".mov", ".webm", ".gif")
TYPES = ("presence", "raise", "swipe", "select", "checkin")


def load_set(folder: str | Path) -> list[tuple[Path, dict[str, Any]]]:
    """(video, truth) per clip sub-folder, sorted by name; a clear error for a malformed set."""
    root = Path(folder)
    if not root.is_dir():
        raise ValueError(f"{root} is not a folder")
    clips = []
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        truth_path = sub / "truth.json"
        if not truth_path.is_file():
            continue
        videos = sorted(p for p in sub.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
        if len(videos) != 1:
            raise ValueError(f"{sub}: expected one video file beside truth.json, found {len(videos)}")
        try:
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{truth_path}: {exc}") from None
        if not isinstance(truth, dict) or not isinstance(truth.get("events"), list):
            raise ValueError(f"{truth_path}: expected an object with an \"events\" list")
        clips.append((videos[0], truth))
    if not clips:
        raise ValueError(f"{root}: no clip folders with a truth.json")
    return clips


def score_set(folder: str | Path) -> dict[str, Any]:
    """{"clips": {name: {"events": [...], "scored": {...}}}, "per_type": {type: figures}, "minutes": m}.

    Per type: recall (hits / truth events), false events per minute of video, mean and worst
    latency in seconds."""
    total: dict[str, dict[str, Any]] = {}
    clips: dict[str, Any] = {}
    seconds = 0.0
    for video, truth in load_set(folder):
        frames = list(file_frames(video))
        if not frames:
            raise ValueError(f"{video}: no frames could be read")
        seconds += frames[-1][1] - frames[0][1] + (frames[1][1] - frames[0][1] if len(frames) > 1 else 0.0)
        ignore = set(truth.get("ignore", ()))
        events = [e for e in run_frames(iter(frames), targets=truth.get("targets", GRID_2X2))
                  if e["type"] not in ignore]
        scored = score(events, truth["events"])
        merge(total, scored)
        clips[video.parent.name] = {"events": events, "scored": scored}
    minutes = seconds / 60.0
    per_type = {}
    for tp in TYPES:
        v = total.get(tp)
        if v is None:
            continue
        expected = v["hits"] + v["misses"]
        per_type[tp] = {
            "recall": round(v["hits"] / expected, 3) if expected else None,
            "expected": expected,
            "false_per_min": round(v["false_alarms"] / minutes, 2) if minutes else 0.0,
            "false_events": v["false_alarms"],
            "latency_s_mean": round(statistics.mean(v["latencies"]), 3) if v["latencies"] else None,
            "latency_s_max": round(max(v["latencies"]), 3) if v["latencies"] else None,
        }
    return {"clips": clips, "per_type": per_type, "minutes": round(minutes, 3)}


def flat_figures(result: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The per-type figures as flat bench keys, e.g. raise_<prefix>_recall."""
    out: dict[str, Any] = {}
    for tp, fig in result["per_type"].items():
        for k, v in fig.items():
            if v is not None:
                out[f"{tp}_{prefix}_{k}"] = v
    return out
