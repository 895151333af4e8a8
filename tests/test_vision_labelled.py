"""The recognisers on the labelled real-footage set (tests/fixtures/vision/real, built by
tools/make_vision_set.py from CC BY 4.0 ASL sample clips: five adults about 2 m from a low webcam,
some with a painted face mask or cap), and `vision score` on it.

Margins asserted here are the ones measured (see docs/mediapipe-comparison.md, "Issue 20"):
- every clip's person arrives: with a face (bare or under a cap) within 1.0 s (0.77 s measured,
  the face tracker's confirmation); masked, found from their moving silhouette, within 2.5 s
  (1.0-2.3 s measured: these people stand still at the start, so nothing shows them until they
  move);
- an open hand or fist held beside the head at chin height or above ("no", "yes") is a raise of
  the signer's right hand within 1.0 s bare-faced, 1.25 s under a cap (measured 0.48-0.68 and
  1.12 s);
- hands at the mouth, the chin or the chest never raise;
- no clip selects a bottom target of a 2x2 grid: that is where resting hands lie.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.vision.labelled import GRID_2X2, load_set, score_set

from .support.paths import ROOT

SET = ROOT / "tests" / "fixtures" / "vision" / "real"
BOTTOM = {tg["id"] for tg in GRID_2X2 if tg["rect"][1] >= 0.5}


@pytest.fixture(scope="module")
def result() -> dict:
    return score_set(SET)


def arrivals(result: dict) -> dict[str, float]:
    return {name: next((e["t"] for e in c["events"] if e.get("state") == "arrived"), float("inf"))
            for name, c in result["clips"].items()}


def test_the_set_is_labelled_and_small() -> None:
    clips = load_set(SET)
    assert len(clips) >= 10
    assert sum(v.stat().st_size for v, _ in clips) < 3_000_000
    assert (SET / "LICENSE.md").is_file()
    covers = {truth["cover"] for _, truth in clips}
    assert {"mask", "cap", None} <= covers


def test_everyone_arrives_masked_or_not(result: dict) -> None:
    got = arrivals(result)
    for video, truth in load_set(SET):
        limit = 2.5 if truth["cover"] == "mask" else 1.0
        assert got[video.parent.name] <= limit, (video.parent.name, got[video.parent.name])


def test_a_hand_beside_the_head_is_a_raise_of_that_side(result: dict) -> None:
    for name, limit in (("no_raise_right", 1.0), ("yes_wave_right", 1.0), ("yes_wave_right_cap", 1.25)):
        clip = result["clips"][name]
        truth = next(e for e in load_set(SET) if e[0].parent.name == name)[1]
        t_up = next(e["t"] for e in truth["events"] if e["type"] == "raise")
        raises = [e for e in clip["events"] if e["type"] == "raise"]
        assert [e["side"] for e in raises] == ["right"], (name, raises)
        assert 0.0 <= raises[0]["t"] - t_up <= limit, (name, raises[0]["t"] - t_up)


def test_hands_at_mouth_chin_or_chest_never_raise(result: dict) -> None:
    quiet = [v.parent.name for v, truth in load_set(SET) if not any(e["type"] == "raise" for e in truth["events"])]
    assert len(quiet) == 7
    for name in quiet:
        assert [e for e in result["clips"][name]["events"] if e["type"] == "raise"] == [], name


def test_resting_hands_never_select(result: dict) -> None:
    for name, clip in result["clips"].items():
        assert [e for e in clip["events"] if e["type"] == "select" and e["target"] in BOTTOM] == [], name


@pytest.mark.slow
def test_vision_score_prints_figures_per_recogniser(tmp_path: Path) -> None:
    for name in ("no_raise_right", "eat_hand_at_mouth"):
        shutil.copytree(SET / name, tmp_path / "set" / name)
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "main.py", "vision", "score", *args, "--data", str(tmp_path / "var")],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    out = run(str(tmp_path / "set"))
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines()[2:]}
    assert rows["presence"][:2] == ["100%", "2"]
    assert rows["raise"][:2] == ["100%", "1"]
    as_json = json.loads(run(str(tmp_path / "set"), "--json").stdout)
    assert as_json["per_type"]["raise"]["false_events"] == 0
    (tmp_path / "set" / "eat_hand_at_mouth" / "truth.json").write_text("[]", encoding="utf-8")
    bad = run(str(tmp_path / "set"))
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "events" in bad.stderr
