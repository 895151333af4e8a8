"""vision replay and vision blur from the command line, on synthetic clips."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from .support.paths import ROOT
from .vision_clips import TARGETS, clip_dwell, clip_raise

pytestmark = pytest.mark.slow  # every test runs main.py in a process


def run(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, "main.py", *args, "--data", str(tmp / "var")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_replay_prints_one_json_event_per_line(tmp_path: Path) -> None:
    clip = clip_raise().write(tmp_path / "raise.avi")
    out = run("vision", "replay", str(clip), tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    raises = [(e["side"], e["t"]) for e in events if e["type"] == "raise"]
    assert [side for side, _ in raises] == ["right", "left", "both"]
    assert all(abs(t - want) < 0.6 for (_, t), want in zip(raises, (2.85, 5.85, 8.85)))
    assert [e["state"] for e in events if e["type"] == "presence"] == ["arrived", "left"]
    flipped = run("vision", "replay", str(clip), "--no-mirror", tmp=tmp_path)
    assert [json.loads(x)["side"] for x in flipped.stdout.splitlines() if '"raise"' in x] == ["left", "right", "both"]


def test_replay_with_targets_selects_by_dwell(tmp_path: Path) -> None:
    clip = clip_dwell()
    path = clip.write(tmp_path / "dwell.avi")
    targets = tmp_path / "targets.json"
    targets.write_text(json.dumps(TARGETS), encoding="utf-8")
    out = run("vision", "replay", str(path), "--targets", str(targets), tmp=tmp_path)
    selects = [json.loads(x)["target"] for x in out.stdout.splitlines() if '"select"' in x]
    want = [e["target"] for e in clip.truth if e["type"] == "select"]
    assert selects == want and want


def test_bad_inputs_get_one_clear_line(tmp_path: Path) -> None:
    missing = run("vision", "replay", str(tmp_path / "nope.mp4"), tmp=tmp_path)
    assert missing.returncode != 0 and "no such video file" in missing.stderr + missing.stdout
    clip = clip_raise().write(tmp_path / "raise.avi")
    (tmp_path / "t.json").write_text("{}", encoding="utf-8")
    bad = run("vision", "replay", str(clip), "--targets", str(tmp_path / "t.json"), tmp=tmp_path)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "JSON list" in bad.stderr + bad.stdout


def test_blur_writes_a_playable_copy(tmp_path: Path) -> None:
    clip = clip_raise()
    path = clip.write(tmp_path / "raise.avi")
    out = run("vision", "blur", str(path), "--out", str(tmp_path / "blurred.mp4"), tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    cap = cv2.VideoCapture(str(tmp_path / "blurred.mp4"))
    frames = 0
    while cap.read()[0]:
        frames += 1
    assert frames == int(clip.scene.duration * clip.fps)
