"""Privacy (PIPL): the vision code writes no file and logs no picture; faces are blurred.

The audit hook sees every file the Python side opens for writing (and file creation, renames,
removals); OpenCV's own writers are replaced by ones that fail, and the working directory (an
empty temporary folder) must still be empty afterwards.
"""
from __future__ import annotations

import logging

import cv2
import numpy as np
import pytest

import kiosk.bench.vision  # noqa: F401  (imported before auditing: importing writes .pyc files)
import kiosk.vision.replay  # noqa: F401
from kiosk.bench.vision import face_check
from kiosk.vision.faces import blur_faces, detect_faces
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.replay import blur_video, replay, run_frames
from kiosk.vision.sources import open_source
from tests import vision_clips as vc

from .support.media import needs_media
from .support.privacy import no_writes


def test_pipeline_and_replay_write_no_file(tmp_path, monkeypatch, caplog):
    clip = vc.clip_dwell()
    src = clip.write(tmp_path / "clip.avi")         # the synthetic input, made before auditing
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    caplog.set_level(logging.DEBUG)
    with no_writes(monkeypatch) as writes:
        events = list(replay(src, clip.targets))
        more = run_frames(vc.clip_qr().frames())
        p = Pipeline()
        frame = next(iter(clip.frames()))[0]
        state, _ = p.process(frame, 0.0)
        blur_faces(frame, state.faces, certain=state.faces_certain)
        blur_faces(frame)
    assert writes == []
    assert list(work.iterdir()) == []
    assert [e["target"] for e in events if e["type"] == "select"] == ["B", "A"]   # it did run
    assert any(e["type"] == "checkin" for e in more)
    for rec in caplog.records:          # nothing logged carries a picture
        assert not any(isinstance(a, np.ndarray) for a in (rec.args or ()))
        assert len(rec.getMessage()) < 500


def _face_frame() -> np.ndarray:
    for frame, t in vc.clip_raise().frames():
        if t >= 2.0:
            return frame
    raise AssertionError


def test_blur_faces_leaves_no_detectable_face_synthetic():
    frame = _face_frame()
    assert len(face_check(frame)) >= 1          # the drawn face is a face to OpenCV
    faces = detect_faces(frame)
    assert len(faces) == 1
    out = blur_faces(frame)
    assert face_check(out) == []
    assert out.shape == frame.shape and out is not frame
    # certain and given boxes: only the (grown) face region changes
    x, y, w, h = faces[0]
    out = blur_faces(frame, faces, certain=True)
    changed = np.nonzero((out != frame).any(axis=2))
    ys, xs = changed[0] / frame.shape[0], changed[1] / frame.shape[1]
    assert xs.min() >= x - 0.36 * w - 0.01 and xs.max() <= x + 1.36 * w + 0.01
    assert ys.min() >= y - 0.5 * h - 0.01 and ys.max() <= y + 1.36 * h + 0.01


def test_blur_whole_picture_when_unsure():
    frame = _face_frame()
    sharp = cv2.Laplacian(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()
    out = blur_faces(frame, [], certain=False)         # someone there, no face found
    assert cv2.Laplacian(cv2.cvtColor(out, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var() < 0.05 * sharp
    assert face_check(out) == []
    assert np.array_equal(blur_faces(frame, [], certain=False, uncertain="faces"), frame)


def test_blur_judges_unsure_from_the_picture():
    """Without the caller's judgement: a face-shaped skin patch no detector found (a head turned
    away from the cascades) blurs everything; an empty room is left alone."""
    room = next(iter(vc.clip_empty().frames()))[0]
    assert np.array_equal(blur_faces(room), room)
    turned = room.copy()
    cv2.ellipse(turned, (320, 200), (40, 52), 0, 0, 360, vc.SKIN, -1)    # a featureless head
    out = blur_faces(turned)
    assert not np.array_equal(out, turned)
    assert np.abs(out.astype(int) - turned.astype(int)).mean() > 2


def test_pipeline_flags_faces_uncertain_when_someone_is_there_without_a_face():
    """The corner view must blur everything then; the pipeline says so."""
    states = []
    run_frames(vc.clip_step_in_out().frames(), states=states)
    walking_off = [s for s in states if s.present and not s.faces]
    assert walking_off, "expected frames with a person present and no face found"
    assert not any(s.faces_certain for s in walking_off)
    standing = [s for s in states if 3.0 <= s.t <= 5.5]
    assert all(s.faces for s in standing)
    assert sum(s.faces_certain for s in standing) >= 0.8 * len(standing)   # mostly boxes only
    # stepping in: a person-sized shape before any face is found is already "unsure"
    entering = [s for s in states if 1.1 <= s.t < 2.0 and s.people]
    assert entering and not any(s.faces_certain and not s.faces for s in entering)
    assert not states[0].faces_certain               # background still being learnt


def test_blur_video_writes_a_blurred_copy(tmp_path):
    clip = vc.Clip("face", vc.Scene(1.0, 8.0, player_x=lambda t: 320.0, seed=4), [])
    src = clip.write(tmp_path / "in.avi")
    out = tmp_path / "out.mp4"
    summary = blur_video(src, out)
    assert summary["frames"] == 8
    reader = open_source(str(out))
    assert reader.size == (640, 480) and reader.fps == pytest.approx(8.0)
    n = 0
    while (item := reader.read()) is not None:
        assert face_check(item[0]) == [], f"face left in frame {n}"
        n += 1
    assert n == 8


MEDIA = vc.MEDIA


@needs_media
def test_blur_faces_on_the_real_gif():
    src = open_source(str(MEDIA / "face_head_pose_male.gif"))
    checked = 0
    i = 0
    while (item := src.read()) is not None:
        if i % 5 == 0:
            frame = item[0]
            assert face_check(frame), "the clip's face should be detectable before blurring"
            assert face_check(blur_faces(frame)) == [], f"frame {i}"
            checked += 1
        i += 1
    assert checked >= 12
