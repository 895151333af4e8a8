"""The live poll's hand count (kiosk/vision/poll_count.py, room_faces.py): raised hands counted
across a group by the one vision Pipeline while a poll runs (issue 9; issue 16: no second
pipeline), on synthetic group clips with ground truth (tests/vision_clips.py, group section),
the labelled real clips (tests/fixtures/vision/real) and the clips in ../shared/media (skipped,
with the reason, where absent).

"Settled" frames are those at least 1 s after the true counts last changed and 2 s into the
clip. Margins asserted here, with what was measured when they were set (CPU time per 640x480
frame on a loaded 2-core VM; figures from /tmp compare runs in the issue-16 report):
- empty room with noise, flicker, a brightness ramp and the lights switched on: 0 / 0, people 0
  on every frame;
- five children in a row (faces 36-50 px, an ear scratch, a hand at the chest, a lazy raise, a
  raise outwards, long sleeves): within +-1 on every settled frame, exact on >= 95% (measured
  100%, mirrored and not), people 5;
- nine children in two rows (back faces 24-30 px): within +-1 on every settled frame, exact on
  >= 60% (measured 72%: two hands that overlap in the picture count as one), people 9;
- a class of eighteen in three rows with random answers: within +-1 on >= 95% of settled
  frames, exact on >= 75%, mean error <= 0.15 per side (measured 100%, 94%, 0.03), people 18
  on >= 90% (measured 97%: the sweep needs ~2.5 s to confirm all eighteen);
- mirror off swaps the sides; "both" counts in both; the count shows a raise within 1.2 s;
- one face search: while a poll counts, the pipeline's own whole-picture face scan does not
  run and each frame gets at most one slice of the room sweep;
- speed: mean CPU time of a poll frame (the whole pipeline) under 45 ms on the class (a gross
  regression: measured ~31 ms, as the two pipelines together took before).
"""
from __future__ import annotations

import dataclasses
import json
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.vision import face_tracking, room_faces
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.poll_count import HandCount
from kiosk.vision.replay import file_frames
from kiosk.vision.settings import VisionSettings
from tests import vision_clips as vc

from .support.media import needs_media

NO_MIRROR = dataclasses.replace(VisionSettings(), mirror=False)


class Counter:
    """A pipeline counting a poll, fed one frame at a time."""

    def __init__(self, settings: VisionSettings | None = None):
        self.pipeline = Pipeline(settings)
        self.pipeline.count_hands(True)

    def update(self, frame: np.ndarray, t: float) -> HandCount:
        self.pipeline.process(frame, t)
        count = self.pipeline.hand_count
        assert count is not None
        return count


def run(clip: vc.GroupClip, settings: VisionSettings | None = None) -> list[tuple[HandCount, tuple, bool]]:
    """(count, truth, settled) per frame; truth (left, right, people) swapped when not mirrored."""
    hc = Counter(settings)
    changes = clip.changes()
    out = []
    for frame, t in clip.frames():
        c = hc.update(frame, t)
        left, right, people = clip.truth(t)
        if settings is not None and not settings.mirror:
            left, right = right, left
        settled = t >= 2.0 and all(not 0 <= t - tc < 1.0 for tc in changes)
        out.append((c, (left, right, people), settled))
    return out


@pytest.fixture(scope="module")
def results() -> dict[str, list]:
    cv2.setNumThreads(1)
    return {
        "row": run(vc.clip_group_row()),
        "row_no_mirror": run(vc.clip_group_row(), NO_MIRROR),
        "rows": run(vc.clip_group_rows()),
        "empty": run(vc.clip_group_empty()),
    }


def settled(rows: list) -> list:
    got = [(c, truth) for c, truth, s in rows if s]
    assert len(got) > 30
    return got


def exact(rows: list) -> float:
    return sum(c.left == L and c.right == R for c, (L, R, _) in rows) / len(rows)


def off_by_more_than_one(rows: list) -> list:
    return [(round(c.t, 2), (c.left, c.right), (L, R)) for c, (L, R, _) in rows
            if abs(c.left - L) > 1 or abs(c.right - R) > 1]


def test_hand_count_shape():
    c = HandCount(1.5, 2, 3, 9, False)
    assert (c.t, c.left, c.right, c.people, c.stable) == (1.5, 2, 3, 9, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.left = 4  # type: ignore[misc]


def test_empty_room_counts_nothing(results):
    """Noise, flicker, a brightness ramp and the lights switched on at 5 s: nobody, no hand."""
    rows = results["empty"]
    assert all((c.left, c.right, c.people) == (0, 0, 0) for c, _, _ in rows)
    assert rows[-1][0].stable


@pytest.mark.parametrize("name", ["row", "row_no_mirror"])
def test_row_of_five_counts_right(results, name):
    rows = settled(results[name])
    assert off_by_more_than_one(rows) == []
    assert exact(rows) >= 0.95
    assert all(c.people == 5 for c, _ in rows)


def test_row_poll_values(results):
    """Poll 1: two right hands and one left while one child scratches an ear and one holds a
    hand at the chest; poll 2: one child both, others left, right and a lazy raise."""
    at = {round(c.t, 2): c for c, _, _ in results["row"]}
    assert (at[5.0].left, at[5.0].right) == (1, 2)
    assert (at[11.0].left, at[11.0].right) == (2, 3)
    assert (at[7.6].left, at[7.6].right) == (0, 0)      # all hands down between the polls


def test_mirror_off_swaps_sides(results):
    """Mirrored (default) the child's right hand is on the right of the picture; with mirror
    off the same clip gives the sides swapped."""
    on = {round(c.t, 2): c for c, _, _ in results["row"]}
    off = {round(c.t, 2): c for c, _, _ in results["row_no_mirror"]}
    for t in (5.0, 11.0):
        assert (off[t].left, off[t].right) == (on[t].right, on[t].left)
        assert on[t].left != on[t].right


def test_two_rows_small_faces_behind(results):
    """Five faces of 24-30 px at the back, four nearer children in front of them; front-row
    hands rise in front of the back row."""
    rows = settled(results["rows"])
    assert off_by_more_than_one(rows) == []
    assert exact(rows) >= 0.6
    assert sum(c.people == 9 for c, _ in rows) >= 0.95 * len(rows)


def test_class_of_eighteen():
    cv2.setNumThreads(1)
    clip = vc.clip_group_class()
    hc = Counter()
    changes = clip.changes()
    rows, cpu = [], []
    for frame, t in clip.frames():
        c0 = time.thread_time()
        c = hc.update(frame, t)
        cpu.append((time.thread_time() - c0) * 1000.0)
        if t >= 2.0 and all(not 0 <= t - tc < 1.0 for tc in changes):
            rows.append((c, clip.truth(t)))
    within = 1 - len(off_by_more_than_one(rows)) / len(rows)
    error = sum(abs(c.left - L) + abs(c.right - R) for c, (L, R, _) in rows) / (2 * len(rows))
    assert within >= 0.95, off_by_more_than_one(rows)
    assert exact(rows) >= 0.75
    assert error <= 0.15
    assert sum(c.people == 18 for c, _ in rows) >= 0.9 * len(rows)
    assert max(c.left + c.right for c, _ in rows) > 5       # the polls were seen at all
    assert statistics.mean(cpu) < 45.0


def test_both_hands_count_in_both_sides():
    kids = [vc.Kid(150, 240, 46, right=((2.5, "up"),), left=((2.5, "up"),)),
            vc.Kid(320, 236, 42, skin=vc.SKINS[1], shirt=vc.SHIRTS[2], phase=1.0),
            vc.Kid(490, 242, 44, right=((2.5, "chest"),), skin=vc.SKINS[2], shirt=vc.SHIRTS[1], phase=2.0)]
    clip = vc.GroupClip("both", vc.GroupScene(5.0, kids, 15.0, gain=vc.group_flicker, seed=30))
    last = run(clip)[-1][0]
    assert (last.left, last.right, last.people) == (1, 1, 3)


def test_latency_and_stable_flag(results):
    """A raise shows within 1.2 s of the hand reaching the top; `stable` goes off when the count
    changes and comes back once it has held for a second."""
    counts = [c for c, _, _ in results["row"]]
    first = next(c.t for c in counts if (c.left, c.right) == (1, 2))
    assert first - (2.6 + vc.GROUP_MOVE_S) <= 1.2
    changed = [b.t for a, b in zip(counts, counts[1:]) if (a.left, a.right) != (b.left, b.right)]
    assert changed
    for t in changed:
        assert not next(c for c in counts if c.t == t).stable
    held = [c for c in counts if 4.5 <= c.t <= 6.0]
    assert held and all(c.stable for c in held)


def test_odd_frames_do_not_break_it():
    hc = Counter()
    for i, shape in enumerate([(480, 640), (240, 320, 3), (1080, 1920, 3), (97, 131, 3), (480, 640, 3)]):
        c = hc.update(np.full(shape, 128, np.uint8), i / 10)
        assert (c.left, c.right, c.people) == (0, 0, 0)
    assert hc.update(np.zeros((480, 640, 3), np.uint8), 0.0).people == 0    # time went back: starts again


def test_writes_no_file(tmp_path, monkeypatch):
    from tests.support.privacy import no_writes

    frames = list(vc.clip_group_row().frames())[:40]
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    with no_writes(monkeypatch) as writes:
        hc = Counter()
        for frame, t in frames:
            hc.update(frame, t)
    assert writes == []
    assert list(work.iterdir()) == []


@needs_media
def test_real_asl_clip_hands_at_chest_are_not_raised():
    """A woman signing with both hands at chest height, never above her head: nothing raised;
    her face is the only one (a 20 px "face" in her hoodie's print is refuted)."""
    hc = Counter()
    counts = [hc.update(frame, t) for frame, t in file_frames(vc.MEDIA / "gesture_asl_walk_two_hands.mkv")]
    assert len(counts) > 80
    assert max(max(c.left, c.right) for c in counts) == 0
    assert max(c.people for c in counts) == 1
    assert counts[-1].people == 1


@needs_media
def test_real_face_gif_is_one_person():
    hc = Counter()
    counts = [hc.update(frame, t) for frame, t in file_frames(vc.MEDIA / "face_head_pose_male.gif")]
    assert max(c.people for c in counts) == 1
    assert all(c.people == 1 for c in counts if c.t >= 2.5)
    assert max(max(c.left, c.right) for c in counts) == 0


@needs_media
def test_real_people_with_their_backs_turned_are_nobody():
    """People walking in and standing at a table with their backs to the camera, on a wooden
    (skin-coloured) floor: nobody faces the camera, so nobody votes. A "face" in the floor's
    grain that the permissive sweep proposes is refuted by the close look."""
    hc = Counter()
    counts = [hc.update(frame, t) for frame, t in file_frames(vc.MEDIA / "people_walking_one_by_one.mp4")]
    assert len(counts) > 1300
    assert all((c.left, c.right, c.people) == (0, 0, 0) for c in counts)


@needs_media
def test_real_parking_lot_has_nobody():
    hc = Counter()
    counts = [hc.update(frame, t) for frame, t in file_frames(vc.MEDIA / "no_people_car_parking_lot.mp4")]
    assert all((c.left, c.right, c.people) == (0, 0, 0) for c in counts)


REAL = Path(__file__).parent / "fixtures" / "vision" / "real"


def test_labelled_real_clips():
    """One person each (masks and caps among them): hands at the chest, mouth or chin never count;
    a raise or a wave of the right hand at head height counts one right hand (the pipeline's own
    raise rule, for someone alone) in 3 of the 4 clips (measured: the masked "no" is missed; the
    old separate counter missed all four)."""
    missed = 0
    for folder in sorted(d for d in REAL.iterdir() if (d / "truth.json").is_file()):
        truth = json.loads((folder / "truth.json").read_text())
        want = [int(side in {e["side"] for e in truth["events"] if e["type"] == "raise"}) for side in ("left", "right")]
        hc = Counter()
        counts = [hc.update(frame, t) for frame, t in file_frames(folder / "clip.mp4")]
        got = [max(c.left for c in counts), max(c.right for c in counts)]
        assert got[0] <= want[0] and got[1] <= want[1], folder.name
        assert max(c.people for c in counts) <= 1, folder.name
        missed += sum(want) - sum(got)
    assert missed <= 1


def _detector_calls(monkeypatch, poll: bool) -> tuple[list[tuple[str, tuple]], int]:
    """(module, picture shape) of every Haar search made while the pipeline runs 60 frames of
    the row of five, with a poll counting or not; and the shape of the pipeline's picture."""
    calls: list[tuple[str, tuple]] = []

    class Counted:
        def __init__(self, where: str, real: cv2.CascadeClassifier):
            self.where, self.real = where, real

        def detectMultiScale(self, img, *args, **kw):  # noqa: N802 - OpenCV's name
            calls.append((self.where, img.shape[:2]))
            return self.real.detectMultiScale(img, *args, **kw)

    for module in (face_tracking, room_faces):
        real = module.cascade
        monkeypatch.setattr(module, "cascade", lambda name, m=module, r=real: Counted(m.__name__, r(name)))
    p = Pipeline()
    p.count_hands(poll)
    frames = list(vc.clip_group_row().frames())[:60]
    for frame, t in frames:
        p.process(frame, t)
    return calls, p.last_frame.gray_full.shape


def test_one_face_search_during_a_poll(monkeypatch):
    """Without a poll the tracker searches the whole picture every face_scan_s; with one that
    scan is replaced by the room sweep (one slice a frame: at most two passes and LOOKS close
    looks), never run beside it, and the tracker only re-finds faces near where they were."""
    off, whole = _detector_calls(monkeypatch, poll=False)
    tracker = "kiosk.vision.face_tracking"
    assert sum(shape == whole for where, shape in off if where == tracker) >= 5
    assert all(where == tracker for where, _ in off)
    on, whole = _detector_calls(monkeypatch, poll=True)
    assert not any(shape == whole for where, shape in on if where == tracker)
    sweep = [shape for where, shape in on if where == "kiosk.vision.room_faces"]
    assert len(sweep) >= 30                              # the poll did search for faces
    assert len(sweep) <= 60 * (2 + room_faces.LOOKS)


def test_camera_publishes_the_pipelines_count():
    """CameraInput.count_hands(True) makes the camera's own pipeline count (view.hands, a
    HandCount); off, the count goes and the next poll starts afresh."""
    from kiosk.input.camera import CameraInput
    from kiosk.vision.faces import blur_faces

    from .support.wait import wait_for

    made: list[Pipeline] = []

    class Source:
        def __init__(self) -> None:
            self.frames = iter(list(vc.clip_group_row().frames())[:90])

        def read(self):
            return next(self.frames, None)

        def close(self) -> None:
            pass

    def make(settings):
        made.append(Pipeline(settings))
        return made[-1]

    camera = CameraInput(Source, make, VisionSettings(), blur_faces, realtime=False, retry_s=60.0)
    camera.count_hands(True)
    camera.start()
    try:
        wait_for(lambda: isinstance(camera.view.hands, HandCount) and camera.view.hands.people == 5,
                 what="the poll's count of the row of five")
        assert made[0].poll is not None
        camera.count_hands(False)
        wait_for(lambda: camera.view.hands is None or camera.view.status == "retrying", what="the count to stop")
    finally:
        camera.stop()
    assert made[0].poll is None and made[0].hand_count is None
