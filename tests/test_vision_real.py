"""The recognisers on real camera clips in ../shared/media (see its README). Skipped, with the
reason, where the folder is absent (e.g. a fresh clone without shared/ beside it).

Margins achieved and asserted here (measured: see `bench`):
- parking lot (cars, nobody): no presence, raise or select (a 3x3 grid of targets covers the
  whole screen, so any pointer resting anywhere for the dwell time would select);
- people walking in one by one: each of the 6 arrivals 0..2.5 s after the README's empty-room
  period ends (measured 1.6-2.1 s: we report arrival once someone has stopped, not while they
  walk in), each of the 6 leaves 0..2.0 s after it starts (measured 1.0-1.6 s, the 1.5 s leave
  hysteresis), nothing else;
- the ASL clip (a woman signing at chest height): presence within 1 s; no raised hand (her
  hands never go above her face, so none is correct); a hand found in every frame while her
  hands are up (MediaPipe Hands: 94-98 %);
- the GIF: timed from its own timestamps.
"""
from __future__ import annotations

import pytest

from kiosk.bench.vision import GRID, WALK_EMPTY
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.replay import file_frames, run_frames
from kiosk.vision.sources import open_source
from tests.vision_clips import MEDIA

from .support.media import needs_media


@needs_media
def test_parking_lot_wakes_and_selects_nothing():
    events = run_frames(file_frames(MEDIA / "no_people_car_parking_lot.mp4"), targets=GRID)
    kinds = [e["type"] for e in events]
    assert kinds.count("presence") == 0
    assert kinds.count("raise") == 0
    assert kinds.count("select") == 0
    assert events == []


@needs_media
def test_people_walking_arrive_and_leave_near_the_readme_times():
    events = run_frames(file_frames(MEDIA / "people_walking_one_by_one.mp4"), targets=GRID)
    presence = [e for e in events if e["type"] == "presence"]
    arrived = [e["t"] for e in presence if e["state"] == "arrived"]
    left = [e["t"] for e in presence if e["state"] == "left"]
    empty_ends = [b for _, b in WALK_EMPTY[:-1]]        # someone comes in
    empty_starts = [a for a, _ in WALK_EMPTY[1:]]       # they have gone
    assert len(arrived) == 6 and len(left) == 6
    for got, readme in zip(arrived, empty_ends):
        assert 0.0 <= got - readme <= 2.5, (got, readme)
    for got, readme in zip(left, empty_starts):
        assert 0.0 <= got - readme <= 2.0, (got, readme)
    # arrived and left alternate: no flapping
    assert [e["state"] for e in presence] == ["arrived", "left"] * 6
    # their backs are to the camera: no gesture is read from them
    assert [e for e in events if e["type"] in ("raise", "select", "swipe")] == []


@needs_media
def test_asl_clip_gives_presence_and_no_raise():
    states: list = []
    events = run_frames(file_frames(MEDIA / "gesture_asl_walk_two_hands.mkv"), states=states)
    arrived = [e["t"] for e in events if e.get("state") == "arrived"]
    assert arrived and arrived[0] <= 1.0
    assert [e for e in events if e["type"] == "raise"] == []
    assert sum(bool(s.faces) for s in states) >= 0.9 * len(states)     # her face is tracked


@needs_media
def test_asl_clip_hands_are_found_while_up():
    """Hand recall against MediaPipe (docs/mediapipe-comparison.md): while both her hands are up
    (0.4-2.2 s, README) MediaPipe Hands finds one in 94-98 % of frames; ours (`pipe.hands`) must
    find one in at least 95 % of that (measured: every frame). Hands are looked for on a facing
    person before presence confirms her (0.77 s: the clip starts with her in the picture), but
    gestures are not read from them until then: no pointer, no hand track."""
    pipe = Pipeline()
    up, early = [], []
    for frame, t in file_frames(MEDIA / "gesture_asl_walk_two_hands.mkv"):
        state, _ = pipe.process(frame, t)
        if 0.4 <= t < 2.2:
            up.append(bool(pipe.hands))
        if not state.present:
            early.append((state.pointer, len(pipe.hand_tracks.tracks), bool(state.hands) == bool(pipe.hands)))
    assert len(up) == 54
    assert sum(up) >= 0.95 * 0.98 * len(up), sum(up)
    assert early and all(pointer is None and tracks == 0 and boxed for pointer, tracks, boxed in early)


@needs_media
def test_gif_is_timed_from_its_own_timestamps():
    src = open_source(str(MEDIA / "face_head_pose_male.gif"))
    times = []
    while (item := src.read()) is not None:
        times.append(item[1])
    assert src.timing == "timestamps"
    assert len(times) == 62
    assert all(b > a for a, b in zip(times, times[1:]))
    assert 0.07 <= min(b - a for a, b in zip(times, times[1:])) <= max(b - a for a, b in zip(times, times[1:])) <= 0.1
    assert times[-1] == pytest.approx(5.08, abs=0.05)
