"""The recognisers on the labelled real-footage set (tests/fixtures/vision/real, built by
tools/make_vision_set.py from CC BY 4.0 ASL sample clips: five adults about 2 m from a low webcam,
some with a painted face mask or cap), and `vision score` on it.

Margins asserted here are the ones measured (see docs/mediapipe-comparison.md, "Issue 20"):
- every clip's person arrives: with a face (bare or under a cap) within 1.0 s (0.77 s measured,
  the face tracker's confirmation); masked, found as a head on shoulders (upper_body.py) in the
  faint motion of a body standing still, within 1.5 s (0.77-1.03 s measured; the first 0.5 s
  the background model learns the room, and presence holds);
- a small person walking across behind the player does not take the turn: the player's head
  stays where and as big as it is without the walker (clips `*_walker_behind`);
- an open hand or fist held beside the head at chin height or above ("no", "yes") is a raise of
  the signer's right hand within 1.0 s bare-faced or masked, 1.25 s under a cap (measured
  0.38-0.62 s, masked 0.48 s with no face to learn skin from: skin.py's generic range moved with
  the camera's white balance, and 0.58 s capped);
- hands at the mouth, the chin or the chest never raise;
- a head turned away (black hair painted over the face, clips `*_turned`) arrives within 1.5 s
  (0.77-0.87 s measured), found as a head on shoulders, and is not read for gestures: no skin
  between brow and mouth, so no hand is even looked for;
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
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.replay import file_frames

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
    assert {"mask", "cap", "turned", None} <= covers


def test_everyone_arrives_masked_or_not(result: dict) -> None:
    got = arrivals(result)
    for video, truth in load_set(SET):
        limit = 1.5 if truth["cover"] in ("mask", "turned") else 1.0
        assert got[video.parent.name] <= limit, (video.parent.name, got[video.parent.name])
    assert result["per_type"]["presence"]["recall"] == 1.0
    assert result["per_type"]["presence"]["false_events"] == 0


def player_heads(video: Path) -> list[tuple[float, float] | None]:
    """The player's head (middle x, size) in ROI widths, per frame once someone is present."""
    pipe = Pipeline()
    out: list[tuple[float, float] | None] = []
    for frame, t in file_frames(video):
        pipe.process(frame, t)
        body, rw = pipe.body, pipe.last_frame.roi_size[0]
        out.append((body.head_cx / rw, body.size / rw) if body is not None and pipe.presence.present else None)
    return out


@pytest.mark.parametrize("name", ["no_raise_right_walker_behind", "hungry_hand_at_chin_masked_walker_behind"])
def test_a_person_walking_behind_does_not_take_the_turn(result: dict, name: str) -> None:
    base = name.removesuffix("_walker_behind")
    alone, behind = player_heads(SET / base / "clip.mp4"), player_heads(SET / name / "clip.mp4")
    assert len(alone) == len(behind)
    both = [(a, b) for a, b in zip(alone, behind) if a is not None and b is not None]
    assert len(both) >= 0.3 * len(alone)
    for (ax, asize), (bx, bsize) in both:
        assert abs(bx - ax) <= 0.5 * asize and 0.7 <= bsize / asize <= 1.4, ((ax, asize), (bx, bsize))
        assert 0.35 <= bx <= 0.65 and bsize >= 0.08     # the signer's head, not the walker's (~0.045)
    events = {k: [e for e in result["clips"][k]["events"] if e["type"] != "select"] for k in (base, name)}
    assert [e["type"] for e in events[name]] == [e["type"] for e in events[base]], events


def test_a_hand_beside_the_head_is_a_raise_of_that_side(result: dict) -> None:
    for name, limit in (("no_raise_right", 1.0), ("no_raise_right_masked", 1.0), ("yes_wave_right", 1.0),
                        ("yes_wave_right_cap", 1.25)):
        clip = result["clips"][name]
        truth = next(e for e in load_set(SET) if e[0].parent.name == name)[1]
        t_up = next(e["t"] for e in truth["events"] if e["type"] == "raise")
        raises = [e for e in clip["events"] if e["type"] == "raise"]
        assert [e["side"] for e in raises] == ["right"], (name, raises)
        assert 0.0 <= raises[0]["t"] - t_up <= limit, (name, raises[0]["t"] - t_up)


def test_hands_at_mouth_chin_or_chest_never_raise(result: dict) -> None:
    quiet = [v.parent.name for v, truth in load_set(SET) if not any(e["type"] == "raise" for e in truth["events"])]
    assert len(quiet) == 11
    for name in quiet:
        assert [e for e in result["clips"][name]["events"] if e["type"] == "raise"] == [], name


def test_a_head_turned_away_is_someone_but_not_read_for_gestures(result: dict) -> None:
    turned = [v for v, truth in load_set(SET) if truth["cover"] == "turned"]
    assert len(turned) == 3
    for video in turned:
        pipe = Pipeline()
        seen = hands = 0
        for frame, t in file_frames(video):
            pipe.process(frame, t)
            seen += pipe.body is not None and pipe.body.from_shape and pipe.presence.present
            hands += bool(pipe.hands)
        assert seen >= 20, (video.parent.name, seen)        # followed as a head on shoulders
        assert hands == 0, (video.parent.name, hands)       # the back of a head: no gesture is read
        assert [e["type"] for e in result["clips"][video.parent.name]["events"]] == ["presence"]


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
